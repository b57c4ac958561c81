"""`python -m mock_server`: serve the mock (see `mock_server.cli`)."""

from mock_server.console import run

raise SystemExit(run("python -m mock_server"))
