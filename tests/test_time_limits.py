"""A stalled client is let go: a body that stops arriving is a 408 and the connection closed; an
idle connection between requests is closed. Raw sockets against a live server, since the socket
is what is tested. (A request whose headers never end is held: uvicorn has no limit for that,
encode/uvicorn#157, and the README says so.)"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.http.pipeline.timeouts import BodyTimeoutMiddleware
from tests.support.live_server import LiveServer, live_server

LIMIT_S = 0.5
#: How long the tests wait for the server to act on a limit of LIMIT_S: generous, since the
#: machine is shared; a server without the limit never acts, and fails the test.
PATIENCE_S = 10.0
SEND = json.dumps({"from": "+61491570156", "to": "+61491570157", "text": "Hi"}).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    limits = ["--body-timeout", str(LIMIT_S), "--keep-alive-timeout", str(LIMIT_S)]
    with live_server(limits) as running:
        yield running


def _connect(server: LiveServer) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=PATIENCE_S)


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _read_response(sock: socket.socket) -> bytes:
    """One whole response (its head, then as many body bytes as its Content-Length says)."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _head(path: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer dev-token\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize("sent", [0, len(SEND) // 2], ids=["no-body-at-all", "half-a-body"])
def test_a_body_that_stops_arriving_is_a_408_and_the_connection_closes(
    server: LiveServer, sent: int
) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(_head("/api/v2/sms/send", len(SEND)) + SEND[:sent])
        answer = _read_until_closed(sock)
        waited = time.monotonic() - started
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), answer
    assert b"content-type: application/problem+json" in head.lower()
    assert b"connection: close" in head.lower()
    assert json.loads(body)["status"] == 408
    assert waited >= LIMIT_S


def test_a_body_that_arrives_in_time_is_answered(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(_head("/api/v2/sms/send", len(SEND)) + SEND[:10])
        time.sleep(LIMIT_S / 5)
        sock.sendall(SEND[10:])
        assert _read_response(sock).startswith(b"HTTP/1.1 200 ")


def test_an_idle_connection_is_closed_after_the_keep_alive_limit(server: LiveServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        first = _read_response(sock)
        assert first.startswith(b"HTTP/1.1 200 "), first
        started = time.monotonic()
        assert _read_until_closed(sock) == b""
        assert time.monotonic() - started >= LIMIT_S * 0.9


def test_a_stalled_request_does_not_stop_others(server: LiveServer) -> None:
    with _connect(server) as stalled, _connect(server) as other:
        stalled.sendall(_head("/api/v2/sms/send", len(SEND)))
        other.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert _read_until_closed(other).startswith(b"HTTP/1.1 200 ")


# -- the same limit in process, on both paths of the app ---------------------------------------


async def _stalled_send(app: Any, path: str = "/api/v2/sms/send") -> list[dict[str, Any]]:
    """A send (or any POST to `path`) whose body stops after its first ten bytes, straight
    through the ASGI interface."""
    chunks = [{"type": "http.request", "body": SEND[:10], "more_body": True}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            return chunks.pop()
        await asyncio.sleep(PATIENCE_S)  # the client stalls
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
        "headers": [
            (b"host", b"localhost"),  # a Host the mock serves (request_guard)
            (b"authorization", b"Bearer dev-token"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(SEND)).encode()),
        ],
    }
    async with asyncio.timeout(PATIENCE_S):
        await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "connexion"])
def test_a_stalled_body_is_a_408_on_either_path(fast_path: bool) -> None:
    app = create_app(fast_path=fast_path, body_timeout_s=0.05)

    start, *body = asyncio.run(_stalled_send(app))
    assert start["status"] == 408
    headers = dict(start["headers"])
    assert headers[b"connection"] == b"close"
    assert headers[b"content-type"] == b"application/problem+json"
    assert json.loads(b"".join(m.get("body", b"") for m in body))["status"] == 408


def test_once_the_body_is_whole_receive_is_no_longer_bounded() -> None:
    """After the body, `receive` waits for the client's disconnect (a streaming response listens
    for it): that wait is not the body's, and is not cut short."""
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((await receive())["type"])
        seen.append((await receive())["type"])  # past the limit: still no 408

    async def receive() -> dict[str, Any]:
        if not seen:
            return {"type": "http.request", "body": b"{}", "more_body": False}
        await asyncio.sleep(0.2)
        return {"type": "http.disconnect"}

    async def send(_message: Any) -> None:
        pass

    limited = BodyTimeoutMiddleware(app, timeout=0.05)
    asyncio.run(limited({"type": "http"}, receive, send))
    assert seen == ["http.request", "http.disconnect"]


def test_a_stalled_body_on_the_control_api_is_a_408_too() -> None:
    app = create_app(body_timeout_s=0.05)
    start, *_ = asyncio.run(_stalled_send(app, "/_mock/inbound"))
    assert start["status"] == 408
