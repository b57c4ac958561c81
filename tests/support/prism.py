"""Prism (pinned in package.json) as a subprocess on a free port: the spec-only second
implementation of the contract, as a mock or as a validating proxy in front of a real server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
START_DEADLINE_S = 60.0


def prism_command(*args: str) -> list[str]:
    """`npx --yes @stoplight/prism-cli@<the package.json pin> ...`."""
    pins = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    return ["npx", "--yes", f"@stoplight/prism-cli@{pins['@stoplight/prism-cli']}", *args]


@contextmanager
def prism(mode: Sequence[str]) -> Iterator[str]:
    """Run `prism <mode...> -h 127.0.0.1 -p <free port>`; yield its base URL; stop it after.

    `mode` is e.g. `["mock", "openapi.yaml"]` or `["proxy", "openapi.yaml", upstream, "--errors"]`.
    """
    port = free_port()
    env = {**os.environ, "SCARF_ANALYTICS": "false"}
    process = subprocess.Popen(
        [*prism_command(*mode), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # npx starts node as a child: stop the whole group
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url, process)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def _wait_until_answering(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prism exited with {process.returncode} before answering")
        try:
            httpx.get(base_url + "/api/v2/sms/history", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"Prism did not answer at {base_url} within {START_DEADLINE_S} s")
