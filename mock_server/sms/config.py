"""The mock's config file (YAML): accounts, disclaimers, lifecycle delays, outcomes, clock.

Validation is strict and hand-written: an unknown key, a bad number or a bad value stops the
server at start with a message naming the key path (`accounts[1].numbers[0]: ...`), because a
typo that silently falls back to a default makes a test pass or fail for the wrong reason.
Every problem in the file is reported at once, not only the first.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from mock_server.sms.accounts import Account, Accounts
from mock_server.sms.clock import LATEST
from mock_server.sms.disclaimers import Disclaimers
from mock_server.sms.instants import parse_instant
from mock_server.sms.lifecycle import Lifecycle, Outcome
from mock_server.sms.limits import Limits
from mock_server.sms.numbers import is_e164

ClockKind = Literal["real", "manual"]

# The product spec's "Config file" section, verbatim: the built-in default.
DEFAULT_CONFIG_YAML = """\
clock: real                 # or manual
lifecycle: {sent_after_s: 0.5, delivered_after_s: 1.0}
accounts:
  - {name: dev, tokens: [dev-token], numbers: ["*"]}
  - {name: acme, tokens: [acme-token], numbers: ["+61491570156", "+61491570157"]}
disclaimers:
  default: "Reply STOP to opt out."
  by_sender: {"+61491570156": "Acme Pty Ltd. Reply STOP to opt out."}
outcomes:                   # recipient number -> what happens
  "+61491570006": undelivered
  "+61491570110": failed
  "+61491570737": server_error
"""

#: Longest accepted delay: a year, so that creation + delay never leaves the range of dates.
MAX_DELAY_S = 365 * 24 * 3600
# RFC 6750 token68: the characters a client can put after "Bearer ". A token outside it could
# never be presented, so it is a config mistake.
_TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*")

_TOP_KEYS = ("clock", "lifecycle", "accounts", "disclaimers", "outcomes")
# Optional keys with no section in the built-in default: absent means "not set".
_OPTIONAL_KEYS = ("seed", "clock_start", "tls")
#: `seed` is an integer from 0 to MAX_SEED.
MAX_SEED = 2**63 - 1


class ConfigError(ValueError):
    """The config is not valid. The message has one line per problem, each naming its key."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


@dataclass(frozen=True)
class TlsSettings:
    """The config's `tls`: serve HTTPS, either with a certificate made at start for localhost
    (`tls: self-signed`) or with the user's own (`tls: {cert: PATH, key: PATH}`, PEM files,
    relative paths from the working directory). Serving it is `mock_server.tls`'s business."""

    self_signed: bool = False
    cert: Path | None = None
    key: Path | None = None


@dataclass(frozen=True)
class Config:
    clock: ClockKind
    lifecycle: Lifecycle
    accounts: Accounts
    disclaimers: Disclaimers
    outcomes: Mapping[str, Outcome]
    #: Repeatable message ids and cursors (`mock_server.sms.ids`); None: random ones.
    seed: int | None = None
    #: Where the manual clock starts (and `reset` puts it back); None: the real time.
    clock_start: datetime | None = None
    #: HTTPS (`tls:`); None: plain HTTP.
    tls: TlsSettings | None = None

    def outcome_for(self, to_addr: str) -> Outcome:
        """What happens to a message sent to `to_addr`: delivered unless configured otherwise."""
        return self.outcomes.get(to_addr, Outcome.DELIVERED)


