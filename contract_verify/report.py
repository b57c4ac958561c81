"""The report: one row per operation and documented status (and per undocumented status that
came back), exercised or not, conformant or not; Microcks's conformance index (the share of the
documented statuses the run exercised) and score (the share of those exercised that conformed)
per operation; the violations in full. The same rows become JUnit XML, one test case each
(a status not exercised is a skipped case), for CI.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from contract_verify.calls import Outcome
from contract_verify.violations import Violation

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Row:
    operation: str
    status: int
    documented: bool
    calls: tuple[Outcome, ...]
    violations: tuple[Violation, ...]

    @property
    def exercised(self) -> bool:
        return bool(self.calls)

    @property
    def conformant(self) -> bool:
        return self.documented and not self.violations

    def verdict(self) -> str:
        if not self.exercised:
            return "-"
        return "yes" if self.conformant else "NO"


def documented_statuses(raw_spec: Mapping[str, object]) -> dict[str, list[int]]:
    """operationId -> its documented statuses, in the spec's order of paths."""
    found: dict[str, list[int]] = {}
    paths = raw_spec.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and isinstance(operation.get("operationId"), str):
                statuses = operation.get("responses", {})
                found[operation["operationId"]] = sorted(
                    int(status) for status in statuses if str(status).isdigit()
                )
    return found


def rows(documented: Mapping[str, Sequence[int]], outcomes: Iterable[Outcome]) -> list[Row]:
    """A row per documented (operation, status), and per undocumented status that came back.

    A call counts for the status it got, and a negative case also for the status it asked for
    (it exercised that row, and fails it if the server answered otherwise)."""
    outcomes = list(outcomes)
    keys = [
        (operation, status) for operation, statuses in documented.items() for status in statuses
    ]
    for outcome in outcomes:
        key = (outcome.step.operation_id, outcome.status)
        if key not in keys:
            keys.append(key)
    result = []
    for operation, status in keys:
        calls = tuple(
            o
            for o in outcomes
            if o.step.operation_id == operation and status in (o.status, o.step.expect)
        )
        found = tuple(
            v
            for o in calls
            for v in o.violations
            if v.operation == operation and v.status == status
        )
        is_documented = status in documented.get(operation, ())
        result.append(Row(operation, status, is_documented, calls, found))
    return result


def table(report_rows: Sequence[Row]) -> list[str]:
    """The rows as a fixed-width table, then index and score per operation."""
    head = f"{'operation':<24} {'status':<18} {'exercised':<10} {'conformant':<10} calls"
    lines = [head, "-" * len(head)]
    for row in report_rows:
        status = str(row.status) if row.documented else f"{row.status} UNDOCUMENTED"
        exercised = "yes" if row.exercised else "no"
        lines.append(
            f"{row.operation:<24} {status:<18} {exercised:<10} {row.verdict():<10} {len(row.calls)}"
        )
    lines += ["", f"{'operation':<24} {'conformance index':<20} conformance score"]
    operations = dict.fromkeys(row.operation for row in report_rows)
    for operation in operations:
        mine = [r for r in report_rows if r.operation == operation]
        documented = [r for r in mine if r.documented]
        tried = [r for r in mine if r.exercised]
        index = _share(sum(r.exercised for r in documented), len(documented))
        score = _share(sum(r.conformant for r in tried), len(tried))
        lines.append(f"{operation:<24} {index:<20} {score}")
    return lines


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} {100 * part // whole}%" if whole else "-"


def junit(
    report_rows: Sequence[Row],
    path: Path,
    *,
    name: str,
    properties: Mapping[str, str],
    mask: Callable[[str], str],
) -> None:
    """Write the rows as one JUnit test suite: a case per row, failed with its violations,
    skipped when not exercised; `mask` hides the token in every text written."""
    failures = sum(1 for row in report_rows if row.exercised and not row.conformant)
    skipped = sum(1 for row in report_rows if not row.exercised)
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(report_rows)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    props = ET.SubElement(suite, "properties")
    for key, value in properties.items():
        ET.SubElement(props, "property", name=key, value=mask(value))
    for row in report_rows:
        label = str(row.status) if row.documented else f"{row.status} (undocumented)"
        case = ET.SubElement(suite, "testcase", classname=row.operation, name=label)
        if not row.exercised:
            ET.SubElement(case, "skipped", message="not exercised by this run")
            continue
        if not row.conformant:
            first = row.violations[0] if row.violations else None
            message = f"{first.where}: {first.got}" if first else "undocumented status"
            failure = ET.SubElement(
                case, "failure", message=mask(message), type="ContractViolation"
            )
            failure.text = mask("\n\n".join("\n".join(v.lines()) for v in row.violations))
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(f"{o.status}: {o.step.purpose}" for o in row.calls)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
