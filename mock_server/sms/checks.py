"""Field checks both services share. Each appends a `FieldError` rather than raising, so that a
request is answered with every bad field at once."""

from __future__ import annotations

from mock_server.sms.errors import FieldError, ValidationFailed
from mock_server.sms.limits import Limits
from mock_server.sms.numbers import is_e164


def check_number(errors: list[FieldError], field: str, value: str) -> None:
    if not is_e164(value):
        errors.append(FieldError(field, f"{value!r} is not an E.164 number (+ then 8-15 digits)"))


def check_text(errors: list[FieldError], limits: Limits, text: str, full: str) -> None:
    """`text` as sent; `full` as it will be stored (with the disclaimer, if any): the limit
    applies to what is stored, which the contract's schema alone cannot say."""
    if not text:
        errors.append(FieldError("text", "must not be empty"))
    elif len(full) > limits.text_length:
        with_disclaimer = " with its disclaimer" if full is not text else ""
        errors.append(
            FieldError(
                "text",
                f"is {len(full)} characters long{with_disclaimer}; at most {limits.text_length}",
            )
        )
    try:
        full.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can carry "\ud83d" alone; it is not a character and could not be stored.
        errors.append(FieldError("text", "holds an unpaired UTF-16 surrogate"))


def check_limit(errors: list[FieldError], limits: Limits, limit: int) -> None:
    if not 1 <= limit <= limits.page_size:
        errors.append(FieldError("limit", f"must be from 1 to {limits.page_size}, not {limit}"))


def raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)
