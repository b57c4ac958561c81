"""The pytest plugin: the fixture `aatrox_mock`, a live Aatrox SMS mock for your app's tests.

Installing the toolkit registers it (entry point `pytest11`); there is nothing to import::

    def test_sends_the_code(aatrox_mock):
        my_app.send_code(base_url=aatrox_mock.base_url, token=aatrox_mock.token, to="+61491570157")
        [sent] = aatrox_mock.messages(to="+61491570157")
        assert "code" in sent.text

One mock serves a whole pytest session (one per worker under pytest-xdist), on a free loopback
port, under uvicorn in a thread of the test process: it starts in a fraction of a second and
needs no other process. Its state (messages, clock, faults) is reset before each test that uses
it. The clock is manual unless the config says otherwise, so statuses change only when a test
calls `advance`. Another config: override the fixture `aatrox_mock_config` (README, "Testing
your own app").

The helpers that return the generated client's models need the client installed
(`pip install ./generated` in the toolkit's repository); the plugin itself does not.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import httpx
import pytest

if TYPE_CHECKING:
    import uvicorn

    from aatrox_sms_client import AuthenticatedClient
    from aatrox_sms_client.models import Message
    from mock_server.sms.config import Config

#: What `aatrox_mock_config` returns: the config as a mapping (the YAML file's keys), or the
#: path of a YAML config file.
ConfigSource: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str]"

#: What the plugin's mocks use where the config is silent: a manual clock, for deterministic
#: tests (the command line's default is the real clock).
PLUGIN_DEFAULTS: Mapping[str, Any] = {"clock": "manual"}
#: How long the clients `client()` makes wait for an answer (the generated client has no
#: timeout of its own): far longer than the mock takes, short enough not to hang a test run.
CLIENT_TIMEOUT_S = 10.0
_CONTROL_TIMEOUT_S = 10.0
_START_DEADLINE_S = 30.0
_POLL_INTERVAL_S = 0.05
_CLIENT_MISSING = (
    "this helper returns the generated client's models, and the client "
    "(aatrox_sms_client) is not installed: `pip install ./generated` from the toolkit's "
    "repository"
)


class AatroxMockError(RuntimeError):
    """The mock refused a control call (a bad number, `advance` on a real clock...)."""


def _client_package() -> Any:
    """The generated client's package, imported when a helper first needs it."""
    try:
        import aatrox_sms_client  # lazily: the plugin works without it
        import aatrox_sms_client.models
    except ImportError as exc:
        raise ModuleNotFoundError(_CLIENT_MISSING) from exc
    return aatrox_sms_client


def _build_config(source: ConfigSource) -> Config:
    """The mock's config from a mapping or a file, PLUGIN_DEFAULTS under its keys."""
    from mock_server.sms.config import (  # imported only when a mock starts
        config_from_mapping,
        load_config_file,
        read_config_file,
    )

    if isinstance(source, Mapping):
        return config_from_mapping(source, "aatrox_mock_config", PLUGIN_DEFAULTS)
    path = Path(source)
    document = read_config_file(path)
    if isinstance(document, Mapping):
        return config_from_mapping(document, str(path), PLUGIN_DEFAULTS)
    return load_config_file(path)  # not a mapping: let the loader say what is wrong


def _source_key(source: ConfigSource) -> str:
    """Equal for configs that describe the same mock (one server each, for the session)."""
    if isinstance(source, Mapping):
        return "mapping:" + json.dumps(source, sort_keys=True, default=str)
    return "file:" + str(Path(source).resolve())


class _ThreadedServer:
    """A config's app under uvicorn on 127.0.0.1, port 0, in a daemon thread of this process."""

    def __init__(self, config: Config) -> None:
        import uvicorn  # with the app, only when a mock starts

        from mock_server.console import quiet_connexion_import

        with warnings.catch_warnings():  # the user's `-W error` must not trip over connexion
            quiet_connexion_import()
            from mock_server.app import create_app

            app = create_app(config)
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))  # bound here: the port is ours before serving
        port = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._server: uvicorn.Server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", lifespan="off")
        )
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="aatrox-sms-mock",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _START_DEADLINE_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise AatroxMockError(f"the Aatrox SMS mock did not start at {self.base_url}")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(_START_DEADLINE_S)
        self._socket.close()


