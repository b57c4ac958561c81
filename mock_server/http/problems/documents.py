"""RFC 9457 problem documents: one shape for every error the mock answers, bounded in size.

Connexion already renders its own errors (401, 404, 405, 415, validation) as
`application/problem+json`; this module makes the mock's domain errors and the errors its own
middleware raises (413, 405, faults) look exactly the same, so clients parse one `Problem`.

Answers are bounded whatever the request held: a message quotes at most a short prefix of a bad
value (`quoted`), and `Bounds` (read from the spec's `Problem` schema: `maxLength` of each
string, `maxItems` of `errors`) cuts what is still too long and lists at most so many `errors`,
with the count of the rest in `more_errors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from connexion.exceptions import ProblemException

#: How much of a client's value a message repeats: enough to recognise it, never the whole.
QUOTE_CHARS = 40
#: How many field names the `detail` of a 400 lists before counting the rest.
DETAIL_FIELDS = 5
_ELLIPSIS = "…"


def quoted(value: object) -> str:
    """`value` as a message quotes it: its repr, cut to a prefix of QUOTE_CHARS characters."""
    if isinstance(value, str) and len(value) > QUOTE_CHARS:
        return f"{value[:QUOTE_CHARS]!r}{_ELLIPSIS} ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + _ELLIPSIS


def field_errors(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """The `errors` member of a 400: one `{field, message}` per bad field."""
    return [{"field": field, "message": message} for field, message in pairs]


def bad_request(pairs: Sequence[tuple[str, str]]) -> ProblemException:
    """A 400 naming every bad field, so a client can fix them all in one go."""
    fields = list(dict.fromkeys(field for field, _ in pairs))
    named = ", ".join(fields[:DETAIL_FIELDS])
    if len(fields) > DETAIL_FIELDS:
        named += f" and {len(fields) - DETAIL_FIELDS} more"
    return ProblemException(
        status=400,
        title="Bad Request",
        detail=f"The request is not valid: {named}.",
        ext={"errors": field_errors(pairs)},
    )


def problem(status: int, detail: str) -> ProblemException:
    """A problem with the standard title for its status."""
    return ProblemException(status=status, title=HTTPStatus(status).phrase, detail=detail)


def _cut(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - len(_ELLIPSIS)] + _ELLIPSIS


@dataclass(frozen=True)
class Bounds:
    """The size limits the contract's `Problem` schema states, applied to every problem."""

    strings: Mapping[str, int]  # Problem's string members, by name: their maxLength
    max_errors: int | None
    error_strings: Mapping[str, int]  # FieldError's members: field, message

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> Bounds:
        """From the `Problem` schema of the spec, its `$ref`s resolved."""
        properties = schema["properties"]
        errors = properties["errors"]
        return cls(
            strings=_max_lengths(properties),
            max_errors=errors.get("maxItems"),
            error_strings=_max_lengths(errors["items"]["properties"]),
        )

    def apply(self, exc: ProblemException) -> ProblemException:
        """`exc`, its strings cut to their maxLength and its `errors` to maxItems."""
        ext = dict(exc.ext or {})
        errors = ext.get("errors")
        if isinstance(errors, list):
            if self.max_errors is not None and len(errors) > self.max_errors:
                ext["more_errors"] = len(errors) - self.max_errors
                errors = errors[: self.max_errors]
            ext["errors"] = [
                {key: _cut(str(value), self.error_strings.get(key)) for key, value in e.items()}
                for e in errors
            ]
        return ProblemException(
            status=exc.status,
            title=_cut(exc.title or "", self.strings.get("title")) or None,
            detail=_cut(exc.detail or "", self.strings.get("detail")) or None,
            type=_cut(exc.type or "about:blank", self.strings.get("type")),
            headers=exc.headers,
            ext=ext,
        )


def _max_lengths(properties: Mapping[str, Any]) -> dict[str, int]:
    return {
        name: schema["maxLength"]
        for name, schema in properties.items()
        if schema.get("type") == "string" and "maxLength" in schema
    }
