"""One call of the plan, made and checked: a schemathesis case of the step's operation with the
step's values, sent (through Prism's proxy when it runs), its answer checked by schemathesis's
response checks and read for Prism's `sl-violations`. Every call is kept as an `Outcome`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

import requests
import schemathesis
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.core.failures import FailureGroup

from contract_verify import violations
from contract_verify.plan import Step
from contract_verify.violations import Violation

#: Schemathesis's checks of one answer (the others generate data or send more requests).
RESPONSE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
#: How a curl command shows the token.
MASKED = "Bearer ***"
#: Prism's proxy reports what it found in the spec's terms in this response header.
PRISM_HEADER = "sl-violations"


class CallFailedError(RuntimeError):
    """The server (or Prism) could not be reached or did not answer: nothing can be judged."""


@dataclass(frozen=True)
class Outcome:
    step: Step
    status: int
    violations: tuple[Violation, ...]


@dataclass
class Caller:
    """Makes the plan's calls against `send_to` (the server, or Prism in front of it); curl
    commands name `server_url`, so that they reproduce the call without Prism."""

    spec: schemathesis.BaseSchema
    send_to: str
    server_url: str
    token: str
    outcomes: list[Outcome] = field(default_factory=list)
    messages_sent: int = 0
    #: requests' `verify`: a CA file for an https:// server, or True (the system's store).
    verify: str | bool = True

    def __post_init__(self) -> None:
        load_all_checks()
        # Each of these is a plain check function (not a check class) in schemathesis 4.
        self._checks = [cast(CheckFunction, CHECKS.get_one(name)) for name in RESPONSE_CHECKS]

    def __call__(self, step: Step) -> Any:
        operation = self.spec.find_operation_by_id(step.operation_id)  # type: ignore[attr-defined]
        case = operation.Case(
            path_parameters=step.path,
            query=step.query,
            **({"body": step.body, "media_type": "application/json"} if step.body else {}),
        )
        headers = {"Authorization": f"Bearer {self.token}"} if step.token else {}
        try:
            response = case.call(base_url=self.send_to, headers=headers, verify=self.verify)
        except requests.RequestException as exc:
            raise CallFailedError(
                f"{operation.label} ({step.purpose}): {type(exc).__name__}"
            ) from None
        curl = case.as_curl_command(
            headers={"Authorization": MASKED} if step.token else None, base_url=self.server_url
        )
        document = _json(response.content)
        found = [
            *self._schemathesis(case, response, step.operation_id, curl),
            *_prism(response.headers, step.operation_id, response.status_code, curl, document),
        ]
        if step.expect is not None and response.status_code != step.expect:
            found.append(
                violations.unexpected_status(
                    operation=step.operation_id,
                    expected=step.expect,
                    got=response.status_code,
                    why=step.expect_why,
                    curl=curl,
                    body=response.text,
                )
            )
        self.outcomes.append(Outcome(step, response.status_code, tuple(found)))
        succeeded = 200 <= response.status_code < 300
        if step.sends and succeeded:
            messages = document.get("messages") if isinstance(document, dict) else None
            self.messages_sent += len(messages) if isinstance(messages, list) else 1
        return document if succeeded else None

    def _schemathesis(
        self, case: Any, response: Any, operation_id: str, curl: str
    ) -> list[Violation]:
        try:
            case.validate_response(response, checks=self._checks)
        except FailureGroup as group:
            failures = list(group.exceptions)
        else:
            return []
        return [
            violations.from_failure(
                failure,
                operation=operation_id,
                status=response.status_code,
                curl=curl,
                body=response.text,
            )
            for failure in failures
        ]


def _prism(
    headers: Any, operation: str, status: int, curl: str, document: object
) -> list[Violation]:
    """The response entries of Prism's header (its request entries are the negative cases'
    deliberate mistakes, or nothing)."""
    raw = headers.get(PRISM_HEADER)
    value = raw[0] if isinstance(raw, list) and raw else raw
    if not isinstance(value, str):
        return []
    try:
        entries = json.loads(value)
    except ValueError:
        return []
    return [
        violations.from_prism(
            entry, operation=operation, status=status, curl=curl, document=document
        )
        for entry in entries
        if isinstance(entry, dict) and (entry.get("location") or [None])[0] == "response"
    ]


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None
