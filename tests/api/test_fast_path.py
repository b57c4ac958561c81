"""The fast path answers exactly as connexion would, and leaves connexion every request it does
not plainly understand (mock_server/http/fast_path.py).

Two kinds of test: the rules, on the middleware alone (which requests it takes, and that what
it hands on arrives intact); and a property, two apps — fast path on and off — driven with the
same generated requests, plain and not, must give the same answers, byte for byte once each
app's own ids and cursors are named by the order they first appeared in.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import pytest
from connexion.spec import Specification
from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import Response
from starlette.testclient import TestClient

from mock_server.app import PUBLIC_SPEC, create_app
from mock_server.http.fast_path import FastPath
from mock_server.sms.store import MemoryStore
from tests.api.harness import ACME_1, DEV_A, DEV_B, DEV_TOKEN, MANUAL_CONFIG, SERVER_ERROR

SPEC = Specification.load(PUBLIC_SPEC)
GOOD = {"authorization": f"Bearer {DEV_TOKEN}"}
JSON = {"content-type": "application/json"}
SEND = json.dumps({"from": DEV_A, "to": DEV_B, "text": "Hi"}).encode()


# -- the rules, on the middleware alone --------------------------------------------------------


@dataclass
class Recorder:
    """The fast path's two ways out: the handler it called, or connexion (`inner`) with the
    body it received."""

    handled: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    passed_on: list[bytes] = field(default_factory=list)

    def handler(self, operation_id: str) -> Any:
        async def handle(**kwargs: Any) -> Response:
            self.handled.append((operation_id, kwargs))
            return Response(b"{}", media_type="application/json")

        return handle

    async def inner(self, scope: Any, receive: Any, send: Any) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        self.passed_on.append(body)
        await Response(b"connexion", status_code=418)(scope, receive, send)

    def fast_path(self, spec: Mapping[str, Any] = SPEC) -> FastPath:
        """A FastPath over `spec` (the public one by default) whose two ways out are recorded
        here."""
        return FastPath(self.inner, spec=spec, handlers=self.handler, token_info=_token_info)


def _token_info(token: str) -> dict[str, Any] | None:
    return {"sub": "dev"} if token == DEV_TOKEN else None


def call(
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Recorder:
    """One request through a fresh FastPath over a recording connexion."""
    recorder = Recorder()
    fast = recorder.fast_path()
    client = TestClient(fast, base_url="http://testserver")
    url = path + (f"?{query}" if query else "")
    client.request(method, url, headers=headers or {}, content=body or None)
    return recorder


def test_a_plain_send_is_answered_with_connexions_arguments() -> None:
    recorder = call("POST", "/api/v2/sms/send", headers={**GOOD, **JSON}, body=SEND)
    assert recorder.passed_on == []
    [(operation, kwargs)] = recorder.handled
    assert operation == "sendSms"
    assert kwargs == {"token_info": {"sub": "dev"}, "body": json.loads(SEND)}


def test_query_and_path_parameters_get_pythonic_names_and_spec_defaults() -> None:
    query = f"to={quote(DEV_B)}&from={quote(DEV_A)}"
    recorder = call("GET", "/api/v2/sms/receive", query, GOOD)
    [(_, kwargs)] = recorder.handled
    assert kwargs == {"token_info": {"sub": "dev"}, "to": DEV_B, "from_": DEV_A, "limit": 100}
    [(_, kwargs)] = call("GET", "/api/v2/sms/history", "limit=7", GOOD).handled
    assert kwargs["limit"] == 7
    [(operation, kwargs)] = call(
        "GET", "/api/v2/sms/msg_5f2b8c1e9a7d4e3fb6c0a1d2", "", GOOD
    ).handled
    assert (operation, kwargs["id_"]) == ("getMessage", "msg_5f2b8c1e9a7d4e3fb6c0a1d2")


# Every way a request can differ from the plain form: connexion must see it, body intact.
NOT_PLAIN = {
    "no token": ("POST", "/api/v2/sms/send", "", JSON, SEND),
    "unknown token": ("POST", "/api/v2/sms/send", "", {**JSON, "authorization": "Bearer x"}, SEND),
    "scheme in lower case": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**JSON, "authorization": f"bearer {DEV_TOKEN}"},
        SEND,
    ),
    "two spaces before the token": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**JSON, "authorization": f"Bearer  {DEV_TOKEN}"},
        SEND,
    ),
    "a charset on the media type": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, "content-type": "application/json; charset=utf-8"},
        SEND,
    ),
    "chunked": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, **JSON, "transfer-encoding": "chunked"},
        SEND,
    ),
    "no media type": ("POST", "/api/v2/sms/send", "", GOOD, SEND),
    "not JSON": ("POST", "/api/v2/sms/send", "", {**GOOD, **JSON}, b"{"),
    "NaN, which only Python's parser takes": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, **JSON},
        b'{"from": NaN}',
    ),
    "not UTF-8": ("POST", "/api/v2/sms/send", "", {**GOOD, **JSON}, b'{"text": "\xff"}'),
    "a field missing": ("POST", "/api/v2/sms/send", "", {**GOOD, **JSON}, b'{"from": "+1"}'),
    "a trailing newline after a number": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, **JSON},
        json.dumps({"from": DEV_A + "\n", "to": DEV_B, "text": "Hi"}).encode(),
    ),
    "nested deeper than the parser recurses": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, **JSON},
        b"[" * 100_000 + b"]" * 100_000,
    ),
    "an empty body": ("POST", "/api/v2/sms/send", "", {**GOOD, **JSON}, b""),
    "a query parameter the operation lacks": (
        "POST",
        "/api/v2/sms/send",
        "x=1",
        {**GOOD, **JSON},
        SEND,
    ),
    "a leading zero": ("GET", "/api/v2/sms/history", "limit=05", GOOD, b""),
    "a plus sign": ("GET", "/api/v2/sms/history", "limit=%2B5", GOOD, b""),
    "an empty value": ("GET", "/api/v2/sms/history", "limit=", GOOD, b""),
    "a value out of range": ("GET", "/api/v2/sms/history", "limit=0", GOOD, b""),
    "a parameter twice": ("GET", "/api/v2/sms/history", "limit=1&limit=2", GOOD, b""),
    "a required parameter missing": ("GET", "/api/v2/sms/receive", "", GOOD, b""),
    "a value failing its pattern": ("GET", "/api/v2/sms/receive", "to=123", GOOD, b""),
    "a bad date-time": ("GET", "/api/v2/sms/history", "since=yesterday", GOOD, b""),
    "an id with a dot": ("GET", "/api/v2/sms/msg_1.2", "", GOOD, b""),
    "HEAD": ("HEAD", "/api/v2/sms/history", "", GOOD, b""),
    "a path outside the spec": ("GET", "/api/v2/sms", "", GOOD, b""),
}


@pytest.mark.parametrize("request_", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_anything_but_the_plain_form_goes_to_connexion_intact(
    request_: tuple[str, str, str, dict[str, str], bytes],
) -> None:
    method, path, query, headers, body = request_
    recorder = call(method, path, query, headers, body)
    assert recorder.handled == []
    assert recorder.passed_on == [body]


def test_a_header_given_twice_goes_to_connexion() -> None:
    recorder = Recorder()
    fast = recorder.fast_path()
    client = TestClient(fast, base_url="http://testserver")
    headers = [("authorization", f"Bearer {DEV_TOKEN}"), ("authorization", "Bearer other")]
    client.get("/api/v2/sms/history", headers=headers)
    assert recorder.handled == []
    assert len(recorder.passed_on) == 1


def _raw(headers: list[tuple[bytes, bytes]], messages: list[dict[str, Any]]) -> Recorder:
    """A POST of a send straight through the ASGI interface: `messages` is what the client's
    connection delivers, in order (then it is gone)."""
    recorder = Recorder()
    fast = recorder.fast_path()
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(_message: Any) -> None:
        pass

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v2/sms/send",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {DEV_TOKEN}".encode()), *headers],
    }
    asyncio.run(fast(scope, receive, send))
    return recorder


def test_a_client_gone_mid_body_goes_to_connexion_with_what_it_sent() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"999")]
    first = {"type": "http.request", "body": SEND, "more_body": True}
    recorder = _raw(headers, [first, {"type": "http.disconnect"}])
    assert recorder.handled == []
    assert recorder.passed_on == [SEND]


def test_a_body_longer_than_announced_goes_to_connexion() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"0")]
    recorder = _raw(headers, [{"type": "http.request", "body": SEND, "more_body": False}])
    assert recorder.handled == []
    assert recorder.passed_on == [SEND]


def test_a_body_in_several_messages_is_read_whole() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(SEND))]
    halves = [SEND[:10], SEND[10:]]
    recorder = _raw(
        headers,
        [
            {"type": "http.request", "body": half, "more_body": i == 0}
            for i, half in enumerate(halves)
        ],
    )
    assert recorder.passed_on == []
    [(_, kwargs)] = recorder.handled
    assert kwargs["body"] == json.loads(SEND)


# -- the property: the same answers with and without the fast path -----------------------------

ID = re.compile(r"msg_[0-9a-f]{24}")
NEXT_CURSOR = re.compile(r'"next_cursor":"([^"]+)"')
FIXED_START_US = str(1_764_000_000 * 1_000_000)  # both clocks start at the same instant


@dataclass
class Side:
    """One app, and the ids and cursors it has answered, each by order of first appearance."""

    http: TestClient
    ids: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)

    def answer(self, request: Draw) -> tuple[int, dict[str, str], str]:
        refs = {"ref": _nth(self.ids, request.ref), "cursor": _nth(self.cursors, request.ref)}
        response = self.http.request(
            request.method,
            request.path.format(**refs),
            params=request.query.format(**refs) or None,
            headers=request.headers,
            content=request.body or None,
        )
        text = ID.sub(lambda m: f"<id {_label(self.ids, m[0])}>", response.text)
        text = NEXT_CURSOR.sub(lambda m: f'"next_cursor":"{_label(self.cursors, m[1])}"', text)
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        return response.status_code, headers, text


def _label(seen: dict[str, int], value: str) -> int:
    return seen.setdefault(value, len(seen))


def _nth(seen: dict[str, int], index: int) -> str:
    """The index-th value seen, or a well-formed stranger."""
    known = list(seen)
    return known[index] if index < len(known) else "msg_000000000000000000000000"


@dataclass(frozen=True)
class Draw:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    ref: int  # which earlier id `{ref}` (in the path), or cursor `{cursor}` (query), stands for


def _client(fast_path: bool) -> TestClient:
    store = MemoryStore()
    store.update_state("clock.manual_us", lambda _old: FIXED_START_US)
    client: TestClient = create_app(MANUAL_CONFIG, store=store, fast_path=fast_path).test_client()
    return client


@pytest.fixture(scope="module")
def sides() -> Iterator[tuple[Side, Side]]:
    with _client(fast_path=True) as fast, _client(fast_path=False) as slow:
        yield Side(fast), Side(slow)


SENDERS = [DEV_A, DEV_B, ACME_1]
RECIPIENTS = [*SENDERS, SERVER_ERROR]  # SERVER_ERROR: the config makes its sends answer 500
TEXTS = ["Hi", "€ 1", "x" * 200]


@st.composite
def plain(draw: st.DrawFn) -> Draw:
    """A call in the form the fast path takes (it may still fail in the domain: 403, 404, 500)."""
    operation = draw(
        st.sampled_from(["send", "disclaimer", "bulk", "details", "receive", "history"])
    )
    query: list[str] = []
    body = b""
    if operation in ("send", "disclaimer", "bulk"):
        path = {"send": "/api/v2/sms/send", "disclaimer": "/api/v2/sms/send/disclaimer"}.get(
            operation, "/api/v2/sms/send/bulk"
        )
        to = draw(st.sampled_from(RECIPIENTS))
        fields = {
            "from": draw(st.sampled_from(SENDERS)),
            "to": draw(st.lists(st.sampled_from(RECIPIENTS), min_size=1, max_size=3, unique=True))
            if operation == "bulk"
            else to,
            "text": draw(st.sampled_from(TEXTS)),
        }
        body = json.dumps(fields).encode()
        return Draw("POST", path, "", {**GOOD, **JSON}, body, 0)
    if operation == "details":
        return Draw("GET", "/api/v2/sms/{ref}", "", GOOD, b"", draw(st.integers(0, 8)))
    if operation == "receive":
        query.append("to=" + quote(draw(st.sampled_from(RECIPIENTS))))
        if draw(st.booleans()):
            query.append("from=" + quote(draw(st.sampled_from(SENDERS))))
    if draw(st.booleans()):
        query.append(f"limit={draw(st.integers(1, 3))}")
    if draw(st.booleans()):
        query.append("cursor={cursor}")
    if operation == "history" and draw(st.booleans()):
        query.append("since=2025-11-24T16:00:00Z")
    if operation == "history" and draw(st.booleans()):
        query.append(
            f"until={draw(st.sampled_from(['2025-11-24T16:00:00Z', '2099-01-01T00:00:00Z']))}"
        )
    path = f"/api/v2/sms/{operation}"
    return Draw("GET", path, "&".join(query), GOOD, body, draw(st.integers(0, 8)))


# One change each, away from the plain form: each must reach connexion and be answered as before.
CHANGES = {
    "no token": lambda d: replace(
        d, headers={k: v for k, v in d.headers.items() if k != "authorization"}
    ),
    "unknown token": lambda d: replace(d, headers={**d.headers, "authorization": "Bearer nope"}),
    "lower-case scheme": lambda d: replace(
        d, headers={**d.headers, "authorization": f"bearer {DEV_TOKEN}"}
    ),
    "charset": lambda d: replace(
        d, headers={**d.headers, "content-type": "application/json; charset=utf-8"}
    ),
    "text/plain": lambda d: replace(d, headers={**d.headers, "content-type": "text/plain"}),
    "broken JSON": lambda d: replace(d, body=d.body[:-1]),
    "extra field": lambda d: replace(d, body=d.body.replace(b"{", b'{"x": 1, ', 1)),
    "newline in a number": lambda d: replace(d, body=d.body.replace(b'0156"', b'0156\\n"')),
    "+ unescaped": lambda d: replace(d, query=d.query.replace("%2B", "+")),
    "leading zero": lambda d: replace(d, query=d.query.replace("limit=", "limit=0")),
    "limit too big": lambda d: replace(d, query=d.query.replace("limit=", "limit=100")),
    "a parameter twice": lambda d: replace(
        d, query=f"{d.query}&{d.query}" if d.query else "limit=1&limit=1"
    ),
    "unknown parameter": lambda d: replace(d, query="&".join(filter(None, [d.query, "x=1"]))),
    "empty value": lambda d: replace(d, query="&".join(filter(None, [d.query, "limit="]))),
    "bad cursor": lambda d: replace(d, query=d.query.replace("{cursor}", "abc")),
    "bad date": lambda d: replace(d, query=d.query.replace("2025-11-24", "2025-11-32")),
    "no such id": lambda d: replace(d, path=d.path.replace("{ref}", "msg_nothing")),
    "another method": lambda d: replace(d, method="DELETE" if d.method == "GET" else "PUT"),
}


@st.composite
def draws(draw: st.DrawFn) -> Draw:
    """Plain calls, half of them changed in one way."""
    request = draw(plain())
    if draw(st.booleans()):
        request = CHANGES[draw(st.sampled_from(sorted(CHANGES)))](request)
    return request


@given(request=draws())
def test_the_fast_path_answers_as_connexion_does(sides: tuple[Side, Side], request: Draw) -> None:
    fast, slow = sides
    assert fast.answer(request) == slow.answer(request)
