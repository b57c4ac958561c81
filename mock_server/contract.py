"""The compiled contract: openapi.yaml and control.yaml, read once, and every answer the mock's
code asks of them.

Nothing the contract states is written again in Python: the app, the fast path, the pipeline's
middleware, the handlers' defaults, the journal and the inbox all read this one object
(`load_contract(public_spec, control_spec)`, cached per pair of files). Serve an edited copy of
a spec and the mock follows the copy. Where each value is written:

- `routes`: the paths of both specs (the control API's under `CONTROL_BASE`), concrete paths
  before templated ones, the methods of each (`mock_server.http.routes`);
- `prefix`: the public API's namespace, the first segment all of openapi.yaml's paths share
  (`/api/`): the calls the journal records, the faults hit and the trailing-slash rule covers;
- `limits`: text `maxLength`, bulk `maxItems`, page `maximum`, cursor `maxLength` (for the
  domain, as a plain `Limits`); `page_default`: the `Limit` parameter's `default`;
- `max_body_bytes`: `x-max-body-bytes` at openapi.yaml's root (JSON Schema cannot bound a body's
  size in bytes, so the number is an extension, and the 413's description refers to it);
- `fault_bounds`: control.yaml's `Faults` schema (`maximum` of `error_rate` and `latency_ms`);
- `problem_bounds`: the `Problem` schema's `maxLength`s and `maxItems`;
- `journal_size`: the `default` of the `size` the journal lists (`GET /_mock/requests`);
- `phone_pattern`: the `PhoneNumber` schema's `pattern` (E.164), handed to the domain.

The domain (mock_server.sms) never sees a spec: it is handed plain values from here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from connexion.spec import Specification

from mock_server.http.problems.documents import Bounds
from mock_server.http.routes import Routes
from mock_server.sms.limits import Limits

ROOT = Path(__file__).resolve().parent
# In a checkout the contract is at the repository's root; an installed wheel has its copy inside
# the package (pyproject.toml, force-include).
PUBLIC_SPEC = next(
    (spec for spec in (ROOT / "openapi.yaml", ROOT.parent / "openapi.yaml") if spec.is_file()),
    ROOT.parent / "openapi.yaml",
)
CONTROL_SPEC = ROOT / "control.yaml"
#: Where the control API is served: control.yaml's paths are relative to it (its `servers`).
CONTROL_BASE = "/_mock"
#: How control.yaml refers to the public contract's schemas (written for the checkout's layout).
_PUBLIC_REF = "../openapi.yaml#"


def load_control_spec(public_spec: Path, control_spec: Path = CONTROL_SPEC) -> dict[str, Any]:
    """control.yaml, with its `$ref`s into the public contract aimed at `public_spec`, wherever
    that is: in a checkout the file they name, in a wheel the package's own copy."""

    def aim(node: Any) -> Any:
        if isinstance(node, list):
            return [aim(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PUBLIC_REF):
            return {**node, "$ref": public_spec.as_uri() + "#" + ref.removeprefix(_PUBLIC_REF)}
        return {key: aim(value) for key, value in node.items()}

    spec: dict[str, Any] = aim(yaml.safe_load(control_spec.read_text(encoding="utf-8")))
    return spec


def _at(spec: Mapping[str, Any], *path: str) -> Any:
    node: Any = spec
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise ValueError(f"the spec has no {'.'.join(path)}, which the mock needs")
        node = node[key]
    return node


def _number(spec: Mapping[str, Any], *path: str, kind: type = int) -> Any:
    node = _at(spec, *path)
    kinds = (int, float) if kind is float else (int,)
    if not isinstance(node, kinds) or isinstance(node, bool):
        what = "a number" if kind is float else "an integer"
        raise ValueError(f"the spec's {'.'.join(path)} must be {what}, not {node!r}")
    return node


def limits_from_spec(spec: Mapping[str, Any]) -> Limits:
    """`spec` is the public contract with its `$ref`s resolved (connexion's `Specification`)."""
    schemas = ("components", "schemas")
    parameters = ("components", "parameters")
    return Limits(
        text_length=_number(spec, *schemas, "SendRequest", "properties", "text", "maxLength"),
        bulk_recipients=_number(spec, *schemas, "BulkSendRequest", "properties", "to", "maxItems"),
        page_size=_number(spec, *parameters, "Limit", "schema", "maximum"),
        cursor_length=_number(spec, *parameters, "Cursor", "schema", "maxLength"),
    )


@dataclass(frozen=True)
class FaultBounds:
    """The most a fault may ask for (control.yaml's `Faults`); the least is 0 for both."""

    max_error_rate: float
    max_latency_ms: int

    def check(self, error_rate: float, latency_ms: int) -> None:
        if not 0 <= error_rate <= self.max_error_rate:
            raise ValueError(f"error_rate must be between 0 and {self.max_error_rate}")
        if not 0 <= latency_ms <= self.max_latency_ms:
            raise ValueError(f"latency_ms must be between 0 and {self.max_latency_ms}")


def _public_prefix(paths: Mapping[str, Any]) -> str:
    firsts = {path.split("/")[1] for path in paths}
    if len(firsts) != 1 or not all(path.startswith("/") for path in paths):
        raise ValueError(f"the public paths must share a first segment, not {sorted(firsts)}")
    return f"/{firsts.pop()}/"


@dataclass(frozen=True)
class Contract:
    """Both specs, compiled: see the module docstring for where each value comes from."""

    public_spec: Path
    #: openapi.yaml, its `$ref`s resolved (as connexion resolves them).
    public: Mapping[str, Any]
    #: control.yaml as connexion is given it (`load_control_spec`).
    control: dict[str, Any]
    routes: Routes
    prefix: str
    version: str
    limits: Limits
    page_default: int
    max_body_bytes: int
    fault_bounds: FaultBounds
    problem_bounds: Bounds
    journal_size: int
    phone_pattern: str

    def is_public(self, path: str) -> bool:
        return path.startswith(self.prefix)


@functools.cache
def load_contract(public_spec: Path = PUBLIC_SPEC, control_spec: Path = CONTROL_SPEC) -> Contract:
    """The contract of the two files, read once a process (connexion reads them itself too)."""
    public = Specification.load(public_spec)
    control = load_control_spec(public_spec, control_spec)
    faults = ("components", "schemas", "Faults", "properties")
    journal = (
        *("paths", "/requests", "get", "responses", "200", "content", "application/json"),
        *("schema", "properties", "size", "default"),
    )
    return Contract(
        public_spec=public_spec,
        public=public,
        control=control,
        routes=Routes.of({"": public["paths"], CONTROL_BASE: control["paths"]}),
        prefix=_public_prefix(public["paths"]),
        version=str(_at(public, "info", "version")),
        limits=limits_from_spec(public),
        page_default=_number(public, "components", "parameters", "Limit", "schema", "default"),
        max_body_bytes=_number(public, "x-max-body-bytes"),
        fault_bounds=FaultBounds(
            max_error_rate=_number(control, *faults, "error_rate", "maximum", kind=float),
            max_latency_ms=_number(control, *faults, "latency_ms", "maximum"),
        ),
        problem_bounds=Bounds.from_schema(_at(public, "components", "schemas", "Problem")),
        journal_size=_number(control, *journal),
        phone_pattern=str(_at(public, "components", "schemas", "PhoneNumber", "pattern")),
    )