class _Problems:
    """Collects `path: message` lines while the whole file is checked."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.lines.append(f"{path}: {message}" if path else message)

    def mapping(self, value: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        """`value` as a mapping of known string keys; {} (and a problem) when it is not one."""
        if not isinstance(value, dict):
            self.add(path, f"must be a mapping with keys {', '.join(allowed)}")
            return {}
        for key in value:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.add(where, f"unknown key (expected one of {', '.join(allowed)})")
        return {key: item for key, item in value.items() if key in allowed}

    def string(self, value: object, path: str) -> str | None:
        if isinstance(value, str) and value:
            return value
        self.add(path, f"must be a non-empty string, not {_show(value)}")
        return None

    def number(self, value: object, path: str) -> str | None:
        """An E.164 number. YAML reads an unquoted +61491570156 as an int: say to quote it."""
        if isinstance(value, str) and is_e164(value):
            return value
        hint = " (quote phone numbers in YAML)" if isinstance(value, int) else ""
        self.add(path, f"{_show(value)} is not an E.164 number{hint}")
        return None

    def seconds(self, value: object, path: str) -> float | None:
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and 0 <= value <= MAX_DELAY_S
        ):
            return float(value)
        self.add(path, f"must be a number of seconds from 0 to {MAX_DELAY_S}, not {_show(value)}")
        return None


def _show(value: object) -> str:
    return repr(value) if not isinstance(value, dict | list) else type(value).__name__


def _lifecycle(raw: object, problems: _Problems) -> Lifecycle:
    fields = problems.mapping(raw, "lifecycle", ("sent_after_s", "delivered_after_s"))
    sent = problems.seconds(
        fields.get("sent_after_s", Lifecycle.sent_after_s), "lifecycle.sent_after_s"
    )
    delivered = problems.seconds(
        fields.get("delivered_after_s", Lifecycle.delivered_after_s), "lifecycle.delivered_after_s"
    )
    if sent is None or delivered is None:
        return Lifecycle()
    if sent > delivered:
        problems.add("lifecycle.sent_after_s", "must not be greater than delivered_after_s")
        return Lifecycle()
    return Lifecycle(sent, delivered)


def _accounts(raw: object, problems: _Problems) -> Accounts:
    if not isinstance(raw, list) or not raw:
        problems.add("accounts", "must be a non-empty list of accounts")
        return Accounts(())
    accounts: list[Account] = []
    names: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for index, item in enumerate(raw):
        path = f"accounts[{index}]"
        fields = problems.mapping(item, path, ("name", "tokens", "numbers"))
        for key in ("name", "tokens", "numbers"):
            if isinstance(item, dict) and key not in item:
                problems.add(f"{path}.{key}", "is required")
        name = problems.string(fields["name"], f"{path}.name") if "name" in fields else None
        if name is not None:
            if name in names:
                problems.add(f"{path}.name", f"{name!r} is already the name of {names[name]}")
            names.setdefault(name, path)
        own_tokens = _tokens(fields.get("tokens", []), f"{path}.tokens", tokens, problems)
        numbers, all_numbers = _numbers(fields.get("numbers", []), f"{path}.numbers", problems)
        if name is not None:
            accounts.append(Account(name, own_tokens, numbers, all_numbers))
    return Accounts(accounts)


def _tokens(raw: object, path: str, seen: dict[str, str], problems: _Problems) -> tuple[str, ...]:
    # Never echo a token in a message: config errors end up in logs.
    if not isinstance(raw, list) or not raw:
        problems.add(path, "must be a non-empty list of tokens")
        return ()
    tokens: list[str] = []
    for index, token in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(token, str) or not _TOKEN68.fullmatch(token):
            problems.add(where, "must be a bearer token (letters, digits, and -._~+/ then =s)")
        elif token in seen:
            problems.add(where, f"the same token is already given at {seen[token]}")
        else:
            seen[token] = where
            tokens.append(token)
    return tuple(tokens)


def _numbers(raw: object, path: str, problems: _Problems) -> tuple[frozenset[str], bool]:
    if not isinstance(raw, list):
        problems.add(path, 'must be a list of E.164 numbers or "*"')
        return frozenset(), False
    numbers: set[str] = set()
    all_numbers = False
    for index, value in enumerate(raw):
        where = f"{path}[{index}]"
        if value == "*":
            all_numbers = True
            continue
        number = problems.number(value, where)
        if number is not None:
            if number in numbers:
                problems.add(where, f"{number!r} is listed twice")
            numbers.add(number)
    return frozenset(numbers), all_numbers


def _disclaimers(raw: object, problems: _Problems) -> Disclaimers:
    fields = problems.mapping(raw, "disclaimers", ("default", "by_sender"))
    text: str = _default_document()["disclaimers"]["default"]
    if "default" in fields:
        text = problems.string(fields["default"], "disclaimers.default") or text
    by_sender: dict[str, str] = {}
    senders = fields.get("by_sender", {})
    if not isinstance(senders, dict):
        problems.add("disclaimers.by_sender", "must be a mapping of sender number to text")
        senders = {}
    for number, value in senders.items():
        path = f"disclaimers.by_sender[{number!r}]"
        key = problems.number(number, path)
        disclaimer = problems.string(value, path)
        if key is not None and disclaimer is not None:
            by_sender[key] = disclaimer
    return Disclaimers(text, MappingProxyType(by_sender))


def _outcomes(raw: object, problems: _Problems) -> Mapping[str, Outcome]:
    if not isinstance(raw, dict):
        problems.add("outcomes", "must be a mapping of recipient number to outcome")
        return MappingProxyType({})
    known = tuple(outcome.value for outcome in Outcome)
    outcomes: dict[str, Outcome] = {}
    for number, value in raw.items():
        path = f"outcomes[{number!r}]"
        key = problems.number(number, path)
        if value not in known:  # a tuple, so that an unhashable value is just "not in" it
            expected = ", ".join(known)
            problems.add(path, f"{_show(value)} is not an outcome (expected one of {expected})")
        elif key is not None:
            outcomes[key] = Outcome(value)
    return MappingProxyType(outcomes)


def _clock(raw: object, problems: _Problems) -> ClockKind:
    if raw == "manual":
        return "manual"
    if raw != "real":
        problems.add("clock", f"{_show(raw)} is not a clock (expected real or manual)")
    return "real"


def _seed(raw: object, problems: _Problems) -> int | None:
    if raw is None or (isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= MAX_SEED):
        return raw
    problems.add("seed", f"must be an integer from 0 to {MAX_SEED}, not {_show(raw)}")
    return None


def _clock_start(raw: object, clock: ClockKind, problems: _Problems) -> datetime | None:
    """An RFC 3339 date-time; YAML reads an unquoted one as a datetime, which must be aware."""
    if raw is None:
        return None
    if clock != "manual":
        problems.add("clock_start", "needs `clock: manual` (a real clock is at the real time)")
        return None
    start: datetime | None = None
    if isinstance(raw, datetime) and raw.tzinfo is not None:
        start = raw
    else:
        try:
            if isinstance(raw, str):
                start = parse_instant(raw)
        except ValueError as exc:
            problems.add("clock_start", f"{_show(raw)} {exc}")
            return None
    if start is None:
        problems.add(
            "clock_start", f"must be an RFC 3339 date-time with an offset, not {_show(raw)}"
        )
    elif start >= LATEST:
        problems.add("clock_start", f"must be before {LATEST.isoformat()} (the clock's end)")
        return None
    return start


_TLS_KEYS = ("cert", "key")


def _tls(raw: object, problems: _Problems) -> TlsSettings | None:
    if raw is None:
        return None
    if raw == "self-signed":
        return TlsSettings(self_signed=True)
    if not isinstance(raw, dict):
        problems.add("tls", f"must be self-signed or {{cert: PATH, key: PATH}}, not {_show(raw)}")
        return None
    fields = problems.mapping(raw, "tls", _TLS_KEYS)
    paths: dict[str, Path] = {}
    for key in _TLS_KEYS:
        value = fields.get(key)
        if not isinstance(value, str) or not value:
            problems.add(f"tls.{key}", f"must be the path of a PEM file, not {_show(value)}")
        else:
            paths[key] = Path(value)
    if len(paths) != len(_TLS_KEYS):
        return None
    return TlsSettings(cert=paths["cert"], key=paths["key"])


def parse_seed(text: str) -> int:
    """A seed given as text (`--seed`, AATROX_MOCK_SEED); ValueError naming the range if bad."""
    seed = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"the seed must be an integer from 0 to {MAX_SEED}, not {text!r}")
    return seed


def _too_long(disclaimers: Disclaimers, limits: Limits) -> list[tuple[str, str]]:
    """(key path, problem) for each disclaimer that leaves no room for text under the limit."""
    named = [("disclaimers.default", disclaimers.default)]
    named += [(f"disclaimers.by_sender[{n!r}]", t) for n, t in disclaimers.by_sender.items()]
    most = limits.disclaimer_length
    problem = f"must be at most {most} characters (the text limit, less a newline and a character)"
    return [(path, problem) for path, text in named if len(text) > most]


def check_fits(config: Config, limits: Limits, source: str = "config") -> None:
    """Raise ConfigError if `config` does not fit the contract's `limits` (its disclaimers count
    toward the text limit, so each must leave room for text)."""
    lines = tuple(
        f"{source}: {path}: {problem}" for path, problem in _too_long(config.disclaimers, limits)
    )
    if lines:
        raise ConfigError("\n".join(lines), lines)


def _build(document: object, source: str, limits: Limits | None) -> Config:
    problems = _Problems()
    if document is None:
        problems.add(
            "", "the config is empty; expected a mapping with keys " + ", ".join(_TOP_KEYS)
        )
        fields: dict[str, Any] = {}
    else:
        fields = problems.mapping(document, "", _TOP_KEYS + _OPTIONAL_KEYS)
    # A key left out takes its built-in section: a config may say only `clock: manual`.
    raw = {key: fields.get(key, _default_document()[key]) for key in _TOP_KEYS}
    clock = _clock(raw["clock"], problems)
    config = Config(
        clock=clock,
        lifecycle=_lifecycle(raw["lifecycle"], problems),
        accounts=_accounts(raw["accounts"], problems),
        disclaimers=_disclaimers(raw["disclaimers"], problems),
        outcomes=_outcomes(raw["outcomes"], problems),
        seed=_seed(fields.get("seed"), problems),
        clock_start=_clock_start(fields.get("clock_start"), clock, problems),
        tls=_tls(fields.get("tls"), problems),
    )
    if limits is not None:
        for path, problem in _too_long(config.disclaimers, limits):
            problems.add(path, problem)
    if problems.lines:
        lines = tuple(f"{source}: {line}" for line in problems.lines)
        raise ConfigError("\n".join(lines), lines)
    return config


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice is an error instead of last-wins."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str | int | float | bool) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _unique_mapping,
)

_DEFAULT_SOURCE = "<default>"


def _parse(text: str, source: str) -> object:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        message = f"{source}: {where}not valid YAML: {problem}"
        raise ConfigError(message) from exc


def load_config(text: str, source: str = _DEFAULT_SOURCE, limits: Limits | None = None) -> Config:
    """The config in YAML `text`; `source` (a path) prefixes every error line.

    With the contract's `limits`, disclaimers that do not fit are reported with every other
    problem; without, `check_fits` (which `SmsService` runs) reports them later.
    """
    return _build(_parse(text, source), source, limits)


def config_from_mapping(
    document: Mapping[str, Any], source: str, defaults: Mapping[str, Any] | None = None
) -> Config:
    """The config a mapping describes (as YAML would be read), `defaults` under its keys;
    checked like a file, `source` prefixing every error line (disclaimers against the
    contract's limits when the service starts: `check_fits`)."""
    return _build({**(defaults or {}), **document}, source, None)


def read_config_file(path: str | Path) -> object:
    """The YAML document in the file at `path`, read as `load_config_file` reads it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    return _parse(text, str(path))


def load_config_file(path: str | Path, limits: Limits | None = None) -> Config:
    return _build(read_config_file(path), str(path), limits)


@functools.cache
def _default_document() -> dict[str, Any]:
    document = _parse(DEFAULT_CONFIG_YAML, _DEFAULT_SOURCE)
    assert isinstance(document, dict)
    return document


@functools.cache
def default_config() -> Config:
    """The built-in config of the product spec."""
    return load_config(DEFAULT_CONFIG_YAML)
