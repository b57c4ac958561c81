"""The cases a row of `targets.LIMITS` selects are the ones its reason describes, and no others
(a predicate too wide would hide a real failure from the targets it excuses)."""

from __future__ import annotations

import pytest

from tests.contract import targets
from tests.contract.targets import PRISM_MOCK, PRISM_PROXY, plan
from tests.contract.test_server_contract import schema

RECEIVE = schema["/api/v2/sms/receive"]["GET"]


@pytest.mark.parametrize(
    ("content_type", "sent_to_prism"),
    [
        ("2", False),
        ("text/", False),
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        (None, True),
    ],
)
def test_prism_is_spared_only_a_content_type_that_is_not_a_media_type(
    content_type: str | None, sent_to_prism: bool
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    case = RECEIVE.Case(query={"to": "+61491570157"}, headers=headers)
    assert plan(PRISM_MOCK, case).send is sent_to_prism
    assert plan(PRISM_PROXY, case).send is sent_to_prism


HISTORY = schema["/api/v2/sms/history"]["GET"]


@pytest.mark.parametrize(
    ("limit", "on_the_wire"),
    [
        ("", "limit="),
        ({}, "limit="),
        ([""], "limit="),
        ([[""]], "limit="),
        ([], ""),
        ("x", "limit=x"),
    ],
)
def test_prism_mock_is_excused_rejecting_only_a_value_empty_on_the_wire(
    limit: object, on_the_wire: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(targets, "is_negative", lambda _case: True)  # as generated negative
    case = HISTORY.Case(query={"limit": limit})
    excluded = [check.__name__ for check in targets.plan(PRISM_MOCK, case).excluded]
    assert ("negative_data_rejection" in excluded) is (on_the_wire == "limit=")
