"""One check of a server: the server reached (or exit 2 with why), Prism's proxy started (unless
skipped), the plan run through it, the report printed (and written as JUnit when asked).
`cli.main` calls it once it knows schemathesis is installed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import requests
import schemathesis

from contract_verify import plan, prism_proxy, report
from contract_verify.calls import Caller, CallFailedError
from contract_verify.options import Options, Output


def check_server(options: Options, token: str, out: Output) -> int:
    """Check `options.base_url`; print the report; return the exit status."""
    out(f"Checking {options.base_url} against {options.spec.name}")
    if options.recipient:
        out(
            f"Sends: at most {plan.SENDS_AT_MOST} messages, from {options.sender} to "
            f"{options.recipient} only"
        )
    else:
        out("Reads only (give --from and --to to check the sending operations too)")
    unreachable = _unreachable(options.base_url, options.timeout, options.ca_file)
    if unreachable:
        # Before Prism starts: through Prism, a server that is not there looks like answers.
        out(f"Could not check {options.base_url}: {unreachable}", error=True)
        return 2
    skip = prism_proxy.unavailable_reason() if options.prism else "--no-prism"
    if skip:
        out(f"Prism: skipped ({skip})")
    else:
        out(
            f"Prism: validating proxy {prism_proxy.PRISM_VERSION}, run with npx (it downloads "
            "Prism on first use, unless run in the toolkit's repository after `npm ci`; "
            "--no-prism checks without it)"
        )
    try:
        with _through_prism(
            options.spec, options.base_url, enabled=skip is None, ca_file=options.ca_file
        ) as send_to:
            caller = _run(send_to, token, options)
    except (CallFailedError, prism_proxy.PrismFailedError) as exc:
        out(f"Could not check {options.base_url}: {exc}", error=True)
        return 2
    return _report(caller, options, out, prism=skip is None)


def _unreachable(base_url: str, timeout: float, ca_file: Path | None) -> str | None:
    """Why nothing answers HTTP at `base_url`, or None when something does (any status); an
    https:// server is verified against `ca_file` (else the system's store), as the checks are."""
    verify: str | bool = True if ca_file is None else str(ca_file)
    try:
        requests.get(base_url, timeout=timeout, allow_redirects=False, verify=verify)
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {_reason(exc)}"
    return None


def _reason(exc: BaseException) -> str:
    """The innermost cause's words (requests wraps urllib3's, which wraps the socket's)."""
    while exc.__context__ is not None or exc.__cause__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return str(exc) or type(exc).__name__


@contextmanager
def _through_prism(
    spec: Path, base_url: str, *, enabled: bool, ca_file: Path | None = None
) -> Iterator[str]:
    with (
        prism_proxy.proxy(spec, base_url, ca_file) if enabled else nullcontext(base_url)
    ) as send_to:
        yield send_to


def _run(send_to: str, token: str, options: Options) -> Caller:
    config = schemathesis.Config.from_dict(
        # Sanitization off: the token is never in a case, and curl shows `Bearer ***` instead.
        {"request-timeout": options.timeout, "output": {"sanitization": {"enabled": False}}}
    )
    spec = schemathesis.openapi.from_path(options.spec, config=config)
    caller = Caller(spec, send_to, options.base_url, token)
    if options.ca_file is not None:
        caller.verify = str(options.ca_file)
    plan.run(caller, options.sender, options.recipient)
    return caller


def _report(caller: Caller, options: Options, out: Output, *, prism: bool) -> int:
    documented = report.documented_statuses(caller.spec.raw_schema)
    rows = report.rows(documented, caller.outcomes)
    out("")
    for line in report.table(rows):
        out(line)
    for outcome in caller.outcomes:
        if outcome.step.expect is None and outcome.status >= 400:
            out(
                f"Note: {outcome.step.purpose} answered {outcome.status}: the steps that needed "
                "its answer were skipped (is the token right, does the account own --from?)"
            )
    found = [v for outcome in caller.outcomes for v in outcome.violations]
    # Each finding once, with its first call's value and curl, and how many calls showed it.
    distinct = [v for i, v in enumerate(found) if not any(v.same_as(u) for u in found[:i])]
    if distinct:
        out(f"\nViolations ({len(distinct)}, in {len(found)} findings over all calls):")
        for violation in distinct:
            out("")
            for line in violation.lines():
                out("  " + line)
            seen = sum(violation.same_as(other) for other in found)
            if seen > 1:
                out(f"    (seen in {seen} calls)")
    out("")
    if options.recipient:
        out(f"Messages sent: {caller.messages_sent} (from {options.sender} to {options.recipient})")
    else:
        out("Messages sent: 0 (read only)")
    properties = {
        "base_url": options.base_url,
        "spec": options.spec.name,
        "messages_sent": str(caller.messages_sent),
        "prism": "on" if prism else "skipped",
    }
    if options.junit is not None:
        report.junit(
            rows, options.junit, name="aatrox-sms-verify", properties=properties, mask=out.mask
        )
        out(f"JUnit XML: {options.junit}")
    if distinct:
        out(f"NOT CONFORMANT: {len(distinct)} violations")
        return 1
    out("Conformant: every answer matched the contract")
    return 0
