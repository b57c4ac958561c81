"""The five targets the contract suite runs against, and the one table of their limits.

Every target gets the same generated cases through the same test code. What a target is excused
from is declared once, in `LIMITS`, with its reason and the upstream issue: a tool's known defect,
or a rule of the spec that no schema can express. The table *is* the configuration (each row
leaves out checks, or whole cases, for the targets it names), nothing is excused anywhere else,
and the pytest report prints the table, with how often each row applied, on every run.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import schemathesis
from connexion import AsyncApp
from schemathesis import Case
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks

from mock_server.app import create_app, spec_limits
from mock_server.sms.config import Config, default_config
from mock_server.sms.lifecycle import Outcome
from mock_server.sms.store import MessageStore

TOKEN = "dev-token"  # the default config's dev account: it owns every number ("*")
#: Where `make mock` serves. The in-process target is called with this base URL too, so the curl
#: command of one of its failures reproduces it against `make mock`.
MAKE_MOCK_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Target:
    name: str
    description: str


CONNEXION_ASGI = Target(
    "connexion-asgi",
    "the connexion mock, in-process (ASGI, no socket), fast path off: connexion routes, "
    "validates and checks every answer",
)
CONNEXION_UVICORN = Target(
    "connexion-uvicorn",
    "the connexion mock under uvicorn on a free port, as `make mock` serves it (fast path on)",
)
CONNEXION_HTTPS = Target(
    "connexion-https",
    "the connexion mock under uvicorn over HTTPS (`--tls-self-signed`'s throwaway CA, every "
    "call verified against it), fast path on",
)
PRISM_MOCK = Target("prism-mock", "Prism 5.14's mock of openapi.yaml")
PRISM_PROXY = Target(
    "prism-proxy",
    "the connexion mock (uvicorn, fast path on, its own response validation off) behind "
    "`prism proxy --errors`: Prism's validator checks each answer",
)
TARGETS = (CONNEXION_ASGI, CONNEXION_UVICORN, CONNEXION_HTTPS, PRISM_MOCK, PRISM_PROXY)
PRISMS = (PRISM_MOCK, PRISM_PROXY)


def contract_config() -> Config:
    """The built-in config without its `server_error` outcome: a generated recipient that happens
    to be +61491570737 would get the 500 the config asks for, a requested fault rather than a
    broken contract. The other outcomes (undelivered, failed) stay: the spec documents them."""
    config = default_config()
    outcomes = {n: o for n, o in config.outcomes.items() if o is not Outcome.SERVER_ERROR}
    return dataclasses.replace(config, outcomes=outcomes)


def schemathesis_config(base_url: str = MAKE_MOCK_URL, **extra: Any) -> schemathesis.Config:
    """Every check, positive and negative data, the dev token; `extra` adds schemathesis.toml keys.

    The token is the mock's public dev token, not a secret: failures print it, so that their
    curl commands run as printed.
    """
    return schemathesis.Config.from_dict(
        {
            "base-url": base_url,
            "auth": {"openapi": {"bearerAuth": {"bearer": TOKEN}}},
            "request-timeout": 10,
            "output": {"sanitization": {"enabled": False}},
            **extra,
        }
    )


def contract_app(
    *, validate_responses: bool = True, fast_path: bool = True, store: MessageStore | None = None
) -> AsyncApp:
    """The connexion targets' app: the one factory, with connexion's response validation on
    (off only behind Prism's proxy, whose own validator must see the mock's answers as sent).

    With the fast path on (as served), its answers skip connexion's response validation;
    schemathesis's response checks and Prism's proxy hold them to the spec instead."""
    return create_app(
        contract_config(), validate_responses=validate_responses, fast_path=fast_path, store=store
    )


# -- what a case holds -------------------------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    """Every string in a (nested) value, dict keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def is_negative(case: Case[Any]) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_negative


def _raw_body(case: Case[Any]) -> bool:
    """The body is raw bytes (schemathesis's negative mode sends non-JSON as JSON)."""
    return isinstance(case.body, bytes | bytearray)


def _negative_non_ascii(case: Case[Any]) -> bool:
    parts = (case.path_parameters, case.query, case.headers, case.body)
    return is_negative(case) and not all(s.isascii() for s in _strings(parts))


