"""`python -m bench [--quick] [--only compare|scale|inbox] [--profile]` — see bench/__init__.py.

The full run (`make bench`) takes about seventeen minutes on a 2-core machine and writes
bench/results/latest.{json,md,png}; `--quick` is a smoke run of each part, once and briefly (the
test suite runs it), that writes bench/results/quick.* instead (not for the README).
`--profile` samples the mock with py-spy under load instead and writes bench/results/profile.md
(`--targets mock-postgres`: another mock target, written to profile-postgres.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench import report
from bench.compare import LABELS, ratios, run_comparison
from bench.load import ensure_wrk
from bench.machine import code_state, describe
from bench.scale import run_scale
from bench.settings import FULL, MIX, PAGE, QUICK, RESULTS, BenchError, Settings

#: Other processes using more than this many cores make the results noisy.
QUIET_CORES = 0.25


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs: a smoke check")
    parser.add_argument("--only", choices=("compare", "scale", "inbox"), help="run one part only")
    parser.add_argument(
        "--targets",
        help="comma-separated subset of " + ",".join(LABELS),
    )
    parser.add_argument("--duration", type=int, help="seconds per point (whole seconds)")
    parser.add_argument("--repetitions", type=int, help="runs per point (medians are reported)")
    parser.add_argument("--scale-stores", help="comma-separated subset of memory,sqlite,postgres")
    parser.add_argument("--profile", action="store_true", help="py-spy the mock under load")
    parser.add_argument("--profile-seconds", type=int, default=10)
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=0,
        metavar="SECONDS",
        help="first wait up to SECONDS for the machine to be idle (other processes < 0.25 cores)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    parser.add_argument("--name", help="file name stem (default: latest, or quick)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = QUICK if args.quick else FULL
    changes: dict[str, Any] = {}
    if args.targets:
        changes["targets"] = tuple(t.strip() for t in args.targets.split(",") if t.strip())
    if args.duration:
        changes["duration_s"] = args.duration
    if args.repetitions:
        changes["repetitions"] = args.repetitions
    if args.scale_stores:
        changes["scale_stores"] = tuple(s.strip() for s in args.scale_stores.split(","))
    return dataclasses.replace(settings, **changes)


def _command(args: argparse.Namespace) -> str:
    """The `make bench` that repeats this run (options that change what is measured only)."""
    options = [
        *(["--quick"] if args.quick else []),
        *(["--only", args.only] if args.only else []),
        *(["--targets", args.targets] if args.targets else []),
        *(["--duration", str(args.duration)] if args.duration else []),
        *(["--repetitions", str(args.repetitions)] if args.repetitions else []),
        *(["--scale-stores", args.scale_stores] if args.scale_stores else []),
    ]
    return "make bench" + (f" ARGS='{shlex.join(options)}'" if options else "")


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _background_load(seconds: float = 3.0) -> float:
    """Cores kept busy by other processes over `seconds` (this process is idle meanwhile)."""
    return psutil.cpu_percent(interval=seconds) / 100 * (psutil.cpu_count() or 1)


def _wait_quiet(limit_s: int, sample_s: float) -> float:
    """The background load, after waiting up to `limit_s` seconds for it to drop."""
    deadline = time.monotonic() + limit_s
    load = _background_load(sample_s)
    while load > QUIET_CORES and time.monotonic() < deadline:
        _say(f"the machine is busy ({load:.2f} cores in use): waiting for it to be quiet")
        time.sleep(10)
        load = _background_load(sample_s)
    if load > QUIET_CORES:
        _say(f"warning: {load:.2f} cores are busy with other processes: results will be noisy")
    return load


def run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    wrk = ensure_wrk()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.profile:
        from bench.pyspy import run_profile  # py-spy is needed only here

        with tempfile.TemporaryDirectory(prefix="aatrox-bench-") as tmp:
            key = args.targets or "mock-memory"
            text = run_profile(wrk, Path(tmp), args.out, args.profile_seconds, _say, key)
        print(text)
        return 0
    background = _wait_quiet(args.wait_quiet, sample_s=0.5 if args.quick else 3.0)
    started = datetime.now(UTC)
    machine = describe(wrk)
    result: dict[str, Any] = {
        "command": _command(args),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": "",
        "settings": dataclasses.asdict(settings),
        "machine": machine,
        "code": code_state(),
        "background_load_cores": round(background, 2),
        "mix": MIX,
        "page": PAGE,
    }
    _say(f"bench ({settings.name}) on {machine['cpu']}, {machine['cores']} cores")
    with tempfile.TemporaryDirectory(prefix="aatrox-bench-") as tmp:
        workdir = Path(tmp)
        if args.only in (None, "compare"):
            result["compare"] = run_comparison(settings, wrk, workdir, _say)
            result["ratios"] = ratios(result["compare"], settings.concurrency)
        if args.only in (None, "scale"):
            result["scale"] = run_scale(settings, wrk, workdir, _say)
        if args.only in (None, "inbox"):
            from bench.inbox_page import run_inbox  # Selenium is needed only here

            result["inbox"] = run_inbox(settings, workdir, _say)
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["elapsed_s"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    stem = args.name or ("quick" if args.quick else "latest")
    report.write_json(result, args.out / f"{stem}.json")
    report.chart(result, args.out / f"{stem}.png")
    table = report.markdown(result)
    (args.out / f"{stem}.md").write_text(table)
    print()
    print(table)
    _say(f"wrote {args.out}/{stem}.json, .md and .png in {result['elapsed_s']:.0f} s")
    return 0


def main() -> int:
    args = _parser().parse_args()
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
