"""The stateful phase: schemathesis chains operations over the spec's links (send -> details,
inbox and history; bulk -> first message, inbox and the history of the batch; list -> next page
and first message), on every target with state. After a bulk send it also reads the details of
each message of the batch, which no link can say ("each" is not an OpenAPI runtime expression).

Positive data only: the chains are what this phase is for; negative data is the stateless suite's.
"""

from __future__ import annotations

from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis import Case, Response
from schemathesis.checks import CheckFunction
from schemathesis.generation.stateful.state_machine import APIStateMachine

from mock_server.sms.store.postgres import PostgresStore
from tests.contract import servers
from tests.contract.budget import stateful_scenarios
from tests.contract.conftest import Reach
from tests.contract.reporting import record_failed_checks, reported_on
from tests.contract.servers import SPEC, Endpoint
from tests.contract.targets import (
    CONNEXION_UVICORN,
    TARGETS,
    TOKEN,
    Target,
    contract_app,
    plan,
    runs_stateful,
    schemathesis_config,
)
from tests.support import postgres

BULK = "POST /api/v2/sms/send/bulk"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LISTS = ("/api/v2/sms/receive", "/api/v2/sms/history")
#: The most a list operation asks for, so that a few sends make a second page.
PAGE = 2
#: Steps per scenario (scenarios per run: `budget.stateful_scenarios`).
STEPS = 10


def stateful_schema(endpoint: Endpoint) -> schemathesis.BaseSchema:
    verify = {} if endpoint.ca_file is None else {"tls-verify": str(endpoint.ca_file)}
    config = schemathesis_config(
        endpoint.base_url, phases={"stateful": {"generation": {"mode": "positive"}}}, **verify
    )
    schema = schemathesis.openapi.from_path(SPEC, config=config)
    if endpoint.app is not None:
        schema.app = endpoint.app  # the in-process target: calls go to the app itself
    record_failed_checks(schema)

    def map_query(
        context: schemathesis.HookContext, query: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """Small pages, so that a few sends make a second page and NextPage carries a cursor."""
        if query is not None and context.operation is not None and context.operation.path in LISTS:
            query["limit"] = min(int(query.get("limit", PAGE)), PAGE)
        return query

    schema.hooks.register_hook_with_name(map_query, "map_query")
    return schema


def machine_for(endpoint: Endpoint) -> type[APIStateMachine]:
    schema = stateful_schema(endpoint)
    details = schema["/api/v2/sms/{id}"]["GET"]

    class ContractStateMachine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario starts from an empty store, so that replaying one (to shrink it)
            # meets the same state.
            assert endpoint.control is not None
            endpoint.control.post("/_mock/reset").raise_for_status()

        def validate_response(
            self,
            response: Response,
            case: Case[Any],
            additional_checks: list[CheckFunction] | None = None,
            **kwargs: Any,
        ) -> None:
            with reported_on(endpoint, case):
                case.validate_response(
                    response,
                    additional_checks=additional_checks,
                    excluded_checks=plan(endpoint.target, case).excluded,
                    transport_kwargs=kwargs or None,
                    recorder=self.recorder,
                )

        def after_call(self, response: Response, case: Case[Any]) -> None:
            super().after_call(response, case)
            if case.operation.label != BULK or response.status_code != 200:
                return
            with reported_on(endpoint, case):
                batch = response.json()["messages"]
            for sent in batch:
                follow = details.Case(path_parameters={"id": sent["id"]})
                with reported_on(endpoint, follow):
                    got = follow.call_and_validate(headers=AUTH)
                    assert got.status_code == 200, f"{sent['id']} of the batch: {got.status_code}"
                    assert got.json()["to_addr"] == sent["to_addr"]

    return ContractStateMachine


def _settings() -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=stateful_scenarios(),
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
    )


@pytest.mark.parametrize(
    "target", [t for t in TARGETS if runs_stateful(t)], ids=lambda target: target.name
)
def test_links_chain_on(target: Target, reach: Reach) -> None:
    machine = machine_for(reach(target))
    machine.run(settings=_settings())


def test_links_chain_on_the_postgres_store(postgres_cluster: postgres.Cluster) -> None:
    """The uvicorn target's mock (fast path on, response validation on), on a PostgreSQL store:
    the chains hold there too (ids, cursors, paging)."""
    store = PostgresStore(postgres_cluster.new_database())
    try:
        with (
            servers.uvicorn_thread(contract_app(store=store)) as base_url,
            httpx.Client(base_url=base_url, timeout=10) as control,
        ):
            endpoint = Endpoint(CONNEXION_UVICORN, base_url, control=control)
            machine_for(endpoint).run(settings=_settings())
    finally:
        store.close()
