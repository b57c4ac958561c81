"""The mock with N messages already stored, for the scale runs (bench-only).

`python -m bench.serve --port P --preload N [--db PATH|URL] --report FILE --ids FILE`

Builds the app exactly as `python -m mock_server` does (`create_app`, uvicorn's defaults), but
first fills its store through the domain service — not through HTTP, which would take minutes
for a million messages. Then writes FILE (JSON: the preload's time and the resident memory
before and after it) and the ids of a spread of the stored messages, and serves.

The stored messages look like the load's: from FROM, every 50th to TO (whose inbox `receive`
reads, so it holds a full page at every size), the others spread over 10,000 numbers. With the
memory store each is a single send with its own text (as HTTP sends would be: no shared
strings, so the memory per message is honest); SQLite and PostgreSQL get bulk sends of 50
(SQLite without fsync), since a durable commit per message would take an hour for a million.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import uvicorn

from bench.settings import FROM, PAGE, TO
from mock_server.app import create_app, spec_limits
from mock_server.cli import open_store
from mock_server.sms.accounts import Account
from mock_server.sms.clock import RealClock
from mock_server.sms.config import default_config
from mock_server.sms.service import SmsService
from mock_server.sms.store import MemoryStore, MessageStore, SqliteStore

HOT_EVERY = 50
POOL = tuple(f"+614920{k:05d}" for k in range(10_000))
MAX_IDS = 1_000


def recipient(index: int) -> str:
    """TO for every 50th message, else one of POOL (50 consecutive indexes: 50 distinct)."""
    return TO if index % HOT_EVERY == 0 else POOL[index % len(POOL)]


def text(index: int) -> str:
    return f"Your verification code is {index % 1_000_000:06d}. It expires in 10 minutes."


def preload(service: SmsService, account: Account, count: int, *, bulk: bool) -> list[str]:
    """Store `count` messages; the ids of up to MAX_IDS of them, evenly spread."""
    step = max(1, count // MAX_IDS)
    ids: list[str] = []
    if bulk:
        for start in range(0, count, HOT_EVERY):
            indexes = range(start, min(count, start + HOT_EVERY))
            views = service.send_bulk(account, FROM, [recipient(i) for i in indexes], text(start))
            ids += [view.id for i, view in zip(indexes, views, strict=True) if i % step == 0]
    else:
        for index in range(count):
            view = service.send(account, FROM, recipient(index), text(index))
            if index % step == 0:
                ids.append(view.id)
    return ids[:MAX_IDS]


def time_domain(
    service: SmsService, account: Account, ids: list[str], calls: int = 2_000
) -> dict[str, float]:
    """Microseconds per call of the read use cases, without HTTP: the store's share of a read."""

    def per_call(call: Callable[[int], object]) -> float:
        started = time.perf_counter()
        for index in range(calls):
            call(index)
        return round((time.perf_counter() - started) / calls * 1e6, 2)

    return {
        "details": per_call(lambda i: service.details(account, ids[i % len(ids)])),
        "receive": per_call(lambda _: service.receive(account, TO, None, PAGE, None)),
        "history": per_call(lambda _: service.history(account, PAGE, None)),
    }


def _rss() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--preload", type=int, required=True, help="messages to store first")
    parser.add_argument("--db", help="SQLite file or PostgreSQL URL (memory store if omitted)")
    parser.add_argument("--report", type=Path, required=True, help="JSON report to write")
    parser.add_argument("--ids", type=Path, required=True, help="file for sample ids")
    args = parser.parse_args()

    config = default_config()
    store: MessageStore = MemoryStore() if args.db is None else open_store(args.db)
    app = create_app(config, store=store)
    account = next(iter(config.accounts))
    service = SmsService(config, store, RealClock(), limits=spec_limits())
    rss_before = _rss()
    started = time.perf_counter()
    if isinstance(store, SqliteStore):
        # The preload alone commits without any fsync. This thread's connection is also the
        # one the server's handlers use (coroutines on this thread's event loop), so it gets
        # the store's own setting back afterwards.
        conn = store._conn()
        synchronous = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        conn.execute("PRAGMA synchronous = OFF")
        ids = preload(service, account, args.preload, bulk=True)
        conn.execute(f"PRAGMA synchronous = {synchronous}")
    else:
        ids = preload(service, account, args.preload, bulk=not isinstance(store, MemoryStore))
    seconds = time.perf_counter() - started
    rss_after = _rss()
    args.ids.write_text("\n".join(ids) + "\n")
    time.sleep(1.1)  # the built-in lifecycle: messages reach their inboxes 1 s after creation
    report = {
        "messages": store.count(),
        "preload_s": round(seconds, 2),
        "rss_before_bytes": rss_before,
        "rss_after_bytes": rss_after,
        "domain_us_per_call": time_domain(service, account, ids),
    }
    args.report.write_text(json.dumps(report))
    print(f"bench.serve: {json.dumps(report)}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
