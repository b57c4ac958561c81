from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mock_server.sms.config import (
    DEFAULT_CONFIG_YAML,
    ConfigError,
    check_fits,
    default_config,
    load_config,
    load_config_file,
)
from mock_server.sms.lifecycle import Lifecycle, Outcome
from mock_server.sms.limits import Limits

# The product spec lives in shared/, beside the repository (also in CI).
PRODUCT = Path(__file__).resolve().parents[3] / "shared" / "PRODUCT.md"


def test_default_config_is_the_product_spec_example() -> None:
    config = default_config()
    assert config.clock == "real"
    assert config.lifecycle == Lifecycle(0.5, 1.0)
    assert [account.name for account in config.accounts] == ["dev", "acme"]
    dev = config.accounts.authenticate("dev-token")
    assert dev is not None
    assert dev.all_numbers
    acme = config.accounts.authenticate("acme-token")
    assert acme is not None
    assert acme.numbers == {"+61491570156", "+61491570157"}
    assert config.disclaimers.for_sender("+61491570156") == "Acme Pty Ltd. Reply STOP to opt out."
    assert config.disclaimers.default == "Reply STOP to opt out."
    assert dict(config.outcomes) == {
        "+61491570006": Outcome.UNDELIVERED,
        "+61491570110": Outcome.FAILED,
        "+61491570737": Outcome.SERVER_ERROR,
    }
    assert config.outcome_for("+61491570157") is Outcome.DELIVERED


