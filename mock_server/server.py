"""`MockServer`: the Aatrox SMS mock in a thread of your process, with helpers to steer it.

For scripts, unittest and any test framework (pytest users get the same object from the fixture
`aatrox_mock`, `mock_server.pytest_plugin`)::

    from mock_server import MockServer

    with MockServer() as mock:  # a free loopback port, a manual clock, the built-in accounts
        my_app.send_code(base_url=mock.base_url, token=mock.token, to="+61491570157")
        [sent] = mock.messages(to="+61491570157")
        mock.advance(5)  # queued -> sent -> delivered
        with mock.faults(fail_next=1, operations=["sendSms"]):
            ...  # the app's next send is answered 500, its retry is not
        assert [r.status for r in mock.requests(path="/send")] == [200, 500, 200]
        new = mock.rotate_token()  # the old token is a 401 from now on; `mock.token` is `new`
        team_b = mock.add_account("team-b", ["+61491570160"])  # its first token

    with MockServer(config={"tls": "self-signed"}) as mock:  # HTTPS, verified by `client()`
        httpx.get(mock.base_url + "/_mock/health", verify=mock.verify)  # trusts `mock.ca_file`

`MockControl` holds the helpers, each one short method over one control call (`_call`), over
any httpx client of the mock: `MockServer` adds the server (uvicorn on a socket of its own).
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import tempfile
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias

import httpx

from mock_server.sms.config import (
    Config,
    config_from_mapping,
    load_config_file,
    read_config_file,
)

if TYPE_CHECKING:
    import uvicorn

    from aatrox_sms_client import AuthenticatedClient
    from aatrox_sms_client.models import Message
    from mock_server.tls import Https

#: A config: a mapping of the YAML file's keys, the path of a YAML file, or a loaded `Config`.
ConfigSource: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str] | Config"

#: What a `MockServer` (and so the fixture) uses where its config is silent: a manual clock, for
#: deterministic tests (the command line's default is the real clock).
DEFAULTS: Mapping[str, Any] = {"clock": "manual"}
#: How long the clients `client()` makes wait for an answer (the generated client has no
#: timeout of its own): far longer than the mock takes, short enough not to hang a test run.
CLIENT_TIMEOUT_S = 10.0
_CONTROL_TIMEOUT_S = 10.0
_START_DEADLINE_S = 30.0
#: On stop, how long answers still running may take before uvicorn stops waiting for them. An
#: inbox page's event stream only ends after events.LIFETIME_S, and uvicorn would wait for it.
_STOP_GRACE_S = 1.0
_POLL_INTERVAL_S = 0.05
#: Where the control API is served (mock_server/control.yaml's paths are under it).
_CONTROL_BASE = "/_mock"
_CLIENT_MISSING = (
    "this helper returns the generated client's models, and the client "
    "(aatrox_sms_client) is not installed: `pip install ./generated` from the toolkit's "
    "repository"
)


class AatroxMockError(RuntimeError):
    """The mock refused a control call (a bad number, `advance` on a real clock...), or did not
    start. The message has the problem's detail and each field error; `status` and `problem`
    (the problem document, when there was one) are kept for a test to look at."""

    def __init__(self, message: str, status: int | None = None, problem: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


@dataclass(frozen=True)
class FieldProblem:
    """One bad field a refused call's problem named, and what was wrong with it."""

    field: str
    message: str


@dataclass(frozen=True)
class RecordedProblem:
    """What the problem answering a refused (or faulted) call said."""

    title: str | None
    detail: str | None
    errors: tuple[FieldProblem, ...]


@dataclass(frozen=True)
class JournalEntry:
    """One public call the mock answered (`GET /_mock/requests`): never its token or body."""

    #: When the answer was sent (the wall clock, not the mock's clock).
    time: datetime
    method: str
    path: str
    #: The operation called (`sendSms`...), None for a path or method the API does not have.
    operation_id: str | None
    status: int
    #: The account of the call's token; None without a known token.
    account: str | None
    #: What the problem said, for an answer that is one (4xx, 5xx).
    problem: RecordedProblem | None

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> JournalEntry:
        raw = entry.get("problem")
        problem = None
        if raw is not None:
            errors = tuple(FieldProblem(e["field"], e["message"]) for e in raw.get("errors", []))
            problem = RecordedProblem(raw.get("title"), raw.get("detail"), errors)
        return cls(
            time=datetime.fromisoformat(entry["time"]),
            method=entry["method"],
            path=entry["path"],
            operation_id=entry.get("operation_id"),
            status=entry["status"],
            account=entry["account"],
            problem=problem,
        )


