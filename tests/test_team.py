"""Two mock processes on one PostgreSQL database behind a round-robin load balancer (Debian's
haproxy, installed when root and missing, else a skip): calls alternate hosts and still act as
one mock, and a host killed with SIGKILL during concurrent sends loses none that was answered 200.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mock_server.sms.config import DEFAULT_CONFIG_YAML
from tests.support import postgres
from tests.support.debian import ensure_commands
from tests.support.live_server import live_server
from tests.support.ports import free_port
from tests.support.waiting import wait_until_answering

AUTH = {"Authorization": "Bearer dev-token"}
SEND = "/api/v2/sms/send"
HISTORY = "/api/v2/sms/history"
BODY = {"from": "+61491570156", "to": "+61491570157", "text": "Behind a balancer"}
THREADS = 4
KILL_AFTER = 100  # answered sends
DEADLINE_S = 30.0

_HAPROXY_CONFIG = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend mocks
    bind 127.0.0.1:{port}
    default_backend hosts
    http-response set-header X-Served-By %[srv_name]
backend hosts
    balance roundrobin
    # With a Host header: the mock answers a request without one 400 (a foreign page's guard),
    # which would mark the host down.
    option httpchk
    http-check send meth GET uri /_mock/health ver HTTP/1.1 hdr Host 127.0.0.1
    server one 127.0.0.1:{one} check inter 200ms fall 1 rise 2
    server two 127.0.0.1:{two} check inter 200ms fall 1 rise 2
"""


@pytest.fixture(scope="module")
def haproxy() -> str:
    reason = ensure_commands(["haproxy"], ["haproxy"])
    if reason is not None:
        pytest.skip(f"no haproxy: {reason}")
    found = shutil.which("haproxy")
    assert found is not None
    return found


