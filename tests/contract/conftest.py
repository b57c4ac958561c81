"""The contract targets' servers as session fixtures (the limits table is printed by
tests/conftest.py, which the xdist controller loads too).

A server starts the first time a test needs it and stops at the end of the session. The
conformance test sends each case to every target; `CONTRACT_TARGETS=prism-mock,prism-proxy`
restricts it to some (the other tests are parametrized by target: use `-k`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.contract import servers
from tests.contract.targets import (
    CONNEXION_ASGI,
    CONNEXION_UVICORN,
    MAKE_MOCK_URL,
    PRISM_MOCK,
    PRISM_PROXY,
    TARGETS,
    Target,
    contract_app,
)
from tests.support import prism as prism_support

Reach = Callable[[Target], servers.Endpoint]


@pytest.fixture(scope="session")
def connexion_uvicorn_url() -> Iterator[str]:
    with servers.uvicorn_thread(contract_app()) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def unvalidated_mock_url() -> Iterator[str]:
    """The mock under uvicorn without connexion's response validation, for Prism's proxy: with
    it, connexion would turn an invalid answer into a 500 before Prism's validator saw it."""
    with servers.uvicorn_thread(contract_app(validate_responses=False)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def prisms(unvalidated_mock_url: str) -> Iterator[dict[Target, prism_support.PrismProcess]]:
    """Prism's mock, and Prism's validating proxy in front of the unvalidated uvicorn mock."""
    mock = ["mock", "openapi.yaml"]
    proxy = ["proxy", "openapi.yaml", unvalidated_mock_url, "--errors"]
    with prism_support.prisms(mock, proxy) as (prism_mock, prism_proxy):
        yield {PRISM_MOCK: prism_mock, PRISM_PROXY: prism_proxy}


@pytest.fixture(scope="session")
def reach(request: pytest.FixtureRequest) -> Reach:
    """`reach(target)` brings the target up (once a session) and says how to call it."""
    app = contract_app(fast_path=False)
    in_process_control = app.test_client()

    def endpoint(target: Target) -> servers.Endpoint:
        if target == CONNEXION_ASGI:
            # In-process calls ignore the host; aimed at this URL, the curl command of a
            # failure reproduces it on `make mock`.
            return servers.Endpoint(target, MAKE_MOCK_URL, app=app, control=in_process_control)
        if target == CONNEXION_UVICORN:
            mock_url: str = request.getfixturevalue("connexion_uvicorn_url")
            return servers.Endpoint(target, mock_url, control=_control(mock_url))
        prism: prism_support.PrismProcess = request.getfixturevalue("prisms")[target]
        if target == PRISM_MOCK:
            return servers.Endpoint(target, prism.base_url, prism=prism)
        behind: str = request.getfixturevalue("unvalidated_mock_url")
        return servers.Endpoint(target, prism.base_url, prism=prism, control=_control(behind))

    return endpoint


def _control(mock_url: str) -> httpx.Client:
    return httpx.Client(base_url=mock_url, timeout=10)


@pytest.fixture(scope="session")
def endpoints(reach: Reach) -> list[servers.Endpoint]:
    """Every target (or those named in CONTRACT_TARGETS), up and reachable."""
    wanted = os.environ.get("CONTRACT_TARGETS")
    names = wanted.split(",") if wanted else [target.name for target in TARGETS]
    unknown = set(names) - {target.name for target in TARGETS}
    if unknown:
        raise pytest.UsageError(f"CONTRACT_TARGETS: no target named {', '.join(sorted(unknown))}")
    return [reach(target) for target in TARGETS if target.name in names]


def pytest_report_header() -> list[str]:
    return [f"contract targets: {', '.join(t.name for t in TARGETS)} (known limits: see the end)"]
