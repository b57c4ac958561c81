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
from mock_server.http.auth import account_name, bearer_handler, token_check
from mock_server.http.events import REQUESTS, ChangeCueMiddleware, Changes
from mock_server.http.fast_path import FastPath
from mock_server.http.faults import FaultSwitch
from mock_server.http.handlers import ControlApi, PublicApi
from mock_server.http.inbox_api import InboxApi
from mock_server.http.inbox_page import InboxPage
from mock_server.http.journal import DEFAULT_SIZE, JournalMiddleware, RequestJournal
from mock_server.http.middleware import (
    BodyLimitMiddleware,
    ConcretePathMiddleware,
    FaultMiddleware,
    TrailingSlashMiddleware,
)
from mock_server.http.operations import decorate_once
from mock_server.http.problems import Bounds
from mock_server.http.shared_journal import JournalStore, SharedJournal
from mock_server.http.spec_limits import limits_from_spec
from mock_server.http.store_calls import StoreCalls
from mock_server.http.timeouts import DEFAULT_BODY_TIMEOUT_S, BodyTimeoutMiddleware
from mock_server.http.validation import middlewares, validator_map
from mock_server.sms.clock import Clock, ManualClock, RealClock
from mock_server.sms.config import Config, default_config
from mock_server.sms.control import ControlService
from mock_server.sms.ids import cursor_secret, message_ids
from mock_server.sms.limits import Limits
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore
from mock_server.sms.store.base import DEFAULT_TIMEOUT_S, ChangeFeed

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


