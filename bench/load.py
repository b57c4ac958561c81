"""The load generator: wrk (Debian's package) with `mix.lua`, one process per run.

wrk is a closed loop: each connection sends its next request only when the previous answer
came. A slow server therefore also slows the arrival of requests, and the latency percentiles
understate what clients arriving at a fixed rate would see (coordinated omission). That is fine
for comparing servers under the same load, not for promising a latency to a caller.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench.servers import Server
from bench.settings import FROM, PAGE, TO, TOKEN, BenchError

SCRIPT = Path(__file__).resolve().parent / "mix.lua"


def ensure_wrk(*, install: bool = True) -> str:
    """The path of wrk; installed with apt-get when missing, if we may (root, apt-get present)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if install and apt and os.geteuid() == 0:
        print("bench: wrk is missing; installing Debian's package (apt-get install -y wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.run([apt, "install", "-y", "wrk"], env=env, check=False, timeout=600)
        if done.returncode != 0:  # a fresh machine may have no package lists yet
            subprocess.run([apt, "update"], env=env, check=True, timeout=600)
            subprocess.run([apt, "install", "-y", "wrk"], env=env, check=True, timeout=600)
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchError(
        "the benchmark needs wrk (the HTTP load generator) on PATH. Install it with "
        "`sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk` (macOS); as root "
        "on a Debian machine `make bench` installs it itself."
    )


@dataclass(frozen=True)
class LoadResult:
    connections: int
    requests: int
    duration_s: float
    #: Socket errors (connect, read, write, timeout) and answers with a status of 400 or more.
    errors: dict[str, int]
    mean_ms: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    #: CPU time of wrk itself: near duration_s means the load generator was the limit.
    client_cpu_s: float
    #: CPU time of the whole machine (all cores, every process and the kernel) during the run.
    machine_busy_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "connections": self.connections,
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "rps": round(self.rps, 1),
            "errors": self.errors,
            "mean_ms": self.mean_ms,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "p999_ms": self.p999_ms,
            "max_ms": self.max_ms,
            "client_cpu_s": round(self.client_cpu_s, 3),
            "machine_busy_s": round(self.machine_busy_s, 3),
        }


def _machine_busy() -> float:
    t = psutil.cpu_times()
    return float(t.user + t.nice + t.system + t.irq + t.softirq + t.steal)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    wrk: str,
    base_url: str,
    *,
    weights: str,
    ids_file: Path,
    connections: int,
    duration_s: int,
    threads: int = 1,
) -> LoadResult:
    """One wrk run of `duration_s` seconds with `connections` open connections."""
    argv = [
        wrk,
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={duration_s}s",
        "--timeout=10s",
        f"--script={SCRIPT}",
        base_url,
        "--",
        weights,
        str(ids_file),
        TOKEN,
        FROM,
        TO,
        str(PAGE),
    ]
    # wrk is the only child reaped during the run, so the difference is its CPU time.
    before, busy_before = _children_cpu(), _machine_busy()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 60)
    client_cpu, busy = _children_cpu() - before, _machine_busy() - busy_before
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise BenchError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    data = json.loads(lines[-1])
    latency = {key: value / 1000 for key, value in data["latency_us"].items()}
    return LoadResult(
        connections=connections,
        requests=int(data["requests"]),
        duration_s=data["duration_us"] / 1e6,
        errors={key: int(value) for key, value in data["errors"].items()},
        mean_ms=round(latency["mean"], 3),
        p50_ms=latency["p50"],
        p90_ms=latency["p90"],
        p99_ms=latency["p99"],
        p999_ms=latency["p999"],
        max_ms=latency["max"],
        client_cpu_s=client_cpu,
        machine_busy_s=busy,
    )


def measure(
    wrk: str,
    server: Server,
    *,
    weights: str,
    ids_file: Path,
    connections: int,
    duration_s: int,
    threads: int,
) -> dict[str, Any]:
    """One wrk run against `server`, with the server's CPU per 1,000 requests, its resident
    memory, and the CPU of everything else meanwhile."""
    cpu_before = server.cpu_seconds()
    result = run_wrk(
        wrk,
        server.base_url,
        weights=weights,
        ids_file=ids_file,
        connections=connections,
        duration_s=duration_s,
        threads=threads,
    )
    cpu = server.cpu_seconds() - cpu_before
    run = result.as_json()
    run["server_cpu_s"] = round(cpu, 3)
    run["cpu_s_per_1k"] = round(cpu / result.requests * 1000, 4) if result.requests else 0.0
    run["client_cpu_share"] = round(result.client_cpu_s / result.duration_s, 3)
    # Whatever else kept the machine's cores busy meanwhile (other processes, and the kernel's
    # share of loopback networking): in cores, near 0 on a quiet machine.
    other = result.machine_busy_s - cpu - result.client_cpu_s
    run["other_cpu_share"] = round(max(0.0, other) / result.duration_s, 3)
    run["rss_bytes"] = server.rss_bytes()
    return run