def _empty_query_value(case: Case[Any]) -> bool:
    """A negative case with `?name=` on the wire, however the generated value makes it (an empty
    string, an empty object, a list holding one): read from the URL the transport sends."""
    if not is_negative(case):
        return False
    params = case.as_transport_kwargs(base_url=MAKE_MOCK_URL).get("params") or {}
    url = requests.Request("GET", MAKE_MOCK_URL, params=params).prepare().url or ""
    return any(value == "" for _, value in parse_qsl(urlsplit(url).query, keep_blank_values=True))


#: A media type as RFC 9110 writes one (type "/" subtype, then any parameters).
_MEDIA_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*(;.*)?")


def _unparseable_content_type(case: Case[Any]) -> bool:
    """A Content-Type header that is not a media type (negative cases generate such headers)."""
    values = [v for k, v in (case.headers or {}).items() if k.lower() == "content-type"]
    return any(not _MEDIA_TYPE.fullmatch(str(value).strip()) for value in values)


def _has_cursor(case: Case[Any]) -> bool:
    return "cursor" in (case.query or {})


def _too_long_with_disclaimer(case: Case[Any]) -> bool:
    """A disclaimer send whose text fits `maxLength` alone but not with the sender's disclaimer."""
    body = case.body
    if case.operation.path != "/api/v2/sms/send/disclaimer" or not isinstance(body, dict):
        return False
    text, sender = body.get("text"), body.get("from")
    if not isinstance(text, str) or not isinstance(sender, str):
        return False
    return len(contract_config().disclaimers.append(text, sender)) > spec_limits().text_length


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """What some targets are excused from, why, and where upstream tracks it."""

    targets: tuple[Target, ...]
    #: What is left out, as the report shows it.
    excludes: str
    reason: str
    upstream: str
    #: Checks left out of the cases `when` selects.
    checks: tuple[str, ...] = ()
    #: The cases `when` selects are not sent to these targets at all.
    skip: bool = False
    #: Which cases the row is about; None: every case.
    when: Callable[[Case[Any]], bool] | None = None
    #: False: the targets do not run the stateful phase.
    stateful: bool = True

    def applies(self, target: Target, case: Case[Any]) -> bool:
        return target in self.targets and (self.when is None or self.when(case))


NO_DEFECT = "none: a property of the contract, not a defect"

