"""The README's typed recipes (section "Endpoints and typed recipes"): its ```python blocks, in
order, are one script, which type-checks under `mypy --strict` (a user's settings, not this
project's) and runs against a fresh mock; and its endpoint table names each operation of the
contract with the client function that exists."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from mock_server.pytest_plugin import AatroxMock

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Endpoints and typed recipes"
SENDER, PHONE = "+61491570156", "+61491570157"


def _section() -> str:
    readme = (ROOT / "README.md").read_text()
    assert SECTION in readme, f"the README has no {SECTION!r}"
    return readme.split(SECTION, 1)[1].split("\n## ", 1)[0]


def _script(tmp_path: Path) -> Path:
    blocks = re.findall(r"^```python\n(.*?)^```$", _section(), flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 7, "a client, then one recipe per operation"
    script = tmp_path / "recipes.py"
    script.write_text("\n".join(blocks))
    return script


def test_the_recipes_type_check_under_mypy_strict(tmp_path: Path, mypy_strict: list[str]) -> None:
    checked = subprocess.run(
        [*mypy_strict, str(_script(tmp_path))],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # away from this repository's mypy settings
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_recipes_run_against_the_mock(aatrox_mock: AatroxMock, tmp_path: Path) -> None:
    aatrox_mock.inbound(from_=PHONE, to=SENDER, text="STOP")
    env = {**os.environ, "AATROX_BASE_URL": aatrox_mock.base_url, "AATROX_TOKEN": aatrox_mock.token}
    ran = subprocess.run(
        [sys.executable, str(_script(tmp_path))],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    output = ran.stdout
    [sent] = [m for m in aatrox_mock.messages(to=PHONE) if m.text == "Your code is 482913."]
    assert f"sent {sent.id} queued 1 gsm7" in output
    assert "with disclaimer: Sale ends Friday. / Acme Pty Ltd. Reply STOP to opt out." in output
    assert "bulk ['+61491570157', '+61491570158']" in output
    assert f"details {sent.id} queued" in output
    assert f"replies [('{PHONE}', 'STOP')]" in output
    # Every message of this test: one send, one with the disclaimer, the bulk's two, the reply.
    assert len(aatrox_mock.messages()) == 5
    assert "history 5 entries" in output


def test_the_endpoint_table_names_each_operation_and_its_client_function() -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    rows = re.findall(
        r"^\| (GET|POST) \| `([^`]+)` \| `(\w+)` \| `([\w.]+)` \| `(\w+)` \|$",
        _section(),
        flags=re.MULTILINE,
    )
    documented = {
        (method.upper(), path, operation["operationId"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {(method, path, operation) for method, path, operation, *_ in rows} == documented
    for *_, module, function in rows:
        assert callable(importlib.import_module(f"{module}.{function}").sync)


def test_the_section_says_what_none_means() -> None:
    section = _section()
    assert "raise_on_unexpected_status=True," in section
    assert "returns `None`" in section
