"""The command line's part in who may talk to the mock (docs/security.md): `--allowed-host`,
`--control-token`, the refusal to listen beyond loopback without a key, the banner; and logs
without noise. `uvicorn.run` is replaced (tests/test_cli.py's `served`), so nothing is served."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.testclient import TestClient

from mock_server import cli
from tests.test_cli import Served

KEY = "s3cr3t-control-key"
LOCAL_PEER = ("127.0.0.1", 40000)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    # As tests/test_cli.py's: none of our variables, and whatever `main` exports is undone.
    clean = {key: value for key, value in os.environ.items() if not key.startswith(cli.ENV)}
    monkeypatch.setattr(os, "environ", clean)
    fake = Served()
    monkeypatch.setattr(uvicorn, "run", fake)
    return fake


def _app(served: Served) -> Any:
    [(args, _)] = served.calls
    return args[0]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "mock.example"])
def test_a_mock_reachable_from_other_machines_needs_a_control_key(
    served: Served, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert cli.main(["--host", host]) == 2
    assert "--control-token" in capsys.readouterr().err
    assert served.calls == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_needs_no_key(served: Served, host: str) -> None:
    assert cli.main(["--host", host]) == 0
    with TestClient(_app(served), base_url="http://localhost", client=LOCAL_PEER) as http:
        assert http.get("/_mock/messages").status_code == 200


def test_the_control_key_is_asked_for_and_never_printed(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--host", "0.0.0.0", "--control-token", KEY]) == 0
    out = capsys.readouterr().out
    assert "Control key: required" in out
    assert KEY not in out
    with TestClient(_app(served), base_url="http://localhost", client=LOCAL_PEER) as http:
        assert http.get("/_mock/messages").status_code == 401
        key = {"Authorization": f"Bearer {KEY}"}
        assert http.get("/_mock/messages", headers=key).status_code == 200


def test_allowed_hosts_come_from_flags_and_the_environment(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AATROX_MOCK_ALLOWED_HOSTS", "one.internal, two.internal")
    assert cli.main(["--allowed-host", "three.internal"]) == 0
    assert "one.internal, two.internal, three.internal" in capsys.readouterr().out
    with TestClient(_app(served), client=LOCAL_PEER) as http:
        for host in ("one.internal", "two.internal:80", "three.internal:8080", "localhost"):
            assert http.get("/_mock/health", headers={"Host": host}).status_code == 200
        assert http.get("/_mock/health", headers={"Host": "four.internal"}).status_code == 400


def test_workers_get_the_key_and_the_hosts(
    served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    argv = ["--workers", "2", "--db", str(tmp_path / "db.sqlite"), "--control-token", KEY]
    assert cli.main([*argv, "--allowed-host", "w.internal"]) == 0
    app: Any = cli.app_from_env()
    with TestClient(app, client=LOCAL_PEER) as http:
        host = {"Host": "w.internal"}
        assert http.get("/_mock/messages", headers=host).status_code == 401
        keyed = {**host, "Authorization": f"Bearer {KEY}"}
        assert http.get("/_mock/messages", headers=keyed).status_code == 200


@pytest.fixture
def connexion_log_level() -> Iterator[None]:
    logger = logging.getLogger("connexion.middleware.exceptions")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.mark.usefixtures("connexion_log_level")
def test_an_answer_the_spec_documents_logs_no_exception(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    assert cli.main([]) == 0
    with (
        caplog.at_level(logging.INFO),
        TestClient(_app(served), base_url="http://localhost", client=LOCAL_PEER) as http,
    ):
        assert http.get("/nowhere").status_code == 404
        assert http.get("/api/v2/sms/history").status_code == 401
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in logged] == []
