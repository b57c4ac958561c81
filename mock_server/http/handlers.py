"""The operations of both specs, as thin translations between HTTP and `SmsService`.

Connexion finds these by operationId (`sendSms` -> `send_sms`) through the app factory's
resolver, so the contract names no Python paths. Errors are raised by the service as domain
exceptions and turned into problems by `mock_server.http.errors`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mock_server import __version__
from mock_server.http.problems import problem
from mock_server.sms.accounts import Account
from mock_server.sms.faults import Faults, FaultSwitch
from mock_server.sms.service import MessageView, SmsService

Json = dict[str, Any]
#: What a handler returns: connexion must be told the content type, since every operation also
#: documents `application/problem+json` for its errors.
Reply = tuple[Json, int, dict[str, str]]


def ok(body: Json) -> Reply:
    return body, 200, {"Content-Type": "application/json"}


def timestamp(instant: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, the form every example of the spec uses."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message_json(view: MessageView) -> Json:
    return {
        "id": view.id,
        "from_addr": view.from_addr,
        "to_addr": view.to_addr,
        "text": view.text,
        "status": str(view.status),
        "status_at": timestamp(view.status_at),
        "segment_count": view.segment_count,
        "encoding": view.encoding,
        "created_at": timestamp(view.created_at),
    }


def _account(token_info: Json) -> Account:
    account: Account = token_info["account"]
    return account


class PublicApi:
    """`openapi.yaml`: the Aatrox SMS API v2."""

    def __init__(self, service: SmsService) -> None:
        self.service = service

    def send_sms(self, body: Json, token_info: Json) -> Reply:
        return self._send(body, token_info, disclaimer=False)

    def send_sms_with_disclaimer(self, body: Json, token_info: Json) -> Reply:
        return self._send(body, token_info, disclaimer=True)

    def _send(self, body: Json, token_info: Json, *, disclaimer: bool) -> Reply:
        view = self.service.send(
            _account(token_info), body["from"], body["to"], body["text"], disclaimer=disclaimer
        )
        return ok(message_json(view))

    def send_bulk_sms(self, body: Json, token_info: Json) -> Reply:
        views = self.service.send_bulk(_account(token_info), body["from"], body["to"], body["text"])
        return ok({"messages": [message_json(view) for view in views]})

    def get_message(self, id_: str, token_info: Json) -> Reply:
        return ok(message_json(self.service.details(_account(token_info), id_)))

    def list_received_messages(
        self,
        to: str,
        token_info: Json,
        from_: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Reply:
        page = self.service.receive(_account(token_info), to, from_, limit, cursor)
        return ok(
            {"messages": [message_json(v) for v in page.items], "next_cursor": page.next_cursor}
        )

    def list_message_history(
        self,
        token_info: Json,
        limit: int = 100,
        cursor: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Reply:
        page = self.service.history(
            _account(token_info), limit, cursor, _instant(since), _instant(until)
        )
        entries = [
            {"id": v.id, "timestamp": timestamp(v.created_at), "direction": v.direction}
            for v in page.items
        ]
        return ok({"messages": entries, "next_cursor": page.next_cursor})


def _instant(value: str | None) -> datetime | None:
    # The spec's `format: date-time` was checked by request validation before we got here.
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


class ControlApi:
    """`mock_server/control.yaml`: the mock's own steering API under `/_mock`."""

    def __init__(self, service: SmsService, faults: FaultSwitch) -> None:
        self.service = service
        self.faults = faults

    def health(self) -> Json:
        return {"status": "ok", "version": __version__}

    def reset(self) -> tuple[None, int]:
        self.service.reset()
        return None, 204

    def inject_inbound(self, body: Json) -> Reply:
        return ok(message_json(self.service.inject_inbound(body["from"], body["to"], body["text"])))

    def advance_clock(self, body: Json) -> Reply:
        try:
            now = self.service.advance_clock(float(body["seconds"]))
        except NotImplementedError as exc:
            raise problem(409, str(exc)) from exc
        return ok({"now": timestamp(now)})

    def list_all_messages(self, from_: str | None = None, to: str | None = None) -> Reply:
        views = self.service.all_messages(from_addr=from_, to_addr=to)
        return ok({"messages": [message_json(v) for v in views]})

    def set_faults(self, body: Json) -> Reply:
        return ok(_faults_json(self.faults.set(Faults(**body))))

    def clear_faults(self) -> Json:
        return _faults_json(self.faults.clear())


def _faults_json(faults: Faults) -> Json:
    return {"error_rate": faults.error_rate, "latency_ms": faults.latency_ms}
