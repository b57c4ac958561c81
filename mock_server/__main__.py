"""`python -m mock_server`: serve the mock (see `mock_server.cli`)."""

import warnings

# connexion 3.3 imports starlette's TestClient at import time, which under starlette 1.x warns
# about httpx; the mock never uses it, and users should not see that on every start.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from mock_server.cli import main  # noqa: E402 - after the filter, which must precede connexion

raise SystemExit(main())
