"""One running mock app and the clients the API tests talk to it with.

The public API is called through the generated client (`aatrox_sms_client`), whose httpx client
is a starlette TestClient of the in-process app; the control API (setup, and "nothing was
stored" assertions) through the product's own helpers (`mock_server.server.MockControl`, what
`MockServer` and the fixture `aatrox_mock` offer users) over the same TestClient. Every answer
any of them receives is checked against the spec (tests/api/answers.py), whichever path of the
mock served it. What the product's `MockServer` does not give is here: the app in process (no
socket), built with response validation and with the fast path on or off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import Any, TypeVar

from starlette.testclient import TestClient

from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, Problem, SendRequest
from aatrox_sms_client.types import Response
from mock_server.app import create_app
from mock_server.server import MockControl
from mock_server.sms.config import DEFAULT_CONFIG_YAML, Config, load_config
from mock_server.sms.store import MessageStore
from tests.api.answers import checked

# Numbers of the built-in config: acme owns ACME_1 and ACME_2; dev owns every number.
ACME_1, ACME_2 = "+61491570156", "+61491570157"
DEV_A, DEV_B = "+61491570158", "+61491570159"
NOT_ACMES = "+61491570999"
UNDELIVERED, FAILED, SERVER_ERROR = "+61491570006", "+61491570110", "+61491570737"
ACME_DISCLAIMER = "Acme Pty Ltd. Reply STOP to opt out."
DEFAULT_DISCLAIMER = "Reply STOP to opt out."
DEV_TOKEN, ACME_TOKEN = "dev-token", "acme-token"
PROBLEM_JSON = "application/problem+json"

MANUAL_CONFIG: Config = load_config(DEFAULT_CONFIG_YAML.replace("clock: real", "clock: manual"))

T = TypeVar("T")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def typed_client(http: TestClient, token: str = DEV_TOKEN) -> AuthenticatedClient:
    """The generated client over `http`. set_httpx_client replaces the client's own headers, so
    the token the server sees is the one in `http`'s headers (if any), not `token`."""
    return AuthenticatedClient(base_url="http://testserver", token=token).set_httpx_client(http)


def expect(response: Response[Any], kind: type[T], status: int) -> T:
    """The parsed body of `response`, which must have `status` and parse as `kind`."""
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, kind), response.content
    return response.parsed


def fields(problem: Problem) -> list[str]:
    """The fields a 400 problem names."""
    assert isinstance(problem.errors, list), problem
    return [error.field for error in problem.errors]


@dataclasses.dataclass
class Mock:
    """A running app: `dev` and `acme` are generated clients holding those accounts' tokens,
    `http` is a TestClient with the dev token (for raw public calls and the control API)."""

    app: Any
    http: TestClient
    dev: AuthenticatedClient
    acme: AuthenticatedClient
    #: The product's control helpers, over `http`.
    control: MockControl = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.control = MockControl(self.http, str(self.http.base_url), DEV_TOKEN)

    def anonymous(self, headers: dict[str, str] | None = None) -> TestClient:
        """A TestClient with exactly `headers` (no token unless given)."""
        client: TestClient = checked(self.app.test_client(headers=headers or {}))
        return client

    def advance(self, seconds: float) -> datetime:
        return self.control.advance(seconds)

    def stored(self, **filters: str) -> list[dict[str, Any]]:
        """Every stored message of every account (control API), oldest first, as listed (with
        the inbox page's fields, which the product's `messages()` leaves out), every page."""
        return self.control._every_message(filters)

    def inbound(self, from_addr: str, to_addr: str, text: str = "Inbound") -> Message:
        return self.control.inbound(from_addr, to_addr, text)

    def send(
        self,
        from_addr: str = ACME_1,
        to_addr: str = DEV_A,
        text: str = "Hello",
        *,
        client: AuthenticatedClient | None = None,
    ) -> Message:
        """Send through the generated client (dev's unless `client`); must be a 200."""
        body = SendRequest(from_=from_addr, to=to_addr, text=text)
        return expect(send_sms.sync_detailed(client=client or self.dev, body=body), Message, 200)

    def reset(self) -> None:
        """The fixture's reset: no messages, no faults, an empty journal, the clock back."""
        self.control.reset()


@contextmanager
def running(config: Config = MANUAL_CONFIG, store: MessageStore | None = None) -> Iterator[Mock]:
    """`create_app(config, store=store, validate_responses=True)` (fast path on, as served),
    served to TestClients whose every answer is checked against the spec."""
    app = create_app(config, store=store, validate_responses=True)
    with ExitStack() as stack:
        http = stack.enter_context(checked(app.test_client(headers=bearer(DEV_TOKEN))))
        acme_http = stack.enter_context(checked(app.test_client(headers=bearer(ACME_TOKEN))))
        yield Mock(app, http, typed_client(http), typed_client(acme_http, ACME_TOKEN))
