"""The one reading of `Authorization`, for every place that reads it: the fast path, connexion's
security handler, the request journal and the control key.

RFC 6750 (section 2.1): `Bearer`, one or more spaces (`1*SP`: a tab is not one), the token; the
scheme's name in any case (RFC 7235). Anything else is no credential — a 401 — and so is a
request with more than one `Authorization` header, whatever their order: were the first one to
win, two layers reading different ones could disagree about who called.
"""

from __future__ import annotations

from collections.abc import Iterable

_NAME = b"authorization"
_SCHEME = b"bearer"
_SCHEME_LEN = len(_SCHEME)


def bearer_value(value: bytes) -> str | None:
    """The token of one `Authorization` header's value, or None if it is not a bearer credential
    in RFC 6750's form."""
    if value[:_SCHEME_LEN].lower() != _SCHEME or value[_SCHEME_LEN : _SCHEME_LEN + 1] != b" ":
        return None
    token = value[_SCHEME_LEN:].lstrip(b" ")
    # A token has no whitespace inside or after it (b64token): the remainder is all of it.
    if not token or b" " in token or b"\t" in token:
        return None
    return token.decode("latin-1")


def bearer_token(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The request's bearer token (ASGI `scope["headers"]`), or None: no `Authorization`, one not
    in RFC 6750's form, or more than one."""
    found: bytes | None = None
    for name, value in headers:
        if name == _NAME:
            if found is not None:
                return None
            found = value
    return None if found is None else bearer_value(found)


def has_authorization(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether the request carries an `Authorization` header at all (a missing one and a bad one
    are both 401s, named differently)."""
    return any(name == _NAME for name, _ in headers)
