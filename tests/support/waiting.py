"""Waiting for a server the tests started: every starter (Prism, the mock as a subprocess, the
mock under uvicorn in a thread) polls the same way."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable

import httpx

#: The first `npx` of a fresh clone installs Prism (about 7 s here); a slow machine gets more.
START_DEADLINE_S = 60.0


def wait_until_answering(
    url: str,
    alive: Callable[[], bool],
    what: str,
    deadline_s: float = START_DEADLINE_S,
    verify: ssl.SSLContext | bool = True,
) -> None:
    """Poll `url` until it answers (any status proves the server is up); fail at the deadline,
    or as soon as `alive()` turns False. `verify`: httpx's (False: any HTTPS certificate)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what} stopped before it answered at {url}")
        try:
            httpx.get(url, timeout=1.0, verify=verify)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"{what} did not answer at {url} within {deadline_s:.0f} s")