@pytest.mark.skipif(
    not PRODUCT.exists(),
    reason="compares the default config with the product spec's example: put PRODUCT.md at "
    "shared/PRODUCT.md beside the repository's folder to run it",
)
def test_default_yaml_is_verbatim_from_the_product_spec() -> None:
    section = PRODUCT.read_text(encoding="utf-8").split("### Config file", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert block.group(1) == DEFAULT_CONFIG_YAML


def test_a_partial_config_takes_the_builtin_sections_it_leaves_out() -> None:
    config = load_config("clock: manual\nlifecycle: {delivered_after_s: 3}\n")
    assert config.clock == "manual"
    assert config.lifecycle == Lifecycle(0.5, 3.0)
    assert config.accounts.authenticate("dev-token") is not None


def test_config_file_is_read_and_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mock.yaml"
    path.write_text("clock: manual\n", encoding="utf-8")
    assert load_config_file(path).clock == "manual"
    path.write_text("clock: sundial\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{path}: clock: 'sundial'")):
        load_config_file(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config_file(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("colck: manual", "colck: unknown key"),
        ("clock: sundial", "clock: 'sundial' is not a clock"),
        ("lifecycle: {sent_after_s: -1}", "lifecycle.sent_after_s: must be a number"),
        ("lifecycle: {sent_after_s: 2, delivered_after_s: 1}", "lifecycle.sent_after_s: must not"),
        ("lifecycle: {delivered_after_s: yes}", "lifecycle.delivered_after_s: must be a number"),
        ("lifecycle: {sent_after: 1}", "lifecycle.sent_after: unknown key"),
        ("accounts: []", "accounts: must be a non-empty list"),
        (
            "accounts: [{name: a, tokens: [t], numbers: ['+123']}]",
            "accounts[0].numbers[0]: '+123' is not an E.164 number",
        ),
        (
            "accounts: [{name: a, tokens: [t], numbers: ['*']},"
            " {name: b, tokens: [u], numbers: ['+61491570156', '+123']}]",
            "accounts[1].numbers[1]: '+123' is not an E.164 number",
        ),
        (
            "accounts: [{name: a, tokens: [t], numbers: [+61491570156]}]",
            "accounts[0].numbers[0]: 61491570156 is not an E.164 number (quote",
        ),
        (
            "accounts: [{name: a, tokens: [], numbers: []}]",
            "accounts[0].tokens: must be a non-empty",
        ),
        ("accounts: [{name: a, numbers: []}]", "accounts[0].tokens: is required"),
        ("accounts: [{name: a, tokens: [t], numbers: [], role: x}]", "accounts[0].role: unknown"),
        (
            "accounts: [{name: a, tokens: [t], numbers: []}, {name: a, tokens: [u], numbers: []}]",
            "accounts[1].name: 'a' is already the name of accounts[0]",
        ),
        (
            "accounts: [{name: a, tokens: [t], numbers: []}, {name: b, tokens: [t], numbers: []}]",
            "accounts[1].tokens[0]: the same token is already given at accounts[0].tokens[0]",
        ),
        ("accounts: [{name: a, tokens: ['tok en'], numbers: []}]", "accounts[0].tokens[0]: must"),
        ("disclaimers: {default: ''}", "disclaimers.default: must be a non-empty string"),
        ("disclaimers: {by_sender: {'+1': x}}", "disclaimers.by_sender['+1']: '+1' is not an"),
        ("disclaimers: {footer: x}", "disclaimers.footer: unknown key"),
        ("outcomes: {'+61491570006': lost}", "outcomes['+61491570006']: 'lost' is not an outcome"),
        ("outcomes: {'+6149': failed}", "outcomes['+6149']: '+6149' is not an E.164 number"),
        ("outcomes: []", "outcomes: must be a mapping"),
        ("clock: real\nclock: manual", "line 2: not valid YAML: key 'clock' is given twice"),
        ("clock: [", "line 1: not valid YAML"),
        ("", "the config is empty"),
        ("- a list", "must be a mapping with keys"),
        ("seed: -1", "seed: must be an integer from 0 to"),
        ("seed: '7'", "seed: must be an integer"),
        ("seed: true", "seed: must be an integer"),
        ("clock: manual\nclock_start: 2026-01-01", "clock_start: must be an RFC 3339 date-time"),
        ("clock: manual\nclock_start: 2026-01-01T00:00:00", "clock_start: must be an RFC 3339"),
        ("clock: manual\nclock_start: 'tomorrow'", "clock_start: 'tomorrow' is not an RFC 3339"),
        ("clock_start: '2026-01-01T00:00:00Z'", "clock_start: needs `clock: manual`"),
    ],
)
def test_invalid_config_is_refused_with_the_key_named(yaml_text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(yaml_text, "mock.yaml")
    message = str(raised.value)
    assert expected in message
    assert all(line.startswith("mock.yaml: ") for line in message.splitlines())


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config("clock: sundial\nlifecycle: {sent_after_s: -1}\nextra: 1\n", "m.yaml")
    assert len(raised.value.problems) == 3


def test_token_is_never_echoed_in_an_error() -> None:
    secret = "s3cret-value"
    text = (
        f"accounts: [{{name: a, tokens: [{secret}], numbers: []}},"
        f" {{name: b, tokens: [{secret}], numbers: []}}]"
    )
    with pytest.raises(ConfigError) as raised:
        load_config(text)
    assert secret not in str(raised.value)


def test_seed_and_clock_start_are_read_quoted_or_not() -> None:
    config = load_config("clock: manual\nseed: 7\nclock_start: 2026-01-01T10:00:00+10:00\n")
    assert config.seed == 7
    assert config.clock_start == datetime(2026, 1, 1, tzinfo=UTC)
    quoted = load_config("clock: manual\nclock_start: '2026-01-01T00:00:00Z'\n")
    assert quoted.clock_start == config.clock_start
    assert (default_config().seed, default_config().clock_start) == (None, None)


SMALL = Limits(text_length=40, bulk_recipients=1, page_size=1, cursor_length=1)


def test_a_disclaimer_must_leave_room_for_text_under_the_given_limit() -> None:
    text = "disclaimers: {default: %s, by_sender: {'+61491570156': ok}}" % ("x" * 39)
    with pytest.raises(ConfigError) as raised:
        load_config(text, "mock.yaml", SMALL)
    assert raised.value.problems == (
        "mock.yaml: disclaimers.default: must be at most 38 characters (the text limit, less a"
        " newline and a character)",
    )


def test_a_disclaimer_of_the_longest_length_fits() -> None:
    config = load_config("disclaimers: {default: %s}" % ("x" * 38), "mock.yaml", SMALL)
    check_fits(config, SMALL)
    assert config.disclaimers.default == "x" * 38


def test_check_fits_names_each_sender_disclaimer_too_long() -> None:
    config = load_config("disclaimers: {by_sender: {'+61491570156': %s}}" % ("y" * 39))
    with pytest.raises(ConfigError, match=r"disclaimers.by_sender\['\+61491570156'\]: must be"):
        check_fits(config, SMALL)


def test_a_clock_start_at_the_end_of_dates_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"clock_start: must be before 9998-01-01"):
        load_config("clock: manual\nclock_start: '9999-12-31T23:59:59.9Z'\n")
