"""Whatever a client sends, the mock keeps its promises (PRODUCT.md, "Hardening").

Hypothesis writes raw HTTP requests for every public operation — spellings of the path (trailing
slashes, escapes), of the headers (name case, the Bearer scheme, repeated fields), media types
with their parameters and charsets, content codings, bodies (nesting, non-finite and huge
numbers, bytes that are not UTF-8, a BOM, long values, many bad fields) and query strings
(integers in other digits, repeated and unknown parameters) — and sends each to two apps, the
fast path on and off. Every answer must:

- never be a 500 (no fault is asked for; no recipient is configured to fail);
- have a status the spec documents for the operation, and if it is an error, be
  `application/problem+json` that the spec's `Problem` schema accepts (so bounded: maxLength,
  maxItems);
- store nothing when refused;
- be the same with and without the fast path (ids, instants and cursors aside).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from connexion.spec import Specification
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from starlette.testclient import TestClient

from mock_server.app import PUBLIC_SPEC, create_app
from mock_server.sms.store import MemoryStore
from tests.api.harness import ACME_1, DEV_A, DEV_B, DEV_TOKEN, MANUAL_CONFIG

SPEC = Specification.load(PUBLIC_SPEC)
PROBLEM = Draft4Validator(SPEC["components"]["schemas"]["Problem"])
PROBLEM_JSON = "application/problem+json"
FIXED_START_US = str(1_764_000_000 * 1_000_000)  # both clocks start at the same instant

OPERATIONS = [
    (method.upper(), path)
    for path, item in SPEC["paths"].items()
    for method in item
    if method in ("get", "post")
]
UNKNOWN_ID = "msg_000000000000000000000000"


def documented(method: str, path: str) -> set[int]:
    return {int(status) for status in SPEC["paths"][path][method.lower()]["responses"]}


# -- what a request is made of -------------------------------------------------------------------

GOOD = [("Authorization", f"Bearer {DEV_TOKEN}")]
AUTHORIZATIONS = st.sampled_from(
    [
        [("authorization", f"Bearer {DEV_TOKEN}")],
        [("AUTHORIZATION", f"bearer {DEV_TOKEN}")],
        [("Authorization", f"Bearer  {DEV_TOKEN}")],
        [("Authorization", "Bearer nope")],
        [("Authorization", f"Basic {DEV_TOKEN}")],
        [("Authorization", f"Bearer {DEV_TOKEN}"), ("Authorization", f"Bearer {DEV_TOKEN}")],
        [],
    ]
)
CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "Application/JSON",
        "APPLICATION/JSON; CHARSET=UTF-8",
        "application/json;charset=utf-8",
        'application/json; charset="utf-8"',
        "application/json ; charset=utf-8",
        "application/json;charset=latin-1",
        "application/json;charset=utf-16",
        'application/json;x="a/b"',
        "application/json;x=a/b",
        "application/json;;",
        "application/json, text/plain",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "json",
        "/",
        ";",
        "",
    ]
)
CONTENT_ENCODINGS = st.sampled_from(["identity", "IDENTITY", "gzip", "br", "gzip, identity", "x"])


def _nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


BODY_CHANGES: dict[str, Any] = {
    "as sent": lambda b: b,
    "an unknown field": lambda b: {**b, "cc": DEV_A},
    "NaN": lambda b: {**b, "text": float("nan")},
    "Infinity": lambda b: {**b, "from": float("inf")},
    "-Infinity in a list": lambda b: {**b, "to": [float("-inf")]},
    "1e400": lambda b: {**b, "text": "<1e400>"},
    "5000 digits": lambda b: {**b, "text": "<5000 digits>"},
    "equal deep arrays": lambda b: {**b, "to": "<deep>"},
    "nested deeper than the parser": lambda b: "<deeper>",
    "a long text": lambda b: {**b, "text": "é" * 5000},
    "a long bad number": lambda b: {**b, "from": "+" + "1" * 5000},
    "a long unknown field": lambda b: {**b, "x" * 3000: 1},
    "many bad recipients": lambda b: {**b, "to": [f"bad{i}" for i in range(120)]},
    "null": lambda b: None,
    "a list": lambda b: [b],
    "a lone surrogate": lambda b: {**b, "text": "\ud800"},
}
BYTE_CHANGES: dict[str, Any] = {
    "as encoded": lambda raw: raw,
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "a BOM": lambda raw: b"\xef\xbb\xbf" + raw,
    "a byte that is not UTF-8": lambda raw: raw.replace(b'"Hi', b'"H\xff', 1),
    "Latin-1": lambda raw: raw.replace(b'"Hi', '"Hé'.encode("latin-1"), 1),
    "UTF-16": lambda raw: raw.decode().encode("utf-16"),
}


def _encode(body: Any) -> bytes:
    text = json.dumps(body, allow_nan=True)
    return (
        text.replace('"<1e400>"', "1e400")
        .replace('"<5000 digits>"', "1" * 5000)
        .replace('"<deep>"', f"[{_nested(300)}, {_nested(300)}]")
        .replace('"<deeper>"', _nested(100_000))
        .encode("utf-8", "surrogatepass")
    )


LIMITS = st.sampled_from(
    [
        "1",
        "2",
        "05",
        "\u0661\u0662",
        "\uff11\uff12",
        "1_0",
        " 3",
        "+3",
        "-1",
        "0",
        "1001",
        "1" * 30,
        "1.0",
        "",
        "x",
    ]
)


@dataclass(frozen=True)
class Request:
    method: str
    template: str  # the spec's path, for its documented statuses
    url: str
    headers: list[tuple[str, str]]
    body: bytes


def _maybe(draw: st.DrawFn, changed: bool, options: st.SearchStrategy[Any], plain: Any) -> Any:
    """`plain`, or when this dimension is the one being changed, a drawn option."""
    return draw(options) if changed else plain


@st.composite
def paths(draw: st.DrawFn, template: str, changed: bool) -> str:
    ids = st.sampled_from([UNKNOWN_ID, "msg_1.2", "MSG_0123456789ABCDEF01234567", "%0A", "x" * 300])
    path = template.replace("{id}", _maybe(draw, changed, ids, UNKNOWN_ID))
    spellings = st.sampled_from(["slash", "two slashes", "an escape", "an escaped slash"])
    spelling = _maybe(draw, changed, spellings, "plain")
    if spelling == "slash":
        return path + "/"
    if spelling == "two slashes":
        return path + "//"
    if spelling == "an escaped slash":
        return path + "%2F"
    if spelling == "an escape":
        return path.replace("/sms/", "/%73ms/", 1)
    return path


@st.composite
def queries(draw: st.DrawFn, method: str, template: str, changed: bool) -> str:
    params = {p["name"] for p in SPEC["paths"][template][method.lower()].get("parameters", [])}
    pairs: list[tuple[str, str]] = []
    if "to" in params:
        pairs.append(("to", _maybe(draw, changed, st.sampled_from(["123", DEV_B + "\n"]), DEV_B)))
    if "from" in params and draw(st.booleans()):
        pairs.append(("from", _maybe(draw, changed, st.sampled_from(["abc", ""]), DEV_A)))
    if "limit" in params and (changed or draw(st.booleans())):
        pairs.append(("limit", _maybe(draw, changed, LIMITS, "2")))
    if "cursor" in params and changed and draw(st.booleans()):
        pairs.append(("cursor", draw(st.sampled_from(["abc", "", "a" * 600, "%%"]))))
    if "since" in params and draw(st.booleans()):
        since = st.sampled_from(["yesterday", "0000-01-01T00:00:00Z", "2025-11-24T16:00:00Z\n"])
        pairs.append(("since", _maybe(draw, changed, since, "2025-11-24T16:00:00Z")))
    if changed and pairs and draw(st.booleans()):
        pairs.append(draw(st.sampled_from(pairs)))  # a parameter given twice
    if changed and draw(st.booleans()):
        pairs.append(("page", "2"))  # not a parameter of any operation
    return "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in pairs)


DIMENSIONS = ("path", "auth", "query", "body", "bytes", "media type", "coding")


@st.composite
def requests(draw: st.DrawFn, changing: tuple[str, ...] = DIMENSIONS) -> Request:
    """A plain, valid call of a public operation, changed in one or more of `changing`."""
    changed = set(draw(st.lists(st.sampled_from(changing), min_size=1, unique=True)))
    method, template = draw(st.sampled_from(OPERATIONS))
    path = draw(paths(template, "path" in changed))
    query = draw(queries(method, template, "query" in changed))
    headers = list(_maybe(draw, "auth" in changed, AUTHORIZATIONS, GOOD))
    body = b""
    if method == "POST":
        to: Any = [DEV_B, ACME_1] if template.endswith("bulk") else DEV_B
        plain = {"from": DEV_A, "to": to, "text": "Hi"}
        change = _maybe(draw, "body" in changed, st.sampled_from(sorted(BODY_CHANGES)), "as sent")
        raw = _encode(BODY_CHANGES[change](plain))
        bytes_change = st.sampled_from(sorted(BYTE_CHANGES))
        body = BYTE_CHANGES[_maybe(draw, "bytes" in changed, bytes_change, "as encoded")](raw)
        content_type = _maybe(draw, "media type" in changed, CONTENT_TYPES, "application/json")
        if content_type is not None:
            name = draw(st.sampled_from(["Content-Type", "content-type", "CONTENT-TYPE"]))
            headers.append((name, content_type))
        encoding = _maybe(draw, "coding" in changed, CONTENT_ENCODINGS, None)
        if encoding is not None:
            headers.append(("Content-Encoding", encoding))
    elif not changed.isdisjoint({"body", "media type"}) and draw(st.booleans()):
        # A body on an operation that takes none: ignored, whatever it claims to be.
        body = draw(st.sampled_from([b"a=1&b=\xff", b"--x\r\n", b'{"x": NaN}']))
        headers.append(("Content-Type", draw(CONTENT_TYPES) or "application/json"))
    url = path + (f"?{query}" if query else "")
    return Request(method, template, url, headers, body)


# -- the apps and what every answer must hold ---------------------------------------------------

ID = re.compile(r"msg_[0-9a-f]{24}")
CURSOR = re.compile(r'"next_cursor":"[^"]+"')


@dataclass
class App:
    http: TestClient
    store: MemoryStore

    def stored(self) -> int:
        return self.store.count()

    def answer(self, request: Request) -> tuple[int, str, str]:
        before = self.stored()
        response = self.http.request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.body or None,
            follow_redirects=False,
        )
        status, media_type = response.status_code, response.headers.get("content-type", "")
        assert status != 500, response.text
        assert status in documented(request.method, request.template), (status, response.text)
        if status >= 400:
            assert media_type == PROBLEM_JSON, (status, media_type, response.text)
            problem = response.json()
            assert problem["status"] == status
            errors = sorted(PROBLEM.iter_errors(problem), key=str)
            assert not errors, (errors[0].message, problem)
            assert self.stored() == before, "a refused call stored something"
        text = CURSOR.sub('"next_cursor":"<cursor>"', ID.sub("<id>", response.text))
        return status, media_type, text


def _app(fast_path: bool) -> App:
    store = MemoryStore()
    store.update_state("clock.manual_us", lambda _old: FIXED_START_US)
    client: TestClient = create_app(MANUAL_CONFIG, store=store, fast_path=fast_path).test_client()
    return App(client, store)


@pytest.fixture(scope="module")
def apps() -> Iterator[tuple[App, App]]:
    fast, slow = _app(fast_path=True), _app(fast_path=False)
    with fast.http, slow.http:
        yield fast, slow


def _same_documented_answers(apps: tuple[App, App], request: Request) -> None:
    fast, slow = apps
    assert fast.answer(request) == slow.answer(request)


# One test per kind of change (each at the profile's example count), and one mixing them all.


@given(request=requests(("body", "bytes")))
def test_bodies(apps: tuple[App, App], request: Request) -> None:
    _same_documented_answers(apps, request)


@given(request=requests(("media type", "coding")))
def test_media_types_and_codings(apps: tuple[App, App], request: Request) -> None:
    _same_documented_answers(apps, request)


@given(request=requests(("query",)))
def test_query_strings(apps: tuple[App, App], request: Request) -> None:
    _same_documented_answers(apps, request)


@given(request=requests(("path", "auth")))
def test_paths_and_authorization(apps: tuple[App, App], request: Request) -> None:
    _same_documented_answers(apps, request)


@given(request=requests())
def test_everything_at_once(apps: tuple[App, App], request: Request) -> None:
    _same_documented_answers(apps, request)
