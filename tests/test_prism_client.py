"""The generated client against Prism's mock of the same openapi.yaml: the client and the spec
agree without our mock in the loop (every operation parses into its typed 2xx model, a missing
token into the typed 401 Problem), and the README's example runs against it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.messages import get_message, list_message_history, list_received_messages
from aatrox_sms_client.api.sending import send_bulk_sms, send_sms, send_sms_with_disclaimer
from aatrox_sms_client.models import (
    BulkSendRequest,
    BulkSendResponse,
    HistoryPage,
    Message,
    MessagePage,
    Problem,
    SendRequest,
)
from tests.support.prism import prism

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "quickstart.py"
SEND = SendRequest(from_="+61491570156", to="+61491570157", text="Your code is 482913.")
BULK = BulkSendRequest(from_="+61491570156", to=["+61491570157", "+61491570158"], text="Hi")
MESSAGE_ID = "msg_5f2b8c1e9a7d4e3fb6c0a1d2"

# operation -> (call with a client, the model of its 200)
CALLS: dict[str, tuple[Callable[[AuthenticatedClient], Any], type]] = {
    "sendSms": (lambda c: send_sms.sync_detailed(client=c, body=SEND), Message),
    "sendSmsWithDisclaimer": (
        lambda c: send_sms_with_disclaimer.sync_detailed(client=c, body=SEND),
        Message,
    ),
    "sendBulkSms": (lambda c: send_bulk_sms.sync_detailed(client=c, body=BULK), BulkSendResponse),
    "getMessage": (lambda c: get_message.sync_detailed(MESSAGE_ID, client=c), Message),
    "listReceivedMessages": (
        lambda c: list_received_messages.sync_detailed(client=c, to="+61491570156"),
        MessagePage,
    ),
    "listMessageHistory": (lambda c: list_message_history.sync_detailed(client=c), HistoryPage),
}


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    with prism(["mock", "openapi.yaml"]) as url:
        yield url


def _client(base_url: str, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=base_url, token=token, timeout=httpx.Timeout(10.0))


@pytest.mark.parametrize("operation", CALLS)
def test_every_operation_parses_into_its_typed_model(prism_url: str, operation: str) -> None:
    call, model = CALLS[operation]
    with _client(prism_url, "any-token") as client:
        response = call(client)
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, model)


@pytest.mark.parametrize("operation", CALLS)
def test_a_missing_token_is_the_typed_401_problem(prism_url: str, operation: str) -> None:
    call, _ = CALLS[operation]
    client = _client(prism_url, "unused")
    # The client's own httpx client would add the token; this one sends no Authorization at all.
    client.set_httpx_client(httpx.Client(base_url=prism_url, timeout=10.0))
    with client:
        response = call(client)
    assert response.status_code == 401, response.content
    assert isinstance(response.parsed, Problem)
    assert response.parsed.status == 401


def test_the_readme_example_runs_against_prism(prism_url: str) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        env={**os.environ, "AATROX_BASE_URL": prism_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "queued" in result.stdout


def test_the_readme_shows_the_example_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text()
    body = EXAMPLE.read_text().split('"""', 2)[2].strip()
    assert body in readme
