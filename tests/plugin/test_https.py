"""HTTPS through the fixture alone (issue 20): with `tls: self-signed` in `aatrox_mock_config`
the mock serves HTTPS only, and its helpers and `client()` verify its certificate against the
CA made at start (`ca_file`); `MockServer` the same, and with the user's own certificate."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trustme

from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, SendRequest
from mock_server import MockServer
from mock_server.pytest_plugin import AatroxMock

SHOP, CUSTOMER = "+61491570156", "+61491570157"


@pytest.fixture(scope="module")
def aatrox_mock_config() -> dict[str, object]:
    return {"tls": "self-signed"}


def test_the_client_sends_over_verified_tls(aatrox_mock: AatroxMock) -> None:
    assert aatrox_mock.base_url.startswith("https://127.0.0.1:")
    assert aatrox_mock.ca_file is not None
    assert "BEGIN CERTIFICATE" in aatrox_mock.ca_file.read_text()
    client = aatrox_mock.client()
    sent = send_sms.sync(client=client, body=SendRequest(from_=SHOP, to=CUSTOMER, text="hi"))
    assert isinstance(sent, Message)
    assert [m.id for m in aatrox_mock.messages(to=CUSTOMER)] == [sent.id]  # control over TLS
    # Verification is on: the client trusts this mock's CA and nothing else, so another mock's
    # CA is refused, and the system's store (httpx's default) does not know this one.
    with (
        MockServer(config={"tls": "self-signed"}) as other,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get_httpx_client().get(other.base_url + "/_mock/health")
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(aatrox_mock.base_url + "/_mock/health")
    trusted = httpx.get(aatrox_mock.base_url + "/_mock/health", verify=aatrox_mock.verify)
    assert trusted.json()["status"] == "ok"


def test_plain_http_to_that_port_fails(aatrox_mock: AatroxMock) -> None:
    plain = aatrox_mock.base_url.replace("https://", "http://", 1)
    with pytest.raises(httpx.TransportError):
        httpx.get(plain + "/_mock/health")


def test_a_token_rotates_over_https(aatrox_mock: AatroxMock) -> None:
    old = aatrox_mock.token
    new = aatrox_mock.rotate_token()
    with httpx.Client(base_url=aatrox_mock.base_url, verify=aatrox_mock.verify) as http:
        statuses = [
            http.get("/api/v2/sms/history", headers={"Authorization": f"Bearer {t}"}).status_code
            for t in (old, new)
        ]
    assert statuses == [401, 200]


def test_over_http_there_is_no_ca_file_and_it_stops_with_the_server() -> None:
    with MockServer() as plain:
        assert (plain.ca_file, plain.verify) == (None, True)
        assert plain.base_url.startswith("http://")
    with MockServer(config={"tls": "self-signed"}) as mock:
        ca_file = mock.ca_file
        assert ca_file is not None
        assert ca_file.is_file()
    assert not ca_file.exists()  # the throwaway CA's certificate goes with its server


def test_mock_server_serves_the_users_own_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    with MockServer(config={"tls": {"cert": str(cert), "key": str(key)}}) as mock:
        assert mock.base_url.startswith("https://")
        assert mock.ca_file is None
        mock.inbound(from_=CUSTOMER, to=SHOP, text="STOP")  # the helpers trust its certificate
        assert [m.text for m in mock.messages(to=SHOP)] == ["STOP"]
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(mock.base_url + "/_mock/health")


def test_a_bad_tls_setting_is_refused_before_anything_serves(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="tls: must be self-signed or"):
        MockServer(config={"tls": "yes"})
    missing = tmp_path / "missing.pem"
    with pytest.raises(ValueError, match=f"no such file: {missing}"):
        MockServer(config={"tls": {"cert": str(missing), "key": str(missing)}})
