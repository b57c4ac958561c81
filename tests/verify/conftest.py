"""A fresh mock (the one app factory, the default config) served by uvicorn in a thread, with or
without a drift; and `verify`, which runs the command in this process against a URL."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_verify.cli import TOKEN_ENV, main
from tests.contract.servers import uvicorn_thread
from tests.verify.doubles import Drifting, Rewrite

#: The default config's token that may send from any number (not a secret).
TOKEN = "dev-token"
SENDER = "+61491570156"
RECIPIENT = "+61491570157"


@dataclass(frozen=True)
class Run:
    exit_status: int
    output: str
    junit: Path


Serve = Callable[[Rewrite], AbstractContextManager[tuple[str, Drifting]]]
Verify = Callable[..., Run]


@pytest.fixture
def serve() -> Serve:
    @contextmanager
    def serving(rewrite: Rewrite) -> Iterator[tuple[str, Drifting]]:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
            from mock_server.app import create_app
            from mock_server.sms.config import default_config

        double = Drifting(create_app(default_config()), rewrite)
        with uvicorn_thread(double) as base_url:
            yield base_url, double

    return serving


@pytest.fixture
def verify(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Verify:
    """`verify(url, *flags, send=True, prism=False, junit=True)`: the command's exit status,
    output, JUnit (asked for with `--junit` unless junit=False)."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)

    def run(
        base_url: str, *flags: str, send: bool = True, prism: bool = False, junit: bool = True
    ) -> Run:
        report = tmp_path / "reports" / "verify.xml"
        argv = ["--base-url", base_url, *(["--junit", str(report)] if junit else []), *flags]
        argv += ["--from", SENDER, "--to", RECIPIENT] if send else []
        argv += [] if prism else ["--no-prism"]
        status = main(argv)
        captured = capsys.readouterr()
        return Run(status, captured.out + captured.err, report)

    return run
