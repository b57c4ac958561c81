"""Every operation of openapi.yaml, fuzzed by schemathesis, each case sent to all five targets:
every check on, positive and negative data, the spec's examples, the coverage phase, then random
fuzzing. A case is generated once and sent to each target in turn; what a target is excused from
is in `targets.LIMITS`, and nowhere else."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import settings
from schemathesis import Case
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks

from tests.contract.budget import conformance_examples
from tests.contract.reporting import count, record_failed_checks, reported_on
from tests.contract.servers import SPEC, Endpoint
from tests.contract.targets import plan, schemathesis_config

# Every call names its target's URL: the servers of openapi.yaml are never used.
schema = schemathesis.openapi.from_path(SPEC, config=schemathesis_config())
record_failed_checks(schema)

load_all_checks()
IGNORED_AUTH: CheckFunction = CHECKS.get_one("ignored_auth")  # type: ignore[assignment]
#: (target, operation) whose auth ignored_auth has confirmed. Like the schemathesis CLI, one
#: confirmation per operation is enough: each costs two more requests (no token, a wrong one).
auth_confirmed: set[tuple[str, str]] = set()


@schema.parametrize()
@settings(max_examples=conformance_examples())
def test_every_target_answers_by_the_contract(case: Case[Any], endpoints: list[Endpoint]) -> None:
    check_on_targets(case, endpoints)


def check_on_targets(case: Case[Any], endpoints: list[Endpoint]) -> None:
    """Send `case` to each target and run every check on its answer, less what LIMITS excuses:
    the suite's whole judgement of one case (tests/contract/test_safety_nets.py runs it on
    targets broken on purpose)."""
    for endpoint in endpoints:
        target_plan = plan(endpoint.target, case)
        count(endpoint.target, target_plan.send, target_plan.limits)
        if not target_plan.send:
            continue
        key = (endpoint.target.name, case.operation.label)
        excluded = [*target_plan.excluded, *([IGNORED_AUTH] if key in auth_confirmed else [])]
        with reported_on(endpoint, case), endpoint.reached_by(case) as call_kwargs:
            response = case.call_and_validate(excluded_checks=excluded, **call_kwargs)
        if IGNORED_AUTH not in excluded and 200 <= response.status_code < 300:
            auth_confirmed.add(key)
