"""The compiled contract (mock_server.contract) and its route table: each value where the specs
write it, and a clear error where a spec lacks what the mock needs."""

from __future__ import annotations

import dataclasses

import pytest

from mock_server.contract import (
    CONTROL_BASE,
    FaultBounds,
    _public_prefix,
    limits_from_spec,
    load_contract,
)
from mock_server.http.pipeline.faults import Faults, FaultSwitch
from mock_server.http.problems.rendering import render
from mock_server.http.routes import Routes
from mock_server.sms.errors import NotFound
from mock_server.sms.store import MemoryStore

CONTRACT = load_contract()


def test_the_values_are_the_specs() -> None:
    public = CONTRACT.public
    assert CONTRACT.max_body_bytes == public["x-max-body-bytes"]
    assert CONTRACT.page_default == public["components"]["parameters"]["Limit"]["schema"]["default"]
    faults = CONTRACT.control["components"]["schemas"]["Faults"]["properties"]
    assert CONTRACT.fault_bounds == FaultBounds(
        faults["error_rate"]["maximum"], faults["latency_ms"]["maximum"]
    )
    assert CONTRACT.prefix == "/api/"
    assert CONTRACT.is_public("/api/v2/sms/send")
    assert not CONTRACT.is_public(CONTROL_BASE + "/faults")


def test_a_concrete_path_wins_over_a_template() -> None:
    concrete = CONTRACT.routes.match("/api/v2/sms/send")
    assert concrete is not None
    assert (concrete.template, concrete.concrete, concrete.allowed) == (
        "/api/v2/sms/send",
        True,
        frozenset({"POST"}),
    )
    templated = CONTRACT.routes.match("/api/v2/sms/msg_1")
    assert templated is not None
    assert (templated.template, dict(templated.values)) == ("/api/v2/sms/{id}", {"id": "msg_1"})
    assert templated.allowed == frozenset({"GET", "HEAD"})  # HEAD with GET, as the router does
    assert CONTRACT.routes.match("/api/v2/sms/a/b") is None


def test_the_control_api_is_routed_under_its_base() -> None:
    faults = CONTRACT.routes.match(CONTROL_BASE + "/faults")
    assert faults is not None
    assert faults.allowed == frozenset({"PUT", "DELETE"})
    assert faults.operations["PUT"].takes_body
    assert not faults.operations["DELETE"].takes_body


def test_the_routes_of_a_spec_follow_its_order_of_templates() -> None:
    paths = {"/a/{x}": {"get": {"operationId": "first"}}, "/a/{y}": {"get": {"operationId": "no"}}}
    match = Routes.of({"": paths}).match("/a/1")
    assert match is not None
    assert match.operations["GET"].operation_id == "first"


def test_public_paths_must_share_a_first_segment() -> None:
    assert _public_prefix({"/api/v2/a": {}, "/api/v3/b": {}}) == "/api/"
    with pytest.raises(ValueError, match="share a first segment"):
        _public_prefix({"/api/v2/a": {}, "/other/b": {}})


def test_a_value_the_spec_lacks_is_named() -> None:
    spec = dataclasses.asdict(CONTRACT.limits)  # any mapping without the limits' paths
    with pytest.raises(ValueError, match=r"components\.schemas"):
        limits_from_spec(spec)


def test_fault_bounds_are_checked_when_faults_are_set() -> None:
    switch = FaultSwitch(MemoryStore(), FaultBounds(max_error_rate=0.5, max_latency_ms=10))
    assert switch.set(Faults(error_rate=0.5, latency_ms=10)) == Faults(0.5, 10)
    with pytest.raises(ValueError, match=r"error_rate must be between 0 and 0\.5"):
        switch.set(Faults(error_rate=0.6))
    with pytest.raises(ValueError, match="latency_ms must be between 0 and 10"):
        switch.set(Faults(latency_ms=11))
    assert switch.current() == Faults(0.5, 10)


def test_the_renderer_answers_a_domain_error_and_refuses_any_other() -> None:
    answer = render(NotFound("No message msg_1."), CONTRACT.problem_bounds)
    assert answer.status_code == 404
    assert answer.media_type == "application/problem+json"
    with pytest.raises(TypeError, match="KeyError"):
        render(KeyError("x"), CONTRACT.problem_bounds)
