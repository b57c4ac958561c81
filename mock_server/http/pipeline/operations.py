"""Connexion operations that build their handler's decorator chain once, not on every request.

In connexion 3.3, `AsyncOperation.fn` is a property: every request builds a new
`StarletteDecorator`, whose wrapper decorates the handler again (parameter and response
decorators, `functools.wraps`, `inspect.signature`). That was about a tenth of the mock's CPU per
request in the profile (bench/results/profile.md). The chain depends only on the operation, so
it is built once; each request still gets its own connexion request from the context — a
`SharedBodyRequest`, whose body is the value the request validator checked.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator

from mock_server.http.pipeline.bodies import SharedBodyRequest


class _DecorateOnce(StarletteDecorator):  # type: ignore[misc]
    def __call__(self, function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            request = SharedBodyRequest(scope, receive, uri_parser=self.uri_parser)
            return await decorated(request)

        return wrapper


class _OnceDecoratedOperation(AsyncOperation):  # type: ignore[misc]
    @functools.cached_property
    def fn(self) -> Callable[..., Awaitable[Any]]:
        return _DecorateOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(
            self._fn
        )


class _OnceDecoratedApi(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: Any) -> AsyncOperation:
        return _OnceDecoratedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


def decorate_once(app: AsyncApp) -> None:
    """Make the APIs added to `app` from now on decorate each handler once.

    connexion offers no public hook for its operation class; `_middleware_app.api_cls` is the
    seam (connexion 3.3.0, pinned). The API tests exercise every operation through it.
    """
    app._middleware_app.api_cls = _OnceDecoratedApi
