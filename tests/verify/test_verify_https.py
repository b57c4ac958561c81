"""`aatrox-sms-verify` against the mock served over HTTPS (`--tls-self-signed`): it verifies the
server's certificate with `--ca-file`, and without it (the system's store) it cannot check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_verify import prism_proxy
from tests.support.live_server import LiveServer, live_server
from tests.verify.conftest import Verify


@pytest.fixture(scope="module")
def https_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    ca = tmp_path_factory.mktemp("tls") / "ca.pem"
    with live_server(["--tls-self-signed", "--tls-ca-out", str(ca)], ca_file=ca) as server:
        yield server, ca


def test_with_the_ca_file_the_https_mock_conforms(
    https_mock: tuple[LiveServer, Path], verify: Verify
) -> None:
    server, ca = https_mock
    run = verify(server.base_url, "--ca-file", str(ca))
    assert run.exit_status == 0, run.output
    assert "Conformant: every answer matched the contract" in run.output


@pytest.mark.skipif(prism_proxy.unavailable_reason() is not None, reason="needs npx for Prism")
def test_prism_in_front_trusts_the_ca_file_too(
    https_mock: tuple[LiveServer, Path], verify: Verify
) -> None:
    server, ca = https_mock
    run = verify(server.base_url, "--ca-file", str(ca), prism=True)
    assert run.exit_status == 0, run.output
    assert "Prism: validating proxy" in run.output


def test_without_the_ca_file_an_unknown_ca_is_not_a_pass(
    https_mock: tuple[LiveServer, Path], verify: Verify
) -> None:
    server, _ = https_mock
    run = verify(server.base_url, send=False)
    assert run.exit_status == 2, run.output
    assert "Could not check" in run.output


def test_a_ca_file_that_is_not_there_is_a_usage_error(verify: Verify, tmp_path: Path) -> None:
    run = verify("https://127.0.0.1:9", "--ca-file", str(tmp_path / "none.pem"))
    assert run.exit_status == 2
    assert "--ca-file" in run.output
