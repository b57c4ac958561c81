"""A throwaway PostgreSQL cluster for a test session: Debian's server binaries (installed with
apt-get when root and missing), `initdb` in a temporary directory, started with `pg_ctl` on a
free loopback port, and removed at the end. initdb and pg_ctl refuse to run as root: as root
they run as the `postgres` user, on a directory it owns.

One cluster per session (per xdist worker): starting one takes a few seconds, a database in it
a fraction of one, so each test that needs a clean store gets a new database (`new_database`).
"""

from __future__ import annotations

import itertools
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.debian import ensure_commands
from tests.support.ports import free_port

USER = "aatrox"
START_TIMEOUT_S = 60
_RUN_TIMEOUT_S = 120
_SERVER_SETTINGS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    " -c max_connections=200 -c shared_buffers=32MB"
)


def _bin_dir() -> Path | None:
    """The newest installed server's binaries (Debian keeps them off PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def unavailable() -> str | None:
    """Why no cluster can be started here (for a skip), or None."""
    if _bin_dir() is None:
        reason = ensure_commands(["pg_ctlcluster"], ["postgresql"])
        if reason is not None:
            return reason
        if _bin_dir() is None:
            return "Debian's postgresql is installed, but no initdb under its library folder"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and no `postgres` user to run initdb and pg_ctl as"
    return None


@dataclass
class Cluster:
    port: int
    password: str
    _names: Iterator[int] = field(default_factory=itertools.count)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg  # only where a cluster runs

        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _run(command: Sequence[str], as_postgres: bool) -> None:
    full = ["runuser", "-u", "postgres", "--", *command] if as_postgres else list(command)
    done = subprocess.run(full, capture_output=True, text=True, timeout=_RUN_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}")


@contextmanager
def cluster() -> Iterator[Cluster]:
    """A running cluster until the block ends (call `unavailable()` first)."""
    bin_dir = _bin_dir()
    assert bin_dir is not None
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="aatrox-pg-"))
    password = secrets.token_hex(12)
    data = folder / "data"
    try:
        (folder / "password").write_text(password + "\n")
        if as_postgres:
            entry = pwd.getpwnam("postgres")
            for path in (folder, folder / "password"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                f"--pwfile={folder / 'password'}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-sync",
            ],
            as_postgres,
        )
        port = free_port()
        options = f"-p {port} -k {folder} {_SERVER_SETTINGS}"
        pg_ctl = str(bin_dir / "pg_ctl")
        _run(
            [pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-t", str(START_TIMEOUT_S),
             "-o", options, "start"],
            as_postgres,
        )  # fmt: skip
        try:
            yield Cluster(port, password)
        finally:
            _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], as_postgres)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
