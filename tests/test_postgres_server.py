"""`python -m mock_server --db postgresql://...` as served: the password is never printed, a
send answered 200 outlives the process, a store that waits is a bounded 500 while health answers
at once, and two mock processes on one database share messages, ids, cursors, the manual clock
and the faults.

Real processes on loopback, on the session's throwaway cluster (tests/support/postgres.py).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from mock_server.sms.config import DEFAULT_CONFIG_YAML
from tests.support import postgres
from tests.support.live_server import ROOT, live_server

AUTH = {"Authorization": "Bearer dev-token"}
SEND = "/api/v2/sms/send"
HISTORY = "/api/v2/sms/history"
FROM, TO = "+61491570156", "+61491570157"
BODY = {"from": FROM, "to": TO, "text": "Shared?"}
STORE_TIMEOUT_S = 1.0
AT_ONCE_S = 0.5
#: The advisory lock that PostgresStore's writers take (a send waits for it).
MESSAGES_LOCK = 0x6161_7472_6F78_0002


@pytest.fixture
def url(postgres_cluster: postgres.Cluster) -> str:
    return postgres_cluster.new_database()


def test_the_password_is_never_printed_and_a_send_outlives_the_process(
    url: str, postgres_cluster: postgres.Cluster
) -> None:
    with (
        live_server(["--db", url]) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http,
    ):
        sent = http.post(SEND, json=BODY)
        assert sent.status_code == 200, sent.text
        log = server.log()
    assert "PostgreSQL postgresql://" in log
    assert postgres_cluster.password not in log
    with (
        live_server(["--db", url]) as again,
        httpx.Client(base_url=again.base_url, headers=AUTH, timeout=10) as http,
    ):
        read = http.get(f"/api/v2/sms/{sent.json()['id']}")
        assert read.status_code == 200, read.text
        assert read.json()["text"] == BODY["text"]


def test_a_wrong_password_stops_the_mock_without_printing_it(url: str) -> None:
    wrong = "not-the-password-" + "x" * 8
    bad = url.replace(url.split(":")[2].split("@")[0], wrong)
    done = subprocess.run(
        [sys.executable, "-m", "mock_server", "--port", "0", "--db", bad, "--store-timeout", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "PostgreSQL store" in done.stderr
    assert wrong not in done.stdout + done.stderr


def test_a_locked_store_delays_only_the_calls_that_need_it(url: str) -> None:
    args = ["--db", url, "--store-timeout", str(STORE_TIMEOUT_S)]
    with (
        live_server(args) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http,
        psycopg.connect(url, autocommit=True) as holder,
    ):
        assert http.post(SEND, json=BODY).status_code == 200
        holder.execute("SELECT pg_advisory_lock(%s)", (MESSAGES_LOCK,))
        answers: list[httpx.Response] = []
        sending = threading.Thread(target=lambda: answers.append(http.post(SEND, json=BODY)))
        started = time.monotonic()
        sending.start()
        time.sleep(0.2)
        with httpx.Client(base_url=server.base_url, timeout=30) as other:
            for path in ("/_mock/health", "/"):
                began = time.monotonic()
                assert other.get(path).status_code == 200
                assert time.monotonic() - began < AT_ONCE_S, path
        sending.join(timeout=30)
        took = time.monotonic() - started
        holder.execute("SELECT pg_advisory_unlock(%s)", (MESSAGES_LOCK,))
        [answer] = answers
        assert answer.status_code == 500, answer.text
        assert "PostgreSQL store" in answer.json()["detail"]
        assert took < STORE_TIMEOUT_S + 2.5, took
        assert "Traceback" not in server.log()
        assert len(http.get("/_mock/messages").json()["messages"]) == 1


def test_a_locked_accounts_state_delays_only_the_calls_that_authenticate(url: str) -> None:
    # Authentication reads the run-time accounts from the store: off the event loop too.
    args = ["--db", url, "--store-timeout", str(STORE_TIMEOUT_S)]
    with (
        live_server(args) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http,
        psycopg.connect(url) as holder,  # not autocommit: the lock lasts until the rollback
    ):
        assert http.post(SEND, json=BODY).status_code == 200
        holder.execute("LOCK TABLE aatrox_state IN ACCESS EXCLUSIVE MODE")
        answers: list[httpx.Response] = []
        history = threading.Thread(target=lambda: answers.append(http.get(HISTORY + "?limit=1")))
        history.start()
        with httpx.Client(base_url=server.base_url, timeout=30) as other:
            while history.is_alive():  # through every read the call makes, each its own wait
                for path in ("/_mock/health", "/"):
                    began = time.monotonic()
                    assert other.get(path).status_code == 200
                    assert time.monotonic() - began < AT_ONCE_S, path
        history.join(timeout=30)
        holder.rollback()
        [answer] = answers
        assert answer.status_code == 500, answer.text
        assert "PostgreSQL store" in answer.json()["detail"]
        assert http.get(HISTORY + "?limit=1").status_code == 200


def test_two_mocks_on_one_database_act_as_one(url: str, tmp_path: Path) -> None:
    config = tmp_path / "manual.yaml"
    config.write_text(DEFAULT_CONFIG_YAML.replace("clock: real", "clock: manual"))
    args = ["--db", url, "--config", str(config)]
    with (
        live_server(args) as one_server,
        live_server(args) as two_server,
        httpx.Client(base_url=one_server.base_url, headers=AUTH, timeout=10) as one,
        httpx.Client(base_url=two_server.base_url, headers=AUTH, timeout=10) as two,
    ):
        ids = []
        for index in range(5):
            sent = (one, two)[index % 2].post(SEND, json=BODY)
            assert sent.status_code == 200, sent.text
            ids.append(sent.json()["id"])
        assert two.get(f"/api/v2/sms/{ids[0]}").json()["status"] == "queued"
        # History paged alternating hosts: one's cursor is honoured by the other.
        paged: list[str] = []
        cursor: str | None = None
        for client in (one, two, one, two, one, two):
            params: dict[str, str | int] = {"limit": 2}
            if cursor is not None:
                params["cursor"] = cursor
            page = client.get(HISTORY, params=params)
            assert page.status_code == 200, page.text
            paged += [entry["id"] for entry in page.json()["messages"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert paged == ids
        # The manual clock moved through one is the other's clock.
        moved = one.post("/_mock/clock/advance", json={"seconds": 3600}).json()["now"]
        assert two.get(f"/api/v2/sms/{ids[0]}").json()["status"] == "delivered"
        assert two.post("/_mock/clock/advance", json={"seconds": 0}).json()["now"] == moved
        # A fault set through one fails the other's public calls.
        assert (
            one.put("/_mock/faults", json={"error_rate": 1.0, "latency_ms": 0}).status_code == 200
        )
        assert two.get(f"/api/v2/sms/{ids[0]}").status_code == 500
        assert two.delete("/_mock/faults").status_code == 200
        assert one.get(f"/api/v2/sms/{ids[0]}").status_code == 200
        # A reset through one empties the other.
        assert two.post("/_mock/reset").status_code == 204
        assert one.get("/_mock/messages").json()["messages"] == []
        # A token issued through one is the other's too, and so is its revocation.
        issued = one.post("/_mock/tokens", json={"account": "dev"})
        assert issued.status_code == 201, issued.text
        bearer = {"Authorization": f"Bearer {issued.json()['token']}"}
        assert two.post(SEND, json=BODY, headers=bearer).status_code == 200
        revoked = two.post("/_mock/tokens/revoke", json={"token": issued.json()["token"]})
        assert revoked.status_code == 204, revoked.text
        assert one.post(SEND, json=BODY, headers=bearer).status_code == 401


def test_worker_processes_share_the_postgres_store(url: str) -> None:
    with live_server(["--db", url, "--workers", "2"]) as server:
        sent_ids = []
        for _ in range(10):  # new connections, spread over both workers
            with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http:
                sent = http.post(SEND, json=BODY)
                assert sent.status_code == 200, sent.text
                sent_ids.append(sent.json()["id"])
        with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http:
            listed = [m["id"] for m in http.get("/_mock/messages").json()["messages"]]
        assert listed == sent_ids
