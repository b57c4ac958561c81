"""The command line: `python -m mock_server [--host] [--port] [--config] [--db] [--workers]`
(installed, also `aatrox-sms-mock`).

Every flag has an `AATROX_MOCK_*` environment variable; a flag wins over its variable. The access
log is off unless asked for (`--access-log`, `AATROX_MOCK_ACCESS_LOG=1`): it cost about a tenth of
the throughput in the benchmark, and the mock is often the target of load tests. The fast path
(`mock_server.http.fast_path`) is on unless `--no-fast-path` (`AATROX_MOCK_FAST_PATH=0`): the
switch is there to tell, when an answer surprises, whether connexion alone answers the same. A
config that is not valid stops the mock before it serves anything, with a message naming the
bad key. Two time limits let a stalled client go: `--body-timeout` (a request's body must arrive
within it, else 408) and `--keep-alive-timeout` (an idle connection between requests is closed).
The banner prints a token only for the built-in config's `dev-token`: a user's config holds
real-looking secrets, so for it the banner names the accounts and says where their tokens are.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from mock_server import __version__
from mock_server.app import api_version, create_app, spec_limits
from mock_server.http.journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from mock_server.http.timeouts import DEFAULT_BODY_TIMEOUT_S
from mock_server.sms.config import (
    Config,
    ConfigError,
    default_config,
    load_config_file,
    parse_seed,
)
from mock_server.sms.store import MemoryStore, MessageStore, SqliteStore, StoreUnavailableError
from mock_server.sms.store.base import DEFAULT_TIMEOUT_S as DEFAULT_STORE_TIMEOUT_S

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
        "--journal-size",
        type=int,
        default=env.get(ENV + "JOURNAL_SIZE", str(DEFAULT_JOURNAL_SIZE)),
        help="public calls the request journal keeps (GET /_mock/requests, the inbox page); 0: off",
    )
    parser.add_argument(
        "--body-timeout",
        type=_seconds,
        default=env.get(ENV + "BODY_TIMEOUT", str(DEFAULT_BODY_TIMEOUT_S)),  # argparse applies type
        help="seconds a request's body may take to arrive; then a 408 and the connection closed",
    )
    parser.add_argument(
        "--store-timeout",
        type=_seconds,
        default=env.get(ENV + "STORE_TIMEOUT", str(DEFAULT_STORE_TIMEOUT_S)),
        help="seconds a call may wait for the store (--db locked or slow); then a 500 problem",
    )
    parser.add_argument(
        "--keep-alive-timeout",
        type=_seconds,
        default=env.get(ENV + "KEEP_ALIVE_TIMEOUT", str(DEFAULT_KEEP_ALIVE_TIMEOUT_S)),
        help="seconds an idle connection is kept open between requests",
    )
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def load(path: Path | None, seed: int | None = None) -> Config:
    """The config, checked against the contract's limits too (a disclaimer must fit); `seed`
    (from --seed) replaces the config's own."""
    config = default_config() if path is None else load_config_file(path, spec_limits())
    return config if seed is None else dataclasses.replace(config, seed=seed)


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
    args = _parser().parse_args([])
    config = load(Path(p) if (p := os.environ.get(ENV + "CONFIG")) else None, args.seed)
    store = open_store(db or None, args.store_timeout)
    return create_app(
        config,
        store=store,
        fast_path=args.fast_path,
        journal_size=args.journal_size,
        body_timeout_s=args.body_timeout,
        store_timeout_s=args.store_timeout,
    )


def _banner(args: argparse.Namespace, config: Config) -> str:
    base = f"http://{args.host}:{args.port}"
    store = _store_name(args.db)
    return "\n".join(
        [
            f"Aatrox SMS mock {__version__} (API {api_version()}), messages {store},"
            f" clock {config.clock}",
            f"  Base URL:    {base}/api/v2/",
            _tokens_line(args, config),
            f"  Swagger UI:  {base}/ui/",
            f"  Inbox page:  {base}/   (request journal: {_journal(args.journal_size)})",
            f"  Control API: {base}/_mock/   (Swagger UI: {base}/_mock/ui/)",
            f"  Access log:  {'on' if args.access_log else 'off (--access-log to show requests)'}",
            f"  Fast path:   {'on' if args.fast_path else 'off: connexion answers every request'}",
        ]
    )


def _journal(size: int) -> str:
    return f"last {size} calls" if size else "off, --journal-size 500 to keep calls"


def _tokens_line(args: argparse.Namespace, config: Config) -> str:
    """The built-in config's dev token, which is public; for a user's config only the account
    names: its tokens may be real secrets, and a banner ends up in logs."""
    if args.config is None:
        first = next(iter(config.accounts))
        return f"  Dev token:   {first.tokens[0]}   (account '{first.name}')"
    names = ", ".join(f"'{account.name}'" for account in config.accounts)
    return f"  Accounts:    {names}   (their tokens: in {args.config})"


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    args = _parser(prog).parse_args(argv)
    try:
        config = load(args.config, args.seed)
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
    print(_banner(args, config), flush=True)
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
                store_timeout_s=args.store_timeout,
            ),
            host=args.host,
            port=args.port,
            access_log=args.access_log,
            proxy_headers=False,  # nothing reads the client's address: its layer is pure cost
            timeout_keep_alive=args.keep_alive_timeout,
        )
        return 0
    # Workers are separate processes: they rebuild the app from the environment.
    if args.config is not None:
        os.environ[ENV + "CONFIG"] = str(args.config)
    os.environ[ENV + "DB"] = str(args.db)
    os.environ[ENV + "FAST_PATH"] = "1" if args.fast_path else "0"
    if args.seed is not None:
        os.environ[ENV + "SEED"] = str(args.seed)
    os.environ[ENV + "JOURNAL_SIZE"] = str(args.journal_size)
    os.environ[ENV + "BODY_TIMEOUT"] = str(args.body_timeout)
    os.environ[ENV + "STORE_TIMEOUT"] = str(args.store_timeout)
    uvicorn.run(
        "mock_server.cli:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        proxy_headers=False,
        timeout_keep_alive=args.keep_alive_timeout,
    )
    return 0
