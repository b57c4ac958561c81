"""The mock as a wheel: built, installed into a venv of its own, it finds its contract and serves.

In a checkout the app reads openapi.yaml from the repository's root; a wheel has no root, so it
carries a copy in the package (pyproject.toml, force-include). This builds and installs the wheel
with the uv that `make` put in .venv (its cache already holds every dependency).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"

# Run by the installed wheel's interpreter, outside the checkout.
SMOKE = """
from mock_server.app import PUBLIC_SPEC, create_app
print(PUBLIC_SPEC)
client = create_app().test_client(headers={"Authorization": "Bearer dev-token"})
answer = client.post(
    "/api/v2/sms/send", json={"from": "+61491570156", "to": "+61491570158", "text": "Hi"}
)
print(answer.status_code, answer.json()["segment_count"])
page, script = client.get("/"), client.get("/_mock/inbox/inbox.js")  # the inbox page's files
print(page.status_code, "/_mock/inbox/inbox.js" in page.text, script.status_code)
"""


def _run(*argv: str | Path, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_installed_wheel_serves_its_own_copy_of_the_contract(tmp_path: Path) -> None:
    _run(UV, "build", "--wheel", "--out-dir", tmp_path / "dist")
    [wheel] = (tmp_path / "dist").glob("*.whl")
    venv = tmp_path / "venv"
    _run(UV, "venv", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(UV, "pip", "install", "--python", python, wheel)
    spec, answer, inbox_page = _run(python, "-c", SMOKE, cwd=tmp_path).splitlines()[-3:]
    assert Path(spec).parent.name == "mock_server"
    assert Path(spec).read_bytes() == (ROOT / "openapi.yaml").read_bytes()
    assert answer == "200 1"
    assert inbox_page == "200 True 200"
