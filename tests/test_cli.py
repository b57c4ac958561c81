"""The command line, `mock_server.cli.main`: config errors stop it before it serves, with exit
status 2 and a message naming the key; the banner; flags and their `AATROX_MOCK_*` variables.
`uvicorn.run` is replaced, so nothing is served."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from mock_server import cli
from mock_server.app import spec_limits
from mock_server.http.pipeline.fast_path import FastPath
from mock_server.http.pipeline.timeouts import BodyTimeoutMiddleware


class Served:
    """What `uvicorn.run` was called with (it is called at most once per `main`)."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append((args, kwargs))

    @property
    def options(self) -> dict[str, Any]:
        [(_, kwargs)] = self.calls
        return kwargs


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    # A copy of the environment without our variables: whatever `main` exports (it does, for
    # worker processes) is gone after the test.
    clean = {key: value for key, value in os.environ.items() if not key.startswith(cli.ENV)}
    monkeypatch.setattr(os, "environ", clean)
    fake = Served()
    monkeypatch.setattr(uvicorn, "run", fake)
    return fake


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mock.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        pytest.param(
            'accounts:\n  - {name: a, tokens: [t], numbers: ["0491570156"]}\n',
            "accounts[0].numbers[0]",
            id="bad-number",
        ),
        pytest.param("clok: manual\n", "clok", id="unknown-top-key"),
        pytest.param(
            "lifecycle: {sent_after_s: 0.5, delivered_afer_s: 1}\n",
            "lifecycle.delivered_afer_s",
            id="unknown-nested-key",
        ),
        pytest.param("clock: sometimes\n", "clock", id="bad-value"),
        pytest.param(
            'outcomes: {"+61491570006": lost}\n',
            "outcomes['+61491570006']",
            id="bad-outcome",
        ),
        pytest.param("clock: [\n", "not valid YAML", id="not-yaml"),
        pytest.param(  # the spec's text limit, less a newline and one character of text
            f"disclaimers: {{default: {'x' * (spec_limits().text_length - 1)}}}\n",
            "disclaimers.default: must be at most",
            id="disclaimer-leaving-no-room",
        ),
    ],
)
def test_a_bad_config_stops_it_with_exit_2_naming_the_key(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, named: str
) -> None:
    path = _config(tmp_path, text)
    assert cli.main(["--config", path]) == 2
    captured = capsys.readouterr()
    assert named in captured.err
    assert path in captured.err
    assert served.calls == []
    assert "Base URL" not in captured.out


def test_every_config_problem_is_reported_at_once(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, "clock: sometimes\nextra: 1\n")
    assert cli.main(["--config", path]) == 2
    err = capsys.readouterr().err
    assert "clock" in err
    assert "extra" in err


