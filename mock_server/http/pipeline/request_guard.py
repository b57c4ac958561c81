"""Who may talk to the mock: the one check in front of every path (public API, control API, inbox
page, Swagger UI), the outermost of the app's layers, so the fast path is behind it too.

A mock on a developer's machine is reachable from every web page that developer opens:
- DNS rebinding: a page under a name the attacker points at 127.0.0.1 is same-origin with the
  mock as far as the browser knows, and could read it. Its requests carry that name in `Host`,
  so only loopback names and addresses (`localhost`, 127.0.0.0/8, `[::1]`, any port) and the
  names the user allowed (`--allowed-host`) are served; any other Host is a 400, none of the
  mock's data.
- Cross-site writes: a browser sends "simple" requests (a form post, a `no-cors` fetch,
  `sendBeacon`) to any origin without asking. Every browser marks them, with an `Origin` or a
  `Sec-Fetch-Site`, so a request that may change the mock (POST, PUT, DELETE, PATCH under
  `/_mock`) carrying a foreign `Origin` (`null` included) or a `Sec-Fetch-Site` other than
  `same-origin`/`none` is a 403, nothing done. Clients that are not browsers send neither, and
  are served as before.
- A reachable mock (`--host 0.0.0.0`): with a control key (`--control-token`), every control
  call needs `Authorization: Bearer <key>` (a 401 otherwise), except those that hold no data and
  change nothing, which a browser must load without a header: `GET /_mock/health`, the inbox
  page's files, the Swagger UI and spec, and the event stream (which says only *that* something
  changed; `EventSource` cannot send a header).

The checks are cheap on purpose: every call pays them. A Host value seen before is one dict
lookup; the Origin and the key are read only on control paths.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.pipeline.authorization import bearer_token

#: Loopback names served whatever the user allows (127.0.0.0/8 is checked as an address).
LOOPBACK_NAMES = ("localhost", "[::1]")
_CONTROL = "/_mock"
_CONTROL_SLASH = _CONTROL + "/"
#: Methods that may change the mock (the control API's GETs only read).
_WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})
#: `Sec-Fetch-Site` of a request that is not cross-site: the page's own, or typed by the user.
_NOT_CROSS_SITE = (b"same-origin", b"none")
#: Control paths a browser loads without a header, holding no data (see the module docstring).
_OPEN_CONTROL = frozenset(
    {"/_mock/health", "/_mock/events", "/_mock/openapi.json", "/_mock/openapi.yaml"}
)
_OPEN_CONTROL_PREFIXES = ("/_mock/inbox/", "/_mock/ui")
_READS = frozenset({"GET", "HEAD"})
#: How many distinct Host values the decision cache keeps: a client cannot grow it without end.
_CACHE_SIZE = 256
#: Starlette's TestClient (and schemathesis's ASGI transport) name their client so: a request
#: that did not come over a socket, from code holding the app itself, which no Host can fool.
_IN_PROCESS_CLIENT = "testclient"


def _problem(status: int, title: str, detail: str, field: str | None = None) -> bytes:
    document: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field is not None:
        document["errors"] = [{"field": field, "message": detail}]
    return orjson.dumps(document)


_HOST_REFUSED = _problem(
    400,
    "Host not served",
    "This mock serves only loopback names (localhost, 127.0.0.0/8, [::1]) and the hosts it was"
    " started with (--allowed-host); the request's Host is none of them.",
    "Host",
)
_CROSS_SITE_REFUSED = _problem(
    403,
    "Cross-site request refused",
    "A request that changes the mock must come from its own pages or from a client that is not"
    " a browser: this one carries a foreign Origin or Sec-Fetch-Site.",
)
_KEY_REQUIRED = _problem(
    401,
    "Control key required",
    "This mock's control API needs `Authorization: Bearer <key>`, the key it was started with"
    " (--control-token).",
)


def _name(host: bytes) -> bytes | None:
    """The host name of a `Host` value, lower case, without its port; None if malformed."""
    if host.startswith(b"["):
        end = host.find(b"]") + 1
        name, rest = host[:end], host[end:]
        if not end:
            return None
    else:
        name, colon, port = host.partition(b":")
        rest = colon + port
    if rest and not (rest[:1] == b":" and rest[1:].isdigit()):
        return None
    return name.lower() or None


def _is_loopback_address(name: bytes) -> bool:
    if not name.startswith(b"127."):
        return False
    try:
        ipaddress.IPv4Address(name.decode("ascii"))
    except ValueError:  # (a name like 127.evil.example)
        return False
    return True


class RequestGuard:
    """ASGI middleware refusing requests from elsewhere (see the module docstring).

    `allowed_hosts`: names served besides loopback ones (any port). `control_key`: the key the
    control API asks for; None, none asked.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str] = (),
        control_key: str | None = None,
    ) -> None:
        self.app = app
        # As a Host value is read: a port given with a name (`name:8080`) is dropped.
        names = (_name(n.strip().encode("idna")) for n in (*LOOPBACK_NAMES, *allowed_hosts))
        self.names = frozenset(name for name in names if name is not None)
        self.control_key = None if control_key is None else control_key.encode("latin-1")
        self.served: dict[bytes, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        # Two Host headers are a 400 (RFC 9112, 3.2): another reader could take the other one.
        host = hosts[0] if len(hosts) == 1 else b""
        if not self._serves(host, scope):
            await _answer(send, 400, _HOST_REFUSED)
            return
        path: str = scope["path"]
        if path.startswith(_CONTROL_SLASH) or path == _CONTROL:
            if scope["method"] in _WRITES and _cross_site(scope, host):
                await _answer(send, 403, _CROSS_SITE_REFUSED)
                return
            if self.control_key is not None and not self._keyed(scope, path):
                await _answer(send, 401, _KEY_REQUIRED, www_authenticate=True)
                return
        await self.app(scope, receive, send)

    def _serves(self, host: bytes, scope: Scope) -> bool:
        served = self.served.get(host)
        if served is None:
            client = scope.get("client")
            if client is not None and client[0] == _IN_PROCESS_CLIENT:
                return True
            name = _name(host)
            served = name is not None and (name in self.names or _is_loopback_address(name))
            if len(self.served) < _CACHE_SIZE:
                self.served[host] = served
        return served

    def _keyed(self, scope: Scope, path: str) -> bool:
        if scope["method"] in _READS and (
            path in _OPEN_CONTROL or path.startswith(_OPEN_CONTROL_PREFIXES)
        ):
            return True
        token = bearer_token(scope["headers"])
        assert self.control_key is not None
        # Constant time: the answer's timing must not tell how much of a guess was right.
        return token is not None and hmac.compare_digest(token.encode("latin-1"), self.control_key)


def _cross_site(scope: Scope, host: bytes) -> bool:
    """Whether a browser marked the request as coming from another site (or an opaque origin)."""
    for name, value in scope["headers"]:
        if name == b"origin":
            own = value.lower()
            if own != b"http://" + host.lower() and own != b"https://" + host.lower():
                return True
        elif name == b"sec-fetch-site" and value not in _NOT_CROSS_SITE:
            return True
    return False


async def _answer(send: Send, status: int, body: bytes, *, www_authenticate: bool = False) -> None:
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if www_authenticate:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
