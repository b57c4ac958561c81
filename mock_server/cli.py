"""The command line: `python -m mock_server [--host] [--port] [--config] [--db] [--workers]`
(installed, also `aatrox-sms-mock`).

Every flag has an `AATROX_MOCK_*` environment variable; a flag wins over its variable. The access
log is off unless asked for (`--access-log`, `AATROX_MOCK_ACCESS_LOG=1`): it cost about a tenth of
the throughput in the benchmark, and the mock is often the target of load tests. The fast path
(`http.pipeline.fast_path`) is on unless `--no-fast-path` (`AATROX_MOCK_FAST_PATH=0`): the
switch is there to tell, when an answer surprises, whether connexion alone answers the same. A
config that is not valid stops the mock before it serves anything, with a message naming the
bad key. Two time limits let a stalled client go: `--body-timeout` (a request's body must arrive
within it, else 408) and `--keep-alive-timeout` (an idle connection between requests is closed).
The banner prints a token only for the built-in accounts' `dev-token`: a user's config holds
real-looking secrets, so for its accounts the banner names them and says where their tokens are.
It prints the base URL as the generated client takes it (host and port), and which config
applies: a file, the built-in defaults, and what flags changed (`--clock manual` and
`--clock-start` need no config file).
Only loopback Host names are served, and those of `--allowed-host`; `--control-token` makes the
control API ask for a key, which a mock bound to an address other than loopback must have
(`mock_server.http.pipeline.request_guard`, docs/security.md). The key is never printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import uvicorn

from mock_server import __version__
from mock_server.app import api_version, create_app, spec_limits
from mock_server.console import quiet_documented_problems
from mock_server.contract import load_contract
from mock_server.http.pipeline.timeouts import DEFAULT_BODY_TIMEOUT_S
from mock_server.sms.clock import LATEST
from mock_server.sms.config import (
    Config,
    ConfigError,
    default_config,
    load_config_file,
    parse_seed,
    read_config_file,
)
from mock_server.sms.instants import parse_instant
from mock_server.sms.store import MemoryStore, MessageStore, SqliteStore, StoreUnavailableError
from mock_server.sms.store.base import DEFAULT_TIMEOUT_S as DEFAULT_STORE_TIMEOUT_S
from mock_server.tls import Https, TlsError, own_certificate, self_signed

ENV = "AATROX_MOCK_"
#: A `--db` that starts with one of these is a PostgreSQL URL (postgres.URL_SCHEMES, without
#: importing psycopg, which only the `postgres` extra installs).
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
#: uvicorn's own default for `timeout_keep_alive`.
DEFAULT_KEEP_ALIVE_TIMEOUT_S = 5.0


#: What turns a switch variable off (AATROX_MOCK_FAST_PATH=off ...), in any case.
_OFF = frozenset({"", "0", "false", "no", "off"})


def _flag(name: str, *, default: bool) -> bool:
    value = os.environ.get(ENV + name)
    return default if value is None else value.strip().lower() not in _OFF


#: How the command was started, for its usage line: `python -m mock_server` or the console
#: script `aatrox-sms-mock` (`mock_server.console`).
PROG = "python -m mock_server"


def _seed(text: str) -> int:
    try:
        return parse_seed(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_CLOCKS = ("real", "manual")


def _clock(text: str) -> str:
    if text not in _CLOCKS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a clock (expected real or manual)")
    return text


def _clock_start(text: str) -> datetime:
    try:
        start = parse_instant(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} {exc}") from None
    if start >= LATEST:
        raise argparse.ArgumentTypeError(f"must be before {LATEST.isoformat()} (the clock's end)")
    return start


def _parser(prog: str = PROG) -> argparse.ArgumentParser:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A local, stateful mock of the Aatrox SMS API v2.",
    )
    parser.add_argument("--host", default=env.get(ENV + "HOST", "127.0.0.1"))
    # Defaults from the environment stay text: argparse applies `type` to them too, so a bad
    # AATROX_MOCK_* value is a usage error naming its flag, not a traceback.
    parser.add_argument("--port", type=int, default=env.get(ENV + "PORT", "8080"))
    parser.add_argument(
        "--config",
        type=Path,
        default=env.get(ENV + "CONFIG"),
        help="YAML config (accounts, disclaimers, clock, outcomes); built-in default if omitted",
    )
    parser.add_argument(
        "--db",
        default=env.get(ENV + "DB"),
        help="SQLite file: messages survive restarts (in memory if omitted); or a PostgreSQL"
        " URL, postgresql://USER:PASSWORD@HOST:PORT/DBNAME, that several mocks can share",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=env.get(ENV + "WORKERS", "1"),
        help="worker processes; more than 1 needs --db, so that they share one store",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        default=_flag("ACCESS_LOG", default=False),
        help="log every request (off by default: it costs about a tenth of the throughput)",
    )
    parser.add_argument(
        "--no-fast-path",
        dest="fast_path",
        action="store_false",
        default=_flag("FAST_PATH", default=True),
        help="let connexion answer every request (the fast path answers plainly valid calls)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=env.get(ENV + "SEED"),
        help="repeatable message ids and cursors (overrides the config's `seed`)",
    )
    parser.add_argument(
        "--clock",
        type=_clock,
        metavar="{real,manual}",
        default=env.get(ENV + "CLOCK"),
        help="real, or manual: frozen until POST /_mock/clock/advance (overrides the config's)",
    )
    parser.add_argument(
        "--clock-start",
        type=_clock_start,
        metavar="DATETIME",
        default=env.get(ENV + "CLOCK_START"),
        help="where the manual clock starts, e.g. 2026-01-01T09:00:00Z (implies --clock manual)",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        default=env.get(ENV + "JOURNAL_SIZE", str(load_contract().journal_size)),
        help="public calls the request journal keeps (GET /_mock/requests, the inbox page); 0: off",
    )
    parser.add_argument(
        "--body-timeout",
        type=_seconds,
        default=env.get(ENV + "BODY_TIMEOUT", str(DEFAULT_BODY_TIMEOUT_S)),  # argparse applies type
        help="seconds a request's body may take to arrive; then a 408 and the connection closed",
    )
    # HTTPS (mock_server.tls); the config's `tls:` applies when none of these is given.
    parser.add_argument(
        "--tls-cert",
        type=Path,
        default=env.get(ENV + "TLS_CERT"),
        help="serve HTTPS with this certificate (PEM; needs --tls-key)",
    )
    parser.add_argument(
        "--tls-key",
        type=Path,
        default=env.get(ENV + "TLS_KEY"),
        help="the private key (PEM) of --tls-cert",
    )
    parser.add_argument(
        "--tls-self-signed",
        action="store_true",
        default=_flag("TLS_SELF_SIGNED", default=False),
        help="serve HTTPS with a certificate for localhost from a throwaway CA made at start",
    )
    parser.add_argument(
        "--tls-ca-out",
        type=Path,
        default=env.get(ENV + "TLS_CA_OUT"),
        help="with --tls-self-signed: where to write the CA certificate (default: a temp file)",
    )
    parser.add_argument(
        "--store-timeout",
        type=_seconds,
        default=env.get(ENV + "STORE_TIMEOUT", str(DEFAULT_STORE_TIMEOUT_S)),
        help="seconds a call may wait at each step for the store (--db locked or slow); then a"
        " 500 problem",
    )
    parser.add_argument(
        "--keep-alive-timeout",
        type=_seconds,
        default=env.get(ENV + "KEEP_ALIVE_TIMEOUT", str(DEFAULT_KEEP_ALIVE_TIMEOUT_S)),
        help="seconds an idle connection is kept open between requests",
    )
    # -- who may talk to the mock (mock_server.http.pipeline.request_guard) --
    parser.add_argument(
        "--allowed-host",
        dest="allowed_hosts",
        action="append",
        metavar="NAME",
        default=[h.strip() for h in env.get(ENV + "ALLOWED_HOSTS", "").split(",") if h.strip()],
        help="a Host name served besides loopback ones (repeatable;"
        " AATROX_MOCK_ALLOWED_HOSTS, comma-separated)",
    )
    parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        default=env.get(ENV + "CONTROL_TOKEN") or None,
        help="the key every control call (/_mock/..., but health) needs as"
        " `Authorization: Bearer TOKEN`; required when --host is not loopback",
    )
    return parser


def is_loopback(host: str) -> bool:
    """Whether a listen address reaches only this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def load(
    path: Path | None,
    seed: int | None = None,
    clock: str | None = None,
    clock_start: datetime | None = None,
) -> Config:
    """The config, checked against the contract's limits too (a disclaimer must fit); `seed`
    (--seed), `clock` (--clock) and `clock_start` (--clock-start, which makes the clock manual
    unless `clock` says real: a ConfigError) replace the config's own."""
    config = default_config() if path is None else load_config_file(path, spec_limits())
    if seed is not None:
        config = dataclasses.replace(config, seed=seed)
    if clock_start is not None:
        if clock == "real":
            raise ConfigError("--clock-start needs the manual clock, not --clock real")
        config = dataclasses.replace(config, clock="manual", clock_start=clock_start)
    elif clock == "real":  # a start the config set belongs to its manual clock
        config = dataclasses.replace(config, clock="real", clock_start=None)
    elif clock == "manual":
        config = dataclasses.replace(config, clock="manual")
    return config


