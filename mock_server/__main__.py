"""`python -m mock_server`: serve the mock (see `mock_server.cli`)."""

from mock_server.cli import main

raise SystemExit(main())
