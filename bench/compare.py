"""Part 1: the mock (memory, SQLite and PostgreSQL stores; over HTTPS), Prism and the floor,
side by side.

All targets run at once, each a process on its own loopback port, idle while another is under
load; the runs are interleaved (repetition, then concurrency, then target), so a drift of the
machine during the run hits every target alike.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.client import seed
from bench.load import measure, run_wrk
from bench.postgres import local_cluster
from bench.servers import HOST, Server, free_port, start_server
from bench.settings import MIX, ROOT, SPEC, TOKEN, BenchError, Settings
from bench.stats import median_of

PRISM_JS = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"
#: What the medians are taken of, per (target, concurrency).
POINT_KEYS = ("rps", "p50_ms", "p99_ms", "cpu_s_per_1k", "client_cpu_share", "other_cpu_share")

Say = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    #: How a person runs it (shown in the report).
    command: str
    argv: tuple[str, ...]
    ready_path: str
    env: tuple[tuple[str, str], ...] = ()
    #: HTTPS: the CA certificate the server writes as it starts (None: plain HTTP).
    ca_file: Path | None = None


LABELS = {
    "mock-memory": "mock (memory)",
    "mock-connexion": "mock (memory, no fast path)",
    "mock-sqlite": "mock (SQLite)",
    "mock-postgres": "mock (PostgreSQL)",
    "mock-https": "mock (memory, HTTPS)",
    "prism": "Prism mock",
    "floor": "floor (bare Starlette)",
}


def target(key: str, port: int, workdir: Path, database_url: str | None = None) -> Target:
    """How to start `key` on `port`; `mock-postgres` stores in `database_url`."""
    python = sys.executable
    common = ("--host", HOST, "--port", str(port))
    argv: tuple[str, ...]
    if key == "mock-memory":
        argv = (python, "-m", "mock_server", *common)
        return Target(key, LABELS[key], "python -m mock_server", argv, "/_mock/health")
    if key == "mock-connexion":
        # Connexion answers every request: what the fast path saves, side by side.
        argv = (python, "-m", "mock_server", *common, "--no-fast-path")
        command = "python -m mock_server --no-fast-path"
        return Target(key, LABELS[key], command, argv, "/_mock/health")
    if key == "mock-sqlite":
        db = workdir / "compare.sqlite"
        argv = (python, "-m", "mock_server", *common, "--db", str(db))
        return Target(key, LABELS[key], "python -m mock_server --db FILE", argv, "/_mock/health")
    if key == "mock-postgres":
        if database_url is None:
            raise BenchError("mock-postgres needs a PostgreSQL database")
        argv = (python, "-m", "mock_server", *common, "--db", database_url)
        command = "python -m mock_server --db postgresql://..."
        return Target(key, LABELS[key], command, argv, "/_mock/health")
    if key == "mock-https":
        ca_file = workdir / "https-ca.pem"
        argv = (python, "-m", "mock_server", *common, "--tls-self-signed")
        argv += ("--tls-ca-out", str(ca_file))
        command = "python -m mock_server --tls-self-signed"
        return Target(key, LABELS[key], command, argv, "/_mock/health", ca_file=ca_file)
    if key == "prism":
        node = shutil.which("node")
        if node is None or not PRISM_JS.is_file():
            raise BenchError("Prism needs node and node_modules: run `make setup` (npm ci) first")
        argv = (node, str(PRISM_JS), "mock", "-h", HOST, "-p", str(port), str(SPEC))
        ready = "/api/v2/sms/history?limit=1"
        command = "prism mock openapi.yaml (make prism)"
        env = (("SCARF_ANALYTICS", "false"),)
        return Target(key, LABELS[key], command, argv, ready, env)
    if key == "floor":
        argv = (python, "-m", "bench.floor", *common)
        return Target(key, LABELS[key], "python -m bench.floor", argv, "/health")
    raise BenchError(f"unknown target {key!r}; known: {', '.join(LABELS)}")


def start_target(spec: Target, port: int, workdir: Path) -> Server:
    return start_server(
        spec.key,
        spec.argv,
        port=port,
        ready_path=spec.ready_path,
        log_dir=workdir,
        env=dict(spec.env),
        ready_headers={"Authorization": f"Bearer {TOKEN}"},
        ca_file=spec.ca_file,
    )


def run_comparison(settings: Settings, wrk: str, workdir: Path, say: Say) -> dict[str, Any]:
    specs: dict[str, Target] = {}
    servers: dict[str, Server] = {}
    ids: dict[str, Path] = {}
    with ExitStack() as resources:
        database_url = None
        if "mock-postgres" in settings.targets:
            say("starting a local PostgreSQL cluster")
            database_url = resources.enter_context(local_cluster()).new_database()
        resources.callback(_stop_all, servers)
        for key in settings.targets:
            port = free_port()
            specs[key] = target(key, port, workdir, database_url)
            say(f"starting {specs[key].label} on port {port}")
            servers[key] = start_target(specs[key], port, workdir)
            ids[key] = workdir / f"{key}.ids"
            seed(servers[key].base_url, settings.seed_messages, ids[key], servers[key].ca_file)
        time.sleep(1.2)  # the built-in lifecycle delivers after 1 s: `receive` has a full page
        for key, server in servers.items() if settings.warmup_s else ():
            say(f"warming up {specs[key].label} ({settings.warmup_s} s at 16 connections)")
            run_wrk(
                wrk,
                server.base_url,
                weights=MIX,
                ids_file=ids[key],
                connections=16,
                duration_s=settings.warmup_s,
                threads=settings.wrk_threads,
            )
        runs: dict[str, dict[int, list[dict[str, Any]]]] = {
            key: {c: [] for c in settings.concurrency} for key in servers
        }
        for repetition in range(1, settings.repetitions + 1):
            for connections in settings.concurrency:
                for key, server in servers.items():
                    run = measure(
                        wrk,
                        server,
                        weights=MIX,
                        ids_file=ids[key],
                        connections=connections,
                        duration_s=settings.duration_s,
                        threads=settings.wrk_threads,
                    )
                    runs[key][connections].append(run)
                    errors = sum(run["errors"].values())
                    say(
                        f"  rep {repetition}/{settings.repetitions} c={connections:<3} "
                        f"{specs[key].label:<24} {run['rps']:>9.1f} req/s  "
                        f"p50 {run['p50_ms']:>7.2f} ms  p99 {run['p99_ms']:>8.2f} ms  "
                        f"cpu {run['cpu_s_per_1k']:.3f} s/1k"
                        + (f"  ERRORS {errors}" if errors else "")
                    )
        result: dict[str, Any] = {}
        for key, server in servers.items():
            result[key] = {
                "label": specs[key].label,
                "command": specs[key].command,
                "peak_rss_bytes": server.peak_rss_bytes(),
                "points": {
                    str(c): {
                        "median": median_of(point_runs, POINT_KEYS),
                        "errors": sum(sum(r["errors"].values()) for r in point_runs),
                        "runs": point_runs,
                    }
                    for c, point_runs in runs[key].items()
                },
            }
        return result


def _stop_all(servers: dict[str, Server]) -> None:
    for server in servers.values():
        server.stop()


def ratios(compared: dict[str, Any], concurrency: tuple[int, ...]) -> dict[str, Any]:
    """mock/Prism and mock/floor, per mock store and concurrency (from the medians)."""

    def median(key: str, c: int) -> dict[str, float] | None:
        entry = compared.get(key)
        return None if entry is None else dict(entry["points"][str(c)]["median"])

    found: dict[str, Any] = {}
    for mock in (key for key in LABELS if key.startswith("mock-")):
        for c in concurrency:
            ours, prism, floor = median(mock, c), median("prism", c), median("floor", c)
            if ours is None:
                continue
            row: dict[str, float | None] = {}
            row["rps_vs_prism"] = _ratio(ours["rps"], prism["rps"] if prism else None)
            row["p99_vs_prism"] = _ratio(ours["p99_ms"], prism["p99_ms"] if prism else None)
            row["rps_vs_floor"] = _ratio(ours["rps"], floor["rps"] if floor else None)
            row["cpu_vs_floor"] = _ratio(
                ours["cpu_s_per_1k"], floor["cpu_s_per_1k"] if floor else None
            )
            found.setdefault(mock, {})[str(c)] = row
    return found


def _ratio(a: float, b: float | None) -> float | None:
    return None if not b else round(a / b, 3)
