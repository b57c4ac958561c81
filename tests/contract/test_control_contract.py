"""The control API (mock_server/control.yaml), fuzzed by schemathesis in process with every check,
positive and negative data: its answers, the inbox page's journal and listing included, hold to
its own spec. Connexion's response validation is on, so an answer off the spec is also a 500.

Left out: `GET /events`, a `text/event-stream` that stays open (about 15 s a connection) — an
in-process client reads a body to its end, so every case would wait out the stream's lifetime
and check nothing a schema can say (its body is a stream of events, not a document).
tests/api/test_inbox_api.py reads it over a socket instead.

Excused from `positive_data_acceptance`: listing cases with what no schema can say is valid: a
`cursor` (valid only when the server issued it for that listing), an `account` (valid only when
configured) or a `peer` without `number`; each is (rightly) a 400 naming it, and
tests/api/test_inbox_listings.py holds that.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mock_server.app import create_app
from tests.contract.targets import MAKE_MOCK_URL, contract_config

APP = create_app(contract_config(), validate_responses=True, fast_path=False)
#: No token: the control API has none (the public suite's config names one).
CONFIG = schemathesis.Config.from_dict(
    {"base-url": MAKE_MOCK_URL + "/_mock", "output": {"sanitization": {"enabled": False}}}
)
schema = schemathesis.openapi.from_asgi("/_mock/openapi.json", APP, config=CONFIG).exclude(
    path="/events"
)


@schema.parametrize()
@settings(max_examples=10)
def test_the_control_api_answers_by_its_spec(case: Case[Any]) -> None:
    query = case.query or {}
    server_known = "cursor" in query or "account" in query or "peer" in query
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if server_known else None)
