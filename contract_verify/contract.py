"""The contract this command checks against, read from openapi.yaml itself: where the file is,
the prefix every public path carries, and the phone number pattern `--from` and `--to` must
match. Nothing of the mock is imported: the command checks any server, and installs without it.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_HERE = Path(__file__).resolve().parent
# In a checkout the contract is at the repository's root; the toolkit's wheel carries one copy,
# inside its sibling package mock_server (pyproject.toml, force-include): read as a file there,
# not imported, so this command needs none of the mock's dependencies.
SPEC = next(
    (
        spec
        for spec in (_HERE.parent / "openapi.yaml", _HERE.parent / "mock_server" / "openapi.yaml")
        if spec.is_file()
    ),
    _HERE.parent / "openapi.yaml",
)


@cache
def _load(spec: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return document


def path_prefixes(spec: Path = SPEC) -> list[str]:
    """The paths every operation of the contract starts with, longest first, of two segments or
    more: `/api/v2/sms`, `/api/v2` (the API's own prefix). A base URL ending with one of these
    was given with the API's path, which the contract's paths already carry."""
    segments = posixpath.commonpath(list(_load(spec)["paths"])).strip("/").split("/")
    return ["/" + "/".join(segments[:n]) for n in range(len(segments), 1, -1)]


def phone_number(spec: Path = SPEC) -> re.Pattern[str]:
    """The contract's `PhoneNumber` pattern, compiled for `fullmatch` (its `$` would also
    accept a trailing newline under `re.match`)."""
    pattern: str = _load(spec)["components"]["schemas"]["PhoneNumber"]["pattern"]
    return re.compile(pattern.removeprefix("^").removesuffix("$"))
