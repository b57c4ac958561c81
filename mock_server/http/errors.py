"""Domain errors -> problems. Registered once on the app, so handlers never catch anything."""

from __future__ import annotations

from collections.abc import Callable

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse

from mock_server.http.problems import bad_request, problem
from mock_server.sms import errors

Handler = Callable[[ConnexionRequest, Exception], ConnexionResponse]


def _validation_failed(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, errors.ValidationFailed)
    return bad_request([(e.field, e.message) for e in exc.errors]).to_problem()


def _as(status: int) -> Handler:
    def handle(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return problem(status, str(exc)).to_problem()

    return handle


def _complete(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
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
    ).to_problem()


def register(app: AsyncApp) -> None:
    app.add_error_handler(ProblemException, _complete)
    app.add_error_handler(errors.ValidationFailed, _validation_failed)
    app.add_error_handler(errors.InvalidCursor, _invalid_cursor)
    app.add_error_handler(errors.NotOwned, _as(403))
    app.add_error_handler(errors.NotFound, _as(404))
    app.add_error_handler(errors.ClockNotAdjustableError, _as(409))
    app.add_error_handler(errors.SimulatedServerError, _as(500))


def _invalid_cursor(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return bad_request([("cursor", str(exc) or "was not issued by this server")]).to_problem()
