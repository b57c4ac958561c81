"""RFC 9457 problem documents: one shape for every error the mock answers.

Connexion already renders its own errors (401, 404, 405, 415, validation) as
`application/problem+json`; this module makes the mock's domain errors and the errors its own
middleware raises (413, 405, faults) look exactly the same, so clients parse one `Problem`.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus

from connexion.exceptions import ProblemException


def field_errors(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """The `errors` member of a 400: one `{field, message}` per bad field."""
    return [{"field": field, "message": message} for field, message in pairs]


def bad_request(pairs: Sequence[tuple[str, str]]) -> ProblemException:
    """A 400 naming every bad field, so a client can fix them all in one go."""
    fields = ", ".join(dict.fromkeys(field for field, _ in pairs))
    return ProblemException(
        status=400,
        title="Bad Request",
        detail=f"The request is not valid: {fields}.",
        ext={"errors": field_errors(pairs)},
    )


def problem(status: int, detail: str) -> ProblemException:
    """A problem with the standard title for its status."""
    return ProblemException(status=status, title=HTTPStatus(status).phrase, detail=detail)
