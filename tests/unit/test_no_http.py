"""The SMS rules stay plain Python: nothing in mock_server.sms may import an HTTP library, nor
the app (which reads the OpenAPI spec: the domain is handed its limits, it never reads them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SMS = Path(__file__).resolve().parents[2] / "mock_server" / "sms"
HTTP = (
    "connexion",
    "starlette",
    "httpx",
    "uvicorn",
    "requests",
    "mock_server.http",
    "mock_server.app",
    "mock_server.cli",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _is_http(name: str) -> bool:
    return any(name == http or name.startswith(f"{http}.") for http in HTTP)


@pytest.mark.parametrize("path", sorted(SMS.rglob("*.py")), ids=lambda p: p.name)
def test_module_imports_nothing_http(path: Path) -> None:
    assert {name for name in _imports(path) if _is_http(name)} == set()


def test_the_check_recognises_http_imports() -> None:
    assert _is_http("starlette.requests")
    assert _is_http("mock_server.http.problems.documents")
    assert _is_http("mock_server.app")
    assert not _is_http("mock_server.sms.store")
    assert not _is_http("httpxyz")


def test_the_package_is_where_the_test_looks() -> None:
    assert (SMS / "service.py").is_file()


def test_faults_are_not_an_sms_rule() -> None:
    """A 500 or a delay asked for is an HTTP matter: it lives in mock_server.http."""
    assert not (SMS / "faults.py").exists()
    assert (SMS.parent / "http" / "pipeline" / "faults.py").is_file()
