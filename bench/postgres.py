"""The PostgreSQL the benchmark's `mock-postgres` target and `postgres` scale store run on: the
same throwaway local cluster the tests start (tests/support/postgres.py: Debian's server,
installed when root; `fsync=off`, so the figures are the mock's and the store's, not this
machine's disk), one new database per server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bench.settings import BenchError
from tests.support import postgres


@contextmanager
def local_cluster() -> Iterator[postgres.Cluster]:
    """A running cluster until the block ends; BenchError saying why where none can start."""
    reason = postgres.unavailable()
    if reason is not None:
        raise BenchError(
            f"the PostgreSQL targets need a local PostgreSQL server: {reason}. Leave them out "
            "with --targets and --scale-stores, or run as root on Debian (installs it)."
        )
    with postgres.cluster() as cluster:
        yield cluster
