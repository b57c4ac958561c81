"""The live servers the contract targets talk to: the connexion mock under uvicorn (in a thread of
this process, so that its app validates its own responses) and Prism (a subprocess, its output
kept: when it dies, the failure shows why). Each binds 127.0.0.1 on a free port, is waited for
with a deadline, and stops when its `with` block ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from schemathesis import Case
from starlette.types import ASGIApp

from tests.contract.targets import Target
from tests.support.ports import free_port
from tests.support.prism import prism_command

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
#: The first `npx` of a fresh clone installs Prism (about 7 s here); a slow machine gets more.
START_DEADLINE_S = 60.0
STOP_DEADLINE_S = 10.0
#: Any answer (whatever its status) from this path proves the server is up.
PROBE_PATH = "/api/v2/sms/history"


def wait_until_answering(base_url: str, alive: Callable[[], bool], what: str) -> None:
    """Poll `base_url` until it answers; fail at the deadline, or when `alive()` turns False."""
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what} stopped before it answered at {base_url}")
        try:
            httpx.get(base_url + PROBE_PATH, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"{what} did not answer at {base_url} within {START_DEADLINE_S:.0f} s")


@contextmanager
def uvicorn_thread(app: ASGIApp) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port in a daemon thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound here, so the port is ours before uvicorn starts
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="contract-uvicorn", daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base_url, thread.is_alive, "uvicorn")
        yield base_url
    finally:
        server.should_exit = True
        thread.join(STOP_DEADLINE_S)
        sock.close()


@dataclass(frozen=True)
class Endpoint:
    """How to call a running target: its base URL, or the app itself for the in-process one."""

    target: Target
    base_url: str
    app: ASGIApp | None = None
    prism: PrismProcess | None = None
    #: A client of the mock's control API (/_mock), for the targets a connexion mock serves.
    control: httpx.Client | None = None

    @contextmanager
    def reached_by(self, case: Case[Any]) -> Iterator[dict[str, Any]]:
        """The keyword arguments of `case.call_and_validate` for this target, valid in the block.

        Schemathesis reaches an app in-process only through the `app` of the case's operation
        and schema (the probes of checks such as ignored_auth drop a per-call session), so for
        the in-process target both are set for the duration of the call.
        """
        if self.app is None:
            yield {"base_url": self.base_url}
            return
        operation = case.operation
        operation.app = operation.schema.app = self.app
        try:
            yield {"base_url": self.base_url}
        finally:
            operation.app = operation.schema.app = None

    def dead_log(self) -> str | None:
        """The end of the log of a target process that died, else None."""
        if self.prism is None or self.prism.alive():
            return None
        return self.prism.log_tail()


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
            stack.callback(_stop, process)
            running.append(PrismProcess(f"http://127.0.0.1:{port}", process, log))
        for mode, prism in zip(modes, running, strict=True):
            try:
                wait_until_answering(prism.base_url, prism.alive, f"prism {mode[0]}")
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"{exc}; its log ends:\n{prism.log_tail()}") from None
        yield running


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group this module started, SIGKILL if it does not go in time."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(STOP_DEADLINE_S)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_DEADLINE_S)
