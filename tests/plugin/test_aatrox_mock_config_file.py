"""`aatrox_mock_config` as a path: the file's keys over the plugin's defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.pytest_plugin import AatroxMock, AatroxMockError


@pytest.fixture(scope="module")
def aatrox_mock_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "mock.yaml"
    path.write_text(
        "clock: real\naccounts:\n  - {name: ops, tokens: [ops-token], numbers: ['*']}\n",
        encoding="utf-8",
    )
    return path


def test_a_config_file_is_served_as_written(aatrox_mock: AatroxMock) -> None:
    assert aatrox_mock.token == "ops-token"
    with pytest.raises(AatroxMockError, match="409"):
        aatrox_mock.advance(1)  # the file asked for the real clock