def open_store(db: str | Path | None, timeout_s: float = DEFAULT_STORE_TIMEOUT_S) -> MessageStore:
    """The store `--db` names: none, memory; a postgresql:// URL, PostgreSQL; else a SQLite
    file. Raises StoreUnavailableError (a message without the password) if it cannot open."""
    if db is None or db == "":
        return MemoryStore()
    if isinstance(db, str) and db.startswith(POSTGRES_SCHEMES):
        try:
            from mock_server.sms.store.postgres import PostgresStore
        except ImportError:
            raise StoreUnavailableError(
                "A PostgreSQL --db needs psycopg: pip install 'aatrox-sms-toolkit[postgres]'."
            ) from None
        return PostgresStore(db, timeout_s=timeout_s)
    return SqliteStore(Path(db), timeout_s=timeout_s)


def _store_name(db: str | None) -> str:
    """The store, as the banner names it: never a PostgreSQL password."""
    if not db:
        return "in memory"
    if db.startswith(POSTGRES_SCHEMES):
        from mock_server.sms.store.postgres import display

        return f"PostgreSQL {display(db)}"
    return f"SQLite {db}"


def app_from_env() -> object:
    """The app for a uvicorn worker process, configured by the variables `main` exported."""
    db = os.environ.get(ENV + "DB")
    quiet_documented_problems()
    args = _parser().parse_args([])
    config = load(
        Path(p) if (p := os.environ.get(ENV + "CONFIG")) else None,
        args.seed,
        args.clock,
        args.clock_start,
    )
    store = open_store(db or None, args.store_timeout)
    return create_app(
        config,
        store=store,
        fast_path=args.fast_path,
        journal_size=args.journal_size,
        body_timeout_s=args.body_timeout,
        allowed_hosts=args.allowed_hosts,
        control_token=args.control_token,
        store_timeout_s=args.store_timeout,
    )