@contextmanager
def balancer(haproxy: str, one: str, two: str) -> Iterator[str]:
    """haproxy on a free loopback port, round robin over the two base URLs, until the block
    ends; its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "haproxy.cfg"
        config.write_text(
            _HAPROXY_CONFIG.format(port=port, one=one.rsplit(":", 1)[1], two=two.rsplit(":", 1)[1])
        )
        process = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(
                base_url + "/_mock/health", lambda: process.poll() is None, "haproxy", 30.0
            )
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_two_hosts_behind_a_balancer_act_as_one_and_a_killed_host_loses_nothing(
    haproxy: str, postgres_cluster: postgres.Cluster, tmp_path: Path
) -> None:
    url = postgres_cluster.new_database()
    config = tmp_path / "manual.yaml"
    config.write_text(DEFAULT_CONFIG_YAML.replace("clock: real", "clock: manual"))
    args = ["--db", url, "--config", str(config)]
    with (
        live_server(args) as one,
        live_server(args) as two,
        balancer(haproxy, one.base_url, two.base_url) as base_url,
        httpx.Client(base_url=base_url, headers=AUTH, timeout=10) as http,
    ):
        served_by: Counter[str] = Counter()
        ids = []
        for _ in range(6):
            sent = http.post(SEND, json=BODY)
            assert sent.status_code == 200, sent.text
            served_by[sent.headers["x-served-by"]] += 1
            ids.append(sent.json()["id"])
        assert set(served_by) == {"one", "two"}, served_by
        for id_ in ids:  # read back alternating hosts
            assert http.get(f"/api/v2/sms/{id_}").status_code == 200
        paged: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = http.get(HISTORY, params=params)
            assert page.status_code == 200, page.text
            paged += [entry["id"] for entry in page.json()["messages"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert paged == ids
        http.post("/_mock/clock/advance", json={"seconds": 3600}).raise_for_status()
        for _ in range(2):  # both hosts see the clock moved
            assert http.get(f"/api/v2/sms/{ids[0]}").json()["status"] == "delivered"

        answered = _sends_while_killing(base_url, one.process)
        with httpx.Client(base_url=two.base_url, headers=AUTH, timeout=10) as survivor:
            lost = [i for i in answered if survivor.get(f"/api/v2/sms/{i}").status_code != 200]
        assert lost == []
        assert len(answered) >= KILL_AFTER


def _sends_while_killing(base_url: str, victim: subprocess.Popen[bytes]) -> list[str]:
    """Concurrent sends through the balancer; host one killed with SIGKILL after KILL_AFTER
    were answered, the sends going on a while after. The ids answered 200."""
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=base_url, headers=AUTH, timeout=10) as client:
            while not stop.is_set():
                try:
                    response = client.post(SEND, json=BODY)
                except httpx.TransportError:
                    continue  # cut off by the kill: not answered
                if response.status_code == 200:
                    with lock:
                        answered.append(response.json()["id"])

    threads = [threading.Thread(target=load, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE_S
    while len(answered) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    after_kill = len(answered)
    while len(answered) < after_kill + KILL_AFTER // 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    assert len(answered) > after_kill, "no send was answered after the kill"
    return answered


def test_an_event_stream_on_one_host_is_cued_by_a_send_another_answered(
    postgres_cluster: postgres.Cluster,
) -> None:
    args = ["--db", postgres_cluster.new_database()]
    cued = threading.Event()
    connected = threading.Event()

    with live_server(args) as one, live_server(args) as two:

        def watch() -> None:
            """Host one's stream: past the events every connect starts with, the next one."""
            with (
                httpx.Client(base_url=one.base_url, timeout=20) as client,
                client.stream("GET", "/_mock/events") as stream,
            ):
                seen = 0
                for line in stream.iter_lines():
                    if line == "event: messages":
                        seen += 1
                        if seen == 1:
                            connected.set()
                        elif seen == 2:
                            cued.set()
                            return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        assert connected.wait(10), "host one's stream never started"
        time.sleep(0.3)  # past the stream's coalescing of its first events
        with httpx.Client(base_url=two.base_url, headers=AUTH, timeout=10) as http:
            assert http.post(SEND, json=BODY).status_code == 200
        assert cued.wait(5), "a send answered by host two did not cue host one's stream"


def _journal_once_settled(reader: httpx.Client, other: httpx.Client) -> list[dict[str, object]]:
    """The journal as `reader` lists it, once `other` lists the same: a host lists another's
    calls within the journal's batching window (docs/team.md), its own at once."""
    deadline = time.monotonic() + 2
    while True:
        listed: list[dict[str, object]] = reader.get("/_mock/requests").json()["requests"]
        if listed == other.get("/_mock/requests").json()["requests"]:
            return listed
        assert time.monotonic() < deadline, f"the hosts' journals differ: {listed}"
        time.sleep(0.02)


def test_the_request_journal_is_one_for_every_host_and_trimmed_to_its_size(
    postgres_cluster: postgres.Cluster,
) -> None:
    args = ["--db", postgres_cluster.new_database(), "--journal-size", "5"]
    with (
        live_server(args) as one_server,
        live_server(args) as two_server,
        httpx.Client(base_url=one_server.base_url, headers=AUTH, timeout=10) as one,
        httpx.Client(base_url=two_server.base_url, headers=AUTH, timeout=10) as two,
    ):
        sent = two.post(SEND, json=BODY)
        assert sent.status_code == 200
        assert one.get("/api/v2/sms/not-an-id").status_code == 400
        listed = _journal_once_settled(one, two)
        assert [(e["method"], e["status"]) for e in listed] == [("GET", 400), ("POST", 200)]
        assert listed[1]["account"] == "dev"
        for index in range(6):
            assert (one, two)[index % 2].post(SEND, json=BODY).status_code == 200
        assert len(_journal_once_settled(two, one)) == 5
        assert one.delete("/_mock/requests").status_code == 204
        assert two.get("/_mock/requests").json()["requests"] == []
