"""The one app factory: `create_app(config)` is what the command line, the tests and
schemathesis all serve."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver

from mock_server.contract import (
    CONTROL_BASE,
    CONTROL_SPEC,
    PUBLIC_SPEC,
    load_contract,
    load_control_spec,
)
from mock_server.http.accounts_api import AccountsApi
from mock_server.http.handlers import ControlApi, PublicApi
from mock_server.http.pipeline.auth import account_name, bearer_handler, token_check
from mock_server.http.pipeline.fast_path import FastPath
from mock_server.http.pipeline.faults import STATE_KEY as FAULTS_KEY
from mock_server.http.pipeline.faults import FaultMiddleware, FaultSwitch
from mock_server.http.pipeline.gate import RouteGate
from mock_server.http.pipeline.operations import decorate_once
from mock_server.http.pipeline.request_guard import RequestGuard
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.http.pipeline.timeouts import DEFAULT_BODY_TIMEOUT_S, BodyTimeoutMiddleware
from mock_server.http.pipeline.validation import middlewares, validator_map
from mock_server.http.problems import rendering as errors
from mock_server.inbox.api import InboxApi
from mock_server.inbox.events import Changes
from mock_server.inbox.journal import ObservingMiddleware, RequestJournal
from mock_server.inbox.observer import CallObserver
from mock_server.inbox.page import InboxPage
from mock_server.inbox.shared_journal import JournalStore, SharedJournal
from mock_server.sms.clock import Clock, ManualClock, RealClock
from mock_server.sms.config import Config, default_config
from mock_server.sms.control import ControlService
from mock_server.sms.ids import cursor_secret, message_ids
from mock_server.sms.limits import Limits
from mock_server.sms.numbers import E164_PATTERN
from mock_server.sms.registry import GENERATION_KEY, AccountRegistry
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore
from mock_server.sms.store.base import DEFAULT_TIMEOUT_S, ChangeFeed

#: Where the contract is, and how control.yaml is read: `mock_server.contract`'s, named here too
#: for the callers that import them from the app.
__all__ = ["CONTROL_BASE", "PUBLIC_SPEC", "api_version", "create_app", "load_control_spec"]


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


def spec_limits(path: Path = PUBLIC_SPEC) -> Limits:
    """The sizes the contract sets (text, bulk, page, cursor), for the domain."""
    return load_contract(path).limits


def api_version(path: Path = PUBLIC_SPEC) -> str:
    """The version of the API the mock implements: the contract's `info.version`."""
    return load_contract(path).version


#: The shared state every public call reads, the faults and the accounts' generation: the fast
#: path reads them in one trip to the store (`StateStore.reading_together`).
_PER_CALL_STATE = (FAULTS_KEY, GENERATION_KEY)


