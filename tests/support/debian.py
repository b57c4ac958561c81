"""Debian packages a test session needs, installed the way `make bench` installs wrk: with
apt-get, only when missing, and only as root; anywhere else the caller skips with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

APT_TIMEOUT_S = 900


def ensure_commands(commands: Sequence[str], packages: Sequence[str]) -> str | None:
    """Install `packages` when one of `commands` is not on PATH; None when they all are then,
    else why they are not (for a skip message)."""
    missing = [c for c in commands if shutil.which(c) is None]
    if not missing:
        return None
    apt = shutil.which("apt-get")
    wanted = " ".join(packages)
    if apt is None or os.geteuid() != 0:
        return f"{', '.join(missing)} not found; install Debian's {wanted} (apt-get install)"
    print(f"tests: {', '.join(missing)} missing; installing Debian's {wanted} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in ([apt, "update"], [apt, "install", "-y", *packages]):
        done = subprocess.run(step, env=env, check=False, timeout=APT_TIMEOUT_S)
        if done.returncode != 0:
            return f"`{' '.join(step)}` failed ({done.returncode}): {wanted} not installed"
    still = [c for c in commands if shutil.which(c) is None]
    return f"{', '.join(still)} still not found after installing {wanted}" if still else None
