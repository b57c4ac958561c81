"""The operations of both specs, as thin translations between HTTP and the services:
`SmsService` for the public API, `ControlService` (and the fault switch) for the control API.

Connexion finds these by operationId (`sendSms` -> `send_sms`) through the app factory's
resolver, so the contract names no Python paths. Errors are raised by the service as domain
exceptions and turned into problems by `mock_server.http.problems.rendering`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from starlette.responses import Response

from mock_server import __version__
from mock_server.http.pipeline.faults import Faults, FaultSwitch
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.sms.accounts import Account
from mock_server.sms.control import ControlService
from mock_server.sms.errors import FieldError, ValidationFailed
from mock_server.sms.inbox_listings import MESSAGES_PAGE_MAX
from mock_server.sms.instants import parse_instant
from mock_server.sms.service import MessageView, SmsService
from mock_server.sms.views import Timeline

Json = dict[str, Any]


def ok(body: Json) -> Response:
    """A 200 `application/json`, encoded by orjson; instants as RFC 3339 UTC with a `Z`.

    Handlers return a finished response: connexion passes it through untouched, which spares
    its serializer (and its content-type guess, which fails when an operation also documents
    `application/problem+json` for its errors). Response validation, on in tests, still applies.
    """
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type="application/json")


def message_json(view: MessageView) -> Json:
    return {
        "id": view.id,
        "from_addr": view.from_addr,
        "to_addr": view.to_addr,
        "text": view.text,
        "status": view.status.value,
        "status_at": view.status_at,
        "segment_count": view.segment_count,
        "encoding": view.encoding,
        "created_at": view.created_at,
    }


def timeline_json(timeline: Timeline) -> Json:
    """A message as the control API lists it: the public fields, and what the inbox page shows."""
    view = timeline.view
    return {
        **message_json(view),
        "direction": view.direction,
        "account": view.sender_account,
        "status_history": [{"status": s.value, "at": at} for s, at in timeline.history],
        "segment_starts": list(timeline.segment_starts),
        "disclaimer_at": timeline.disclaimer_at,
    }


def _account(token_info: Json) -> Account:
    account: Account = token_info["account"]
    return account


class PublicApi:
    """`openapi.yaml`: the Aatrox SMS API v2.

    The handlers are coroutines although the service is not: with the memory store a call of
    the service takes microseconds, far less than connexion's hand-off of a sync handler to its
    thread pool, which cost a sixth of each request in the profile. `calls` runs the service
    inline then, and on a store thread for a store that may wait (`store_calls`).
    """

    def __init__(self, service: SmsService, calls: StoreCalls | None = None) -> None:
        self.service = service
        self.calls = calls or StoreCalls(blocks=False)

    async def send_sms(self, body: Json, token_info: Json) -> Response:
        return await self._send(body, token_info, disclaimer=False)

    async def send_sms_with_disclaimer(self, body: Json, token_info: Json) -> Response:
        return await self._send(body, token_info, disclaimer=True)

    async def _send(self, body: Json, token_info: Json, *, disclaimer: bool) -> Response:
        view = await self.calls(
            self.service.send,
            _account(token_info),
            body["from"],
            body["to"],
            body["text"],
            disclaimer=disclaimer,
        )
        return ok(message_json(view))

    async def send_bulk_sms(self, body: Json, token_info: Json) -> Response:
        views = await self.calls(
            self.service.send_bulk, _account(token_info), body["from"], body["to"], body["text"]
        )
        return ok({"messages": [message_json(view) for view in views]})

    async def get_message(self, id_: str, token_info: Json) -> Response:
        view = await self.calls(self.service.details, _account(token_info), id_)
        return ok(message_json(view))

    # `limit` has no default here: both paths pass the spec's (`Limit`'s `default`).
    async def list_received_messages(
        self,
        to: str,
        token_info: Json,
        limit: int,
        from_: str | None = None,
        cursor: str | None = None,
    ) -> Response:
        page = await self.calls(
            self.service.receive, _account(token_info), to, from_, limit, cursor
        )
        return ok(
            {"messages": [message_json(v) for v in page.items], "next_cursor": page.next_cursor}
        )

    async def list_message_history(
        self,
        token_info: Json,
        limit: int,
        cursor: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Response:
        page = await self.calls(
            self.service.history,
            _account(token_info),
            limit,
            cursor,
            _instant("since", since),
            _instant("until", until),
        )
        entries = [
            {"id": v.id, "timestamp": v.created_at, "direction": v.direction} for v in page.items
        ]
        return ok({"messages": entries, "next_cursor": page.next_cursor})


def _instant(field: str, value: str | None) -> datetime | None:
    """The query's date-time as an instant. Request validation checked `format: date-time`, but
    the validators accept what `datetime` cannot hold (year 0, say): that is a 400 too."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise ValidationFailed([FieldError(field, str(exc))]) from None


class ControlApi:
    """`mock_server/control.yaml`: the mock's own steering API under `/_mock`."""

    def __init__(self, control: ControlService, faults: FaultSwitch) -> None:
        self.control = control
        self.faults = faults

    async def health(self) -> Response:
        # A coroutine, so it is answered on the event loop at once: not queued behind control
        # calls that wait for a slow store in connexion's thread pool.
        return ok({"status": "ok", "version": __version__})

    def reset(self) -> tuple[None, int]:
        self.control.reset()
        return None, 204

    def inject_inbound(self, body: Json) -> Response:
        return ok(message_json(self.control.inject_inbound(body["from"], body["to"], body["text"])))

    def advance_clock(self, body: Json) -> Response:
        return ok({"now": self.control.advance_clock(float(body["seconds"]))})

    def list_all_messages(
        self,
        from_: str | None = None,
        to: str | None = None,
        number: str | None = None,
        peer: str | None = None,
        account: str | None = None,
        order: str = "oldest",
        limit: int = MESSAGES_PAGE_MAX,
        cursor: str | None = None,
    ) -> Response:
        page = self.control.listings.messages(
            limit=limit,
            cursor=cursor,
            from_addr=from_,
            to_addr=to,
            number=number,
            peer=peer,
            account=account,
            newest_first=order == "newest",
        )
        messages = [timeline_json(t) for t in page.items]
        return ok({"messages": messages, "next_cursor": page.next_cursor})

    def set_faults(self, body: Json) -> Response:
        return ok(_faults_json(self.faults.set(_faults(body))))

    def clear_faults(self) -> Response:
        return ok(_faults_json(self.faults.clear()))


def _faults(body: Json) -> Faults:
    """The faults `PUT /_mock/faults` asks for (the schema refused what cannot be)."""
    operations = body.get("operations")
    return Faults(
        error_rate=body.get("error_rate", 0.0),
        latency_ms=body.get("latency_ms", 0),
        fail_next=body.get("fail_next"),
        operations=None if operations is None else tuple(operations),
        accounts=tuple(body.get("accounts", ())),
    )


def _faults_json(faults: Faults) -> Json:
    answer: Json = {"latency_ms": faults.latency_ms}
    # As asked: `fail_next` or `error_rate`, never both; `operations` when set. The answer to
    # a random fault keeps its shape from before `fail_next`.
    if faults.fail_next is not None:
        answer["fail_next"] = faults.fail_next
    else:
        answer = {"error_rate": faults.error_rate, **answer}
    if faults.operations is not None:
        answer["operations"] = list(faults.operations)
    if faults.accounts:
        answer["accounts"] = list(faults.accounts)
    return answer
