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
from mock_server.http.fast_path import FastPath
from mock_server.http.timeouts import BodyTimeoutMiddleware


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
    assert "http://127.0.0.1:8080/api/v2/" in out
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
    assert "http://127.0.0.3:9200/api/v2/" in capsys.readouterr().out
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
