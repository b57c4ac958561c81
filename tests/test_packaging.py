"""The toolkit as a user installs it: `pip install <repository>` and `pip install ./generated`
into a fresh virtual environment, outside the checkout (not this repository's editable install).

There, the mock finds the copy of the contract inside its package (pyproject.toml,
force-include), the worked example in examples/ passes with only the fixture `aatrox_mock` and
the generated client (also under `pytest -n 2`), and the command `aatrox-sms-mock` serves. The
environment is built with the uv that `make` put in .venv, at the versions of constraints.txt
(its cache already holds them, so this costs seconds, not downloads).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import live_server

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"
EXAMPLE = ROOT / "examples" / "otp_app"


def _run(*argv: str | Path, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the toolkit and the client installed from their paths, as a user
    does (built into wheels, not editable), and pytest with pytest-xdist. Its bin/ folder."""
    venv = tmp_path_factory.mktemp("user") / "venv"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    # --compile-bytecode, as pip does: else each xdist worker compiles connexion on import.
    packages: list[str | Path] = [ROOT, ROOT / "generated", "pytest", "pytest-xdist"]
    constraints = ROOT / "constraints.txt"
    _run(UV, "pip", "install", "--quiet", "--compile-bytecode", "--python", python,
         "-c", constraints, *packages)  # fmt: skip
    return venv / "bin"


def test_the_installed_package_carries_both_specs(user_venv: Path) -> None:
    # The app finds no other copy there (no checkout above site-packages): the example below
    # passing shows that it serves these.
    [package] = user_venv.parent.glob("lib/python*/site-packages/mock_server")
    assert (package / "openapi.yaml").read_bytes() == (ROOT / "openapi.yaml").read_bytes()
    assert (package / "control.yaml").read_bytes() == (
        ROOT / "mock_server/control.yaml"
    ).read_bytes()


def test_every_installed_package_is_marked_typed(user_venv: Path) -> None:
    # Without py.typed, a user's mypy treats the fixture's type as Any (tests/plugin/test_typed.py).
    site = next(user_venv.parent.glob("lib/python*/site-packages"))
    for package in ("mock_server", "contract_verify", "aatrox_sms_client"):
        assert (site / package / "py.typed").is_file(), package


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_the_worked_example_passes_with_only_the_plugin_and_the_client(
    user_venv: Path, tmp_path: Path, workers: list[str]
) -> None:
    project = tmp_path / "otp_app"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))
    # -W error: the plugin must not bring warnings into a user's strict test suite.
    output = _run(
        user_venv / "pytest", "-p", "no:cacheprovider", "-W", "error", *workers, cwd=project
    )
    assert " passed" in output
    if workers:
        assert "2 workers" in output


def test_the_console_script_serves_and_names_itself(user_venv: Path) -> None:
    usage = _run(user_venv / "aatrox-sms-mock", "--help")
    assert usage.startswith("usage: aatrox-sms-mock ")
    assert "--seed" in usage
    with live_server(command=[str(user_venv / "aatrox-sms-mock")]) as server:
        health = httpx.get(server.base_url + "/_mock/health", timeout=10).json()
        # The inbox page's files are package data: the wheel must carry them.
        page = httpx.get(server.base_url + "/", timeout=10, follow_redirects=True)
        script = httpx.get(server.base_url + "/_mock/inbox/inbox.js", timeout=10)
    assert health["status"] == "ok"
    assert page.status_code == 200
    assert "/_mock/inbox/inbox.js" in page.text
    assert script.status_code == 200
