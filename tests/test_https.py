"""HTTPS (issue 20): the mock as a real process serving TLS, checked by clients that verify
certificates; and run-time token changes seen at once by every process sharing one `--db`."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
import trustme

from tests.support.live_server import live_server

HISTORY = "/api/v2/sms/history"
DEV = {"Authorization": "Bearer dev-token"}


def _trusting(ca: Path) -> ssl.SSLContext:
    """What a client does with the CA file (httpx deprecates `verify=PATH`)."""
    return ssl.create_default_context(cafile=str(ca))


def test_self_signed_serves_https_that_verifies_against_the_written_ca(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    with live_server(["--tls-self-signed", "--tls-ca-out", str(ca)], ca_file=ca) as server:
        assert "PRIVATE KEY" not in ca.read_text()  # only the CA's certificate is written
        port = server.base_url.rsplit(":", 1)[1]
        for host in ("127.0.0.1", "localhost"):
            with httpx.Client(verify=_trusting(ca), headers=DEV, timeout=10) as client:
                answer = client.get(f"https://{host}:{port}{HISTORY}")
                assert answer.status_code == 200, (host, answer.text)
                sent = client.post(
                    f"https://{host}:{port}/api/v2/sms/send",
                    json={"from": "+61491570158", "to": "+61491570159", "text": "over TLS"},
                )
                assert sent.status_code == 200, sent.text
        # Verification on, against the system's store alone: the throwaway CA is not in it.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(server.base_url + HISTORY, headers=DEV, timeout=10)
        # Plain HTTP is not served on the same port.
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/_mock/health", timeout=10)


def test_a_users_own_certificate_is_served(tmp_path: Path) -> None:
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1")
    cert, key, ca = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    args = ["--tls-cert", str(cert), "--tls-key", str(key)]
    with live_server(args, ca_file=ca) as server:
        answer = httpx.get(server.base_url + HISTORY, headers=DEV, verify=_trusting(ca), timeout=10)
        assert answer.status_code == 200, answer.text


def test_two_workers_serve_https_and_share_run_time_tokens(tmp_path: Path) -> None:
    ca, db = tmp_path / "ca.pem", tmp_path / "shared.sqlite"
    args = ["--tls-self-signed", "--tls-ca-out", str(ca), "--workers", "2", "--db", str(db)]
    with live_server(args, ca_file=ca) as server:
        issued = httpx.post(
            server.base_url + "/_mock/tokens", json={"account": "acme"}, verify=_trusting(ca)
        )
        assert issued.status_code == 201, issued.text
        token = issued.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        # A new connection each call: the calls spread over both workers.
        statuses = [
            httpx.get(server.base_url + HISTORY, headers=auth, verify=_trusting(ca)).status_code
            for _ in range(6)
        ]
        assert statuses == [200] * 6
        revoked = httpx.post(
            server.base_url + "/_mock/tokens/revoke", json={"token": token}, verify=_trusting(ca)
        )
        assert revoked.status_code == 204
        statuses = [
            httpx.get(server.base_url + HISTORY, headers=auth, verify=_trusting(ca)).status_code
            for _ in range(6)
        ]
        assert statuses == [401] * 6


def test_a_revoke_through_one_process_is_a_401_at_another_sharing_the_db(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.sqlite")
    with live_server(["--db", db]) as one, live_server(["--db", db]) as other:
        made = httpx.post(
            one.base_url + "/_mock/accounts", json={"name": "team-b", "numbers": ["+61491570160"]}
        )
        assert made.status_code == 201, made.text
        auth = {"Authorization": f"Bearer {made.json()['token']}"}
        names = [
            a["name"] for a in httpx.get(other.base_url + "/_mock/accounts").json()["accounts"]
        ]
        assert names == ["dev", "acme", "team-b"]
        # Fast path (a plain call) and connexion (an extra query parameter is no fast-path call).
        assert httpx.get(other.base_url + HISTORY, headers=auth).status_code == 200
        revoked = httpx.post(
            other.base_url + "/_mock/tokens/revoke", json={"token": made.json()["token"]}
        )
        assert revoked.status_code == 204
        for server in (one, other):
            assert httpx.get(server.base_url + HISTORY, headers=auth).status_code == 401
            assert (
                httpx.get(server.base_url + HISTORY + "?limit=5", headers=auth).status_code == 401
            )
    # Run-time changes are kept in the file: a new process sees them.
    with live_server(["--db", db]) as later:
        names = [
            a["name"] for a in httpx.get(later.base_url + "/_mock/accounts").json()["accounts"]
        ]
        assert names == ["dev", "acme", "team-b"]
        assert httpx.get(later.base_url + HISTORY, headers=auth).status_code == 401


def test_the_generated_client_works_over_https_and_a_rotated_token_is_refused(
    tmp_path: Path,
) -> None:
    from aatrox_sms_client import AuthenticatedClient
    from aatrox_sms_client.api.messages import list_message_history
    from aatrox_sms_client.api.sending import send_sms
    from aatrox_sms_client.models import HistoryPage, Message, Problem, SendRequest

    ca = tmp_path / "ca.pem"
    with live_server(["--tls-self-signed", "--tls-ca-out", str(ca)], ca_file=ca) as server:
        control = httpx.Client(base_url=server.base_url + "/_mock", verify=_trusting(ca))
        old = "acme-token"
        new = control.post("/tokens", json={"account": "acme"}).json()["token"]
        assert control.post("/tokens/revoke", json={"token": old}).status_code == 204
        body = SendRequest(from_="+61491570156", to="+61491570158", text="rotated")
        with AuthenticatedClient(server.base_url, token=new, verify_ssl=_trusting(ca)) as client:
            sent = send_sms.sync_detailed(client=client, body=body)
            assert isinstance(sent.parsed, Message), sent.content
            history = list_message_history.sync_detailed(client=client)
            assert isinstance(history.parsed, HistoryPage)
            assert [m.id for m in history.parsed.messages] == [sent.parsed.id]
        with AuthenticatedClient(server.base_url, token=old, verify_ssl=_trusting(ca)) as client:
            refused = send_sms.sync_detailed(client=client, body=body)
            assert refused.status_code == 401
            assert isinstance(refused.parsed, Problem)
        control.close()
