"""Domain errors. Each says what went wrong in words a client developer can act on; the HTTP
layer maps each class to one status (400, 403, 404, 500) and never needs to look inside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mock_server.sms.paging import InvalidCursor

__all__ = [
    "AccountConflict",
    "ClockNotAdjustableError",
    "DomainError",
    "FieldError",
    "InvalidCursor",
    "NotFound",
    "NotOwned",
    "SimulatedServerError",
    "ValidationFailed",
]


@dataclass(frozen=True)
class FieldError:
    """One bad field: `field` is a path into the request (`to[3]`, `text`), `message` says why."""

    field: str
    message: str


class DomainError(Exception):
    """Base of the errors a use case raises on purpose."""


class ValidationFailed(DomainError):  # noqa: N818 - the name the HTTP layer maps
    """The request is not valid (400). Names every bad field, not only the first."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))


class NotOwned(DomainError):  # noqa: N818 - the name the HTTP layer maps
    """The token's account does not own the number it wants to send from or read (403)."""


class NotFound(DomainError):  # noqa: N818 - the name the HTTP layer maps
    """No such message, or one the account may not see: the same answer, so that an id's
    existence never leaks to an account that may not see it (404)."""


class SimulatedServerError(DomainError):
    """The config makes sends to this recipient fail (500). Raised before anything is stored."""


class ClockNotAdjustableError(DomainError):
    """Only a manual clock can be moved; the real one cannot (409)."""


class AccountConflict(DomainError):  # noqa: N818 - the name the HTTP layer maps
    """An account name that exists, or a number another account owns (409)."""