def load_control_spec(public_spec: Path) -> dict[str, Any]:
    """control.yaml, with its `$ref`s into the public contract aimed at `public_spec`, wherever
    that is: in a checkout the file they name, in a wheel the package's own copy."""

    def aim(node: Any) -> Any:
        if isinstance(node, list):
            return [aim(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PUBLIC_REF):
            return {**node, "$ref": public_spec.as_uri() + "#" + ref.removeprefix(_PUBLIC_REF)}
        return {key: aim(value) for key, value in node.items()}

    spec: dict[str, Any] = aim(yaml.safe_load(CONTROL_SPEC.read_text()))
    return spec


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def _by_operation_id(*handlers: object) -> Callable[[str], Any]:
    """operationId `sendSms` -> `handlers.send_sms` (of the first object that has it): the
    contract names no Python paths."""

    def resolve(operation_id: str) -> Any:
        name = _snake(operation_id)
        owner = next((h for h in handlers if hasattr(h, name)), handlers[0])
        return getattr(owner, name)

    return resolve


_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@functools.cache
def _public_spec(path: Path = PUBLIC_SPEC) -> Specification:
    """openapi.yaml with its `$ref`s resolved, read once a process (the app factory's own uses:
    connexion reads the file itself)."""
    return Specification.load(path)


def spec_limits(path: Path = PUBLIC_SPEC) -> Limits:
    """The sizes the contract sets (text, bulk, page, cursor), for the domain."""
    return limits_from_spec(_public_spec(path))


def api_version(path: Path = PUBLIC_SPEC) -> str:
    """The version of the API the mock implements: the contract's `info.version`."""
    return str(_public_spec(path)["info"]["version"])


def _concrete_paths(paths: dict[str, dict[str, Any]]) -> dict[str, frozenset[str]]:
    """Each path without a template, with the methods it serves (HEAD with GET, as the router
    does)."""
    served = {}
    for path, item in paths.items():
        if "{" not in path:
            methods = {method.upper() for method in item if method in _METHODS}
            served[path] = frozenset(methods | ({"HEAD"} if "GET" in methods else set()))
    return served


def _bodied(paths: dict[str, dict[str, Any]], prefix: str = "") -> frozenset[tuple[str, str]]:
    """(method, path) of every operation that takes a request body."""
    return frozenset(
        (method.upper(), prefix + path)
        for path, item in paths.items()
        for method, operation in item.items()
        if method in _METHODS and "requestBody" in operation
    )


def create_app(
    config: Config | None = None,
    *,
    store: MessageStore | None = None,
    validate_responses: bool = False,
    fast_path: bool = True,
    public_spec: Path = PUBLIC_SPEC,
    journal_size: int = DEFAULT_SIZE,
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
    store_timeout_s: float = DEFAULT_TIMEOUT_S,
) -> AsyncApp:
    """A connexion app serving `openapi.yaml` (and the control API under `/_mock`).

    `validate_responses` makes connexion check every answer against the spec; the tests turn it
    on, serving leaves it off since the contract tests already hold the answers to the spec.

    `fast_path` answers plainly valid public calls without connexion's per-request machinery
    (`mock_server.http.fast_path`). Its answers bypass connexion's response validation: the
    contract suite checks them instead (schemathesis on the uvicorn target, Prism's proxy),
    and its in-process target turns the fast path off so that connexion checks the handlers.

    `public_spec` is the contract to serve (a copy, in tests that change a limit): the mock's
    limits are read from it, so an edited contract changes the mock's rules.
    `journal_size` is how many public calls the request journal keeps (`GET /_mock/requests`,
    `mock_server.http.journal`); 0 turns the journal off.
    `body_timeout_s` bounds the time a request's body may take to arrive (then a 408).
    `store_timeout_s` bounds a call's wait for a store that may wait (`store_calls`), as the
    store's own limit's backstop: give the store the same limit (`--store-timeout`).
    """
    config = config or default_config()
    store = store or MemoryStore()
    clock: Clock = (
        ManualClock(store, start=config.clock_start) if config.clock == "manual" else RealClock()
    )
    service = SmsService(
        config,
        store,
        clock,
        limits=spec_limits(public_spec),
        ids=message_ids(config.seed, store),
        cursor_secret=None if config.seed is None else cursor_secret(config.seed),
    )
    faults = FaultSwitch(store)
    journal, changes = RequestJournal(journal_size), Changes()
    if isinstance(store, ChangeFeed):  # issue 19: cues for changes other hosts made
        store.listen(changes.notify_from_thread)
    if isinstance(store, JournalStore):  # issue 19: one journal for every host
        journal = SharedJournal(store, journal_size)

    app = AsyncApp(
        __name__,
        security_map={"bearer": bearer_handler(config.accounts)},
        validator_map=validator_map(),
        middlewares=middlewares(),
    )
    decorate_once(app)
    options: dict[str, Any] = {
        "strict_validation": True,
        "validate_responses": validate_responses,
        "pythonic_params": True,
    }
    calls = StoreCalls(store.blocks, store_timeout_s)
    bounds = Bounds.from_schema(_public_spec(public_spec)["components"]["schemas"]["Problem"])
    public = _by_operation_id(PublicApi(service, calls))
    app.add_api(public_spec, resolver=Resolver(function_resolver=public), **options)
    control_spec = load_control_spec(public_spec)
    control = ControlService(service)
    app.add_api(
        control_spec,
        base_path=CONTROL_BASE,
        resolver=Resolver(
            function_resolver=_by_operation_id(
                ControlApi(control, faults), InboxApi(control, journal, changes, calls)
            )
        ),
        **options,
    )
    app.add_middleware(
        FaultMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        faults=faults.current,
        calls=calls,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        bodied=_bodied(_public_spec(public_spec)["paths"])
        | _bodied(control_spec["paths"], CONTROL_BASE),
    )
    app.add_middleware(TrailingSlashMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER)
    app.add_middleware(
        ConcretePathMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        methods={
            **_concrete_paths(_public_spec(public_spec)["paths"]),
            # connexion's own 405 for a control path lists only one operation's method in
            # `Allow` (PUT of /faults, not DELETE): this answers it with all of them.
            **{
                CONTROL_BASE + path: methods
                for path, methods in _concrete_paths(control_spec["paths"]).items()
            },
        },
    )
    app.add_middleware(
        BodyTimeoutMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER, timeout=body_timeout_s
    )
    app.add_middleware(InboxPage, position=MiddlewarePosition.BEFORE_SWAGGER)
    if fast_path:
        # Outermost of our layers (the first added at BEFORE_EXCEPTION): see its docstring.
        app.add_middleware(
            FastPath,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            spec=_public_spec(public_spec),
            handlers=public,
            token_info=token_check(config.accounts),
            faults=faults.current,
            journal=journal,
            changes=changes,
            body_timeout_s=body_timeout_s,
            calls=calls,
            store_failed=errors.store_failure(bounds),
        )
    # Outside connexion's exception middleware: they see every answer as it is sent, the
    # rendered problems and the fast path's answers too.
    app.add_middleware(
        ChangeCueMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, changes=changes
    )
    if journal_size:
        app.add_middleware(
            JournalMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            journal=journal,
            account_of=account_name(config.accounts),
            recorded=lambda: changes.notify(REQUESTS),
        )
    errors.register(app, bounds)
    return app
