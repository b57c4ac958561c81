"""The command: `aatrox-sms-verify --base-url URL [--from N --to N]` (or `python -m
contract_verify`; `make verify BASE_URL=... TOKEN=... [FROM=... TO=...]` calls it).

The token is read from the environment (AATROX_SMS_TOKEN), never from a flag, so that it shows
in no process list and no CI log; the output masks it wherever it could appear (`Bearer ***`).
Exit status: 0 conformant, 1 a violation, 2 the check could not run (a usage error, a server or a
Prism that did not answer). JUnit XML is written only where `--junit PATH` says (`make verify`
asks for reports/verify-junit.xml).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from contract_verify import contract, plan
from contract_verify.options import Options, Output

TOKEN_ENV = "AATROX_SMS_TOKEN"
#: The README's words: the toolkit is installed by path or URL, not from a package index.
INSTALL = "pip install '<path or URL of this repository>[verify]'"


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
    parser.add_argument(
        "--base-url",
        required=True,
        help="the server without the API's path, e.g. https://api.example (a trailing "
        f"{contract.path_prefixes()[-1]}/ is cut off, since the contract's paths carry it)",
    )
    parser.add_argument("--from", dest="sender", help="a number your account owns (E.164)")
    parser.add_argument("--to", dest="recipient", help="your own test phone (E.164); needs --from")
    parser.add_argument("--junit", type=Path, help="also write the report as JUnit XML there")
    parser.add_argument(
        "--no-prism",
        action="store_true",
        help="without Prism's validating proxy in the path (else npx runs it, and downloads it "
        "on first use, unless run in the toolkit's repository after `npm ci`)",
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

    out = Output(token)
    spec = args.spec or contract.SPEC
    base_url = _server_url(args.base_url, contract.path_prefixes(spec), out)
    return check_server(
        Options(
            base_url=base_url,
            spec=spec,
            sender=args.sender,
            recipient=args.recipient,
            junit=args.junit,
            prism=not args.no_prism,
            timeout=args.timeout,
            ca_file=args.ca_file,
        ),
        token,
        out,
    )


def _server_url(base_url: str, prefixes: Sequence[str], out: Output) -> str:
    """`base_url` without a trailing slash, and without the API's path if it ends with it (the
    mock's banner printed it so): the contract's paths already start with it."""
    stripped = base_url.rstrip("/")
    for prefix in prefixes:
        if stripped.endswith(prefix):
            server = stripped.removesuffix(prefix)
            out(
                f"Note: --base-url ends with {prefix}/, which every path of the contract "
                f"already starts with: checking {server}"
            )
            return server
    return stripped


def _usage_problem(args: argparse.Namespace, token: str) -> str | None:
    if not token:
        return f"set {TOKEN_ENV} to the API token (it is never taken from a flag)"
    if not args.base_url.startswith(("http://", "https://")):
        return f"--base-url must start with http:// or https://, not {args.base_url!r}"
    if args.ca_file is not None and not args.ca_file.is_file():
        return f"--ca-file {str(args.ca_file)!r} is not a file"
    if args.recipient and not args.sender:
        return "--to needs --from: messages are sent from --from to --to only"
    phone_number = contract.phone_number(args.spec or contract.SPEC)
    for flag, number in (("--from", args.sender), ("--to", args.recipient)):
        if number is not None and not phone_number.fullmatch(number):
            return f"{flag} must be an E.164 number (+ and 8 to 15 digits), not {number!r}"
    return None
