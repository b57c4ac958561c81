"""`python -m bench --profile`: where the mock's time goes, by py-spy, under the bench's load.

Starts the mock (the memory store; `--targets mock-postgres`, say, for another) as
`python -m mock_server` does, drives it with the mix at 16 connections, and samples it with
py-spy for N seconds (`--gil`: only the thread holding the GIL, that is the Python work, not
threads waiting). Writes bench/results/profile.md (profile-postgres.md...): shares of the
samples by layer, and the costs that cut across layers (validation, JSON, access log...).
Sampling slows the server a little (`--nonblocking` keeps that small).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.client import seed
from bench.compare import Say, Target, start_target, target
from bench.load import LoadResult, run_wrk
from bench.postgres import local_cluster
from bench.servers import free_port
from bench.settings import MIX, BenchError

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")


@dataclass(frozen=True)
class Frame:
    function: str
    file: str


def _frame(text: str) -> Frame:
    match = _FRAME.match(text)
    if match is None:
        return Frame(text, "")
    return Frame(match["function"], match["file"])


def read_stacks(path: Path) -> list[tuple[list[Frame], int]]:
    """py-spy's raw (collapsed) output: `frame;frame;... count` per line, root first."""
    stacks = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append(([_frame(f) for f in stack.split(";")], int(count)))
    return stacks


# Layers, for "self" time: a sample belongs to the layer of its innermost frame, where frames of
# the standard library that are nobody's layer (inspect, re, enum, typing...) are charged to
# their caller. First match wins.
LAYERS: Sequence[tuple[str, tuple[str, ...]]] = (
    (
        "request validation (connexion validators, ours, jsonschema)",
        (
            "jsonschema/",
            "jsonschema_specifications/",
            "referencing/",
            "rfc3339_validator",
            "mock_server/http/pipeline/validation.py",
            "connexion/validators/",
            "connexion/middleware/request_validation.py",
            "connexion/json_schema.py",
            "connexion/uri_parsing.py",
        ),
    ),
    (
        "auth (connexion security, our token check)",
        (
            "connexion/security.py",
            "connexion/middleware/security.py",
            "mock_server/http/pipeline/auth.py",
            "mock_server/sms/accounts.py",
            "hmac.py",
        ),
    ),
    ("our handlers", ("mock_server/http/handlers.py",)),
    ("fast path (routing, token, parameters)", ("mock_server/http/pipeline/fast_path.py",)),
    ("domain: service and store", ("mock_server/sms/",)),
    (
        "our middleware and error mapping (incl. the journal)",
        ("mock_server/http/", "mock_server/inbox/", "mock_server/contract.py"),
    ),
    ("JSON encode/decode (stdlib json)", ("json/",)),
    ("connexion parameter/response decorators", ("connexion/decorators/",)),
    ("connexion other (routing, middleware stack, context)", ("connexion/", "werkzeug/")),
    ("starlette (routing, requests, responses)", ("starlette/",)),
    ("access log (logging)", ("logging/", "uvicorn/logging.py")),
    ("uvicorn (protocol, proxy headers)", ("uvicorn/", "httptools/")),
    ("thread pool hand-offs (anyio, queue)", ("anyio/", "queue.py", "threading.py", "concurrent/")),
    ("event loop (asyncio; uvloop/httptools C code)", ("asyncio/", "uvloop/")),
)

# Costs that cut across layers: the share of samples with such a frame anywhere on the stack.
Marker = Callable[[Frame], bool]
MARKERS: Sequence[tuple[str, Marker]] = (
    (
        "request validation (body and parameters)",
        lambda f: (
            f.file.startswith(("connexion/validators/", "jsonschema/"))
            or f.file == "mock_server/http/pipeline/validation.py"
        ),
    ),
    ("  of which jsonschema", lambda f: f.file.startswith("jsonschema/")),
    (
        "auth (security middleware and handler)",
        lambda f: f.file in ("connexion/security.py", "mock_server/http/pipeline/auth.py"),
    ),
    (
        "requests the fast path answered (all it calls)",
        lambda f: f.file == "mock_server/http/pipeline/fast_path.py",
    ),
    (
        "our handlers (incl. the domain they call)",
        lambda f: f.file == "mock_server/http/handlers.py",
    ),
    # Not "of which": the fast path calls the domain too, without a handler on the stack.
    (
        "the domain (service, store), from any caller",
        lambda f: f.file == "mock_server/sms/service.py",
    ),
    (
        "response building (connexion, incl. json.dumps)",
        lambda f: f.function.endswith("build_framework_response"),
    ),
    ("JSON encoding (json.dumps)", lambda f: f.file.startswith("json/") and "encode" in f.function),
    ("JSON decoding (json.loads)", lambda f: f.file.startswith("json/") and "decode" in f.function),
    ("inspect.signature of the handler, per request", lambda f: f.file == "inspect.py"),
    ("access log (logging)", lambda f: f.file.startswith("logging/")),
)


