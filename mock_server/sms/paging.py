"""Opaque, tamper-proof paging cursors.

A cursor is base64url (no padding) of `payload || mac`, where the payload is the position of the
last item of a page ("v1:" then integers) and the mac is HMAC-SHA256 over the listing's query and
the payload, truncated to 16 bytes. So a client cannot forge or edit a position, and a cursor from
one listing (another endpoint, account, recipient or filter) is refused by every other: a cursor
the server did not issue for this listing is an `InvalidCursor` (a 400), never a wrong page.
The position is not secret, only authenticated; a client that decodes it learns an instant and a
sequence number.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re

Position = tuple[int, ...]

MAC_BYTES = 16
#: The spec's `Cursor` parameter: at most 512 characters of base64url.
MAX_CURSOR_LENGTH = 512
_VERSION = b"v1:"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_INTEGER = re.compile(rb"-?[0-9]{1,20}")
# One encoder for every listing: `json.dumps` with non-default options builds a new encoder on
# each call, which cost more than the encoding itself. Same options, so the same text (and the
# cursors already handed out stay valid).
_LISTING = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)


class InvalidCursor(ValueError):  # noqa: N818 - the name the HTTP layer maps
    """The cursor was not issued by this server for this listing."""

    def __init__(
        self, message: str = "is not a cursor this server issued for this listing"
    ) -> None:
        super().__init__(message)


def listing(*parts: str | int | None) -> str:
    """A query string describing one listing, unambiguous whatever characters the parts hold."""
    return _LISTING.encode(parts)


class Cursors:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the cursor secret must be at least 16 bytes")
        # Keyed once: a copy of this costs less than keying HMAC afresh for every cursor (the
        # key schedule is most of the work for a MAC over a few dozen bytes).
        self._keyed = hmac.new(secret, digestmod="sha256")

    def _mac(self, payload: bytes, query: str) -> bytes:
        message = query.encode("utf-8", "surrogatepass") + b"\0" + payload
        mac = self._keyed.copy()
        mac.update(message)
        return mac.digest()[:MAC_BYTES]

    def encode(self, position: Position, query: str) -> str:
        payload = _VERSION + b".".join(str(int(part)).encode("ascii") for part in position)
        raw = payload + self._mac(payload, query)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def decode(self, cursor: str, query: str) -> Position:
        """The position `cursor` holds, if this server issued it for `query`."""
        if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
            raise InvalidCursor
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError) as exc:
            raise InvalidCursor from exc
        # Base64 has several spellings of the same bytes (unused low bits); only ours is valid.
        if len(raw) <= MAC_BYTES or base64.urlsafe_b64encode(raw).rstrip(b"=") != cursor.encode():
            raise InvalidCursor
        payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if not hmac.compare_digest(mac, self._mac(payload, query)):
            raise InvalidCursor
        if not payload.startswith(_VERSION):
            raise InvalidCursor
        parts = payload[len(_VERSION) :].split(b".")
        if not all(_INTEGER.fullmatch(part) for part in parts):
            raise InvalidCursor
        return tuple(int(part) for part in parts)
