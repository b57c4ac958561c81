"""HTTPS for the mock: the user's certificate, or one made at start for localhost.

`--tls-cert PATH --tls-key PATH` (or the config's `tls: {cert, key}`) hand uvicorn the user's
PEM files as they are. `--tls-self-signed` (or `tls: self-signed`) makes a throwaway CA with
trustme, has it issue a certificate for `localhost`, `127.0.0.1` and `::1`, and writes only the
CA's certificate to a file (`--tls-ca-out`, else a temporary one), for `curl --cacert` and
`httpx.Client(verify=...)`. The CA's private key lives in this process's memory only and is
dropped once the certificate is issued. The server's key reaches uvicorn inside an SSL context
factory (uvicorn's `ssl_context_factory`), pickled to each worker process through its start
pipe: it is written to disk only for the instant `SSLContext.load_cert_chain` needs a file
(trustme's private, deleted temporary file).
"""

from __future__ import annotations

import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme

from mock_server.sms.config import TlsSettings

#: The names the self-signed certificate is good for: what a local client dials.
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
#: The CA file's name when `--tls-ca-out` is not given (in a fresh temporary directory).
DEFAULT_CA_NAME = "aatrox-mock-ca.pem"


class TlsError(ValueError):
    """The TLS settings cannot be served (a missing or unreadable certificate or key)."""


@dataclass(frozen=True)
class ServerCertificate:
    """An SSL context factory for uvicorn (`ssl_context_factory`) presenting one certificate.

    A picklable object, not a closure: with `--workers`, uvicorn sends its config to each
    worker process. The key is kept out of `repr`.
    """

    private_key_pem: bytes = field(repr=False)
    cert_chain_pems: tuple[bytes, ...]

    def __call__(self, _config: object, _default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        first, *rest = self.cert_chain_pems
        leaf = trustme.LeafCert(self.private_key_pem, first, list(rest))
        # trustme writes key and chain to a private temporary file for load_cert_chain, and
        # deletes it at once (the ssl module loads certificates from files only).
        leaf.configure_cert(context)
        return context


@dataclass(frozen=True)
class Https:
    """What serving HTTPS takes: uvicorn's TLS options, and the CA file a client should trust
    (None for the user's own certificate: their client already knows how to trust it)."""

    uvicorn_options: dict[str, Any]
    ca_file: Path | None


def self_signed(ca_out: Path | None = None) -> Https:
    """A certificate for LOCAL_NAMES from a CA made now; the CA's certificate (never its key)
    written to `ca_out`, or to a new temporary directory's DEFAULT_CA_NAME."""
    ca = trustme.CA(organization_name="Aatrox SMS mock (throwaway test CA)")
    leaf = ca.issue_cert(*LOCAL_NAMES)
    if ca_out is None:
        ca_out = Path(tempfile.mkdtemp(prefix="aatrox-mock-tls-")) / DEFAULT_CA_NAME
    try:
        ca.cert_pem.write_to_path(str(ca_out))
    except OSError as exc:
        raise TlsError(f"cannot write the CA certificate to {ca_out}: {exc}") from exc
    factory = ServerCertificate(
        leaf.private_key_pem.bytes(), tuple(pem.bytes() for pem in leaf.cert_chain_pems)
    )
    return Https({"ssl_context_factory": factory}, ca_out.resolve())


def own_certificate(cert: Path, key: Path) -> Https:
    """The user's certificate and key (PEM files), checked now, so that a wrong path or a key
    that does not match stops the start with a message rather than a worker's traceback."""
    for path in (cert, key):
        if not path.is_file():
            raise TlsError(f"no such file: {path}")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(f"cannot use {cert} with the key {key}: {exc}") from exc
    return Https({"ssl_certfile": str(cert), "ssl_keyfile": str(key)}, None)


def https_for(settings: TlsSettings, ca_out: Path | None = None) -> Https:
    """HTTPS as a config's `tls:` says (for a server started from a config alone, such as the
    pytest plugin's)."""
    if settings.self_signed:
        return self_signed(ca_out)
    if settings.cert is None or settings.key is None:
        raise TlsError("tls needs either self-signed, or both cert and key")
    return own_certificate(settings.cert, settings.key)
