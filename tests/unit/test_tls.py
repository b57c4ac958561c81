"""`mock_server.tls`: the self-signed certificate made at start, checked by a TLS handshake in
memory (no socket) with a client that verifies against the written CA file only."""

from __future__ import annotations

import pickle
import ssl
from pathlib import Path

import pytest

from mock_server.sms.config import TlsSettings
from mock_server.tls import LOCAL_NAMES, ServerCertificate, TlsError, https_for, self_signed


def _handshake(server: ssl.SSLContext, ca: Path, name: str) -> None:
    """A client trusting `ca` alone connects to `server` as `name`; raises if it cannot."""
    client = ssl.create_default_context(cafile=str(ca))
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client_side = client.wrap_bio(c_in, c_out, server_hostname=name)
    server_side = server.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(10):
        done = 0
        for side, outgoing, peer_incoming in (
            (client_side, c_out, s_in),
            (server_side, s_out, c_in),
        ):
            try:
                side.do_handshake()
                done += 1
            except ssl.SSLWantReadError:
                pass
            peer_incoming.write(outgoing.read())
        if done == 2:
            return
    raise AssertionError("the handshake did not finish")


def test_the_certificate_verifies_for_every_local_name(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    https = self_signed(ca)
    assert https.ca_file == ca.resolve()
    factory = https.uvicorn_options["ssl_context_factory"]
    # uvicorn sends the factory to each worker process: it must survive pickling.
    context = pickle.loads(pickle.dumps(factory))(None, lambda: ssl.SSLContext())
    for name in LOCAL_NAMES:
        _handshake(context, ca, name)
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(context, ca, "example.com")


def test_another_start_makes_another_ca(tmp_path: Path) -> None:
    first = self_signed(tmp_path / "one.pem")
    second = self_signed(tmp_path / "two.pem")
    assert (tmp_path / "one.pem").read_bytes() != (tmp_path / "two.pem").read_bytes()
    context = second.uvicorn_options["ssl_context_factory"](None, lambda: ssl.SSLContext())
    assert first.ca_file is not None
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(context, first.ca_file, "localhost")


def test_the_factory_never_shows_the_key() -> None:
    factory = ServerCertificate(b"-----BEGIN PRIVATE KEY-----secret", (b"cert",))
    assert "secret" not in repr(factory)


def test_settings_from_a_config(tmp_path: Path) -> None:
    https = https_for(TlsSettings(self_signed=True), tmp_path / "ca.pem")
    assert https.ca_file is not None
    with pytest.raises(TlsError, match="no such file"):
        https_for(TlsSettings(cert=tmp_path / "c.pem", key=tmp_path / "k.pem"))
