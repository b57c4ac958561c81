"""`aatrox-sms-verify` against the mock (conformant) and against doubles that drift on purpose
(each drift named: the operation, the field or status, the value that came back)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from contextlib import nullcontext
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


def test_a_base_url_with_the_api_prefix_is_cut_back_saying_so(serve: Serve, verify: Verify) -> None:
    # The mock's banner prints the URL with /api/v2/; pasted here it once meant /api/v2/api/v2/.
    with serve(doubles.unchanged) as (url, _):
        run = verify(url + "/api/v2/", send=False)
    assert run.exit_status == 0, run.output
    assert (
        f"--base-url ends with /api/v2/, which every path of the contract already starts "
        f"with: checking {url}\n"
    ) in run.output
    assert f"Checking {url} against" in run.output


def test_an_unreachable_server_stops_it_before_prism_starts(
    verify: Verify, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prism_proxy, "unavailable_reason", lambda: None)  # as if node were here
    started: list[str] = []
    monkeypatch.setattr(prism_proxy, "proxy", lambda *args: started.append("prism"))
    run = verify("http://127.0.0.1:9", send=False, prism=True)
    assert run.exit_status == 2, run.output
    assert "Could not check http://127.0.0.1:9: ConnectionError: " in run.output
    assert "Connection refused" in run.output
    assert started == []
    assert "Prism:" not in run.output


def test_it_says_when_npx_runs_prism_and_how_to_avoid_it(
    serve: Serve, verify: Verify, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prism_proxy, "unavailable_reason", lambda: None)
    # Calls go straight to the server (the real proxy runs in the tests above).
    monkeypatch.setattr(prism_proxy, "proxy", lambda spec, url, ca_file: nullcontext(url))
    with serve(doubles.unchanged) as (url, _):
        run = verify(url, send=False, prism=True)
    assert run.exit_status == 0, run.output
    assert "run with npx (it downloads Prism on first use" in run.output
    assert "run in the toolkit's repository after `npm ci`; --no-prism checks without it" in (
        run.output
    )


def test_junit_is_written_only_where_asked(
    serve: Serve, verify: Verify, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    with serve(doubles.unchanged) as (url, _):
        run = verify(url, send=False, junit=False)
    assert run.exit_status == 0, run.output
    assert "JUnit" not in run.output
    assert list(tmp_path.iterdir()) == []


def test_the_missing_extra_hint_is_the_readmes_install_line(
    verify: Verify, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    run = verify("http://127.0.0.1:9", send=False)
    assert run.exit_status == 2
    hint = run.output.split("schemathesis is missing: ")[1].strip()
    assert hint.startswith("pip install ")
    assert hint in (ROOT / "README.md").read_text()


def test_contract_verify_stands_alone() -> None:
    # Its own imports only: no mock (and so no connexion), and no two of its modules import each
    # other, directly or round a longer loop.
    code = (
        "import sys, contract_verify.cli, contract_verify.run; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mock_server', 'connexion'}))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert imported.stdout.strip() == "[]", imported.stderr
    graph = {
        module.stem: {
            node.module.removeprefix("contract_verify.")
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.ImportFrom)
            and node.module is not None
            and node.module.startswith("contract_verify.")
        }
        | {
            alias.name
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.ImportFrom) and node.module == "contract_verify"
            for alias in node.names
        }
        for module in (ROOT / "contract_verify").glob("*.py")
    }

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(
            step == goal or (step not in seen and reaches(step, goal, seen | {step}))
            for step in graph.get(start, set())
        )

    assert graph["run"], "the import graph was read"
    assert [module for module in graph if reaches(module, module)] == []


def test_prism_as_locked_runs_on_the_node_the_readme_asks_for() -> None:
    # npm warns (EBADENGINE) on every install when a package's `engines` refuses the running
    # node: each Prism package of the lock must accept the oldest node package.json admits.
    [oldest] = re.findall(
        r"^>=(\d+)$", json.loads((ROOT / "package.json").read_text())["engines"]["node"]
    )
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    prisms = {name: entry for name, entry in lock.items() if "@stoplight/prism-" in name}
    assert "node_modules/@stoplight/prism-cli" in prisms
    for name, entry in prisms.items():
        wanted = re.fullmatch(r">= ?(\d+)\.(\d+)\.(\d+)", entry["engines"]["node"])
        assert wanted, (name, entry["engines"])
        assert tuple(map(int, wanted.groups())) <= (int(oldest), 0, 0), (name, entry["engines"])
    assert f"node and npm ({oldest}+)" in (ROOT / "README.md").read_text()
