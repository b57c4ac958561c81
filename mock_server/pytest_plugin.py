"""The pytest plugin: the fixture `aatrox_mock`, a live Aatrox SMS mock for your app's tests.

Installing the toolkit registers it (entry point `pytest11`); there is nothing to import::

    from mock_server.pytest_plugin import AatroxMock

    def test_sends_the_code(aatrox_mock: AatroxMock) -> None:
        my_app.send_code(base_url=aatrox_mock.base_url, token=aatrox_mock.token, to="+61491570157")
        [sent] = aatrox_mock.messages(to="+61491570157")
        assert "code" in sent.text

The fixture is a `mock_server.MockServer` (outside pytest, hold one yourself): one serves a whole
pytest session (one per worker under pytest-xdist) and config, on a free loopback port, under
uvicorn in a thread of the test process: it starts in a fraction of a second and needs no other
process. Before each test that uses it, it is reset: no messages, an empty journal of calls
(`requests()`), no faults, the clock at its start, the configured accounts and tokens. Another
config: override the fixture `aatrox_mock_config` (README, "Testing your own app").

What a test can count on, unless its config says otherwise (the built-in config):

- The clock is manual: it stands still, at the real time when the mock started (or
  `clock_start`), and moves only when a test calls `advance(seconds)`.
- An outbound message is `queued` when sent, `sent` 0.5 s after it was created, and
  `delivered` 1.0 s after it was created (`lifecycle: {sent_after_s: 0.5, delivered_after_s:
  1.0}`): `advance(1)` takes a new message from `queued` to its final status. It reaches its
  `to` number's inbox (`receive`) when it is delivered, at 1.0 s.
- Recipients with another outcome (`outcomes`): to `+61491570006` a message goes `queued`,
  `sent` (0.5 s), then `undelivered` at the final step (1.0 s, where others become
  `delivered`); to `+61491570110` it goes from `queued` straight to `failed` at the `sent` step
  (0.5 s: it never reaches the carrier); a send to `+61491570737` is itself answered 500 and
  nothing is stored (in a bulk send, the whole request). No `undelivered` or `failed` message
  reaches an inbox.
- `token` is `dev-token` (account `dev`, owning every number); `acme-token` (account `acme`)
  owns `+61491570156` and `+61491570157` only. The default disclaimer is "Reply STOP to opt
  out.", and `+61491570156`'s is "Acme Pty Ltd. Reply STOP to opt out.".
- No faults: each call is answered at once; `faults(...)` changes that inside its block.
- The configured accounts and tokens: what a test added, issued, revoked or rotated
  (`add_account`, `issue_token`, `revoke_token`, `rotate_token`) is undone by the next test's
  reset, and `token` is `dev-token` again.
- Plain HTTP, `ca_file` None. With `tls: self-signed` in `aatrox_mock_config`, HTTPS only:
  `base_url` is `https://127.0.0.1:PORT`, `ca_file` the CA's certificate, and the helpers and
  `client()` verify against it (`verify` is the SSL context for your own client)::

      @pytest.fixture(scope="session")
      def aatrox_mock_config():
          return {"tls": "self-signed"}

      def test_refreshes_its_token(aatrox_mock: AatroxMock) -> None:
          new = aatrox_mock.rotate_token()  # the old token is a 401 from now on
          ...

  (docs/https-and-tokens.md).

The helpers that return the generated client's models need the client installed
(`pip install ./generated` in the toolkit's repository); the plugin itself does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TypeAlias

import pytest

from mock_server.server import (
    CLIENT_TIMEOUT_S,
    DEFAULTS,
    AatroxMockError,
    ConfigSource,
    FieldProblem,
    JournalEntry,
    MockServer,
    RecordedProblem,
)
from mock_server.sms.config import Config

__all__ = [
    "CLIENT_TIMEOUT_S",
    "PLUGIN_DEFAULTS",
    "AatroxMock",
    "AatroxMockError",
    "ConfigSource",
    "FieldProblem",
    "JournalEntry",
    "RecordedProblem",
    "aatrox_mock",
    "aatrox_mock_config",
]

#: The type of the fixture `aatrox_mock`, for your tests' annotations.
AatroxMock: TypeAlias = MockServer
#: What the plugin's mocks use where the config is silent: a manual clock.
PLUGIN_DEFAULTS = DEFAULTS


def _source_key(source: ConfigSource) -> str:
    """Equal for configs that describe the same mock (one server each, for the session)."""
    if isinstance(source, Mapping):
        return "mapping:" + json.dumps(source, sort_keys=True, default=str)
    if isinstance(source, Config):
        return f"object:{id(source)}"
    return "file:" + str(Path(source).resolve())


class _Mocks:
    """The session's mocks, one per distinct config, started when first asked for."""

    def __init__(self) -> None:
        self._started: dict[str, MockServer] = {}

    def get(self, source: ConfigSource) -> MockServer:
        key = _source_key(source)
        if key not in self._started:
            self._started[key] = MockServer(source).start()
        return self._started[key]

    def stop(self) -> None:
        for server in self._started.values():
            server.stop()
        self._started.clear()


@pytest.fixture(scope="session")
def aatrox_mock_config() -> ConfigSource:
    """The config of the mock `aatrox_mock` serves: a mapping of the config file's keys, or a
    YAML file's path. Override it (in a conftest.py, any scope) for other accounts, delays or
    a seed; keys left out keep their defaults, and the clock is manual unless set::

        @pytest.fixture(scope="session")
        def aatrox_mock_config():
            return {"seed": 7, "clock_start": "2026-01-01T00:00:00Z"}
    """
    return dict(PLUGIN_DEFAULTS)


@pytest.fixture(scope="session")
def _aatrox_mocks() -> Iterator[_Mocks]:
    mocks = _Mocks()
    yield mocks
    mocks.stop()


@pytest.fixture
def aatrox_mock(_aatrox_mocks: _Mocks, aatrox_mock_config: ConfigSource) -> Iterator[AatroxMock]:
    """A live Aatrox SMS mock, reset for this test: no messages, no calls in its journal, the
    clock at its start, no faults, the configured accounts and tokens. One server per session
    (per xdist worker) and config; its helpers are `MockServer`'s (see the module docstring for
    its defaults)."""
    mock = _aatrox_mocks.get(aatrox_mock_config)
    mock.reset()
    try:
        yield mock
    finally:
        mock.close_clients()