def https_from(args: argparse.Namespace, config: Config) -> Https | None:
    """HTTPS as the flags (or their variables) ask, else as the config's `tls:`; None: HTTP.
    TlsError for flags that do not go together or a certificate that cannot be used."""
    if args.tls_self_signed and (args.tls_cert or args.tls_key):
        raise TlsError("--tls-self-signed and --tls-cert/--tls-key exclude each other")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise TlsError("--tls-cert and --tls-key go together")
    settings = config.tls
    self_signed_asked = args.tls_self_signed or (
        not args.tls_cert and settings is not None and settings.self_signed
    )
    if args.tls_ca_out and not self_signed_asked:
        raise TlsError("--tls-ca-out needs --tls-self-signed (or `tls: self-signed`)")
    if self_signed_asked:
        return self_signed(args.tls_ca_out)
    if args.tls_cert:
        return own_certificate(args.tls_cert, args.tls_key)
    if settings is not None and settings.cert is not None and settings.key is not None:
        return own_certificate(settings.cert, settings.key)
    return None


def _banner(args: argparse.Namespace, config: Config, https: Https | None = None) -> str:
    base = f"{'https' if https else 'http'}://{_url_host(args.host)}:{args.port}"
    store = _store_name(args.db)
    return "\n".join(
        [
            f"Aatrox SMS mock {__version__} (API {api_version()}), messages {store},"
            f" clock {_clock_text(config)}",
            # The URL the generated client takes: it adds /api/v2/ itself.
            f"  Base URL:    {base}   (as clients take it; the API is under /api/v2/)",
            _config_line(args),
            *_tls_lines(https),
            _tokens_line(args, config),
            f"  Swagger UI:  {base}/ui/",
            f"  Inbox page:  {base}/   (request journal: {_journal(args.journal_size)})",
            f"  Control API: {base}/_mock/   (Swagger UI: {base}/_mock/ui/)",
            f"  Access log:  {'on' if args.access_log else 'off (--access-log to show requests)'}",
            f"  Fast path:   {'on' if args.fast_path else 'off: connexion answers every request'}",
            f"  Hosts:       {_hosts(args.allowed_hosts)}",
            f"  Control key: {_control_key(args.control_token)}",
        ]
    )


