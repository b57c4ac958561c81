"""Prism (pinned in package.json) as subprocesses on free ports: the spec-only second
implementation of the contract, as a mock or as a validating proxy in front of a real server.

Each Prism's output is kept in a log file for as long as it runs: a Prism that does not start
says why, and a test that finds it dead can show the end of its log (`PrismProcess.log_tail`).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from contract_verify.prism_proxy import stop_group
from tests.support.ports import free_port
from tests.support.waiting import wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
STOP_DEADLINE_S = 10.0
#: Any answer (whatever its status) from this path proves the server is up.
PROBE_PATH = "/api/v2/sms/history"


def prism_command(*args: str) -> list[str]:
    """`npx --yes @stoplight/prism-cli@<the package.json pin> ...`."""
    pins = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    return ["npx", "--yes", f"@stoplight/prism-cli@{pins['@stoplight/prism-cli']}", *args]


class PrismProcess:
    """A running Prism: its base URL, and its log (shown when a test needs to say why it died)."""

    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


@contextmanager
def prisms(*modes: Sequence[str]) -> Iterator[list[PrismProcess]]:
    """Run `prism <mode...> -h 127.0.0.1 -p <free port>` for each mode, all started at once
    (each takes seconds to load the spec), from the repository root until the block ends.

    A mode is `["mock", "openapi.yaml"]` or `["proxy", "openapi.yaml", upstream, "--errors"]`.
    """
    with tempfile.TemporaryDirectory(prefix="aatrox-prism-") as tmp, ExitStack() as stack:
        running = []
        for index, mode in enumerate(modes):
            port = free_port()
            log = Path(tmp) / f"prism-{index}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*prism_command(*mode), "-h", "127.0.0.1", "-p", str(port)],
                    cwd=ROOT,
                    env={**os.environ, "SCARF_ANALYTICS": "false"},
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # npx starts node as a child: stop the whole group
                )
            stack.callback(stop_group, process)
            running.append(PrismProcess(f"http://127.0.0.1:{port}", process, log))
        for mode, prism in zip(modes, running, strict=True):
            try:
                url = prism.base_url + PROBE_PATH
                wait_until_answering(url, prism.alive, f"prism {mode[0]}")
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"{exc}; its log ends:\n{prism.log_tail()}") from None
        yield running


@contextmanager
def prism(mode: Sequence[str]) -> Iterator[str]:
    """One Prism (see `prisms`) until the block ends; yields its base URL."""
    with prisms(mode) as (running,):
        yield running.base_url
