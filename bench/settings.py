"""What a run measures and for how long: the full run and `--quick`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SPEC = ROOT / "openapi.yaml"

#: The built-in config's dev account (owns every number) and the numbers the load uses.
TOKEN = "dev-token"
FROM = "+61491570156"
#: Every send of the mix goes to this number, and `receive` reads its inbox.
TO = "+61491570157"
#: `limit` of `receive` and `history`: a page of 20 messages.
PAGE = 20
#: The mix of the issue: send 50%, details 30%, receive 10%, history 10% (a cycle of 10 calls).
MIX = "send=5,details=3,receive=1,history=1"
#: The one-operation loads of the scale runs (reads only: they measure lookups, not inserts).
SCALE_LOADS = {
    "details": "details=1",
    "receive": "receive=1",
    "history": "history=1",
}


class BenchError(RuntimeError):
    """A benchmark that cannot run; the message says why and what to do."""


@dataclass(frozen=True)
class Settings:
    name: str
    #: wrk takes whole seconds.
    duration_s: int
    repetitions: int
    concurrency: tuple[int, ...]
    warmup_s: int
    #: Messages sent through the API before the load, whose ids `details` asks for.
    seed_messages: int
    targets: tuple[str, ...]
    scale_sizes: tuple[int, ...]
    scale_stores: tuple[str, ...]
    scale_concurrency: int
    scale_duration_s: int
    scale_repetitions: int
    #: 1,000-recipient bulk sends timed at each size.
    bulk_sends: int
    wrk_threads: int
    #: The inbox page in headless Chromium, on a store preloaded with this many conversations
    #: and messages (issue 19's page at scale): first renders and sends measured, and stores.
    inbox_conversations: int
    inbox_messages: int
    inbox_runs: int
    inbox_stores: tuple[str, ...]


FULL = Settings(
    name="full",
    duration_s=5,
    repetitions=3,
    concurrency=(1, 16, 64),
    warmup_s=2,
    seed_messages=200,
    targets=(
        "mock-memory",
        "mock-connexion",
        "mock-sqlite",
        "mock-postgres",
        "mock-https",
        "prism",
        "floor",
    ),
    scale_sizes=(1_000, 100_000, 1_000_000),
    scale_stores=("memory", "sqlite", "postgres"),
    scale_concurrency=16,
    scale_duration_s=3,
    scale_repetitions=3,
    bulk_sends=5,
    wrk_threads=1,
    inbox_conversations=20_000,
    inbox_messages=200_000,
    inbox_runs=5,
    inbox_stores=("memory", "sqlite", "postgres"),
)

#: `--quick`: a smoke run, each part once and briefly (every target at 16 connections, both
#: stores at one size), to tell that the bench works, not how fast anything is. The test suite
#: runs it (tests/test_bench.py).
QUICK = replace(
    FULL,
    name="quick",
    duration_s=1,
    repetitions=1,
    concurrency=(16,),
    warmup_s=0,
    seed_messages=20,
    scale_sizes=(1_000,),
    scale_duration_s=1,
    scale_repetitions=1,
    bulk_sends=1,
    inbox_conversations=200,
    inbox_messages=2_000,
    inbox_runs=1,
    inbox_stores=("memory",),
)
