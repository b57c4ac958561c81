"""Opaque, tamper-proof paging cursors that reveal nothing.

A cursor is base64url (no padding) of the position of the last item of a page (a version byte,
then signed 64-bit integers) sealed with AES-SIV (RFC 5297), the listing's query as associated
data. So:

- a client cannot read a position: it learns no sequence number, hence no count of the messages
  other accounts sent between two of its pages; every cursor of a listing has the same length;
- a client cannot forge or edit one, and a cursor from one listing (another endpoint, account,
  recipient or filter) is refused by every other: a cursor the server did not issue for this
  listing is an `InvalidCursor` (a 400), never a wrong page;
- a cursor is a deterministic function of (secret, listing, position): SIV needs no random nonce,
  so the same secret gives byte-identical answers from one run to the next. Equal cursors mean
  equal positions, which the client already sees (the same page was answered).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

Position = tuple[int, ...]

#: At least this many bytes of secret.
MIN_SECRET_BYTES = 16
_VERSION = b"\x02"
_PART = struct.Struct(">q")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
# One encoder for every listing: `json.dumps` with non-default options builds a new encoder on
# each call, which cost more than the encoding itself.
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
    """Seals and opens the cursors of every listing with one secret.

    `max_length` is the longest cursor accepted (the contract's `Cursor` maxLength); longer
    input is refused before any decoding.
    """

    def __init__(self, secret: bytes, max_length: int) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the cursor secret must be at least {MIN_SECRET_BYTES} bytes")
        # A secret of any length becomes an AES-256-SIV key (64 bytes) the standard way.
        key = HKDF(
            algorithm=hashes.SHA256(), length=64, salt=None, info=b"aatrox-mock cursors"
        ).derive(secret)
        self._siv = AESSIV(key)
        self._max_length = max_length

    def encode(self, position: Position, query: str) -> str:
        plain = _VERSION + b"".join(_PART.pack(part) for part in position)
        sealed = self._siv.encrypt(plain, [query.encode("utf-8", "surrogatepass")])
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def decode(self, cursor: str, query: str) -> Position:
        """The position `cursor` holds, if this server issued it for `query`."""
        if len(cursor) > self._max_length or not _BASE64URL.fullmatch(cursor):
            raise InvalidCursor
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError) as exc:
            raise InvalidCursor from exc
        # Base64 has several spellings of the same bytes (unused low bits); only ours is valid.
        if base64.urlsafe_b64encode(raw).rstrip(b"=") != cursor.encode():
            raise InvalidCursor
        try:
            plain = self._siv.decrypt(raw, [query.encode("utf-8", "surrogatepass")])
        except (InvalidTag, ValueError) as exc:  # ValueError: shorter than the SIV itself
            raise InvalidCursor from exc
        body = plain.removeprefix(_VERSION)
        if body is plain or len(body) % _PART.size:
            raise InvalidCursor
        return tuple(part for (part,) in _PART.iter_unpack(body))
