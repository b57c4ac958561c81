"""Starting the mock from a command: `python -m mock_server` and the console script
`aatrox-sms-mock` (pyproject.toml) run the same `mock_server.cli.main`."""

from __future__ import annotations

import warnings


def quiet_connexion_import() -> None:
    """Silence the one warning importing connexion gives: connexion 3.3 imports starlette's
    TestClient at import time, which under starlette 1.x warns about httpx. The mock never uses
    it, and users should not see that on every start (nor have their `-W error` tests fail)."""
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")


def run(prog: str = "aatrox-sms-mock") -> int:
    """The console script: the mock's command line, its usage line naming `prog`."""
    quiet_connexion_import()  # before the import below, which imports connexion
    from mock_server.cli import main  # after the filter

    return main(prog=prog)