def _client_package() -> Any:
    """The generated client's package, imported when a helper first needs it."""
    try:
        import aatrox_sms_client  # lazily: the mock works without it
        import aatrox_sms_client.models
    except ImportError as exc:
        raise ModuleNotFoundError(_CLIENT_MISSING) from exc
    return aatrox_sms_client


def refusal(method: str, path: str, answer: httpx.Response) -> AatroxMockError:
    """The error for a control call the mock refused: its detail and every field error."""
    try:
        problem = answer.json()
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        return AatroxMockError(f"{method} {path}: {answer.status_code} {answer.text}".strip())
    said = str(problem.get("detail") or problem.get("title") or "")
    fields = [
        f"{error.get('field')}: {error.get('message')}"
        for error in problem.get("errors") or []
        if isinstance(error, dict)
    ]
    text = f"{method} {path}: {answer.status_code} {said}" + "".join(f"\n  {f}" for f in fields)
    return AatroxMockError(text, answer.status_code, problem)


class Faults:
    """The faults `MockControl.faults` set (already on): `off()` turns them off, and so does
    the end of a `with` block around them."""

    def __init__(self, control: MockControl) -> None:
        self._control = control

    def off(self) -> None:
        self._control._call("DELETE", "/faults")

    def __enter__(self) -> Faults:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.off()


