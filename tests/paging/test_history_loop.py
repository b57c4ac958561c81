"""Paging as a user writes it (tests/paging/history_loop.py) works over 250 messages and
type-checks under `mypy --strict`, with the user's settings, not this project's."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

from aatrox_sms_client.api.sending import send_bulk_sms
from aatrox_sms_client.models import BulkSendRequest, BulkSendResponse
from mock_server.pytest_plugin import AatroxMock
from tests.paging import history_loop

LOOP = Path(history_loop.__file__)
SENDER = "+61491570156"


def test_the_loop_pages_250_messages(aatrox_mock: AatroxMock) -> None:
    client = aatrox_mock.client()
    recipients = [f"+614915{n:05d}" for n in range(250)]
    sent = send_bulk_sms.sync(
        client=client, body=BulkSendRequest(from_=SENDER, to=recipients, text="hello")
    )
    assert isinstance(sent, BulkSendResponse), sent
    entries = history_loop.whole_history(client, page_size=100)
    assert len(entries) == 250
    assert {entry.id for entry in entries} == {message.id for message in sent.messages}


def test_the_loop_type_checks_under_mypy_strict_without_cast_or_unset(
    tmp_path: Path, mypy_strict: list[str]
) -> None:
    tree = ast.parse(LOOP.read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "aatrox_sms_client.types" not in imported
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name)}  # fmt: skip
    assert "cast" not in called
    assert "whole_history" in {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    # A copy away from this repository: mypy reads no project settings, as in a user's project.
    user_file = tmp_path / "history_loop.py"
    shutil.copy(LOOP, user_file)
    checked = subprocess.run(
        [*mypy_strict, str(user_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found in 1 source file" in checked.stdout
