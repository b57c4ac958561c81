"""Starting the mock from a command: `python -m mock_server` and the console script
`aatrox-sms-mock` (pyproject.toml) run the same `mock_server.cli.main`."""

from __future__ import annotations

import logging
import warnings


def quiet_connexion_import() -> None:
    """Silence the warnings importing connexion 3.3 gives, about its own imports: starlette's
    TestClient (which under starlette 1.x warns about httpx; the mock never uses it) and
    jsonschema's RefResolver API. Users should not see them on every start, nor have their
    `-W error` test suites fail on them (the pytest plugin imports the mock in their process)."""
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    for deprecated in ("jsonschema.RefResolver", "jsonschema.exceptions.RefResolutionError"):
        warnings.filterwarnings(
            "ignore", message=f"{deprecated} is deprecated", category=DeprecationWarning
        )


def worker_app() -> object:
    """The app of one `--workers` process: uvicorn imports this in a fresh interpreter, where
    the parent's warning filters are gone, so it sets them before connexion is imported."""
    quiet_connexion_import()
    from mock_server.cli import app_from_env  # after the filter

    return app_from_env()


def quiet_documented_problems() -> None:
    """connexion logs every 4xx it renders (`HTTPException(status_code=404, ...)`) as a warning,
    even with the access log off: each is an answer the spec documents, not a fault of the mock.
    Its errors (5xx, unexpected exceptions) are still logged."""
    logging.getLogger("connexion.middleware.exceptions").setLevel(logging.ERROR)


def run(prog: str = "aatrox-sms-mock") -> int:
    """The console script: the mock's command line, its usage line naming `prog`."""
    quiet_connexion_import()  # before the import below, which imports connexion
    from mock_server.cli import main  # after the filter

    return main(prog=prog)
