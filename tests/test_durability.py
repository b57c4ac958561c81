"""The SQLite store (`--db`) as served by `python -m mock_server`: a send answered 200 is never
lost, also when the process is killed with SIGKILL under load; several workers share one store.

Real processes on loopback; bounded in count and time.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.support.live_server import live_server

AUTH = {"Authorization": "Bearer dev-token"}
SEND = "/api/v2/sms/send"
BODY = {"from": "+61491570156", "to": "+61491570157", "text": "Durable?"}
THREADS = 4
KILL_AFTER = 200  # answered sends
MAX_SENDS_PER_THREAD = 2_000
DEADLINE_S = 30.0


def _every_message(http: httpx.Client) -> list[dict[str, Any]]:
    """Every stored message, page after page (the listing is paged)."""
    messages: list[dict[str, Any]] = []
    params: dict[str, str] = {}
    while True:
        page = http.get("/_mock/messages", params=params).json()
        messages += page["messages"]
        if page["next_cursor"] is None:
            return messages
        params["cursor"] = page["next_cursor"]


def test_every_send_answered_200_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "durable.sqlite"
    answered: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    with live_server(["--db", str(db)]) as server:

        def load() -> None:
            with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http:
                for _ in range(MAX_SENDS_PER_THREAD):
                    try:
                        response = http.post(SEND, json=BODY)
                    except httpx.TransportError:
                        return  # the server is gone: the kill
                    if response.status_code != 200:
                        failures.append(AssertionError(f"{response.status_code} {response.text}"))
                        return
                    with lock:
                        answered.append(response.json()["id"])

        threads = [threading.Thread(target=load, daemon=True) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + DEADLINE_S
        while len(answered) < KILL_AFTER and time.monotonic() < deadline:
            assert any(thread.is_alive() for thread in threads), failures
            time.sleep(0.002)
        os.kill(server.process.pid, signal.SIGKILL)
        assert server.process.wait(timeout=10) == -signal.SIGKILL
        for thread in threads:
            thread.join(timeout=15)
        assert not any(thread.is_alive() for thread in threads)
        still_loading = len(answered)

    assert failures == []
    assert len(answered) >= KILL_AFTER, f"only {len(answered)} sends in {DEADLINE_S} s"
    assert still_loading < THREADS * MAX_SENDS_PER_THREAD, "the load was over before the kill"

    with (
        live_server(["--db", str(db)]) as again,
        httpx.Client(base_url=again.base_url, headers=AUTH, timeout=10) as http,
    ):
        lost = [id_ for id_ in answered if http.get(f"/api/v2/sms/{id_}").status_code != 200]
        stored = _every_message(http)
    assert lost == []
    assert len(stored) >= len(answered)


def _connections_per_worker(server_pid: int, port: int) -> dict[int, int]:
    """How many open connections to `port` each child process of the server holds."""
    counts: dict[int, int] = {}
    for child in psutil.Process(server_pid).children():
        held = [c for c in child.net_connections("tcp") if getattr(c.laddr, "port", None) == port]
        if held:
            counts[child.pid] = len(held)
    return counts


def test_two_workers_share_one_store(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite"
    with live_server(["--db", str(db), "--workers", "2"]) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as one:
            sent = one.post(SEND, json=BODY)
            assert sent.status_code == 200, sent.text
            message_id = sent.json()["id"]

        # New connections until both workers hold some (the second may still be starting);
        # each reads the message sent through the first connection, and sends one.
        clients: list[httpx.Client] = []
        sent_ids = [message_id]
        deadline = time.monotonic() + DEADLINE_S
        try:
            while time.monotonic() < deadline and len(clients) < 200:
                http = httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10)
                clients.append(http)
                read = http.get(f"/api/v2/sms/{message_id}")
                assert read.status_code == 200, read.text
                assert read.json()["id"] == message_id
                created = http.post(SEND, json=BODY)
                assert created.status_code == 200, created.text
                sent_ids.append(created.json()["id"])
                if (
                    len(clients) >= 10
                    and len(_connections_per_worker(server.process.pid, port)) >= 2
                ):
                    break
            workers = _connections_per_worker(server.process.pid, port)
            assert len(workers) >= 2, f"one worker answered every connection: {workers}"
            # Everything sent through any worker is seen through one connection.
            everything = _every_message(clients[0])
            assert [m["id"] for m in everything] == sent_ids
        finally:
            for http in clients:
                http.close()