def _layer(stack: Sequence[Frame]) -> str:
    for frame in reversed(stack):
        for name, prefixes in LAYERS:
            if frame.file.startswith(prefixes):
                return name
    return "other"


def summarize(stacks: Sequence[tuple[list[Frame], int]]) -> dict[str, object]:
    total = sum(count for _, count in stacks)
    layers: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for stack, count in stacks:
        layers[_layer(stack)] += count
        for name, marker in MARKERS:
            if any(marker(frame) for frame in stack):
                markers[name] += count
        leaf = stack[-1]
        leaves[f"{leaf.function} ({leaf.file})"] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common()]

    return {
        "samples": total,
        "layers": share(layers),
        "markers": [(name, round(100 * markers[name] / total, 1)) for name, _ in MARKERS],
        "top_functions": share(leaves)[:20],
    }


def _markdown(
    summary: dict[str, object], load: LoadResult | None, seconds: int, spec: Target
) -> str:
    lines = [
        f"py-spy, {seconds} s at 100 Hz with `--gil` (Python work only), on `{spec.command}`"
        f" ({spec.label}) under the bench mix at 16 connections"
        + (f" ({load.rps:.0f} req/s while sampled)" if load else "")
        + f"; {summary['samples']} samples.",
        "",
        "| layer (innermost frame; stdlib helpers charged to their caller) | share |",
        "|---|--:|",
    ]
    layers = summary["layers"]
    markers = summary["markers"]
    top = summary["top_functions"]
    assert isinstance(layers, list)
    assert isinstance(markers, list)
    assert isinstance(top, list)
    lines += [f"| {name} | {pct:.1f}% |" for name, pct in layers]
    lines += ["", "| cost, anywhere on the stack (inclusive) | share |", "|---|--:|"]
    lines += [f"| {name} | {pct:.1f}% |" for name, pct in markers]
    lines += ["", "| innermost function (self) | share |", "|---|--:|"]
    lines += [f"| `{name}` | {pct:.1f}% |" for name, pct in top]
    return "\n".join(lines) + "\n"


def run_profile(
    wrk: str, workdir: Path, out: Path, seconds: int, say: Say, key: str = "mock-memory"
) -> str:
    """Profile the mock target `key` (`mock-postgres` on a throwaway local cluster); writes
    profile.md (the memory store) or profile-STORE.md."""
    # Installed into the venv beside this interpreter (nox puts that on PATH; a bare run may not).
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        raise BenchError("--profile needs py-spy: it is in the dev group (`make setup`)")
    stem = "profile" if key == "mock-memory" else f"profile-{key.removeprefix('mock-')}"
    with ExitStack() as resources:
        database_url = None
        if key == "mock-postgres":
            database_url = resources.enter_context(local_cluster()).new_database()
        spec = target(key, free_port(), workdir, database_url)
        return _profile(spy, wrk, workdir, out / stem, seconds, say, spec)


def _profile(
    spy: str, wrk: str, workdir: Path, out: Path, seconds: int, say: Say, spec: Target
) -> str:
    port = int(spec.argv[spec.argv.index("--port") + 1])
    say(f"profiling {spec.label} on port {port} for {seconds} s")
    server = start_target(spec, port, workdir)
    try:
        ids = workdir / "profile.ids"
        seed(server.base_url, 200, ids)
        time.sleep(1.2)
        run_wrk(wrk, server.base_url, weights=MIX, ids_file=ids, connections=16, duration_s=2)
        found: list[LoadResult] = []

        def load() -> None:
            found.append(
                run_wrk(
                    wrk,
                    server.base_url,
                    weights=MIX,
                    ids_file=ids,
                    connections=16,
                    duration_s=seconds + 3,
                )
            )

        loader = threading.Thread(target=load, daemon=True)
        loader.start()
        time.sleep(1)
        stacks_file = out.with_name(out.name + "-stacks.txt")
        argv = [spy, "record", "--pid", str(server.process.pid), "--duration", str(seconds)]
        argv += ["--rate", "100", "--gil", "--nonblocking", "--format", "raw"]
        argv += ["--output", str(stacks_file)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
        if done.returncode != 0:
            raise BenchError(f"py-spy failed: {done.stderr.strip()}")
        loader.join(timeout=seconds + 90)
    finally:
        server.stop()
    summary = summarize(read_stacks(stacks_file))
    text = _markdown(summary, found[0] if found else None, seconds, spec)
    out.with_suffix(".md").write_text(text)
    return text
