"""Small helpers shared by the tests: servers started on a free port and waited for."""