def _hosts(allowed: Sequence[str]) -> str:
    names = ", ".join(["localhost", "127.0.0.0/8", "[::1]", *allowed])
    return f"{names}   (others refused; --allowed-host NAME to add one)"


def _control_key(token: str | None) -> str:
    # Never the key itself: a banner ends up in logs.
    if token is None:
        return "none (--control-token TOKEN to ask for one)"
    return "required (Authorization: Bearer <the --control-token>)"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _tls_lines(https: Https | None) -> list[str]:
    """Where the CA a client must trust is (self-signed); nothing for HTTP."""
    if https is None:
        return []
    if https.ca_file is None:
        return ["  HTTPS:       with your certificate (--tls-cert); plain HTTP is not served"]
    return [
        f"  CA file:     {https.ca_file}",
        f"               (curl --cacert {https.ca_file} ..., httpx.Client(verify=...))",
    ]


def _journal(size: int) -> str:
    default = load_contract().journal_size
    return f"last {size} calls" if size else f"off, --journal-size {default} to keep calls"


def _clock_text(config: Config) -> str:
    if config.clock == "real":
        return "real"
    start = config.clock_start.isoformat() if config.clock_start else "the start-up time"
    return f"manual (from {start}; POST /_mock/clock/advance moves it)"


def _config_line(args: argparse.Namespace) -> str:
    """Where the config comes from, and what flags (or their variables) changed in it."""
    source = str(args.config) if args.config is not None else "built-in defaults (no --config)"
    changed = [
        f"{flag} {value}"
        for flag, value in (
            ("--clock", args.clock),
            ("--clock-start", args.clock_start and args.clock_start.isoformat()),
            ("--seed", args.seed),
        )
        if value is not None
    ]
    return f"  Config:      {source}" + (f", with {' '.join(changed)}" if changed else "")


def _accounts_from_file(path: Path | None) -> bool:
    """Whether the config file names its own accounts (else the built-in ones apply)."""
    if path is None:
        return False
    document = read_config_file(path)  # read and checked once already, by `load`
    return isinstance(document, dict) and "accounts" in document


