"""The fast path answers exactly as connexion would, and leaves connexion every request it does
not plainly understand (mock_server/http/pipeline/fast_path.py).

Two kinds of test: the rules, on the middleware alone (which requests it takes, and that what
it hands on arrives intact); and a property: two apps — fast path on and off — each reset to the
same start before every example, are sent the same calls, drawn from the spec by schemathesis
(positive and negative cases of every public operation, mostly with a known token), and must
give the same answers, byte for byte once each app's own ids and cursors are named by the order
they first appeared in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from connexion.spec import Specification
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from starlette.responses import Response
from starlette.testclient import TestClient

from mock_server.app import PUBLIC_SPEC, create_app
from mock_server.contract import Contract, load_contract
from mock_server.http.pipeline.fast_path import FastPath
from mock_server.http.pipeline.faults import Faults
from mock_server.inbox.events import MESSAGES, REQUESTS, Changes
from mock_server.inbox.journal import RequestJournal
from mock_server.inbox.observer import CallObserver
from mock_server.sms.errors import NotOwned
from mock_server.sms.store import MemoryStore
from tests.api.answers import checked
from tests.api.harness import DEV_A, DEV_B, DEV_TOKEN, MANUAL_CONFIG

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
    sent: list[dict[str, Any]] = field(default_factory=list)  # the answer's messages (`_raw`)

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

    def fast_path(self, contract: Contract | None = None, **options: Any) -> FastPath:
        """A FastPath over `contract` (the real one by default) whose two ways out are recorded
        here; `options` are its other keywords (faults, observer, body time limit)."""
        return FastPath(
            self.inner,
            contract=contract or load_contract(),
            handlers=self.handler,
            token_info=_token_info,
            **options,
        )


def _observer(journal: RequestJournal, changes: Changes | None = None) -> CallObserver:
    return CallObserver(journal, changes or Changes(), load_contract().is_public)


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
    # (A lower-case scheme and more spaces are RFC 6750's too: the fast path takes them, as
    # connexion does: mock_server/http/pipeline/authorization.py, test_authorization_spellings.py.)
    "a tab before the token": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**JSON, "authorization": f"Bearer\t{DEV_TOKEN}"},
        SEND,
    ),
    "a word after the token": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**JSON, "authorization": f"Bearer {DEV_TOKEN} x"},
        SEND,
    ),
    "a charset other than UTF-8": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, "content-type": "application/json; charset=latin-1"},
        SEND,
    ),
    "gzip": ("POST", "/api/v2/sms/send", "", {**GOOD, **JSON, "content-encoding": "gzip"}, SEND),
    "chunked": (
        "POST",
        "/api/v2/sms/send",
        "",
        {**GOOD, **JSON, "transfer-encoding": "chunked"},
        SEND,
    ),
    "not a media type": ("POST", "/api/v2/sms/send", "", {**GOOD, "content-type": "json"}, SEND),
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


@pytest.mark.parametrize(
    "content_type",
    [None, "Application/JSON", "application/json; charset=UTF-8", 'application/json;x="a/b"'],
)
def test_every_spelling_of_json_is_taken_as_connexion_takes_it(content_type: str | None) -> None:
    """mock_server.http.pipeline.bodies decides for both paths what is JSON."""
    headers = GOOD if content_type is None else {**GOOD, "content-type": content_type}
    recorder = call("POST", "/api/v2/sms/send", headers=headers, body=SEND)
    assert recorder.passed_on == []
    [(_, kwargs)] = recorder.handled
    assert kwargs["body"] == json.loads(SEND)


def test_an_integer_is_read_by_the_one_integer_rule() -> None:
    """ASCII digits (`mock_server.http.pipeline.validation.ASCII_INTEGER`), as connexion's
    validator reads them: a leading zero is the same number on both paths."""
    [(_, kwargs)] = call("GET", "/api/v2/sms/history", "limit=05", GOOD).handled
    assert kwargs["limit"] == 5
    assert call("GET", "/api/v2/sms/history", "limit=" + "1" * 19, GOOD).handled == []


def test_a_header_given_twice_goes_to_connexion() -> None:
    recorder = Recorder()
    fast = recorder.fast_path()
    client = TestClient(fast, base_url="http://testserver")
    headers = [("authorization", f"Bearer {DEV_TOKEN}"), ("authorization", "Bearer other")]
    client.get("/api/v2/sms/history", headers=headers)
    assert recorder.handled == []
    assert len(recorder.passed_on) == 1


def _raw(
    headers: list[tuple[bytes, bytes]],
    messages: list[dict[str, Any]],
    recorder: Recorder | None = None,
    *,
    stall: bool = False,
    **options: Any,
) -> Recorder:
    """A POST of a send straight through the ASGI interface: `messages` is what the client's
    connection delivers, in order (then it is gone, or with `stall`, it sends nothing more)."""
    recorder = recorder or Recorder()
    fast = recorder.fast_path(**options)
    pending = list(messages)

    async def receive() -> dict[str, Any]:
        if not pending and stall:
            await asyncio.sleep(60)
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        recorder.sent.append(message)

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


def _length(body: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]


def test_a_body_over_the_size_limit_goes_to_connexion_unread() -> None:
    whole = {"type": "http.request", "body": SEND, "more_body": False}
    smaller = dataclasses.replace(load_contract(), max_body_bytes=len(SEND) - 1)
    recorder = _raw(_length(SEND), [whole], contract=smaller)
    assert recorder.handled == []
    assert recorder.passed_on == [SEND]  # connexion read it from the client: 413 is its to say


class _TimedOutRecorder(Recorder):
    """Records what connexion's receive gives: the body so far, then the time limit's error."""

    async def inner(self, scope: Any, receive: Any, send: Any) -> None:
        first = await receive()
        self.passed_on.append(first["body"])
        with pytest.raises(TimeoutError):
            await receive()
        self.handled.append(("timed out", {}))


def test_a_body_slower_than_the_time_limit_goes_to_connexion_timed_out() -> None:
    part = {"type": "http.request", "body": SEND[:5], "more_body": True}
    recorder = _raw(_length(SEND), [part], _TimedOutRecorder(), stall=True, body_timeout_s=0.05)
    # What came is replayed, then the receive raises as the body time limit's would (its 408).
    assert recorder.passed_on == [SEND[:5]]
    assert recorder.handled == [("timed out", {})]


def test_while_faults_are_set_every_call_goes_to_connexion() -> None:
    whole = {"type": "http.request", "body": SEND, "more_body": False}
    # Also faults of other operations: the middleware that names a call's operation decides.
    counted = Faults(fail_next=1, operations=("listMessageHistory",))
    for faults in (Faults(error_rate=0.5), Faults(latency_ms=1), counted):
        recorder = _raw(_length(SEND), [whole], faults=lambda faults=faults: faults)
        assert recorder.handled == []
        assert recorder.passed_on == [SEND]


class _RefusingRecorder(Recorder):
    def handler(self, operation_id: str) -> Any:
        async def refuse(**_kwargs: Any) -> Response:
            raise NotOwned("The account 'dev' does not own +61491570156.")

        return refuse


def test_a_refusal_of_the_domain_is_rendered_here_without_a_second_call() -> None:
    journal = RequestJournal(10)
    whole = {"type": "http.request", "body": SEND, "more_body": False}
    recorder = _raw(_length(SEND), [whole], _RefusingRecorder(), observer=_observer(journal))
    assert recorder.passed_on == []  # connexion never ran: the handler ran once
    start, body = recorder.sent
    assert start["status"] == 403
    assert (b"content-type", b"application/problem+json") in start["headers"]
    assert json.loads(body["body"])["detail"] == "The account 'dev' does not own +61491570156."
    [entry] = journal.entries()
    assert (entry["status"], entry["problem"]["title"]) == (403, "Forbidden")


def test_a_call_it_answers_is_journaled_and_cued_as_the_inner_layers_would() -> None:
    journal, changes = RequestJournal(10), Changes()
    listener = changes.listen()
    whole = {"type": "http.request", "body": SEND, "more_body": False}
    recorder = _raw(_length(SEND), [whole], observer=_observer(journal, changes))
    assert recorder.passed_on == []
    [entry] = journal.entries()
    assert (entry["method"], entry["path"], entry["status"], entry["account"]) == (
        "POST",
        "/api/v2/sms/send",
        200,
        "dev",
    )
    assert "problem" not in entry
    assert asyncio.run(listener.wait(0)) == {MESSAGES, REQUESTS}


def test_a_call_whose_client_is_gone_before_the_answer_is_journaled_still() -> None:
    journal = RequestJournal(10)
    fast = Recorder().fast_path(observer=_observer(journal))
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v2/sms/history",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {DEV_TOKEN}".encode())],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def gone(_message: Any) -> None:
        raise OSError("the client closed the connection")

    with pytest.raises(OSError, match="closed"):
        asyncio.run(fast(scope, receive, gone))
    [entry] = journal.entries()
    assert (entry["path"], entry["status"], entry["account"]) == ("/api/v2/sms/history", 200, "dev")


# -- the property: the same answers with and without the fast path -----------------------------

ID = re.compile(r"msg_[0-9a-f]{24}")
NEXT_CURSOR = re.compile(r'"next_cursor":"([^"]+)"')
FIXED_START_US = str(1_764_000_000 * 1_000_000)  # both clocks start at the same instant
#: The cases come from the spec: schemathesis's strategies for every public operation, positive
#: (mostly plain: the fast path's) and negative (mostly not: connexion's).
SCHEMA = schemathesis.openapi.from_path(PUBLIC_SPEC)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations() if isinstance(result, Ok)]
#: Stand-ins a case may carry, which each side replaces with its own value (ids and cursors
#: differ between the two apps): the n-th id or cursor it has answered.
ID_REF, CURSOR_REF = "msg_0000000000000000000000{n:02d}", "cursor-ref-{n}"


@dataclass
class Side:
    """One app, and the ids and cursors it has answered, each by order of first appearance."""

    http: TestClient
    store: MemoryStore
    ids: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        """No messages, the clock at the shared start, nothing remembered."""
        assert self.http.post("/_mock/reset").status_code == 204
        self.store.update_state("clock.manual_us", lambda _old: FIXED_START_US)
        self.ids.clear()
        self.cursors.clear()

    def answer(self, request: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        params = request["params"] and {k: self._own_refs(v) for k, v in request["params"].items()}
        own = {**request, "url": self._own_refs(request["url"]), "params": params}
        response = self.http.request(**own)
        text = ID.sub(lambda m: f"<id {_label(self.ids, m[0])}>", response.text)
        text = NEXT_CURSOR.sub(lambda m: f'"next_cursor":"{_label(self.cursors, m[1])}"', text)
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        return response.status_code, headers, text

    def _own_refs(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        for n in range(REFS):
            value = value.replace(ID_REF.format(n=n), _nth(self.ids, n, "msg_" + "0" * 24))
            value = value.replace(CURSOR_REF.format(n=n), _nth(self.cursors, n, "not-a-cursor"))
        return value


REFS = 3


def _label(seen: dict[str, int], value: str) -> int:
    return seen.setdefault(value, len(seen))


def _nth(seen: dict[str, int], index: int, stranger: str) -> str:
    """The index-th value seen, or a well-formed stranger."""
    known = list(seen)
    return known[index] if index < len(known) else stranger


def _client(fast_path: bool) -> tuple[TestClient, MemoryStore]:
    store = MemoryStore()
    app = create_app(MANUAL_CONFIG, store=store, fast_path=fast_path)
    client: TestClient = checked(app.test_client())  # every answer held to the spec as well
    return client, store


@pytest.fixture(scope="module")
def sides() -> Iterator[tuple[Side, Side]]:
    (fast, fast_store), (slow, slow_store) = _client(fast_path=True), _client(fast_path=False)
    with fast, slow:
        yield Side(fast, fast_store), Side(slow, slow_store)


@st.composite
def requests(draw: st.DrawFn, mode: GenerationMode | None = None) -> dict[str, Any]:
    """One call of the public API, drawn by schemathesis from the spec (positive or negative),
    as keyword arguments of `TestClient.request`; usually with a known token, and sometimes
    naming an id or cursor the app answered earlier."""
    operation = draw(st.sampled_from(OPERATIONS))
    modes = list(GenerationMode) if mode is None else [mode]
    case = draw(operation.as_strategy(generation_mode=draw(st.sampled_from(modes))))
    if "id" in (case.path_parameters or {}) and draw(st.booleans()):
        case.path_parameters = {"id": ID_REF.format(n=draw(st.integers(0, REFS - 1)))}
    if isinstance(case.query, dict) and "cursor" in case.query and draw(st.booleans()):
        case.query["cursor"] = CURSOR_REF.format(n=draw(st.integers(0, REFS - 1)))
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    headers = {
        k: v for k, v in kwargs["headers"].items() if k.lower() != "x-schemathesis-testcaseid"
    }
    token = draw(st.sampled_from([DEV_TOKEN, DEV_TOKEN, "acme-token", None]))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = {"method": kwargs["method"], "url": kwargs["url"], "headers": headers}
    request["params"] = kwargs.get("params") or None
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        request["content"] = kwargs["data"]
    return request


@given(
    before=st.lists(requests(GenerationMode.POSITIVE), max_size=3),
    request=requests(),
)
def test_the_fast_path_answers_as_connexion_does(
    sides: tuple[Side, Side], before: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    """From the same fresh start, the same calls get the same answers from both apps."""
    fast, slow = sides
    fast.reset()
    slow.reset()
    for call in [*before, request]:
        assert fast.answer(call) == slow.answer(call), call
