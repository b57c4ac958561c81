"""What a failing contract case prints (the target, the operation, the failed checks and a curl
command that reproduces it, on top of schemathesis's own report), and the per-target counts the
pytest report shows next to the limits table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from schemathesis import Case, Response
from schemathesis.checks import CheckResult
from schemathesis.core.failures import FailureGroup
from schemathesis.engine import Status

from tests.contract.servers import Endpoint
from tests.contract.targets import LIMITS, Limit, Target

#: (target name, "sent" | "skipped") -> cases; (target name, row of LIMITS) -> cases it applied to.
counts: Counter[tuple[str, object]] = Counter()

# The checks that failed on the last response validated. Schemathesis reports each failure's
# title ("Response violates schema"), not the name of the check that raised it; this hook sees both.
_failed_checks: list[str] = []


def record_failed_checks(schema: schemathesis.BaseSchema) -> None:
    """Make `schema` remember the names of the checks that fail, for `reported_on`."""

    def after_validate(
        context: schemathesis.HookContext,
        case: Case[Any],
        response: Response,
        results: list[CheckResult],
    ) -> None:
        _failed_checks[:] = sorted({r.name for r in results if r.status == Status.FAILURE})

    schema.hooks.register_hook_with_name(after_validate, "after_validate")


def count(target: Target, sent: bool, limits: list[Limit]) -> None:
    counts[(target.name, "sent" if sent else "skipped")] += 1
    for limit in limits:
        counts[(target.name, LIMITS.index(limit))] += 1


def failure_header(endpoint: Endpoint, case: Case[Any]) -> str:
    target = endpoint.target
    lines = [
        f"Contract broken on target {target.name} ({target.description})",
        f"  operation: {case.operation.label}",
        f"  check(s):  {', '.join(_failed_checks) or 'none ran: the call itself failed'}",
        f"  reproduce: {case.as_curl_command(base_url=endpoint.base_url)}",
    ]
    if endpoint.app is not None:
        lines.append("             (in-process target: the command reproduces it on `make mock`)")
    log = endpoint.dead_log()
    if log is not None:
        lines.append(f"  {target.name} is no longer running; its log ends:\n{log}")
    return "\n".join(lines)


@contextmanager
def reported_on(endpoint: Endpoint, case: Case[Any]) -> Iterator[None]:
    """Put target, operation, failed checks and curl at the top of any failure raised inside."""
    _failed_checks.clear()
    try:
        yield
    except FailureGroup as exc:
        # A new group with the header first: schemathesis's pytest plugin prints a group's
        # message, not its notes.
        header = failure_header(endpoint, case)
        raise FailureGroup(list(exc.exceptions), f"{header}\n\n{exc.message}") from None
    except Exception as exc:
        exc.add_note(failure_header(endpoint, case))
        raise


def exported() -> list[list[object]]:
    """`counts` as plain lists, which xdist can send from a worker."""
    return [[name, key, number] for (name, key), number in counts.items()]


def merge(rows: list[list[object]]) -> None:
    """Add a worker's `exported()` counts to this process's."""
    for name, key, number in rows:
        assert isinstance(name, str)
        assert isinstance(number, int)
        counts[(name, key)] += number


def summary_lines() -> list[str]:
    lines = ["Cases per target (sent / not sent because of a limit):"]
    names = dict.fromkeys(name for name, _ in counts)
    for name in names:
        lines.append(f"  {name}: {counts[(name, 'sent')]} / {counts[(name, 'skipped')]}")
    return lines
