"""Prism's validating proxy in front of the server: the second opinion.

`npx --yes @stoplight/prism-cli@PRISM_VERSION proxy <spec> <server>` on a free loopback port,
without `--errors`: it forwards every call and its answer unchanged, and names what it finds wrong
in the `sl-violations` response header. Without node (no `npx` on PATH) the check runs without
it and says so; `make verify` always has it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import requests

#: The pin of package.json's devDependencies (a test holds the two equal): the installed command
#: has no package.json to read it from.
PRISM_VERSION = "5.14.2"
#: The first npx of a machine downloads Prism; then it starts in seconds.
START_DEADLINE_S = 120.0
STOP_DEADLINE_S = 10.0


class PrismFailedError(RuntimeError):
    """Prism did not start; the message ends with its log."""


def unavailable_reason() -> str | None:
    """Why Prism cannot run here, or None when it can."""
    if shutil.which("npx") is None:
        return "npx (Node.js 20+) is not on PATH"
    return None


@contextmanager
def proxy(spec: Path, server_url: str, ca_file: Path | None = None) -> Iterator[str]:
    """Prism's proxy of `server_url`, validating against `spec`, until the block ends; yields
    its base URL. `ca_file`: a CA that Prism (Node) trusts besides its own, for an https://
    server with a certificate of its own CA (the mock's `--tls-self-signed`)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [
        *("npx", "--yes", f"@stoplight/prism-cli@{PRISM_VERSION}"),
        *("proxy", str(spec), server_url, "-h", "127.0.0.1", "-p", str(port)),
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            env={
                **os.environ,
                "SCARF_ANALYTICS": "false",
                "NO_UPDATE_NOTIFIER": "1",
                **({"NODE_EXTRA_CA_CERTS": str(ca_file)} if ca_file else {}),
            },
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # npx starts node as a child: stop the whole group
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait(base_url, process, log)
            yield base_url
        finally:
            stop_group(process)


def _wait(base_url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PrismFailedError(f"Prism stopped before it answered; its log ends:\n{_tail(log)}")
        try:
            # Any answer proves Prism is up; with no token it costs the server nothing.
            requests.get(base_url + "/api/v2/sms/history", timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise PrismFailedError(f"Prism did not answer within {START_DEADLINE_S:.0f} s:\n{_tail(log)}")


def _tail(log: IO[bytes], lines: int = 20) -> str:
    log.seek(0)
    text = log.read().decode(errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group of `process` (started with `start_new_session=True`), SIGKILL
    if it does not go in time."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(STOP_DEADLINE_S)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_DEADLINE_S)
