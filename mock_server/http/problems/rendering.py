"""Domain errors -> problems. Registered once on the app, so handlers never catch anything.

Every problem the app answers passes through here, also connexion's own and those a handler
raises under the fast path (`render`), so every one is completed to the spec's `Problem` and cut
to its bounds (`documents.Bounds`) in this one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.responses import Response

from mock_server.http.problems.documents import Bounds, bad_request, problem
from mock_server.sms import errors as domain
from mock_server.sms.store import StoreUnavailableError

_log = logging.getLogger(__name__)

Handler = Callable[[ConnexionRequest | None, Exception], ConnexionResponse]
ToProblem = Callable[[Exception], ProblemException]


def _validation_failed(exc: Exception) -> ProblemException:
    assert isinstance(exc, domain.ValidationFailed)
    return bad_request([(e.field, e.message) for e in exc.errors])


def _invalid_cursor(exc: Exception) -> ProblemException:
    return bad_request([("cursor", str(exc) or "was not issued by this server")])


def _itself(exc: Exception) -> ProblemException:
    assert isinstance(exc, ProblemException)
    return exc


def _store_failed(exc: Exception) -> ProblemException:
    # One line, no traceback: the cause is the store's (named in the message), not a bug here.
    _log.warning("%s", exc)
    return problem(500, str(exc))


def _as(status: int) -> ToProblem:
    return lambda exc: problem(status, str(exc))


def _complete(exc: Exception) -> ProblemException:
    """Connexion's own problems, made to match the spec's Problem: a detail always, and on a 400
    an `errors` list even when connexion could name no field."""
    assert isinstance(exc, ProblemException)
    ext = dict(exc.ext or {})
    detail = exc.detail or exc.title or "The request failed."
    headers = dict(exc.headers or {})  # a 405 keeps its Allow
    if exc.status == 400 and "errors" not in ext:
        ext["errors"] = [{"field": "request", "message": detail}]
    if exc.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")  # RFC 9110: a 401 names its scheme
    return ProblemException(
        status=exc.status,
        title=exc.title,
        detail=detail,
        type=exc.type,
        headers=headers,
        ext=ext,
    )


def _rendered(to_problem: ToProblem, bounds: Bounds) -> Handler:
    def handle(_request: ConnexionRequest | None, exc: Exception) -> ConnexionResponse:
        return bounds.apply(_complete(to_problem(exc))).to_problem()

    return handle


#: How each error a handler may raise becomes a problem.
_TO_PROBLEM: dict[type[Exception], ToProblem] = {
    ProblemException: _itself,
    domain.ValidationFailed: _validation_failed,
    domain.InvalidCursor: _invalid_cursor,
    domain.NotOwned: _as(403),
    domain.NotFound: _as(404),
    domain.ClockNotAdjustableError: _as(409),
    domain.AccountConflict: _as(409),
    domain.SimulatedServerError: _as(500),
    StoreUnavailableError: _store_failed,
}
#: The errors the app answers with a problem (the fast path renders them with `render`).
RENDERED: tuple[type[Exception], ...] = tuple(_TO_PROBLEM)


def store_failure(bounds: Bounds) -> Callable[[Exception], ConnexionResponse]:
    """The 500 problem for a failing store (`StoreUnavailableError`), as the app renders it:
    for the fast path, which answers it itself rather than make connexion wait for the store a
    second time."""
    return lambda exc: bounds.apply(_complete(_store_failed(exc))).to_problem()


def register(app: AsyncApp, bounds: Bounds) -> None:
    """Turn every error the app raises into a problem within `bounds` (from the spec)."""
    for exception, to_problem in _TO_PROBLEM.items():
        app.add_error_handler(exception, _rendered(to_problem, bounds))


def render(exc: Exception, bounds: Bounds) -> Response:
    """The answer to `exc`, one of `RENDERED`, exactly as the handlers `register` installs give
    it through connexion's exception middleware: the fast path answers a handler's error with
    this, rather than run the request again through connexion to have it rendered."""
    for kind in type(exc).__mro__:  # the most specific handler, as starlette looks it up
        if kind in _TO_PROBLEM:
            return starlette_response(_rendered(_TO_PROBLEM[kind], bounds)(None, exc))
    raise TypeError(f"{type(exc).__name__} is not an error the app renders") from exc


def starlette_response(answer: ConnexionResponse) -> Response:
    """`answer` as connexion's exception middleware sends it (its `connexion_wrapper`)."""
    return Response(
        answer.body, answer.status_code, dict(answer.headers or {}), media_type=answer.mimetype
    )
