"""`python -m mock_server` as a subprocess on a free loopback port, waited for until it answers."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.support.ports import free_port
from tests.support.waiting import wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
START_DEADLINE_S = 30.0


@dataclass(frozen=True)
class LiveServer:
    process: subprocess.Popen[bytes]
    base_url: str
    #: What the server printed so far (its log), read back by `log()`.
    output: IO[bytes] | None = None

    def log(self) -> str:
        if self.output is None:
            return ""
        self.output.flush()
        self.output.seek(0)
        return self.output.read().decode(errors="replace")


@contextmanager
def live_server(
    args: Sequence[str] = (),
    command: Sequence[str] = (sys.executable, "-m", "mock_server"),
    ca_file: Path | None = None,
) -> Iterator[LiveServer]:
    """Serve the mock with extra `args` (`--db`, `--workers`...) until the block ends; a test
    may kill it sooner. Its output goes to a temporary file, shown if it fails to start.
    `command` starts it (another install's `aatrox-sms-mock`, say). With `ca_file` the server
    is one serving HTTPS (args say how) whose certificate that CA file verifies."""
    port = free_port()
    command = [*command, "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [*command, *args], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        scheme = "http" if ca_file is None else "https"
        server = LiveServer(process, f"{scheme}://127.0.0.1:{port}", output)
        try:
            # The server writes its CA file as it starts: the test verifies with it once up.
            _wait_for_health(server, output, verify=ca_file is None)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_health(server: LiveServer, output: IO[bytes], verify: bool = True) -> None:
    try:
        wait_until_answering(
            server.base_url + "/_mock/health",
            lambda: server.process.poll() is None,
            "the mock",
            START_DEADLINE_S,
            verify,
        )
    except (RuntimeError, TimeoutError) as exc:
        output.seek(0)
        raise RuntimeError(f"{exc}:\n{output.read().decode(errors='replace')}") from None
