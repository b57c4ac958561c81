"""The inbox page's files: `GET /` and `/_mock/inbox/<file>`, straight from the package.

Hand-written HTML, CSS and JavaScript (mock_server/inbox/static/), read once when the app is
built; no build step, nothing from the network (the Content-Security-Policy forbids it, so a
stray CDN link would fail loudly in the browser tests). Everything the page shows or does goes
through the control API.
"""

from __future__ import annotations

from importlib import resources

from starlette.types import ASGIApp, Receive, Scope, Send

PAGE_BASE = "/_mock/inbox/"
_MEDIA_TYPES = {
    ".html": b"text/html; charset=utf-8",
    ".css": b"text/css; charset=utf-8",
    ".js": b"text/javascript; charset=utf-8",
}
_SECURITY = [
    # No other site may frame the page (its buttons reset and steer the mock): clickjacking.
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),  # the same, for browsers that ignore frame-ancestors
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-cache"),
]


def _files() -> dict[str, tuple[bytes, bytes]]:
    """Each served path, with its media type and content."""
    static = resources.files("mock_server.inbox") / "static"
    served = {}
    for item in static.iterdir():
        suffix = "." + item.name.rpartition(".")[2]
        if item.is_file() and suffix in _MEDIA_TYPES:
            served[PAGE_BASE + item.name] = (_MEDIA_TYPES[suffix], item.read_bytes())
    served["/"] = served[PAGE_BASE] = served[PAGE_BASE + "index.html"]
    return served


class InboxPage:
    """Answers GET and HEAD of the page's paths; everything else goes on to the API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.files = _files()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.files.get(scope["path"]) if scope["type"] == "http" else None
        if found is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        media_type, body = found
        headers = [
            (b"content-type", media_type),
            (b"content-length", str(len(body)).encode()),
            *_SECURITY,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
