"""Servers that drift from the contract on purpose: the mock, wrapped by an ASGI middleware that
rewrites its answers as a vendor might one day. Each drift is one small change, so that a test
can tell that `aatrox-sms-verify` names exactly it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


#: Changes an answer of (method, path); returns it unchanged when it does not apply.
Rewrite = Callable[[str, str, Answer], Answer]


class Drifting:
    """`app`, with every answer passed through `rewrite`; remembers the methods it served."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite
        self.methods: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.methods.append(scope["method"])
        start: dict[str, object] = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await self._send_rewritten(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffer)

    async def _send_rewritten(
        self, scope: Scope, start: dict[str, object], body: bytes, send: Send
    ) -> None:
        raw = start.get("headers", [])
        assert isinstance(raw, list)
        headers = [(k, v) for k, v in raw if k.lower() not in (b"content-type", b"content-length")]
        content_type = next((v for k, v in raw if k.lower() == b"content-type"), b"").decode()
        status = start["status"]
        assert isinstance(status, int)
        answer = self.rewrite(scope["method"], scope["path"], Answer(status, content_type, body))
        headers += [
            (b"content-type", answer.content_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})


def unchanged(method: str, path: str, answer: Answer) -> Answer:
    return answer


def renamed_field(method: str, path: str, answer: Answer) -> Answer:
    """Messages say `to_address` where the guide (and the spec) say `to_addr`."""
    return Answer(
        answer.status, answer.content_type, answer.body.replace(b'"to_addr"', b'"to_address"')
    )


def undocumented_status(method: str, path: str, answer: Answer) -> Answer:
    """A send answers 201 Created, which the spec does not document."""
    if path == "/api/v2/sms/send" and answer.status == 200:
        return Answer(201, answer.content_type, answer.body)
    return answer


def wrong_media_type(method: str, path: str, answer: Answer) -> Answer:
    """Problem documents served as plain `application/json`."""
    if answer.content_type == "application/problem+json":
        return Answer(answer.status, "application/json", answer.body)
    return answer


def unknown_enum_value(method: str, path: str, answer: Answer) -> Answer:
    """A new status the spec does not have: `accepted` instead of `queued`."""
    return Answer(
        answer.status, answer.content_type, answer.body.replace(b'"queued"', b'"accepted"')
    )
