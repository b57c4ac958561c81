"""The contract targets' servers as session fixtures (the limits table is printed by
tests/conftest.py, which the xdist controller loads too).

A server starts the first time a test needs it and stops at the end of the session. The
conformance test sends each case to every target; `CONTRACT_TARGETS=prism-mock,prism-proxy`
restricts it to some (the other tests are parametrized by target: use `-k`).
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Iterator

import httpx
import pytest

from mock_server.tls import self_signed
from tests.contract import servers
from tests.contract.targets import (
    CONNEXION_ASGI,
    CONNEXION_HTTPS,
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
def connexion_https(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Endpoint]:
    """The uvicorn target's mock over HTTPS, as `--tls-self-signed` serves it, with a client of
    its control API that verifies it against the CA. The client is closed before the server
    stops: a TLS connection still open then is left unclosed by uvloop (a ResourceWarning)."""
    https = self_signed(tmp_path_factory.mktemp("tls") / "ca.pem")
    assert https.ca_file is not None
    verify = ssl.create_default_context(cafile=https.ca_file)
    with (
        servers.uvicorn_thread(contract_app(), https) as base_url,
        httpx.Client(base_url=base_url, timeout=10, verify=verify) as control,
    ):
        yield servers.Endpoint(CONNEXION_HTTPS, base_url, control=control, ca_file=https.ca_file)


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
def reach(request: pytest.FixtureRequest) -> Iterator[Reach]:
    """`reach(target)` brings the target up (once a session) and says how to call it."""
    app = contract_app(fast_path=False)
    in_process_control = app.test_client()
    clients: list[httpx.Client] = []

    def _control(mock_url: str) -> httpx.Client:
        clients.append(httpx.Client(base_url=mock_url, timeout=10))
        return clients[-1]

    def endpoint(target: Target) -> servers.Endpoint:
        if target == CONNEXION_ASGI:
            # In-process calls ignore the host; aimed at this URL, the curl command of a
            # failure reproduces it on `make mock`.
            return servers.Endpoint(target, MAKE_MOCK_URL, app=app, control=in_process_control)
        if target == CONNEXION_UVICORN:
            mock_url: str = request.getfixturevalue("connexion_uvicorn_url")
            return servers.Endpoint(target, mock_url, control=_control(mock_url))
        if target == CONNEXION_HTTPS:
            https: servers.Endpoint = request.getfixturevalue("connexion_https")
            return https
        prism: prism_support.PrismProcess = request.getfixturevalue("prisms")[target]
        if target == PRISM_MOCK:
            return servers.Endpoint(target, prism.base_url, prism=prism)
        behind: str = request.getfixturevalue("unvalidated_mock_url")
        return servers.Endpoint(target, prism.base_url, prism=prism, control=_control(behind))

    yield endpoint
    for client in clients:
        client.close()


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
