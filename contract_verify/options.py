"""What one check was asked to do, and how it prints: shared by `cli` (which builds them) and
`run` (which uses them), so neither imports the other."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Options:
    base_url: str
    spec: Path
    sender: str | None
    recipient: str | None
    #: Where to write the JUnit XML; None writes none.
    junit: Path | None
    prism: bool
    timeout: float
    #: The CA that verifies an https:// server; None: the system's store.
    ca_file: Path | None = None


class Output:
    """Prints with the token replaced by `***`, whatever line it hides in."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, line: str, *, error: bool = False) -> None:
        print(self.mask(line), file=sys.stderr if error else sys.stdout)

    def mask(self, text: str) -> str:
        return text.replace(self.token, "***") if self.token else text
