"""The one app factory: `create_app(config)` is what the command line, the tests and
schemathesis all serve."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from connexion.spec import Specification

from mock_server.http import errors
from mock_server.http.auth import bearer_handler, token_check
from mock_server.http.fast_path import FastPath
from mock_server.http.handlers import ControlApi, PublicApi
from mock_server.http.middleware import (
    BodyLimitMiddleware,
    ConcretePathMiddleware,
    FaultMiddleware,
    MediaTypeCaseMiddleware,
)
from mock_server.http.operations import decorate_once
from mock_server.http.timeouts import DEFAULT_BODY_TIMEOUT_S, BodyTimeoutMiddleware
from mock_server.http.validation import validator_map
from mock_server.sms.clock import Clock, ManualClock, RealClock
from mock_server.sms.config import Config, default_config
from mock_server.sms.faults import FaultSwitch
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore

ROOT = Path(__file__).resolve().parent
# In a checkout the contract is at the repository's root; an installed wheel has its copy inside
# the package (pyproject.toml, force-include).
PUBLIC_SPEC = next(
    (spec for spec in (ROOT / "openapi.yaml", ROOT.parent / "openapi.yaml") if spec.is_file()),
    ROOT.parent / "openapi.yaml",
)
CONTROL_SPEC = ROOT / "control.yaml"
CONTROL_BASE = "/_mock"
#: How control.yaml refers to the public contract's schemas (written for the checkout's layout).
_PUBLIC_REF = "../openapi.yaml#"


def _control_spec() -> dict[str, Any]:
    """control.yaml, with its `$ref`s into the public contract aimed at PUBLIC_SPEC, wherever
    that is: in a checkout the file they name, in a wheel the package's own copy."""

    def aim(node: Any) -> Any:
        if isinstance(node, list):
            return [aim(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PUBLIC_REF):
            return {**node, "$ref": PUBLIC_SPEC.as_uri() + "#" + ref.removeprefix(_PUBLIC_REF)}
        return {key: aim(value) for key, value in node.items()}

    spec: dict[str, Any] = aim(yaml.safe_load(CONTROL_SPEC.read_text()))
    return spec


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def _by_operation_id(handlers: object) -> Callable[[str], Any]:
    """operationId `sendSms` -> `handlers.send_sms`: the contract names no Python paths."""
    return lambda operation_id: getattr(handlers, _snake(operation_id))


_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@functools.cache
def _public_spec() -> Specification:
    """openapi.yaml with its `$ref`s resolved, read once a process (the app factory's own uses:
    connexion reads the file itself)."""
    return Specification.load(PUBLIC_SPEC)


def _concrete_paths(paths: dict[str, dict[str, Any]]) -> dict[str, frozenset[str]]:
    """Each path without a template, with the methods it serves (HEAD with GET, as the router
    does)."""
    served = {}
    for path, item in paths.items():
        if "{" not in path:
            methods = {method.upper() for method in item if method in _METHODS}
            served[path] = frozenset(methods | ({"HEAD"} if "GET" in methods else set()))
    return served


def create_app(
    config: Config | None = None,
    *,
    store: MessageStore | None = None,
    validate_responses: bool = False,
    fast_path: bool = True,
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
) -> AsyncApp:
    """A connexion app serving `openapi.yaml` (and the control API under `/_mock`).

    `validate_responses` makes connexion check every answer against the spec; the tests turn it
    on, serving leaves it off since the contract tests already hold the answers to the spec.

    `fast_path` answers plainly valid public calls without connexion's per-request machinery
    (`mock_server.http.fast_path`). Its answers bypass connexion's response validation: the
    contract suite checks them instead (schemathesis on the uvicorn target, Prism's proxy),
    and its in-process target turns the fast path off so that connexion checks the handlers.

    `body_timeout_s` bounds the time a request's body may take to arrive (then a 408).
    """
    config = config or default_config()
    store = store or MemoryStore()
    clock: Clock = ManualClock(store) if config.clock == "manual" else RealClock()
    service = SmsService(config, store, clock)
    faults = FaultSwitch(store)

    app = AsyncApp(
        __name__,
        security_map={"bearer": bearer_handler(config.accounts)},
        validator_map=validator_map(),
    )
    decorate_once(app)
    options: dict[str, Any] = {
        "strict_validation": True,
        "validate_responses": validate_responses,
        "pythonic_params": True,
    }
    public = _by_operation_id(PublicApi(service))
    app.add_api(PUBLIC_SPEC, resolver=Resolver(function_resolver=public), **options)
    app.add_api(
        _control_spec(),
        base_path=CONTROL_BASE,
        resolver=Resolver(function_resolver=_by_operation_id(ControlApi(service, faults))),
        **options,
    )
    app.add_middleware(
        FaultMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER, faults=faults.current
    )
    app.add_middleware(BodyLimitMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER)
    app.add_middleware(
        ConcretePathMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        methods=_concrete_paths(_public_spec()["paths"]),
    )
    app.add_middleware(MediaTypeCaseMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER)
    app.add_middleware(
        BodyTimeoutMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER, timeout=body_timeout_s
    )
    if fast_path:
        app.add_middleware(
            FastPath,
            position=MiddlewarePosition.BEFORE_SWAGGER,
            spec=_public_spec(),
            handlers=public,
            token_info=token_check(config.accounts),
        )
    errors.register(app)
    return app
