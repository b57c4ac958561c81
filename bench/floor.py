"""The floor: a bare Starlette app doing the mock's JSON work per route, and nothing more.

No connexion, no schema validation, no SMS rules: check the bearer token, parse the body, build
a message dict, keep it in a dict and a few lists, answer JSON. Served like the mock (one uvicorn
process, its defaults: uvloop and httptools) but without an access log — this is the least a
Python ASGI server can spend per request, the yardstick for the mock's CPU per request.

`python -m bench.floor --port N`
"""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.settings import TOKEN

Message = dict[str, Any]

_AUTH = f"Bearer {TOKEN}"
_by_id: dict[str, Message] = {}
_inboxes: dict[str, list[Message]] = {}
_all: list[Message] = []


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": "Error", "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


def _authorized(request: Request) -> bool:
    return secrets.compare_digest(request.headers.get("authorization", ""), _AUTH)


def _limit(request: Request) -> int:
    try:
        return max(1, min(1000, int(request.query_params.get("limit", "100"))))
    except ValueError:
        return 100


async def send(request: Request) -> JSONResponse:
    if not _authorized(request):
        return _problem(401, "No valid bearer token.")
    body = await request.json()
    if not isinstance(body, dict) or not all(
        isinstance(body.get(key), str) for key in ("from", "to", "text")
    ):
        return _problem(400, "from, to and text are required strings.")
    now = _now()
    text: str = body["text"]
    message: Message = {
        "id": f"msg_{secrets.token_hex(12)}",
        "from_addr": body["from"],
        "to_addr": body["to"],
        "text": text,
        "status": "queued",
        "status_at": now,
        "segment_count": 1 if len(text) <= 160 else -(-len(text) // 153),
        "encoding": "gsm7",
        "created_at": now,
    }
    _by_id[message["id"]] = message
    _inboxes.setdefault(message["to_addr"], []).append(message)
    _all.append(message)
    return JSONResponse(message)


async def details(request: Request) -> JSONResponse:
    if not _authorized(request):
        return _problem(401, "No valid bearer token.")
    message = _by_id.get(request.path_params["id"])
    if message is None:
        return _problem(404, "No such message.")
    return JSONResponse(message)


async def receive(request: Request) -> JSONResponse:
    if not _authorized(request):
        return _problem(401, "No valid bearer token.")
    inbox = _inboxes.get(request.query_params.get("to", ""), [])
    page = inbox[: _limit(request)]
    return JSONResponse({"messages": page, "next_cursor": None})


async def history(request: Request) -> JSONResponse:
    if not _authorized(request):
        return _problem(401, "No valid bearer token.")
    page = [
        {"id": m["id"], "timestamp": m["created_at"], "direction": "outbound"}
        for m in _all[: _limit(request)]
    ]
    return JSONResponse({"messages": page, "next_cursor": None})


async def health(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/api/v2/sms/send", send, methods=["POST"]),
        Route("/api/v2/sms/receive", receive),
        Route("/api/v2/sms/history", history),
        Route("/api/v2/sms/{id}", details),
        Route("/health", health),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
