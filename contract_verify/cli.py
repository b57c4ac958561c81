"""The command: `aatrox-sms-verify --base-url URL [--from N --to N]` (or `python -m
contract_verify`; `make verify BASE_URL=... TOKEN=... [FROM=... TO=...]` calls it).

The token is read from the environment (AATROX_SMS_TOKEN), never from a flag, so that it shows
in no process list and no CI log; the output masks it wherever it could appear (`Bearer ***`).
Exit status: 0 conformant, 1 a violation, 2 the check could not run (a usage error, a server or a
Prism that did not answer).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract_verify import plan
from mock_server.sms.numbers import is_e164

TOKEN_ENV = "AATROX_SMS_TOKEN"
DEFAULT_JUNIT = Path("reports") / "verify-junit.xml"
INSTALL = "pip install 'aatrox-sms-toolkit[verify]'"


def _spec_path() -> Path:
    # The mock knows where the contract is, in a checkout and in an installed wheel. Importing it
    # imports connexion, which warns about starlette's TestClient (never used here).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from mock_server.app import PUBLIC_SPEC

    return PUBLIC_SPEC


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aatrox-sms-verify",
        description=(
            "Check a live Aatrox SMS server against the contract (openapi.yaml). Reads only, "
            "unless --from and --to are given: then it also sends at most "
            f"{plan.SENDS_AT_MOST} messages, from --from to --to only. The token is read from "
            f"${TOKEN_ENV}."
        ),
    )
    parser.add_argument("--base-url", required=True, help="the server, e.g. https://api.example")
    parser.add_argument("--from", dest="sender", help="a number your account owns (E.164)")
    parser.add_argument("--to", dest="recipient", help="your own test phone (E.164); needs --from")
    parser.add_argument(
        "--junit", type=Path, default=DEFAULT_JUNIT, help=f"JUnit XML (default {DEFAULT_JUNIT})"
    )
    parser.add_argument(
        "--no-prism", action="store_true", help="without Prism's validating proxy in the path"
    )
    parser.add_argument("--spec", type=Path, help="the contract (default: the toolkit's own)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per call")
    parser.add_argument(
        "--ca-file",
        type=Path,
        help="an https:// server's CA certificate (PEM), e.g. the mock's --tls-ca-out; "
        "default: the system's store",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    token = os.environ.get(TOKEN_ENV, "")
    problem = _usage_problem(args, token)
    if problem:
        print(f"aatrox-sms-verify: {problem}", file=sys.stderr)
        return 2
    if importlib.util.find_spec("schemathesis") is None:
        print(f"aatrox-sms-verify: schemathesis is missing: {INSTALL}", file=sys.stderr)
        return 2
    from contract_verify.run import check_server  # needs schemathesis

    return check_server(
        Options(
            base_url=args.base_url.rstrip("/"),
            spec=args.spec or _spec_path(),
            sender=args.sender,
            recipient=args.recipient,
            junit=args.junit,
            prism=not args.no_prism,
            timeout=args.timeout,
            ca_file=args.ca_file,
        ),
        token,
        Output(token),
    )


def _usage_problem(args: argparse.Namespace, token: str) -> str | None:
    if not token:
        return f"set {TOKEN_ENV} to the API token (it is never taken from a flag)"
    if not args.base_url.startswith(("http://", "https://")):
        return f"--base-url must start with http:// or https://, not {args.base_url!r}"
    if args.ca_file is not None and not args.ca_file.is_file():
        return f"--ca-file {str(args.ca_file)!r} is not a file"
    if args.recipient and not args.sender:
        return "--to needs --from: messages are sent from --from to --to only"
    for flag, number in (("--from", args.sender), ("--to", args.recipient)):
        if number is not None and not is_e164(number):
            return f"{flag} must be an E.164 number (+ and 8 to 15 digits), not {number!r}"
    return None


@dataclass(frozen=True)
class Options:
    base_url: str
    spec: Path
    sender: str | None
    recipient: str | None
    junit: Path
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
