"""Unit tests need no contract toolchain: the conftests they load import no schemathesis (the
contract report's hooks in tests/conftest.py import it only when a contract case ran)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_TOOLING = ("schemathesis",)


def _loaded_by(*modules: str) -> set[str]:
    """The top-level packages loaded by importing `modules`, in a fresh interpreter."""
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += "print('\\n'.join(sorted({name.split('.')[0] for name in sys.modules})))"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(run.stdout.split())


def test_the_conftests_of_unit_tests_import_no_contract_tooling() -> None:
    loaded = _loaded_by("tests.conftest", "tests.unit.conftest")
    assert loaded.isdisjoint(CONTRACT_TOOLING)


def test_the_check_sees_contract_tooling() -> None:
    assert not _loaded_by("tests.contract.reporting").isdisjoint(CONTRACT_TOOLING)