class AatroxMock:
    """A running Aatrox SMS mock, reset before the test that got it (fixture `aatrox_mock`).

    Point your app at `base_url` with `token`; check what it sent with `messages` or
    `wait_for_message`; steer the mock with `inbound`, `advance` and `faults`.
    """

    def __init__(self, base_url: str, token: str | None, control: httpx.Client) -> None:
        #: The mock's base URL, such as `http://127.0.0.1:40123` (the API is under `/api/v2/`).
        self.base_url = base_url
        self._token = token
        self._control = control
        self._clients: list[AuthenticatedClient] = []

    @property
    def token(self) -> str:
        """A bearer token of an account that owns every number: it may send from and read any.

        A config whose accounts each own only some numbers (as in production) has none: then
        this raises AatroxMockError, and your tests use the tokens of their own config."""
        if self._token is None:
            raise AatroxMockError(
                'no account in aatrox_mock_config owns every number (numbers: ["*"]), so there is'
                " no `aatrox_mock.token`: use a token of your config's accounts"
            )
        return self._token

    # -- the generated client ---------------------------------------------------------------

    def client(self, token: str | None = None) -> AuthenticatedClient:
        """The generated `AuthenticatedClient` for this mock, with `token` (default: `token`)
        and a timeout of CLIENT_TIMEOUT_S seconds. Closed after the test."""
        package = _client_package()
        client: AuthenticatedClient = package.AuthenticatedClient(
            base_url=self.base_url,
            token=self.token if token is None else token,
            timeout=httpx.Timeout(CLIENT_TIMEOUT_S),
            raise_on_unexpected_status=True,
        )
        self._clients.append(client)
        return client

    # -- what was sent and received ---------------------------------------------------------

    def messages(self, to: str | None = None, from_: str | None = None) -> list[Message]:
        """Every stored message of every account, oldest first, as the generated `Message`
        model; only those to `to` and from `from_` when given. Statuses are as of now."""
        package = _client_package()
        params = {key: value for key, value in (("to", to), ("from", from_)) if value is not None}
        items: list[dict[str, Any]] = []
        while True:  # the listing is paged: every page, so that nothing is left out
            listed = self._call("GET", "/messages", params=params)
            items += listed["messages"]
            if listed.get("next_cursor") is None:
                break
            params["cursor"] = listed["next_cursor"]
        return [package.models.Message.from_dict(item) for item in items]

    def wait_for_message(
        self, to: str | None = None, text_contains: str | None = None, timeout: float = 5.0
    ) -> Message:
        """The first stored message (oldest first) to `to` whose text contains `text_contains`,
        waiting up to `timeout` seconds for one: for apps that send from a background job.

        On a time-out an AssertionError lists every message that was stored.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(to=to)
            for message in found:
                if text_contains is None or text_contains in message.text:
                    return message
            if time.monotonic() >= deadline:
                raise AssertionError(self._nothing_matched(to, text_contains, timeout))
            time.sleep(_POLL_INTERVAL_S)

    def _nothing_matched(self, to: str | None, text_contains: str | None, timeout: float) -> str:
        wanted = [f"to {to}"] if to is not None else []
        wanted += [f"text containing {text_contains!r}"] if text_contains is not None else []
        stored = self.messages()
        lines = [
            f"no message {' with '.join(['', *wanted]).strip() or 'at all'} within {timeout} s;"
            f" the mock holds {len(stored)}:"
        ]
        lines += [f"  {m.id} {m.from_addr} -> {m.to_addr} [{m.status}] {m.text!r}" for m in stored]
        return "\n".join(lines)

    # -- steering ---------------------------------------------------------------------------

    def inbound(self, from_: str, to: str, text: str) -> Message:
        """A message from `from_` (outside) arrives at `to` now, status `received`, as your app
        would find it with `GET /api/v2/sms/receive?to=...`. Returns it."""
        package = _client_package()
        body = {"from": from_, "to": to, "text": text}
        message: Message = package.models.Message.from_dict(
            self._call("POST", "/inbound", json=body)
        )
        return message

    def advance(self, seconds: float) -> datetime:
        """Move the manual clock forward by `seconds` (queued messages become sent, then
        delivered, at the configured delays); returns the mock's new now."""
        now = self._call("POST", "/clock/advance", json={"seconds": seconds})["now"]
        return datetime.fromisoformat(now)

    @contextmanager
    def faults(self, error_rate: float = 0.0, latency_ms: int = 0) -> Iterator[None]:
        """In the block, a share `error_rate` (0 to 1) of public calls is answered 500 and each
        is slowed by `latency_ms`; off again when the block ends, also on an exception::

            with aatrox_mock.faults(error_rate=1.0):
                assert my_app.send_code(...) is False  # your retry or error path
        """
        self._call("PUT", "/faults", json={"error_rate": error_rate, "latency_ms": latency_ms})
        try:
            yield
        finally:
            self._call("DELETE", "/faults")

    # -- plumbing ---------------------------------------------------------------------------

    def _reset(self) -> None:
        self._call("POST", "/reset")
        self._call("DELETE", "/faults")

    def _close(self) -> None:
        for client in self._clients:
            client.get_httpx_client().close()
        self._clients.clear()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self._control.request(method, path, **kwargs)
        if answer.is_error:
            try:
                detail = answer.json().get("detail", answer.text)
            except ValueError:
                detail = answer.text
            raise AatroxMockError(f"{method} /_mock{path}: {answer.status_code} {detail}")
        return answer.json() if answer.content else None


def _owner_of_every_number(config: Config) -> str | None:
    """A token of the first account owning every number, if any."""
    return next((a.tokens[0] for a in config.accounts if a.all_numbers), None)


class _Mocks:
    """The session's mocks, one per distinct config, started when first asked for."""

    def __init__(self) -> None:
        self._started: dict[str, tuple[_ThreadedServer, str | None, httpx.Client]] = {}

    def get(self, source: ConfigSource) -> AatroxMock:
        key = _source_key(source)
        if key not in self._started:
            config = _build_config(source)
            token = _owner_of_every_number(config)
            server = _ThreadedServer(config)
            server.start()
            control = httpx.Client(base_url=server.base_url + "/_mock", timeout=_CONTROL_TIMEOUT_S)
            self._started[key] = (server, token, control)
        server, token, control = self._started[key]
        return AatroxMock(server.base_url, token, control)

    def stop(self) -> None:
        for server, _, control in self._started.values():
            control.close()
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
    """A live Aatrox SMS mock, reset for this test: no messages, the clock at its start, no
    faults. One server per session (per xdist worker) and config; see `AatroxMock`."""
    mock = _aatrox_mocks.get(aatrox_mock_config)
    mock._reset()
    try:
        yield mock
    finally:
        mock._close()
