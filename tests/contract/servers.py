"""The live servers the contract targets talk to: the connexion mock under uvicorn (in a thread of
this process, so that its app validates its own responses; over HTTP, and over HTTPS) and Prism
(subprocesses started by tests.support.prism, their output kept: when one dies, the failure
shows why). Each binds 127.0.0.1 on a free port, is waited for with a deadline, and stops when
its `with` block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from schemathesis import Case
from starlette.types import ASGIApp

from mock_server.server import ThreadedServer
from mock_server.tls import Https
from tests.contract.targets import Target
from tests.support.prism import PrismProcess

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"


@contextmanager
def uvicorn_thread(app: ASGIApp, https: Https | None = None) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port in a daemon thread (the product's own way, as
    `MockServer` and the fixture serve), over HTTPS with `https`; yield its base URL."""
    with ThreadedServer(app, https=https) as server:
        yield server.base_url


@dataclass(frozen=True)
class Endpoint:
    """How to call a running target: its base URL, or the app itself for the in-process one."""

    target: Target
    base_url: str
    app: ASGIApp | None = None
    prism: PrismProcess | None = None
    #: A client of the mock's control API (/_mock), for the targets a connexion mock serves.
    control: httpx.Client | None = None
    #: The CA file every call verifies the server's certificate against (HTTPS only).
    ca_file: Path | None = None

    @contextmanager
    def reached_by(self, case: Case[Any]) -> Iterator[dict[str, Any]]:
        """The keyword arguments of `case.call_and_validate` for this target, valid in the block.

        Schemathesis reaches an app in-process only through the `app` of the case's operation
        and schema (the probes of checks such as ignored_auth drop a per-call session), so for
        the in-process target both are set for the duration of the call.
        """
        if self.app is None:
            verify = {} if self.ca_file is None else {"verify": str(self.ca_file)}
            yield {"base_url": self.base_url, **verify}
            return
        operation = case.operation
        operation.app = operation.schema.app = self.app
        try:
            yield {"base_url": self.base_url}
        finally:
            operation.app = operation.schema.app = None

    def dead_log(self) -> str | None:
        """The end of the log of a target process that died, else None."""
        if self.prism is None or self.prism.alive():
            return None
        return self.prism.log_tail()
