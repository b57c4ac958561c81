"""The toolkit is typed for its users: `mypy --strict` on a user's test file knows the fixture's
type (py.typed), so a misspelt helper is an error, not an `Any` that passes."""

from __future__ import annotations

import subprocess
from pathlib import Path

USERS_TEST = """\
from pathlib import Path

from aatrox_sms_client.models import Message
from mock_server import MockServer
from mock_server.pytest_plugin import AatroxMock


def test_code_sent(aatrox_mock: AatroxMock) -> None:
    message: Message = aatrox_mock.{helper}(to="+61491570157", timeout=1)
    assert message.text


def script() -> None:
    with MockServer() as mock:
        assert mock.requests(status=500) == []


def test_tokens_and_https(aatrox_mock: AatroxMock) -> None:
    new: str = aatrox_mock.rotate_token(account=None)
    team: str = aatrox_mock.add_account("team-b", ["+61491570160"], disclaimer=None)
    aatrox_mock.revoke_token(aatrox_mock.issue_token("acme"))
    ca_file: Path | None = aatrox_mock.ca_file
    assert new != team and ca_file is None
"""


def _mypy_strict(
    mypy_strict: list[str], tmp_path: Path, helper: str
) -> subprocess.CompletedProcess[str]:
    # Outside this repository (no pyproject.toml of ours): as a user's project would run it.
    test_file = tmp_path / "test_app.py"
    test_file.write_text(USERS_TEST.format(helper=helper))
    return subprocess.run(
        [*mypy_strict, test_file.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_mypy_strict_passes_a_users_test_of_the_fixture(
    tmp_path: Path, mypy_strict: list[str]
) -> None:
    result = _mypy_strict(mypy_strict, tmp_path, "wait_for_message")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_catches_a_misspelt_helper(tmp_path: Path, mypy_strict: list[str]) -> None:
    result = _mypy_strict(mypy_strict, tmp_path, "wait_for_mesage")
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"MockServer" has no attribute "wait_for_mesage"' in result.stdout, result.stdout
