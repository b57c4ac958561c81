"""Part 2: the mock at 1k, 100k and 1M stored messages.

For each store and size a fresh `python -m bench.serve --preload N` (the mock as the command
line builds it, its store filled through the domain service first); then reads only — details,
receive and history, each alone, at 16 connections — then timed 1,000-recipient bulk sends,
and the resident memory per stored message.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.client import time_bulk_sends
from bench.compare import Say
from bench.load import measure
from bench.postgres import local_cluster
from bench.servers import free_port, start_server
from bench.settings import SCALE_LOADS, BenchError, Settings
from bench.stats import median_of


def _files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def _one(
    settings: Settings,
    wrk: str,
    workdir: Path,
    store: str,
    size: int,
    say: Say,
    database_url: str | None = None,
) -> dict[str, Any]:
    name = f"scale-{store}-{size}"
    report_file, ids_file = workdir / f"{name}.json", workdir / f"{name}.ids"
    db = workdir / f"{name}.sqlite"
    port = free_port()
    argv = [sys.executable, "-m", "bench.serve", "--port", str(port), "--preload", str(size)]
    argv += ["--report", str(report_file), "--ids", str(ids_file)]
    if store == "sqlite":
        argv += ["--db", str(db)]
    elif store == "postgres" and database_url is not None:
        argv += ["--db", database_url]
    elif store != "memory":
        raise BenchError(f"unknown store {store!r} (memory, sqlite or postgres)")
    say(f"scale: {store} store, preloading {size:,} messages")
    # About 0.1 ms a message (memory) and less in bulk (SQLite): generous, but bounded.
    server = start_server(
        name,
        argv,
        port=port,
        ready_path="/_mock/health",
        log_dir=workdir,
        timeout_s=60 + size / 2000,
    )
    try:
        report = json.loads(report_file.read_text())
        disk = sum(path.stat().st_size for path in _files(db) if path.exists())
        time.sleep(1.2)  # the last preloaded messages reach their inboxes
        loads: dict[str, Any] = {}
        for kind, weights in SCALE_LOADS.items():
            runs = []
            for _ in range(settings.scale_repetitions):
                run = measure(
                    wrk,
                    server,
                    weights=weights,
                    ids_file=ids_file,
                    connections=settings.scale_concurrency,
                    duration_s=settings.scale_duration_s,
                    threads=settings.wrk_threads,
                )
                runs.append(run)
            errors = sum(sum(run["errors"].values()) for run in runs)
            keys = ("rps", "p50_ms", "p99_ms", "cpu_s_per_1k", "other_cpu_share")
            loads[kind] = median_of(runs, keys) | {"errors": errors, "runs": runs}
            say(
                f"  {kind:<8} {loads[kind]['rps']:>9.1f} req/s  p50 {loads[kind]['p50_ms']:.2f} ms"
                f"  p99 {loads[kind]['p99_ms']:.2f} ms" + (f"  ERRORS {errors}" if errors else "")
            )
        rss_loaded = report["rss_after_bytes"]
        bulk = time_bulk_sends(server.base_url, settings.bulk_sends)
        bulk_ms = {
            "median_ms": round(statistics.median(bulk) * 1000, 1),
            "max_ms": round(max(bulk) * 1000, 1),
            "sends": len(bulk),
        }
        say(f"  bulk 1,000 recipients: median {bulk_ms['median_ms']} ms, max {bulk_ms['max_ms']}")
        return {
            "messages": report["messages"],
            "preload_s": report["preload_s"],
            "rss_empty_bytes": report["rss_before_bytes"],
            "rss_loaded_bytes": rss_loaded,
            "bytes_per_message": round((rss_loaded - report["rss_before_bytes"]) / size, 1),
            "db_bytes": disk if store == "sqlite" else None,
            "db_bytes_per_message": round(disk / size, 1) if store == "sqlite" else None,
            "peak_rss_bytes": server.peak_rss_bytes(),
            "domain_us_per_call": report["domain_us_per_call"],
            "loads": loads,
            "bulk_1000": bulk_ms,
        }
    finally:
        server.stop()
        for path in _files(db):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def run_scale(settings: Settings, wrk: str, workdir: Path, say: Say) -> dict[str, Any]:
    with ExitStack() as resources:
        cluster = None
        if "postgres" in settings.scale_stores:
            say("starting a local PostgreSQL cluster")
            cluster = resources.enter_context(local_cluster())
        found: dict[str, Any] = {}
        for store in settings.scale_stores:
            for size in settings.scale_sizes:
                # Each size in a new database, as each gets a new SQLite file.
                url = cluster.new_database() if cluster and store == "postgres" else None
                found.setdefault(store, {})[str(size)] = _one(
                    settings, wrk, workdir, store, size, say, url
                )
        return found