class MockControl:
    """The helpers on a running mock, through its control API (`/_mock/`, control.yaml).

    `http` is any httpx client of the mock (its base URL the mock's root); `base_url` is what
    your app is given; `token` a token of an account owning every number, if the config has one,
    and `account` that account's name (`rotate_token()` needs it). `tokens`: for each account,
    the token `rotate_token(account)` replaces (its first configured one). `ca_file`: the CA
    file a client must trust (a self-signed HTTPS mock), None over HTTP; `verify`: what clients
    verify the mock's certificate with (default: `verification(ca_file)`).
    """

    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        token: str | None,
        *,
        account: str | None = None,
        tokens: Mapping[str, str] | None = None,
        ca_file: Path | None = None,
        verify: ssl.SSLContext | bool | None = None,
    ) -> None:
        #: The mock's base URL, such as `http://127.0.0.1:40123`: give it to the generated client
        #: as is (the API itself is under `/api/v2/`, which the client adds).
        self.base_url = base_url
        #: The CA certificate (PEM) of a mock serving HTTPS with `tls: self-signed`: trust it,
        #: and only it, in the client under test. None over HTTP.
        self.ca_file = ca_file
        self._verify = verification(ca_file) if verify is None else verify
        self._token = token
        self._account = account
        # What `reset()` (a full reset of the mock) brings back: the configured tokens.
        self._configured_token = token
        self._configured_tokens = dict(tokens or {})
        if account is not None and token is not None:
            self._configured_tokens[account] = token
        # Each account's token as far as these helpers know (rotated, or made with the account).
        self._current_tokens = dict(self._configured_tokens)
        self._http = http
        self._clients: list[AuthenticatedClient] = []

    @property
    def token(self) -> str:
        """A bearer token of an account that owns every number: it may send from and read any.

        A config whose accounts each own only some numbers (as in production) has none: then
        this raises AatroxMockError, and your tests use the tokens of their own config."""
        if self._token is None:
            raise AatroxMockError(
                'no account in the mock\'s config owns every number (numbers: ["*"]), so there is'
                " no `token`: use a token of your config's accounts"
            )
        return self._token

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """What a client of this mock verifies its certificate with: an SSL context trusting
        `ca_file` (self-signed HTTPS) or the mock's own certificate, else True (the system's
        store; nothing to check over HTTP). For httpx: `httpx.Client(verify=mock.verify)`; the
        generated client: `verify_ssl=mock.verify`."""
        return self._verify

    # -- the generated client ---------------------------------------------------------------

    def client(self, token: str | None = None) -> AuthenticatedClient:
        """The generated `AuthenticatedClient` for this mock, with `token` (default: `token`),
        a timeout of CLIENT_TIMEOUT_S seconds, and `raise_on_unexpected_status` (a status the
        contract does not document raises instead of returning None). Over HTTPS it verifies
        the mock's certificate (`verify`). Closed by the fixture after the test, by
        `MockServer` when it stops."""
        package = _client_package()
        client: AuthenticatedClient = package.AuthenticatedClient(
            base_url=self.base_url,
            token=self.token if token is None else token,
            timeout=httpx.Timeout(CLIENT_TIMEOUT_S),
            raise_on_unexpected_status=True,
            verify_ssl=self.verify,
        )
        self._clients.append(client)
        return client

    # -- what was sent, received and called -------------------------------------------------

    def messages(self, to: str | None = None, from_: str | None = None) -> list[Message]:
        """Every stored message of every account, oldest first, as the generated `Message`
        model; only those to `to` and from `from_` when given. Statuses are as of now."""
        package = _client_package()
        params = {key: value for key, value in (("to", to), ("from", from_)) if value is not None}
        return [package.models.Message.from_dict(item) for item in self._every_message(params)]

    def wait_for_message(
        self, to: str | None = None, text_contains: str | None = None, timeout: float = 5.0
    ) -> Message:
        """The first stored message (oldest first) to `to` whose text contains `text_contains`,
        waiting up to `timeout` seconds for one: for apps that send from a background job.

        On a time-out an AssertionError lists every message that was stored.
        """
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages(to=to):
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

    def requests(self, status: int | None = None, path: str | None = None) -> list[JournalEntry]:
        """The public calls made since the last reset (the fixture resets before each test),
        oldest first; only those answered `status`, and whose path contains `path`, when given::

            assert [r.status for r in mock.requests(path="/sms/send")] == [500, 200]
        """
        params: dict[str, str | int] = {}
        if status is not None:
            params["status"] = status
        if path is not None:
            params["path"] = path
        listed = self._call("GET", "/requests", params=params)["requests"]
        return [JournalEntry.from_json(entry) for entry in reversed(listed)]  # newest first

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

    def faults(
        self,
        error_rate: float = 0.0,
        latency_ms: int = 0,
        *,
        fail_next: int | None = None,
        operations: Sequence[str] | None = None,
    ) -> Faults:
        """Public calls fail or slow down from now on, until the mock's reset (the fixture's,
        before each test) or `off()`; used as a `with` block, off again when the block ends,
        also on an exception. Only calls of `operations` (operationIds such as `sendSms`;
        default all) are touched. `fail_next=N`: exactly the next N of them are answered 500
        (after `latency_ms`), then the fault turns itself off (`error_rate` is not used with
        it); else a share `error_rate` (0 to 1) of them is answered 500, and each is slowed by
        `latency_ms`::

            mock.faults(fail_next=1, operations=["sendSms"])
            assert my_app.send_code(...)  # its first send fails, its retry succeeds

            with mock.faults(error_rate=1.0):
                ...  # every call fails in the block only
        """
        body: dict[str, Any] = {"latency_ms": latency_ms}
        if fail_next is not None:  # exactly the next calls fail: no error_rate with it
            body["fail_next"] = fail_next
        else:
            body["error_rate"] = error_rate
        if operations is not None:
            body["operations"] = list(operations)
        self._call("PUT", "/faults", json=body)
        return Faults(self)

    def reset(self) -> None:
        """Forget every message and the journal of calls, put the clock back to its start, turn
        faults off, and bring back the configured accounts and tokens (those added, issued or
        revoked since are undone; `token` is the configured one again). The fixture does it
        before each test."""
        self._call("POST", "/reset")
        self._token = self._configured_token
        self._current_tokens = dict(self._configured_tokens)
        self._call("DELETE", "/faults")
        self._call("DELETE", "/requests")

    # -- tokens and accounts (docs/https-and-tokens.md) -------------------------------------

    def issue_token(self, account: str) -> str:
        """A new bearer token for `account`, valid at once; its other tokens stay valid. Undone
        by the next `reset()`. AatroxMockError (404) for no such account."""
        issued: str = self._call("POST", "/tokens", json={"account": account})["token"]
        return issued

    def revoke_token(self, token: str) -> None:
        """From now on `token` is answered 401 on every public path. AatroxMockError (404) for
        a token that is not valid now (unknown, or revoked already). Undone by `reset()`."""
        self._call("POST", "/tokens/revoke", json={"token": token})

    def rotate_token(self, account: str | None = None) -> str:
        """What a token rotation does to your app: a new token for `account` (default: the
        account of `token`) is issued, then the account's old token is revoked (401 from now
        on); returns the new one. For `token`'s account, `token` becomes the new one. The old
        token is the one these helpers know for the account: `token`, its first configured
        token, or the one the last `rotate_token`/`add_account` for it returned. The next
        `reset()` brings the configured tokens back::

            new = mock.rotate_token()
            vault.publish(new)  # your app's secret store; its next call with the old token: 401
        """
        name = self._account_of_token() if account is None else account
        old = self._current_tokens.get(name)
        if old is None:
            raise AatroxMockError(
                f"rotate_token: no token of account {name!r} is known to the helpers (it has no"
                " configured token, or was made elsewhere): use issue_token and revoke_token"
            )
        new = self.issue_token(name)
        self._current_tokens[name] = new
        if name == self._account:
            self._token = new
        self.revoke_token(old)
        return new

    def add_account(self, name: str, numbers: Sequence[str], disclaimer: str | None = None) -> str:
        """Create the account `name` owning `numbers` (E.164, or `"*"` for every number), with
        `disclaimer` for `send/disclaimer` from its numbers (default: the config's); returns
        its first token. AatroxMockError (409) for a name that exists or a number another
        account owns. Removed by the next `reset()`."""
        body: dict[str, Any] = {"name": name, "numbers": list(numbers)}
        if disclaimer is not None:
            body["disclaimer"] = disclaimer
        token: str = self._call("POST", "/accounts", json=body)["token"]
        self._current_tokens[name] = token
        return token

    def _account_of_token(self) -> str:
        if self._account is None:
            _ = self.token  # no token at all: its error says so
            raise AatroxMockError(
                "rotate_token: the account of `token` is not known to these helpers: name it,"
                " rotate_token(account)"
            )
        return self._account

    # -- plumbing ---------------------------------------------------------------------------

    def close_clients(self) -> None:
        """Close the clients `client()` made."""
        for client in self._clients:
            client.get_httpx_client().close()
        self._clients.clear()

    def _every_message(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """Every message `GET /_mock/messages` lists with `params`, as listed, every page of it
        (the listing is paged, so that a large store is never read whole in one answer)."""
        query = dict(params)
        messages: list[dict[str, Any]] = []
        while True:
            listed = self._call("GET", "/messages", params=query)
            messages += listed["messages"]
            if listed.get("next_cursor") is None:
                return messages
            query["cursor"] = listed["next_cursor"]

    def _call(
        self, method: str, path: str, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        """One control call (`path` under `/_mock`); its JSON answer, or AatroxMockError."""
        full = _CONTROL_BASE + path
        answer = self._http.request(method, full, json=json, params=params)
        if answer.is_error:
            raise refusal(method, full, answer)
        return answer.json() if answer.content else None


def verification(ca_file: Path | None, certificate: Path | None = None) -> ssl.SSLContext | bool:
    """How a client verifies the mock's certificate: trusting `ca_file` (the self-signed CA)
    alone; or the system's store and the mock's own `certificate` (a self-signed one, or a leaf
    whose CA the system does not know); else True, the system's store (httpx's default)."""
    if ca_file is not None:
        return ssl.create_default_context(cafile=str(ca_file))
    if certificate is None:
        return True
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=str(certificate))
    # The certificate itself is trusted, not only a root above it (a self-signed one is both).
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def _https(config: Config) -> tuple[Https | None, Path | None]:
    """HTTPS as the config's `tls:` says, and the temporary directory holding a self-signed
    CA's certificate (removed when the server stops); (None, None) for HTTP."""
    if config.tls is None:
        return None, None
    # Only now: trustme imports cryptography, which a plain-HTTP mock (and every pytest run that
    # merely loads the plugin) should not pay for.
    from mock_server.tls import DEFAULT_CA_NAME, https_for

    if not config.tls.self_signed:
        return https_for(config.tls), None
    ca_dir = Path(tempfile.mkdtemp(prefix="aatrox-mock-tls-"))
    return https_for(config.tls, ca_dir / DEFAULT_CA_NAME), ca_dir


def build_config(source: ConfigSource | None) -> Config:
    """The mock's config from a mapping, a file or a `Config`, DEFAULTS under its keys."""
    if source is None:
        return config_from_mapping({}, "MockServer", DEFAULTS)
    if isinstance(source, Config):
        return source
    if isinstance(source, Mapping):
        return config_from_mapping(source, "the mock's config", DEFAULTS)
    path = Path(source)
    document = read_config_file(path)
    if isinstance(document, Mapping):
        return config_from_mapping(document, str(path), DEFAULTS)
    return load_config_file(path)  # not a mapping: let the loader say what is wrong


def _owner_of_every_number(config: Config) -> tuple[str, str] | None:
    """The name and first token of the first account owning every number (and having a
    token), if any."""
    return next(
        ((a.name, a.tokens[0]) for a in config.accounts if a.all_numbers and a.tokens), None
    )


def _first_tokens(config: Config) -> dict[str, str]:
    """Each configured account's first token: the one `rotate_token(account)` replaces."""
    return {a.name: a.tokens[0] for a in config.accounts if a.tokens}


class ThreadedServer:
    """An ASGI app under uvicorn on `host`:`port` (0: a free one), in a daemon thread of this
    process: the one way the toolkit and its tests serve an app on a socket in process. With
    `https` (mock_server.tls) it serves HTTPS only."""

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, https: Https | None = None
    ) -> None:
        import uvicorn  # only when a server is made

        self._socket = socket.socket()
        self._socket.bind((host, port))  # bound here: the port is ours before serving
        scheme = "http" if https is None else "https"
        #: Such as `http://127.0.0.1:40123` (`https://...` with `https`).
        self.base_url = f"{scheme}://{host}:{self._socket.getsockname()[1]}"
        tls_options = {} if https is None else https.uvicorn_options
        self._server: uvicorn.Server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", lifespan="off", **tls_options)
        )
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="aatrox-sms-mock",
            daemon=True,
        )

    def start(self) -> None:
        """Serve, once uvicorn listens; AatroxMockError if it does not start in time."""
        self._thread.start()
        deadline = time.monotonic() + _START_DEADLINE_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise AatroxMockError(f"the Aatrox SMS mock did not start at {self.base_url}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving: answers still running get `_STOP_GRACE_S`, then (an open inbox page's
        event stream) their connections are dropped."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(_STOP_GRACE_S)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(_START_DEADLINE_S)
        self._socket.close()

    def __enter__(self) -> ThreadedServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class MockServer(MockControl):
    """The Aatrox SMS mock under uvicorn, in a daemon thread of this process, with the helpers
    of `MockControl`. A context manager: it serves inside the `with` block::

        with MockServer(config={"seed": 7}) as mock:
            client = mock.client()

    `config`: a mapping of the config file's keys, a YAML file's path, or a `Config`; keys left
    out keep the built-in defaults (accounts `dev` with `dev-token`, owning every number, and
    `acme`), and the clock is manual unless set (statuses change only on `advance`).
    `host` and `port`: where it listens (port 0: a free port, read it from `base_url`).
    `control_token`: the key the control API asks for (`--control-token`); the helpers send it.

    With `tls: self-signed` in the config it serves HTTPS only, with a certificate for
    `localhost`, `127.0.0.1` and `::1` from a CA made at start: `base_url` is
    `https://127.0.0.1:PORT`, `ca_file` the CA's certificate (deleted when it stops), and the
    helpers and `client()` verify against it. With `tls: {cert: PATH, key: PATH}` it serves
    your certificate (for the host it listens on), which the helpers trust as well as the
    system's store::

        with MockServer(config={"tls": "self-signed"}) as mock:
            httpx.get(mock.base_url + "/_mock/health", verify=mock.verify)
    """

    def __init__(
        self,
        config: ConfigSource | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        control_token: str | None = None,
    ) -> None:
        from mock_server.console import quiet_connexion_import

        built = build_config(config)
        with warnings.catch_warnings():  # the user's `-W error` must not trip over connexion
            quiet_connexion_import()
            from mock_server.app import create_app

            app = create_app(built, control_token=control_token)
        #: The config it serves.
        self.config = built
        https, self._ca_dir = _https(built)
        self._served = ThreadedServer(app, host, port, https)
        base_url = self._served.base_url
        # The helpers send the control key, if the mock asks for one (docs/security.md).
        headers = {} if control_token is None else {"Authorization": f"Bearer {control_token}"}
        ca_file = None if https is None else https.ca_file
        # The control calls verify the mock's certificate, as the client under test should.
        verify = verification(ca_file, None if built.tls is None else built.tls.cert)
        owner = _owner_of_every_number(built)
        super().__init__(
            httpx.Client(
                base_url=base_url, timeout=_CONTROL_TIMEOUT_S, headers=headers, verify=verify
            ),
            base_url,
            None if owner is None else owner[1],
            account=None if owner is None else owner[0],
            tokens=_first_tokens(built),
            ca_file=ca_file,
            verify=verify,
        )

    def start(self) -> MockServer:
        """Serve, once the server answers; AatroxMockError if it does not start in time."""
        self._served.start()
        return self

    def stop(self) -> None:
        """Stop serving, and close the clients `client()` made."""
        self.close_clients()
        self._http.close()
        self._served.stop()
        if self._ca_dir is not None:  # the self-signed CA's certificate: nobody needs it now
            shutil.rmtree(self._ca_dir, ignore_errors=True)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
