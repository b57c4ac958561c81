"""The contract suite can fail: a target broken on purpose — a wrong field, a status field
missing, an undocumented status code, a property the spec forbids — run through the suite's own
judgement of a case (`check_on_targets`: the same plan, checks and report) fails, naming the
check; the same cases on the unbroken mock pass. (schemathesis's own tests keep such apps,
wrong on purpose, in test/apps/.)"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from schemathesis import Case
from schemathesis.core.failures import FailureGroup
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.contract import reporting, test_server_contract
from tests.contract.servers import Endpoint
from tests.contract.targets import MAKE_MOCK_URL, TOKEN, Target, contract_app
from tests.contract.test_server_contract import check_on_targets, schema

Json = dict[str, Any]
#: (status, body) -> (status, body): how a broken target spoils each JSON answer of /api/.
Spoil = Callable[[int, Json], tuple[int, Json]]
SENDER, RECIPIENT = "+61491570158", "+61491570159"
#: A hand-built case gets no auth from the schema's config (generated cases do): named here.
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def broken(app: ASGIApp, spoil: Spoil) -> ASGIApp:
    """`app`, with every JSON answer on /api/ passed through `spoil` (whichever path served it)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await app(scope, receive, hold)
        start, *chunks = held
        body = b"".join(chunk.get("body", b"") for chunk in chunks)
        status = start["status"]
        if dict(start["headers"]).get(b"content-type") == b"application/json":
            status, spoilt = spoil(status, json.loads(body))
            body = json.dumps(spoilt).encode()
        headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def _renamed_field(status: int, body: Json) -> tuple[int, Json]:
    if "from_addr" in body:
        body["from"] = body.pop("from_addr")
    return status, body


def _no_status_field(status: int, body: Json) -> tuple[int, Json]:
    body.pop("status", None)
    return status, body


def _undocumented_status_code(status: int, body: Json) -> tuple[int, Json]:
    return (201 if status == 200 else status), body


def _extra_history_property(status: int, body: Json) -> tuple[int, Json]:
    for entry in body.get("messages", []):
        entry["extra"] = True
    return status, body


def _send_case() -> Case[Any]:
    body: Any = {"from": SENDER, "to": RECIPIENT, "text": "Hi"}
    operation = schema["/api/v2/sms/send"]["POST"]
    return operation.Case(body=body, media_type="application/json", headers=AUTH)


def _history_case() -> Case[Any]:
    return schema["/api/v2/sms/history"]["GET"].Case(query={"limit": 5}, headers=AUTH)


BROKEN: dict[str, tuple[Spoil, Callable[[], Case[Any]], str]] = {
    "a wrong field name": (_renamed_field, _send_case, "response_schema_conformance"),
    "the status field missing": (_no_status_field, _send_case, "response_schema_conformance"),
    "an undocumented status code": (
        _undocumented_status_code,
        _send_case,
        "status_code_conformance",
    ),
    "a forbidden extra property": (
        _extra_history_property,
        _history_case,
        "response_schema_conformance",
    ),
}


def _endpoint(name: str, app: ASGIApp) -> Endpoint:
    """A target served in process, as the suite's connexion-asgi target is."""
    return Endpoint(Target(name, f"the mock, {name}"), MAKE_MOCK_URL, app=app)


def _app_with_a_message() -> Any:
    """The mock as served (fast path on), holding one message, so that history has entries."""
    app = contract_app(validate_responses=False)
    inbound = {"from": RECIPIENT, "to": SENDER, "text": "Hello"}
    assert app.test_client().post("/_mock/inbound", json=inbound).status_code == 200
    return app


@pytest.fixture(autouse=True)
def _off_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """These targets stay out of the suite's report and its per-target memory."""
    monkeypatch.setattr(reporting, "counts", Counter())
    monkeypatch.setattr(test_server_contract, "auth_confirmed", set())


@pytest.mark.parametrize("breakage", BROKEN.values(), ids=BROKEN.keys())
def test_the_suite_fails_a_broken_target_naming_the_check(
    breakage: tuple[Spoil, Callable[[], Case[Any]], str],
) -> None:
    spoil, make_case, check = breakage
    target = _endpoint("broken", broken(_app_with_a_message(), spoil))
    with pytest.raises(FailureGroup) as failed:
        check_on_targets(make_case(), [target])
    assert f"check(s):  {check}" in failed.value.message


@pytest.mark.parametrize("make_case", [_send_case, _history_case])
def test_the_same_cases_pass_on_the_mock_as_served(make_case: Callable[[], Case[Any]]) -> None:
    target = _endpoint("unbroken", broken(_app_with_a_message(), lambda s, b: (s, b)))
    check_on_targets(make_case(), [target])