LIMITS: tuple[Limit, ...] = (
    Limit(
        targets=TARGETS,
        excludes="check positive_data_acceptance, for cases that send a `cursor`",
        reason=(
            "a cursor is opaque and valid only when the server issued it, which no schema can "
            "express, so a generated one is (rightly) a 400 naming `cursor`; real cursors are "
            "followed by the stateful phase (link NextPage)"
        ),
        upstream=NO_DEFECT,
        checks=("positive_data_acceptance",),
        when=_has_cursor,
    ),
    Limit(
        targets=TARGETS,
        excludes=(
            "check positive_data_acceptance, for disclaimer sends over 1600 characters once the "
            "disclaimer is appended"
        ),
        reason=(
            "sendSmsWithDisclaimer documents that the limit applies to the text with its "
            "disclaimer (else a 400 naming `text`); the disclaimer comes from the mock's config, "
            "which `maxLength` cannot express"
        ),
        upstream=NO_DEFECT,
        checks=("positive_data_acceptance",),
        when=_too_long_with_disclaimer,
    ),
    Limit(
        targets=(PRISM_MOCK,),
        excludes="check ignored_auth",
        reason=(
            "Prism's mock checks only that `Authorization: Bearer <anything>` is present; it "
            "has no tokens to check (by design), so a wrong token is answered 200"
        ),
        upstream="https://github.com/stoplightio/prism/issues/2313 (maintainers: by design)",
        checks=("ignored_auth",),
    ),
    Limit(
        targets=PRISMS,
        excludes="check unsupported_method",
        reason=(
            "Prism answers an undeclared method itself, with a 405 without the `Allow` header "
            "RFC 9110 requires, and routes GET /api/v2/sms/send to getMessage (id `send`: a "
            "400) although OpenAPI matches a concrete path first"
        ),
        upstream=(
            "https://github.com/stoplightio/prism/issues/1929, "
            "https://github.com/stoplightio/prism/issues/2068"
        ),
        checks=("unsupported_method",),
    ),
    Limit(
        targets=PRISMS,
        excludes="cases: negative cases with non-ASCII text are not sent",
        reason=(
            "Prism puts its validation messages in the sl-violations header; one that quotes a "
            "character outside Latin-1 (an unknown property named '\\u2603', say) makes Node "
            "throw: the request hangs and the Prism process dies"
        ),
        upstream="https://github.com/stoplightio/prism/issues/1934",
        skip=True,
        when=_negative_non_ascii,
    ),
    Limit(
        targets=PRISMS,
        excludes="cases: a Content-Type that is not a media type is not sent",
        reason=(
            "Prism's request validator parses the Content-Type header with whatwg-mimetype, "
            "which throws on a value such as `2`; the error is not caught, the request hangs "
            "and the Prism process dies (the connexion targets answer it with a problem)"
        ),
        upstream="https://github.com/stoplightio/prism/issues/2605",
        skip=True,
        when=_unparseable_content_type,
    ),
    Limit(
        targets=(PRISM_MOCK,),
        excludes="cases: bodies that are not JSON are not sent",
        reason=(
            "Prism answers a request whose JSON body does not parse with its own 400 "
            '`{"error": {"code": "invalid_json"}}` as application/json, not a Problem (5.16.0 '
            "never answered it)"
        ),
        upstream="https://github.com/stoplightio/prism/issues/2664",
        skip=True,
        when=_raw_body,
    ),
    Limit(
        targets=(PRISM_MOCK,),
        excludes="check negative_data_rejection, for negative cases with an empty query value",
        reason=(
            "Prism takes `?until=` (or `?cursor=`, `?limit=`) for an optional parameter left "
            "out and answers 200, where the spec makes an empty value invalid (format, "
            "minLength, type); a required one (`?to=`) is rejected as it should be"
        ),
        upstream=(
            "none found; it comes from Prism's allowEmptyValue handling "
            "(https://github.com/stoplightio/prism/issues/499)"
        ),
        checks=("negative_data_rejection",),
        when=_empty_query_value,
    ),
    Limit(
        targets=(PRISM_PROXY,),
        excludes="cases: negative cases are not sent",
        reason=(
            "`prism proxy --errors` answers an invalid request itself, with a generated 422 "
            "the spec does not document, instead of forwarding it: such requests never reach "
            "the mock (the connexion targets get every one of them)"
        ),
        upstream=(
            "https://github.com/stoplightio/prism/issues/1694 (maintainers: request validation "
            "is all or nothing)"
        ),
        skip=True,
        when=is_negative,
    ),
    Limit(
        targets=(PRISM_MOCK,),
        excludes="phase stateful",
        reason=(
            "Prism's mock keeps no state: it answers with the spec's examples, so an id a send "
            "returned does not lead to that message; there is nothing for links to chain (the "
            "stateful phase does run through prism-proxy, as the maintainers suggest)"
        ),
        upstream="https://github.com/stoplightio/prism/issues/2026 (maintainers: not planned)",
        stateful=False,
    ),
)


@dataclass(frozen=True)
class Plan:
    """What one case does on one target: sent or not, and which checks are left out."""

    send: bool
    excluded: list[CheckFunction]
    limits: list[Limit]


def plan(target: Target, case: Case[Any]) -> Plan:
    applying = [limit for limit in LIMITS if limit.applies(target, case)]
    load_all_checks()
    names = sorted({name for limit in applying for name in limit.checks})
    excluded: list[CheckFunction] = list(CHECKS.get_by_names(names))  # type: ignore[arg-type]
    return Plan(not any(limit.skip for limit in applying), excluded, applying)


def runs_stateful(target: Target) -> bool:
    return all(limit.stateful for limit in LIMITS if target in limit.targets)


def limits_report(counts: Mapping[tuple[str, object], int]) -> list[str]:
    """The table, as lines for the pytest report; `counts` says how often each row applied."""
    lines = ["Known limits, declared once in tests/contract/targets.py (LIMITS):"]
    for index, limit in enumerate(LIMITS):
        names = [target.name for target in limit.targets]
        used = [f"{name} {counts[(name, index)]}" for name in names]
        lines.append(f"  [{', '.join(names)}] {limit.excludes}")
        lines.append(f"      reason:   {limit.reason}")
        lines.append(f"      upstream: {limit.upstream}")
        if limit.when is not None:
            lines.append(f"      applied this run to cases: {', '.join(used)}")
    return lines
