"""The results: JSON (everything), a Markdown table for the README, and a PNG chart."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from bench.machine import one_line

MIB = 2**20
#: The targets (checked on the memory store, auth and validation on): "make it fast" asked for
#: 2x Prism; the team's standard since the hardening, the journal and the plugin is 4x.
TARGET_RPS_VS_PRISM = 4.0
TARGET_CPU_VS_FLOOR = 4.0
TARGET_P99_MS_AT_64 = 20.0
TARGET_BYTES_AT_1M = 1e9
TARGET_SCALE_SLOWDOWN = 1.5
#: Issue 19: the mix on PostgreSQL (a server over TCP, each call a transaction) at 2x Prism.
TARGET_POSTGRES_RPS_VS_PRISM = 2.0
#: Issue 19: the inbox page at 20,000 conversations renders, and shows a new send, within 2 s.
TARGET_INBOX_S = 2.0


def write_json(result: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n")


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def targets(result: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the issue that this run measured."""
    compared = result.get("compare", {})
    ratios = result.get("ratios", {}).get("mock-memory", {})
    found: list[tuple[str, str, bool | None]] = []
    at16 = ratios.get("16", {})
    if at16.get("rps_vs_prism") is not None:
        value = at16["rps_vs_prism"]
        found.append(
            (
                f"16 connections: ≥ {TARGET_RPS_VS_PRISM:g}x Prism's throughput",
                _x(value),
                value >= TARGET_RPS_VS_PRISM,
            )
        )
    if at16.get("cpu_vs_floor") is not None:
        value = at16["cpu_vs_floor"]
        found.append(
            (
                f"16 connections: ≤ {TARGET_CPU_VS_FLOOR:g}x the floor's CPU per request",
                _x(value),
                value <= TARGET_CPU_VS_FLOOR,
            )
        )
    memory = compared.get("mock-memory", {}).get("points", {})
    if "64" in memory:
        p99 = memory["64"]["median"]["p99_ms"]
        found.append(
            (
                f"64 connections: p99 < {TARGET_P99_MS_AT_64:g} ms",
                f"{p99:.1f} ms",
                p99 < TARGET_P99_MS_AT_64,
            )
        )
    postgres = result.get("ratios", {}).get("mock-postgres", {}).get("16", {})
    if postgres.get("rps_vs_prism") is not None:
        value = postgres["rps_vs_prism"]
        found.append(
            (
                f"PostgreSQL, 16 connections: ≥ {TARGET_POSTGRES_RPS_VS_PRISM:g}x Prism's req/s",
                _x(value),
                value >= TARGET_POSTGRES_RPS_VS_PRISM,
            )
        )
    https = result.get("ratios", {}).get("mock-https", {}).get("16", {})
    if https.get("rps_vs_prism") is not None:
        found.append(
            (
                "HTTPS, 16 connections: throughput ÷ Prism's (reported)",
                _x(https["rps_vs_prism"]),
                None,
            )
        )
    memory_scale = result.get("scale", {}).get("memory", {})
    if "1000000" in memory_scale:
        rss = memory_scale["1000000"]["rss_loaded_bytes"]
        found.append(("1M messages in < 1 GB", f"{rss / 1e9:.2f} GB RSS", rss < TARGET_BYTES_AT_1M))
    for store, scale in result.get("scale", {}).items():
        if "1000" not in scale or "1000000" not in scale:
            continue
        for kind in ("details", "receive", "history"):
            small = scale["1000"]["loads"][kind]["rps"]
            large = scale["1000000"]["loads"][kind]["rps"]
            slowdown = small / large if large else None
            found.append(
                (
                    f"{store}: {kind} at 1M within {TARGET_SCALE_SLOWDOWN:g}x of 1k (req/s)",
                    _x(slowdown),
                    None if slowdown is None else slowdown <= TARGET_SCALE_SLOWDOWN,
                )
            )
    inbox = result.get("inbox", {})
    for store, row in inbox.get("stores", {}).items():
        for key, what in (("first_render_s", "first render"), ("send_visible_s", "a send shown")):
            worst = row[key]["max"]
            found.append(
                (
                    f"inbox page, {store}, {inbox['conversations']:,} conversations: {what}"
                    f" < {TARGET_INBOX_S:g} s (slowest of {inbox['runs']})",
                    f"{worst:.2f} s",
                    worst < TARGET_INBOX_S,
                )
            )
    return found


