"""`make bench ARGS=--quick` works: its smoke run, on the cheapest targets so that it fits in the
test suite — the comparison (the mock and the floor under wrk), the scale part (the memory
store), the domain timings, the inbox page in Chromium (the memory store) and the three
reports. The other targets differ only in how they are
started, which is checked here without starting them. Speed is never asserted: that is the
full run's business, read by a person (README, "Performance")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.compare import LABELS, target
from bench.load import ensure_wrk
from bench.settings import QUICK, BenchError

ROOT = Path(__file__).resolve().parents[1]
#: A smoke run takes seconds; this bounds a hung one.
DEADLINE_S = 240


@pytest.fixture(scope="module")
def wrk() -> str:
    try:
        return ensure_wrk()  # installs Debian's wrk when it may (root, apt-get)
    except BenchError as exc:
        pytest.skip(f"no wrk, and it cannot be installed here: {exc}")


def test_the_quick_run_measures_each_part_and_writes_its_reports(wrk: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)]
    command += ["--targets", "mock-memory,floor", "--scale-stores", "memory"]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE_S, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "quick.json").read_text())
    [connections] = QUICK.concurrency
    for key in ("mock-memory", "floor"):
        point = result["compare"][key]["points"][str(connections)]
        assert point["errors"] == 0, point
        assert point["median"]["rps"] > 0
    [size] = QUICK.scale_sizes
    scaled = result["scale"]["memory"][str(size)]
    assert scaled["messages"] == size
    assert all(load["errors"] == 0 and load["rps"] > 0 for load in scaled["loads"].values())
    assert set(scaled["domain_us_per_call"]) == {"details", "receive", "history"}
    table = (tmp_path / "quick.md").read_text()
    assert f"| mock (memory) | {connections} |" in table
    inbox = result["inbox"]
    if "skipped" in inbox:  # no Chromium, and it cannot be installed here: the report says so
        assert inbox["skipped"] in table
    else:
        page = inbox["stores"]["memory"]
        assert page["first_render_s"]["median"] > 0
        assert page["send_visible_s"]["median"] > 0
        assert "| memory | " in table.split("Inbox page:")[1]
    assert (tmp_path / "quick.png").stat().st_size > 0


DATABASE = "postgresql://bench:secret@127.0.0.1:5999/bench"


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_target_has_a_command_line(key: str, tmp_path: Path) -> None:
    spec = target(key, 12345, tmp_path, DATABASE)
    assert "12345" in spec.argv
    assert spec.ready_path.startswith("/")
    assert DATABASE not in spec.command  # the report shows the command, never the password


def test_the_postgres_target_stores_in_the_database_it_is_given(tmp_path: Path) -> None:
    spec = target("mock-postgres", 12345, tmp_path, DATABASE)
    assert spec.argv[spec.argv.index("--db") + 1] == DATABASE
    with pytest.raises(BenchError, match="PostgreSQL database"):
        target("mock-postgres", 12345, tmp_path)


def test_the_https_target_is_verified_with_the_ca_the_mock_writes(tmp_path: Path) -> None:
    spec = target("mock-https", 12345, tmp_path)
    assert spec.ca_file is not None
    assert spec.ca_file.parent == tmp_path
    assert spec.argv[spec.argv.index("--tls-ca-out") + 1] == str(spec.ca_file)
