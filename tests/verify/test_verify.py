"""`aatrox-sms-verify` against the mock (conformant) and against doubles that drift on purpose
(each drift named: the operation, the field or status, the value that came back)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import yaml

from contract_verify import plan, prism_proxy
from mock_server.app import PUBLIC_SPEC
from tests.verify import doubles
from tests.verify.conftest import RECIPIENT, SENDER, TOKEN, Serve, Verify

#: The statuses the contract documents for sendSms, as the report lists them.
SEND_STATUSES = ", ".join(
    sorted(
        yaml.safe_load(PUBLIC_SPEC.read_text())["paths"]["/api/v2/sms/send"]["post"]["responses"]
    )
)

ROOT = Path(__file__).resolve().parents[2]


def _row(output: str, operation: str, status: str) -> list[str]:
    """The table row of (operation, status): its cells."""
    for line in output.splitlines():
        cells = line.split()
        if cells[:2] == [operation, status]:
            return cells
    raise AssertionError(f"no row {operation} {status} in:\n{output}")


def test_the_mock_conforms_and_prism_agrees(serve: Serve, verify: Verify) -> None:
    with serve(doubles.unchanged) as (url, _):
        run = verify(url, prism=True)
    assert run.exit_status == 0, run.output
    assert "Prism: validating proxy" in run.output
    assert "Conformant: every answer matched the contract" in run.output
    assert f"Messages sent: {plan.SENDS_AT_MOST} (from {SENDER} to {RECIPIENT})" in run.output
    for operation in ("sendSms", "sendSmsWithDisclaimer", "sendBulkSms", "listReceivedMessages"):
        assert _row(run.output, operation, "200")[2:4] == ["yes", "yes"]
    assert _row(run.output, "listMessageHistory", "401")[2:4] == ["yes", "yes"]
    assert _row(run.output, "sendSms", "413")[2:4] == ["no", "-"]
    suite = ET.parse(run.junit).getroot()
    assert suite.get("failures") == "0"
    assert int(suite.get("tests", "0")) > int(suite.get("skipped", "0")) > 0


def test_without_from_and_to_it_only_reads(serve: Serve, verify: Verify) -> None:
    """It reads the history's two pages and the details of its first ids, and sends nothing."""
    with serve(doubles.unchanged) as (url, double):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for _ in range(plan.PAGE + 1):  # a second page of history
            body = {"from": SENDER, "to": RECIPIENT, "text": "already there"}
            httpx.post(f"{url}/api/v2/sms/send", json=body, headers=auth).raise_for_status()
        double.methods.clear()
        run = verify(url, send=False)
    assert run.exit_status == 0, run.output
    assert "Messages sent: 0 (read only)" in run.output
    assert set(double.methods) == {"GET"}
    assert _row(run.output, "sendSms", "200")[2] == "no"
    assert _row(run.output, "listMessageHistory", "200")[2:] == ["yes", "yes", "2"]
    assert _row(run.output, "getMessage", "200")[2:] == ["yes", "yes", str(plan.DETAILS)]


@pytest.mark.parametrize(
    ("rewrite", "named"),
    [
        pytest.param(
            doubles.renamed_field,
            [
                r"sendSms 200: body /",
                r"'to_addr' is a required property|'to_address' was unexpected",
            ],
            id="renamed-field",
        ),
        pytest.param(
            doubles.undocumented_status,
            [r"sendSms 201: status", rf"spec says: one of {SEND_STATUSES}"],
            id="undocumented-status",
        ),
        pytest.param(
            doubles.wrong_media_type,
            [
                r"listMessageHistory 401: Content-Type",
                r"spec says: application/problem\+json",
                r'got: +"application/json"',
            ],
            id="wrong-media-type",
        ),
        pytest.param(
            doubles.unknown_enum_value,
            [
                r"sendSms 200: body /status",
                r'spec says: enum: \["queued", "sent"',
                r'got: +"accepted"',
            ],
            id="unknown-enum-value",
        ),
    ],
)
def test_a_drift_fails_and_is_named(
    serve: Serve, verify: Verify, rewrite: doubles.Rewrite, named: list[str]
) -> None:
    with serve(rewrite) as (url, _):
        run = verify(url)
    assert run.exit_status == 1, run.output
    assert "NOT CONFORMANT" in run.output
    for pattern in named:
        assert re.search(pattern, run.output), f"{pattern!r} not in:\n{run.output}"
    assert "reproduce: curl -X" in run.output
    failures = ET.parse(run.junit).getroot().findall("testcase/failure")
    assert failures, "the JUnit XML has no failure"


def test_prism_names_the_drift_too(serve: Serve, verify: Verify) -> None:
    with serve(doubles.unknown_enum_value) as (url, _):
        run = verify(url, prism=True)
    assert run.exit_status == 1, run.output
    assert re.search(r"sendSms 200: body /status  \[prism: Error\]", run.output), run.output
    assert re.search(r'got: +"accepted"', run.output)


def test_the_token_is_never_shown(serve: Serve, verify: Verify) -> None:
    with serve(doubles.renamed_field) as (url, _):
        run = verify(url)
    assert run.exit_status == 1
    assert "-H 'Authorization: Bearer ***'" in run.output
    assert TOKEN not in run.output
    assert TOKEN not in run.junit.read_text()


def test_usage_mistakes_stop_it_before_any_call(
    verify: Verify, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert verify("http://127.0.0.1:9", "--to", RECIPIENT, send=False).exit_status == 2
    assert verify("127.0.0.1:8080", send=False).exit_status == 2
    run = verify("http://127.0.0.1:9", "--from", "0491570157", send=False)
    assert run.exit_status == 2
    assert "--from must be an E.164 number" in run.output
    monkeypatch.delenv("AATROX_SMS_TOKEN")
    run = verify("http://127.0.0.1:9", send=False)
    assert run.exit_status == 2
    assert "set AATROX_SMS_TOKEN" in run.output


def test_an_unreachable_server_is_not_a_pass(verify: Verify) -> None:
    run = verify("http://127.0.0.1:9", send=False)
    assert run.exit_status == 2
    assert "Could not check http://127.0.0.1:9" in run.output


def test_prism_version_is_the_package_json_pin() -> None:
    pins = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert pins["@stoplight/prism-cli"] == prism_proxy.PRISM_VERSION


def test_without_node_prism_is_skipped_and_the_output_says_why(
    serve: Serve, verify: Verify, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(doubles.unchanged) as (url, _):
        monkeypatch.setenv("PATH", "")  # no npx to be found
        run = verify(url, send=False, prism=True)
    assert run.exit_status == 0, run.output
    assert "Prism: skipped (npx (Node.js 20+) is not on PATH)" in run.output
    prism = ET.parse(run.junit).getroot().find("properties/property[@name='prism']")
    assert prism is not None
    assert prism.get("value") == "skipped"