def create_app(
    config: Config | None = None,
    *,
    store: MessageStore | None = None,
    validate_responses: bool = False,
    fast_path: bool = True,
    public_spec: Path = PUBLIC_SPEC,
    control_spec: Path = CONTROL_SPEC,
    journal_size: int | None = None,
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
    allowed_hosts: Sequence[str] = (),
    control_token: str | None = None,
    store_timeout_s: float = DEFAULT_TIMEOUT_S,
) -> AsyncApp:
    """A connexion app serving `openapi.yaml` (and the control API under `/_mock`).

    `validate_responses` makes connexion check every answer against the spec; the tests turn it
    on, serving leaves it off since the contract tests already hold the answers to the spec.

    `fast_path` answers plainly valid public calls without connexion's per-request machinery
    (`http.pipeline.fast_path`). Its answers bypass connexion's response validation: the
    contract suite checks them instead (schemathesis on the uvicorn target, Prism's proxy),
    and its in-process target turns the fast path off so that connexion checks the handlers.

    `public_spec` and `control_spec` are the contracts to serve (copies, in tests that change a
    limit): everything the mock takes from them is read through `mock_server.contract`, so an
    edited contract changes the mock's rules.
    `journal_size` is how many public calls the request journal keeps (`GET /_mock/requests`,
    `mock_server.inbox.journal`); 0 turns the journal off, None keeps control.yaml's default.
    `body_timeout_s` bounds the time a request's body may take to arrive (then a 408).
    `allowed_hosts` are the Host names served besides loopback ones; `control_token`, if set, is
    the key every control call needs (`mock_server.http.pipeline.request_guard`).
    `store_timeout_s` bounds a call's wait for a store that may wait (`store_calls`), as the
    store's own limit's backstop: give the store the same limit (`--store-timeout`).
    """
    contract = load_contract(public_spec, control_spec)
    if contract.phone_pattern != E164_PATTERN:
        # The domain's number rule is still its own (the config is parsed before any contract
        # is read): a spec whose numbers differ is refused rather than served half-followed.
        raise ValueError(
            f"the spec's PhoneNumber pattern {contract.phone_pattern!r} is not the mock's"
            f" E.164 rule {E164_PATTERN!r} (mock_server/sms/numbers.py)"
        )
    config = config or default_config()
    store = store or MemoryStore()
    clock: Clock = (
        ManualClock(store, start=config.clock_start) if config.clock == "manual" else RealClock()
    )
    # The live accounts and tokens (made and revoked at run time), shared through the store.
    accounts = AccountRegistry(
        config.accounts,
        store,
        disclaimers=config.disclaimers,
        disclaimer_length=contract.limits.disclaimer_length,
    )
    service = SmsService(
        config,
        store,
        clock,
        limits=contract.limits,
        ids=message_ids(config.seed, store),
        cursor_secret=None if config.seed is None else cursor_secret(config.seed),
        disclaimers=accounts.disclaimers,
    )
    faults = FaultSwitch(store, contract.fault_bounds)
    size = contract.journal_size if journal_size is None else journal_size
    journal = (
        # One journal for every host sharing the store (issue 19), else this process's own.
        SharedJournal(store, size, contract.routes.operation_id, wait_s=store_timeout_s)
        if isinstance(store, JournalStore)
        else RequestJournal(size, contract.routes.operation_id)
    )
    changes = Changes()
    if isinstance(store, ChangeFeed):  # cues for changes other hosts made (issue 19)
        store.listen(changes.notify_from_thread)
    observer = CallObserver(journal, changes, contract.is_public)

    # Every store call, authentication's reads of the run-time accounts included, goes through
    # `calls`: off the event loop when the store may wait (store_calls).
    calls = StoreCalls(store.blocks, store_timeout_s, store.kind)
    app = AsyncApp(
        __name__,
        lifespan=_flushing(journal),
        security_map={"bearer": bearer_handler(accounts, calls)},
        validator_map=validator_map(),
        middlewares=middlewares(),
    )
    decorate_once(app)
    options: dict[str, Any] = {
        "strict_validation": True,
        "validate_responses": validate_responses,
        "pythonic_params": True,
    }
    public = _by_operation_id(PublicApi(service, calls))
    app.add_api(public_spec, resolver=Resolver(function_resolver=public), **options)
    control = ControlService(service, accounts)
    app.add_api(
        contract.control,
        base_path=CONTROL_BASE,
        resolver=Resolver(
            function_resolver=_by_operation_id(
                # First: its `reset` (whole, or of one account) is the one served.
                AccountsApi(control),
                ControlApi(control, faults),
                InboxApi(control, journal, changes, calls),
            )
        ),
        **options,
    )
    # The layers inside connexion's exception middleware, outermost first (each added at
    # BEFORE_SWAGGER goes inside the one before).
    app.add_middleware(
        FaultMiddleware,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        faults=faults.current,
        prefix=contract.prefix,
        operation_of=contract.routes.operation_id,
        take_one=faults.take_one,
        account_of=account_name(accounts),
        calls=calls,
    )
    app.add_middleware(
        RouteGate,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        routes=contract.routes,
        prefix=contract.prefix,
        max_body_bytes=contract.max_body_bytes,
    )
    app.add_middleware(
        BodyTimeoutMiddleware, position=MiddlewarePosition.BEFORE_SWAGGER, timeout=body_timeout_s
    )
    app.add_middleware(InboxPage, position=MiddlewarePosition.BEFORE_SWAGGER)
    # Added first at this position, so the outermost of our layers: in front of the fast path.
    app.add_middleware(
        RequestGuard,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allowed_hosts=allowed_hosts,
        control_key=control_token,
    )
    if fast_path:
        # Outermost of our layers but the request guard: see its docstring.
        app.add_middleware(
            FastPath,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            contract=contract,
            handlers=public,
            token_info=token_check(accounts),
            faults=faults.current,
            reads_together=functools.partial(store.reading_together, _PER_CALL_STATE),
            observer=observer,
            body_timeout_s=body_timeout_s,
            calls=calls,
            store_failed=errors.store_failure(contract.problem_bounds),
        )
    # Outside connexion's exception middleware: it sees every answer as it is sent, the
    # rendered problems too (the fast path tells the observer of its own answers).
    app.add_middleware(
        ObservingMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        observer=observer,
        account_of=account_name(accounts),
        calls=calls,
    )
    errors.register(app, contract.problem_bounds)
    return app


def _flushing(
    journal: RequestJournal,
) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """The app's lifespan: on an orderly shutdown (the server's, or a uvicorn worker's), the
    calls the journal still holds are written before the process ends (`shared_journal`)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(journal.flush)

    return lifespan