def markdown(result: dict[str, Any]) -> str:
    settings = result["settings"]
    lines = [
        f"Measured {result['finished_at'][:10]} with `{result['command']}` "
        f"({settings['repetitions']} repetitions x {settings['duration_s']} s per point; "
        "medians).",
        "",
        f"Machine: {one_line(result['machine'])}.",
        "",
        f"Code: commit {result['code']['commit']}"
        + (
            f", with uncommitted changes to {', '.join(result['code']['uncommitted'])}."
            if result["code"]["uncommitted"]
            else "."
        ),
        "",
        f"Background load before the run: {result['background_load_cores']:.2f} cores busy "
        "with other processes.",
        "",
        "Load: wrk (one thread, closed loop, a separate process, loopback); mix send 50%, "
        f"details 30%, receive 10%, history 10% (pages of {result['page']}); every call with "
        "`Authorization: Bearer dev-token`. The mock runs as `python -m mock_server` (one "
        "uvicorn process, request validation and auth on); the floor is `bench/floor.py`, a bare "
        "Starlette app doing the same JSON work without validation, SMS rules or access log.",
        "",
    ]
    compared = result.get("compare", {})
    if compared:
        lines += [
            "| target | connections | req/s | p50 ms | p99 ms | server CPU s / 1k req "
            "| peak RSS MiB |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        for entry in compared.values():
            for c, point in entry["points"].items():
                m = point["median"]
                flag = " ⚠" if m["client_cpu_share"] > 0.9 else ""
                errors = f" ({point['errors']} errors)" if point["errors"] else ""
                lines.append(
                    f"| {entry['label']} | {c} | {_fmt(m['rps'])}{flag}{errors} "
                    f"| {_fmt(m['p50_ms'], 2)} | {_fmt(m['p99_ms'], 2)} "
                    f"| {_fmt(m['cpu_s_per_1k'], 3)} | {_fmt(entry['peak_rss_bytes'] / MIB, 0)} |"
                )
        if any(
            p["median"]["client_cpu_share"] > 0.9
            for e in compared.values()
            for p in e["points"].values()
        ):
            lines += ["", "⚠ wrk used over 90% of a core: the load generator may be the limit."]
        others = [
            run["other_cpu_share"]
            for e in compared.values()
            for p in e["points"].values()
            for run in p["runs"]
        ]
        lines += [
            "",
            "Other load on the machine while wrk ran (neither server nor wrk; includes the "
            f"kernel's loopback work): median {statistics.median(others):.2f} cores, "
            f"max {max(others):.2f}.",
        ]
        lines.append("")
    ratios = result.get("ratios", {})
    if ratios:
        lines += [
            "| mock | connections | req/s ÷ Prism | p99 ÷ Prism | req/s ÷ floor "
            "| CPU per request ÷ floor |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for key, rows in ratios.items():
            label = compared[key]["label"]
            for c, row in rows.items():
                lines.append(
                    f"| {label} | {c} | {_x(row['rps_vs_prism'])} | {_x(row['p99_vs_prism'])} "
                    f"| {_x(row['rps_vs_floor'])} | {_x(row['cpu_vs_floor'])} |"
                )
        lines.append("")
    scale = result.get("scale", {})
    if scale:
        lines += [
            f"Scale: reads alone at {settings['scale_concurrency']} connections "
            f"({settings['scale_repetitions']} x {settings['scale_duration_s']} s, medians); "
            "req/s (p99 ms).",
            "",
            "| store | messages | details | receive | history | bulk send to 1,000, median "
            "| RSS MiB | bytes / message | preload s |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for store, sizes in scale.items():
            for size, row in sizes.items():
                cells = [
                    f"{_fmt(row['loads'][k]['rps'], 0)} ({_fmt(row['loads'][k]['p99_ms'], 1)})"
                    for k in ("details", "receive", "history")
                ]
                per_message = f"{_fmt(row['bytes_per_message'], 0)} RAM"
                if row["db_bytes_per_message"] is not None:
                    per_message += f", {_fmt(row['db_bytes_per_message'], 0)} disk"
                lines.append(
                    f"| {store} | {int(size):,} | {' | '.join(cells)} "
                    f"| {_fmt(row['bulk_1000']['median_ms'], 0)} ms "
                    f"| {_fmt(row['rss_loaded_bytes'] / MIB, 0)} | {per_message} "
                    f"| {_fmt(row['preload_s'], 1)} |"
                )
        lines += [
            "",
            "The same reads as calls of the domain service, without HTTP (microseconds per call: "
            "what the store adds at each size):",
            "",
            "| store | messages | details | receive | history |",
            "|---|--:|--:|--:|--:|",
        ]
        for store, sizes in scale.items():
            for size, row in sizes.items():
                domain = row["domain_us_per_call"]
                lines.append(
                    f"| {store} | {int(size):,} | {_fmt(domain['details'], 1)} "
                    f"| {_fmt(domain['receive'], 1)} | {_fmt(domain['history'], 1)} |"
                )
        lines.append("")
    lines += _inbox_lines(result.get("inbox", {}))
    checks = targets(result)
    if checks:
        lines += ["| target | measured | met |", "|---|--:|:-:|"]
        for name, measured, met in checks:
            lines.append(
                f"| {name} | {measured} | {'-' if met is None else ('✅' if met else '❌')} |"
            )
        lines.append("")
    lines += [
        "wrk is a closed loop, so its percentiles understate the latency of clients arriving at a "
        "fixed rate (coordinated omission); they compare servers, they promise no latency.",
        "",
    ]
    return "\n".join(lines)


def chart(result: dict[str, Any], path: Path) -> None:
    """Throughput and p99 per target and concurrency, grouped bars; a small PNG."""
    compared = result.get("compare", {})
    if not compared:
        return
    concurrency = [int(c) for c in next(iter(compared.values()))["points"]]
    figure = Figure(figsize=(10, 4.4), dpi=100, layout="constrained")
    throughput, p99 = figure.subplots(1, 2)
    width = 0.8 / len(compared)
    for index, entry in enumerate(compared.values()):
        xs = [i + (index - (len(compared) - 1) / 2) * width for i in range(len(concurrency))]
        medians = [entry["points"][str(c)]["median"] for c in concurrency]
        throughput.bar(xs, [m["rps"] for m in medians], width, label=entry["label"])
        p99.bar(xs, [m["p99_ms"] for m in medians], width, label=entry["label"])
    for axis, title, unit in (
        (throughput, "Throughput (median)", "requests per second"),
        (p99, "p99 latency (median)", "milliseconds (log scale)"),
    ):
        axis.set_xticks(range(len(concurrency)), [f"{c} conn." for c in concurrency])
        axis.set_title(title)
        axis.set_ylabel(unit)
        axis.grid(axis="y", alpha=0.3)
    p99.set_yscale("log")
    handles, labels = throughput.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize="small")
    figure.suptitle(
        f"make bench, {result['finished_at'][:10]}: {result['machine']['cpu']}, "
        f"{result['machine']['cores']} cores",
        fontsize="medium",
    )
    figure.savefig(path)


def _inbox_lines(inbox: dict[str, Any]) -> list[str]:
    if not inbox:
        return []
    if "skipped" in inbox:
        return [f"Inbox page: not measured ({inbox['skipped']}).", ""]
    lines = [
        f"Inbox page: headless Chromium on a store of {inbox['conversations']:,} conversations "
        f"and {inbox['messages']:,} messages; seconds from navigation to the first screen with "
        "its threads, and from a send's answer to its message on the page "
        f"({inbox['runs']} of each; median, slowest).",
        "",
        "| store | first render | a send shown | preload s |",
        "|---|--:|--:|--:|",
    ]
    for store, row in inbox["stores"].items():
        render, send = row["first_render_s"], row["send_visible_s"]
        lines.append(
            f"| {store} | {render['median']:.2f} ({render['max']:.2f}) "
            f"| {send['median']:.2f} ({send['max']:.2f}) | {_fmt(row['preload_s'], 1)} |"
        )
    return [*lines, ""]
