"""The servers under test, each its own process group on a free loopback port, and what the
benchmark reads of them: CPU time (with children) and resident memory."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.settings import ROOT, BenchError

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick, on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _peak_rss(pid: int) -> int | None:
    """VmHWM, the process's peak resident set (Linux), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    #: HTTPS: the CA certificate that verifies the server (None: plain HTTP).
    ca_file: Path | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.ca_file else 'http'}://{HOST}:{self.port}"

    def _tree(self) -> list[psutil.Process]:
        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True)]

    def cpu_seconds(self) -> float:
        """User and system CPU of the process and its children (living and reaped)."""
        total = 0.0
        for proc in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                t = proc.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        return total

    def rss_bytes(self) -> int:
        total = 0
        for proc in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total

    def peak_rss_bytes(self) -> int:
        """Peak resident memory since start: VmHWM summed over the process tree (Linux), else
        the current RSS."""
        total = 0
        for proc in self._tree():
            peak = _peak_rss(proc.pid)
            if peak is None:
                with contextlib.suppress(psutil.NoSuchProcess):
                    peak = proc.memory_info().rss
            total += peak or 0
        return total

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout_s: float = 15.0) -> None:
        """SIGTERM to the server's own process group (it was started in a new session), then
        SIGKILL if it has not ended in `timeout_s`."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout_s)


def _answers(port: int, path: str, headers: Mapping[str, str], ca_file: Path | None) -> bool:
    conn: http.client.HTTPConnection
    if ca_file is None:
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
    else:
        context = ssl.create_default_context(cafile=ca_file)
        conn = http.client.HTTPSConnection(HOST, port, timeout=2, context=context)
    try:
        conn.request("GET", path, headers=dict(headers))
        status = conn.getresponse().status
    except OSError:
        return False
    finally:
        conn.close()
    return status < 500


def start_server(
    name: str,
    argv: Sequence[str],
    *,
    port: int,
    ready_path: str,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    ready_headers: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
    ca_file: Path | None = None,
) -> Server:
    """Start `argv` (output to a log file) and wait until `GET ready_path` is answered (over
    HTTPS verified by `ca_file` when given: the server writes that file as it starts)."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    server = Server(name, process, port, log_path, ca_file)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(
                f"{name} exited with {process.returncode} before it served:\n{server.log_tail()}"
            )
        ready = ca_file is None or ca_file.is_file()
        if ready and _answers(port, ready_path, ready_headers or {}, ca_file):
            return server
        time.sleep(0.1)
    server.stop()
    raise BenchError(f"{name} did not answer within {timeout_s:.0f} s:\n{server.log_tail()}")