def test_a_missing_config_file_is_exit_2(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--config", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert served.calls == []


def test_a_config_error_never_echoes_a_token(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "accounts:\n  - {name: a, tokens: [secret-token-1, 'bad token!'], numbers: [x]}\n"
    assert cli.main(["--config", _config(tmp_path, text)]) == 2
    err = capsys.readouterr().err
    assert "accounts[0].tokens[1]" in err
    assert "secret-token-1" not in err
    assert "bad token!" not in err


def test_several_workers_need_a_db(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--workers", "2"]) == 2
    assert "--db" in capsys.readouterr().err
    assert served.calls == []


def test_workers_must_be_at_least_1(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert served.calls == []


def test_the_banner_names_the_base_url_the_dev_token_and_the_swagger_ui(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    # The base URL as the generated client takes it (it adds /api/v2/ itself), and where the
    # API is, said apart: pasting the banner's URL into a client must work.
    assert "Base URL:    http://127.0.0.1:8080   (" in out
    assert "the API is under /api/v2/" in out
    assert "8080/api/v2" not in out
    assert "Config:      built-in defaults (no --config)" in out
    assert "dev-token" in out
    assert "http://127.0.0.1:8080/ui/" in out
    assert (served.options["host"], served.options["port"]) == ("127.0.0.1", 8080)


def test_the_banner_never_prints_a_token_of_a_users_config(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "accounts:\n"
        '  - {name: team, tokens: [team-secret-1], numbers: ["*"]}\n'
        '  - {name: ops, tokens: [ops-secret-2, dev-token], numbers: ["*"]}\n'
    )
    path = _config(tmp_path, text)
    assert cli.main(["--config", path]) == 0
    out = capsys.readouterr().out
    assert "secret" not in out
    assert "dev-token" not in out  # even the well-known one: it is the user's config now
    assert "'team', 'ops'" in out
    assert path in out  # where the tokens are


@pytest.mark.parametrize(
    ("args", "env", "body", "keep_alive"),
    [
        pytest.param([], {}, 10.0, 5.0, id="defaults"),
        pytest.param(
            [],
            {"AATROX_MOCK_BODY_TIMEOUT": "2.5", "AATROX_MOCK_KEEP_ALIVE_TIMEOUT": "7"},
            2.5,
            7.0,
            id="variables",
        ),
        pytest.param(
            ["--body-timeout", "3", "--keep-alive-timeout", "0.5"],
            {"AATROX_MOCK_BODY_TIMEOUT": "2.5", "AATROX_MOCK_KEEP_ALIVE_TIMEOUT": "7"},
            3.0,
            0.5,
            id="flags-win",
        ),
    ],
)
def test_time_limits_are_set_by_flag_or_variable(
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    body: float,
    keep_alive: float,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(args) == 0
    assert served.options["timeout_keep_alive"] == keep_alive
    [(app_args, _)] = served.calls
    [timeout] = [
        m.keywords["timeout"] for m in app_args[0].middleware.middlewares if _is_timeout(m)
    ]
    assert timeout == body


def _is_timeout(middleware: Any) -> bool:
    return getattr(middleware, "func", None) is BodyTimeoutMiddleware


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_time_limit_that_is_not_a_positive_number_stops_it(
    served: Served, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--body-timeout", value])
    assert stopped.value.code == 2
    assert "--body-timeout" in capsys.readouterr().err
    assert served.calls == []


def test_environment_variables_are_honoured(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AATROX_MOCK_HOST", "127.0.0.2")
    monkeypatch.setenv("AATROX_MOCK_PORT", "9123")
    assert cli.main([]) == 0
    assert "http://127.0.0.2:9123/ui/" in capsys.readouterr().out
    assert (served.options["host"], served.options["port"]) == ("127.0.0.2", 9123)


@pytest.mark.parametrize(
    ("name", "flag"),
    [("AATROX_MOCK_PORT", "--port"), ("AATROX_MOCK_WORKERS", "--workers"),
     ("AATROX_MOCK_JOURNAL_SIZE", "--journal-size")],
)  # fmt: skip
def test_a_variable_that_is_not_a_number_is_a_usage_error_naming_its_flag(
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    flag: str,
) -> None:
    monkeypatch.setenv(name, "abc")
    with pytest.raises(SystemExit) as stopped:
        cli.main([])
    assert stopped.value.code == 2
    assert f"argument {flag}: invalid int value: 'abc'" in capsys.readouterr().err
    assert served.calls == []


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "off", "OFF"])
def test_a_switch_variable_is_off_in_any_usual_spelling(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("AATROX_MOCK_FAST_PATH", value)
    assert cli._parser().parse_args([]).fast_path is False


def test_flags_win_over_environment_variables(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AATROX_MOCK_HOST", "127.0.0.2")
    monkeypatch.setenv("AATROX_MOCK_PORT", "9123")
    assert cli.main(["--host", "127.0.0.3", "--port", "9200"]) == 0
    assert "Base URL:    http://127.0.0.3:9200 " in capsys.readouterr().out
    assert (served.options["host"], served.options["port"]) == ("127.0.0.3", 9200)


def test_the_config_variable_is_honoured_and_the_flag_wins(
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AATROX_MOCK_CONFIG", _config(tmp_path, "clok: manual\n"))
    assert cli.main([]) == 2
    assert "clok" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text("clock: manual\n", encoding="utf-8")
    assert cli.main(["--config", str(good)]) == 0
    assert "clock manual" in capsys.readouterr().out


def test_the_workers_and_db_variables_are_honoured(
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AATROX_MOCK_WORKERS", "2")
    assert cli.main([]) == 2  # two workers, no db
    monkeypatch.setenv("AATROX_MOCK_DB", str(tmp_path / "env.sqlite"))
    assert cli.main([]) == 0
    assert f"SQLite {tmp_path / 'env.sqlite'}" in capsys.readouterr().out
    assert served.options["workers"] == 2
    assert served.options["factory"] is True


def test_the_db_flag_makes_messages_durable(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "flag.sqlite"
    assert cli.main(["--db", str(db)]) == 0
    assert f"SQLite {db}" in capsys.readouterr().out
    assert db.exists()


def _has_fast_path(app: Any) -> bool:
    return any(getattr(m, "func", m) is FastPath for m in app.middleware.middlewares)


def test_the_fast_path_is_on_unless_switched_off_by_flag_or_variable(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([]) == 0
    assert "Fast path:   on" in capsys.readouterr().out
    assert cli.main(["--no-fast-path"]) == 0
    assert "Fast path:   off" in capsys.readouterr().out
    monkeypatch.setenv("AATROX_MOCK_FAST_PATH", "0")
    assert cli.main([]) == 0
    [first, second, third] = [_has_fast_path(args[0]) for args, _ in served.calls]
    assert (first, second, third) == (True, False, False)


def test_worker_processes_get_the_fast_path_setting(
    served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Workers rebuild the app from the variables `main` exports.
    db = str(tmp_path / "workers.sqlite")
    assert cli.main(["--workers", "2", "--db", db]) == 0
    assert _has_fast_path(cli.app_from_env()) is True
    assert cli.main(["--workers", "2", "--db", db, "--no-fast-path"]) == 0
    assert _has_fast_path(cli.app_from_env()) is False


def _first_id(app: Any) -> str:
    client = app.test_client(headers={"Authorization": "Bearer dev-token"})
    body = {"from": "+61491570156", "to": "+61491570157", "text": "hi"}
    sent: str = client.post("/api/v2/sms/send", json=body).json()["id"]
    return sent


def test_the_seed_flag_and_variable_make_ids_repeat(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["--seed", "7"]) == 0
    assert cli.main(["--seed", "7"]) == 0
    monkeypatch.setenv("AATROX_MOCK_SEED", "7")
    assert cli.main([]) == 0
    assert cli.main(["--seed", "8"]) == 0
    [first, second, by_variable, other] = [_first_id(args[0]) for args, _ in served.calls]
    assert first == second == by_variable != other


def test_a_bad_seed_is_refused_naming_the_range(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["--seed", "-3"])
    assert raised.value.code == 2
    assert "--seed: the seed must be an integer from 0 to" in capsys.readouterr().err


def test_the_usage_line_names_the_command_that_was_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for prog in ("python -m mock_server", "aatrox-sms-mock"):
        with pytest.raises(SystemExit):
            cli.main(["--help"], prog=prog)
        assert capsys.readouterr().out.startswith(f"usage: {prog} ")


def _journal_size(served: Served) -> int:
    [(args, _)] = served.calls
    size: int = args[0].test_client().get("/_mock/requests").json()["size"]
    return size


def test_the_banner_names_the_inbox_page_and_the_journal_size_is_settable(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([]) == 0
    assert "Inbox page:  http://127.0.0.1:8080/   (request journal: last 500 calls)" in (
        capsys.readouterr().out
    )
    assert _journal_size(served) == 500

    served.calls.clear()
    monkeypatch.setenv("AATROX_MOCK_JOURNAL_SIZE", "20")
    assert cli.main([]) == 0
    assert _journal_size(served) == 20

    served.calls.clear()
    assert cli.main(["--journal-size", "0"]) == 0
    assert "request journal: off, --journal-size 500" in capsys.readouterr().out
    assert _journal_size(served) == 0


def test_a_negative_journal_size_is_exit_2(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--journal-size", "-1"]) == 2
    assert "--journal-size" in capsys.readouterr().err
    assert served.calls == []


def test_worker_processes_get_the_body_time_limit(served: Served, tmp_path: Path) -> None:
    db = str(tmp_path / "workers.sqlite")
    assert (
        cli.main(["--workers", "2", "--db", db, "--body-timeout", "3", "--keep-alive-timeout", "4"])
        == 0
    )
    assert served.options["timeout_keep_alive"] == 4.0
    app: Any = cli.app_from_env()
    [timeout] = [m.keywords["timeout"] for m in app.middleware.middlewares if _is_timeout(m)]
    assert timeout == 3.0


def _advance_status(app: Any) -> int:
    """200 on a manual clock, 409 on a real one."""
    status: int = app.test_client().post("/_mock/clock/advance", json={"seconds": 1}).status_code
    return status


def _created_at(app: Any) -> str:
    client = app.test_client(headers={"Authorization": "Bearer dev-token"})
    body = {"from": "+61491570156", "to": "+61491570157", "text": "hi"}
    created: str = client.post("/api/v2/sms/send", json=body).json()["created_at"]
    return created


def test_the_clock_flags_need_no_config_file(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--clock", "manual"]) == 0
    out = capsys.readouterr().out
    assert "clock manual (from the start-up time" in out
    assert "Config:      built-in defaults (no --config), with --clock manual" in out
    assert cli.main(["--clock-start", "2026-01-01T09:00:00+02:00"]) == 0  # manual, implied
    assert "clock manual (from 2026-01-01T07:00:00+00:00" in capsys.readouterr().out
    monkeypatch.setenv("AATROX_MOCK_CLOCK", "manual")
    monkeypatch.setenv("AATROX_MOCK_CLOCK_START", "2030-05-06T07:08:09Z")
    assert cli.main([]) == 0
    assert cli.main(["--clock", "real"]) == 2  # the variable's start needs a manual clock
    assert "--clock-start needs the manual clock" in capsys.readouterr().err
    monkeypatch.delenv("AATROX_MOCK_CLOCK_START")
    assert cli.main(["--clock", "real"]) == 0  # the flag wins over the variable
    apps = [args[0] for args, _ in served.calls]
    assert _created_at(apps[1]) == "2026-01-01T07:00:00Z"
    assert _created_at(apps[2]) == "2030-05-06T07:08:09Z"
    assert [_advance_status(app) for app in apps] == [200, 200, 200, 409]


def test_the_clock_flags_override_a_config_file(served: Served, tmp_path: Path) -> None:
    path = _config(tmp_path, "clock: manual\nclock_start: 2026-01-01T00:00:00Z\n")
    assert cli.main(["--config", path, "--clock", "real"]) == 0  # its start goes with it
    assert cli.main(["--config", path, "--clock-start", "2027-02-02T00:00:00Z"]) == 0
    real, moved = (args[0] for args, _ in served.calls)
    assert _advance_status(real) == 409
    assert _created_at(moved) == "2027-02-02T00:00:00Z"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--clock", "sometimes"], "--clock: 'sometimes' is not a clock (expected real or manual)"),
        (["--clock-start", "tomorrow"], "--clock-start: 'tomorrow' is not an RFC 3339 date-time"),
        (["--clock-start", "9999-01-01T00:00:00Z"], "--clock-start: must be before 9998"),
    ],
)
def test_a_bad_clock_flag_is_a_usage_error_naming_it(
    served: Served, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(args)
    assert raised.value.code == 2
    assert said in capsys.readouterr().err
    assert served.calls == []


def test_worker_processes_get_the_clock_flags(served: Served, tmp_path: Path) -> None:
    db = str(tmp_path / "workers.sqlite")
    start = ["--clock-start", "2026-03-04T05:06:07Z"]
    assert cli.main(["--workers", "2", "--db", db, "--clock", "manual", *start]) == 0
    assert _created_at(cli.app_from_env()) == "2026-03-04T05:06:07Z"
    assert cli.main(["--workers", "2", "--db", db, "--clock", "manual"]) == 0
    assert _advance_status(cli.app_from_env()) == 200


def test_a_config_without_accounts_is_said_to_use_the_built_in_ones(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, "clock: manual\n")
    assert cli.main(["--config", path]) == 0
    out = capsys.readouterr().out
    assert f"Config:      {path}" in out
    # Its tokens are not in that file: the built-in accounts apply, and their token is public.
    assert "Dev token:   dev-token   (account 'dev', built-in accounts)" in out
    assert f"in {path}" not in out


# -- HTTPS (mock_server.tls) ---------------------------------------------------------------


def test_tls_self_signed_writes_the_ca_and_names_it_in_the_banner(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = tmp_path / "ca.pem"
    assert cli.main(["--tls-self-signed", "--tls-ca-out", str(ca)]) == 0
    out = capsys.readouterr().out
    assert "Base URL:    https://127.0.0.1:8080   (as clients take it" in out
    assert f"CA file:     {ca}" in out
    assert ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY" not in ca.read_text()
    assert "PRIVATE KEY" not in out
    factory = served.options["ssl_context_factory"]
    assert "PRIVATE" not in repr(factory)
    assert "ssl_certfile" not in served.options  # no key file left on disk for uvicorn


def test_tls_self_signed_without_ca_out_writes_a_temporary_ca_file(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--tls-self-signed"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "CA file:" in line]
    ca = Path(line.split("CA file:", 1)[1].strip())
    assert ca.is_file()
    assert "CERTIFICATE" in ca.read_text()


def test_tls_variables_and_the_config_file_turn_https_on(
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AATROX_MOCK_TLS_SELF_SIGNED", "1")
    monkeypatch.setenv("AATROX_MOCK_TLS_CA_OUT", str(tmp_path / "env-ca.pem"))
    assert cli.main([]) == 0
    assert (tmp_path / "env-ca.pem").is_file()
    monkeypatch.delenv("AATROX_MOCK_TLS_SELF_SIGNED")
    monkeypatch.delenv("AATROX_MOCK_TLS_CA_OUT")
    config = _config(tmp_path, "tls: self-signed\n")
    assert cli.main(["--config", config, "--tls-ca-out", str(tmp_path / "cfg-ca.pem")]) == 0
    assert (tmp_path / "cfg-ca.pem").is_file()
    assert "https://" in capsys.readouterr().out


def _own_certificate(tmp_path: Path) -> tuple[Path, Path]:
    import trustme

    leaf = trustme.CA().issue_cert("127.0.0.1")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return cert, key


def test_tls_cert_and_key_by_flag_variable_or_config_reach_uvicorn(
    served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cert, key = _own_certificate(tmp_path)
    assert cli.main(["--tls-cert", str(cert), "--tls-key", str(key)]) == 0
    monkeypatch.setenv("AATROX_MOCK_TLS_CERT", str(cert))
    monkeypatch.setenv("AATROX_MOCK_TLS_KEY", str(key))
    assert cli.main([]) == 0
    monkeypatch.delenv("AATROX_MOCK_TLS_CERT")
    monkeypatch.delenv("AATROX_MOCK_TLS_KEY")
    config = _config(tmp_path, f"tls: {{cert: '{cert}', key: '{key}'}}\n")
    assert cli.main(["--config", config, "--workers", "2", "--db", str(tmp_path / "d")]) == 0
    for _, options in served.calls:
        assert (options["ssl_certfile"], options["ssl_keyfile"]) == (str(cert), str(key))
    assert served.calls[-1][1]["workers"] == 2


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--tls-cert", "c.pem"], "go together"),
        (["--tls-self-signed", "--tls-key", "k.pem", "--tls-cert", "c.pem"], "exclude"),
        (["--tls-ca-out", "ca.pem"], "--tls-ca-out needs"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing-key.pem"], "missing.pem"),
    ],
)
def test_tls_settings_that_cannot_be_served_stop_it_with_exit_2(
    served: Served, capsys: pytest.CaptureFixture[str], args: list[str], named: str
) -> None:
    assert cli.main(args) == 2
    assert named in capsys.readouterr().err
    assert served.calls == []


def test_a_key_that_does_not_match_the_certificate_stops_it(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert, _ = _own_certificate(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _, wrong_key = _own_certificate(other)
    assert cli.main(["--tls-cert", str(cert), "--tls-key", str(wrong_key)]) == 2
    assert "cannot use" in capsys.readouterr().err
    assert served.calls == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("tls: yes-please\n", "tls:"),
        ("tls: {cert: c.pem}\n", "tls.key"),
        ("tls: {cert: c.pem, key: k.pem, ca: x}\n", "tls.ca"),
    ],
)
def test_a_bad_tls_section_stops_it_naming_the_key(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, named: str
) -> None:
    assert cli.main(["--config", _config(tmp_path, text)]) == 2
    assert named in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_store_timeout_that_is_not_a_positive_number_stops_it(
    served: Served, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--store-timeout", value])
    assert stopped.value.code == 2
    assert "--store-timeout" in capsys.readouterr().err
    assert served.calls == []


def test_the_store_timeout_reaches_the_store_and_the_worker_processes(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[object, float]] = []
    real_open = cli.open_store

    def spy(db: Any, timeout_s: float = 0.0) -> Any:
        opened.append((db, timeout_s))
        return real_open(db, timeout_s)

    monkeypatch.setattr(cli, "open_store", spy)
    db = str(tmp_path / "timed.sqlite")
    assert cli.main(["--db", db, "--store-timeout", "2.5"]) == 0
    assert opened == [(db, 2.5)]
    assert cli.main(["--workers", "2", "--db", db, "--store-timeout", "1.5"]) == 0
    cli.app_from_env()
    assert opened[-1] == (db, 1.5)


def test_a_postgresql_url_is_named_without_its_password_and_a_path_stays_sqlite(
    tmp_path: Path,
) -> None:
    url = "postgresql://mock:s3cret-pw@db.example:5433/sms"
    assert cli._store_name(url) == "PostgreSQL postgresql://mock@db.example:5433/sms"
    assert "s3cret-pw" not in cli._store_name(url)
    assert cli._store_name(None) == "in memory"
    assert type(cli.open_store(str(tmp_path / "x.sqlite"))).__name__ == "SqliteStore"
