"""Hypothesis profiles for every property test (schemathesis included), and the contract
suite's limits table at the end of every report that ran it.

`ci` when CI is set (what `make test` runs there), else `dev`; `make contract-long` picks `long`
with `--hypothesis-profile=long` and a random `--hypothesis-seed`, which wins over the choice here.

The report's modules import schemathesis: they are imported only where a contract case ran (or
its counts came from a worker), so a run of unit tests needs no contract tooling.
"""

import importlib
import os
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from hypothesis import settings

from tests.support import postgres

#: The module that counts contract cases; loaded by the contract tests that use it.
_REPORTING = "tests.contract.reporting"
#: Where a pytest-xdist worker hands its counts to the controller.
_WORKER_OUTPUT_KEY = "contract_counts"

# deadline=None: a test that talks to a server is timed by the server, not by the data it draws.
settings.register_profile("dev", max_examples=50, deadline=None)
# Same examples on every CI run (a red build is reproducible); exploring is the long run's job.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("long", max_examples=2_000, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# Under pytest-xdist (`make test` runs two workers) the contract cases are counted in the
# workers, and only the controller prints the report: each worker hands its counts over.
def pytest_sessionfinish(session: pytest.Session) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    reporting = sys.modules.get(_REPORTING)
    if worker_output is not None and reporting is not None:
        worker_output[_WORKER_OUTPUT_KEY] = reporting.exported()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    rows = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT_KEY, [])
    if rows:
        _reporting_module().merge(rows)


def _reporting_module() -> ModuleType:
    return importlib.import_module(_REPORTING)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reporting = sys.modules.get(_REPORTING)
    if reporting is None or not reporting.counts:
        return  # no contract case ran
    # Contract tooling (schemathesis): imported only once a contract case has run.
    from tests.contract import budget
    from tests.contract.targets import limits_report

    terminalreporter.section("contract targets: known limits")
    lines = [*limits_report(reporting.counts), *reporting.summary_lines(), budget.summary()]
    for line in lines:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.Cluster]:
    """A throwaway PostgreSQL cluster, started once per session (per xdist worker); skips
    with the reason where none can be started (not root and Debian's postgresql missing)."""
    reason = postgres.unavailable()
    if reason is not None:
        pytest.skip(f"no PostgreSQL: {reason}")
    with postgres.cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def mypy_strict(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command line of a user's `mypy --strict` run, with one cache for the whole test run
    (shared by the xdist workers: mypy writes each cache file atomically), so the standard
    library and the dependencies are analysed once, not in every run; the checked file, always
    new, is analysed each time."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(shared / "mypy-cache")]
