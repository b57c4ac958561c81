"""How many examples each kind of contract test draws: a share of the hypothesis profile's
max_examples (`ci` 100, `dev` 50, `long` 2000; see tests/conftest.py), so that `make test`
stays fast and `make contract-long` goes deep everywhere.

The conformance suite draws half the profile's max_examples per operation (`long`: 1000), each
case sent to five targets, besides the spec's examples and the coverage phase's boundary cases; a
stateful scenario is many calls, and the client properties check the client, so they draw less.
"""

from __future__ import annotations

import hypothesis


def share(fraction: float, minimum: int) -> int:
    """`fraction` of the active profile's max_examples, at least `minimum`."""
    return max(minimum, int(hypothesis.settings().max_examples * fraction))


def conformance_examples() -> int:
    return share(0.5, 20)


def stateful_scenarios() -> int:
    return share(0.1, 5)


def client_examples() -> int:
    return share(0.25, 10)


def summary() -> str:
    return (
        f"examples: {conformance_examples()} per operation and target (plus the spec's examples "
        f"and the coverage phase), {stateful_scenarios()} stateful scenarios per target, "
        f"{client_examples()} per client property"
    )