def _tokens_line(args: argparse.Namespace, config: Config) -> str:
    """The built-in accounts' dev token, which is public; for a config file's own accounts only
    their names: their tokens may be real secrets, and a banner ends up in logs."""
    if not _accounts_from_file(args.config):
        first = next(iter(config.accounts))
        return f"  Dev token:   {first.tokens[0]}   (account '{first.name}', built-in accounts)"
    names = ", ".join(f"'{account.name}'" for account in config.accounts)
    return f"  Accounts:    {names}   (their tokens: in {args.config})"


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    args = _parser(prog).parse_args(argv)
    try:
        config = load(args.config, args.seed, args.clock, args.clock_start)
    except (ConfigError, OSError) as exc:
        print(f"mock_server: bad config: {exc}", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("mock_server: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.journal_size < 0:
        print("mock_server: --journal-size must be 0 or more", file=sys.stderr)
        return 2
    if args.workers > 1 and args.db is None:
        print(
            "mock_server: --workers above 1 needs --db (workers share one store)", file=sys.stderr
        )
        return 2
    if not is_loopback(args.host) and args.control_token is None:
        print(
            f"mock_server: --host {args.host} is reachable from other machines: add"
            " --control-token TOKEN (AATROX_MOCK_CONTROL_TOKEN), so that its control API needs a"
            " key (docs/security.md)",
            file=sys.stderr,
        )
        return 2
    try:
        https = https_from(args, config)
    except TlsError as exc:
        print(f"mock_server: TLS: {exc}", file=sys.stderr)
        return 2
    tls_options = {} if https is None else https.uvicorn_options
    print(_banner(args, config, https), flush=True)
    quiet_documented_problems()  # (each worker inherits no logging setup: app_from_env too)
    if args.workers == 1:
        try:
            store = open_store(args.db, args.store_timeout)
        except StoreUnavailableError as exc:
            print(f"mock_server: {exc}", file=sys.stderr)
            return 2
        uvicorn.run(
            create_app(
                config,
                store=store,
                fast_path=args.fast_path,
                journal_size=args.journal_size,
                body_timeout_s=args.body_timeout,
                allowed_hosts=args.allowed_hosts,
                control_token=args.control_token,
                store_timeout_s=args.store_timeout,
            ),
            host=args.host,
            port=args.port,
            access_log=args.access_log,
            proxy_headers=False,  # nothing reads the client's address: its layer is pure cost
            timeout_keep_alive=args.keep_alive_timeout,
            **tls_options,
        )
        return 0
    # Workers are separate processes: they rebuild the app from the environment.
    if args.config is not None:
        os.environ[ENV + "CONFIG"] = str(args.config)
    os.environ[ENV + "DB"] = str(args.db)
    os.environ[ENV + "FAST_PATH"] = "1" if args.fast_path else "0"
    if args.seed is not None:
        os.environ[ENV + "SEED"] = str(args.seed)
    if args.clock is not None:
        os.environ[ENV + "CLOCK"] = args.clock
    if args.clock_start is not None:
        os.environ[ENV + "CLOCK_START"] = args.clock_start.isoformat()
    os.environ[ENV + "JOURNAL_SIZE"] = str(args.journal_size)
    os.environ[ENV + "BODY_TIMEOUT"] = str(args.body_timeout)
    os.environ[ENV + "ALLOWED_HOSTS"] = ",".join(args.allowed_hosts)
    if args.control_token is not None:
        os.environ[ENV + "CONTROL_TOKEN"] = args.control_token
    os.environ[ENV + "STORE_TIMEOUT"] = str(args.store_timeout)
    uvicorn.run(
        "mock_server.console:worker_app",  # quiets connexion's import in each worker
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        proxy_headers=False,
        timeout_keep_alive=args.keep_alive_timeout,
        **tls_options,
    )
    return 0
