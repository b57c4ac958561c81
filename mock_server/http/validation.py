"""Request validators that name every bad field.

Connexion's stock validators stop at the first error, put a dump of the schema in `detail`, build
a new pure-Python jsonschema validator for every request, and answer 500 on a body that is not
UTF-8 (connexion issue 1860). These subclasses keep connexion's wiring but compile each schema
once (with the compiled jsonschema-rs for the common, valid case), collect every error as
`{field, message}`, and turn undecodable or malformed bodies into 400s.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.validators import JSONRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator, ValidationError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Receive, Scope

from mock_server.http.problems import bad_request

_QUOTED = re.compile(r"^'(.*?)' ")


@dataclass(frozen=True)
class _Compiled:
    """A schema compiled twice: jsonschema-rs says fast whether a value is valid (the common
    case), and only for an invalid one does pure-Python jsonschema name each error."""

    schema: dict[str, Any]  # held, so that its id() is never reused while cached
    fast: jsonschema_rs.Draft4Validator
    explain: Draft4Validator


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without the `components` connexion attaches to every body schema for `$ref`s
    (already resolved in place): they are self-referential, which jsonschema-rs cannot take."""
    return {key: value for key, value in schema.items() if key != "components"}


_compiled: dict[int, _Compiled] = {}


def _compile(schema: dict[str, Any]) -> _Compiled:
    cached = _compiled.get(id(schema))
    if cached is None:
        cached = _compiled[id(schema)] = _Compiled(
            schema,
            jsonschema_rs.Draft4Validator(_inline(schema), validate_formats=True),
            Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER),
        )
    return cached


def is_valid(schema: dict[str, Any], instance: Any) -> bool:
    """Whether `instance` passes `schema`, by the compiled validator alone (no error list).

    False also where jsonschema-rs cannot judge: a string holding a lone surrogate (`"\\ud800"`
    in JSON) cannot cross into Rust, and it raises UnicodeEncodeError. Pure-Python jsonschema,
    which `_all_errors` then asks, can.
    """
    try:
        return bool(_compile(schema).fast.is_valid(instance))
    except UnicodeEncodeError:
        return False


def _path(prefix: str, parts: Iterable[Any]) -> str:
    """`to`, 3 -> `to[3]`; nested keys joined with dots; the whole body is `body`."""
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _field_errors(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """One error, pointed at the field it is about (the missing or unexpected one, if any)."""
    base = list(error.absolute_path)
    if error.validator == "required":
        match = _QUOTED.match(error.message)
        if match:
            return [(_path(prefix, [*base, match.group(1)]), "is required")]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        return [
            (_path(prefix, [*base, name]), "is not a known field")
            for name in error.instance
            if name not in known
        ]
    if error.validator == "uniqueItems" and isinstance(error.instance, list):
        return _repeats(prefix, base, error.instance)
    return [(_path(prefix, base), error.message)]


def _repeats(prefix: str, base: list[Any], items: list[Any]) -> list[tuple[str, str]]:
    """Each repeated item by its index, so a bulk send's caller can find the duplicate."""
    first: dict[str, int] = {}
    found = []
    for index, item in enumerate(items):
        key = json.dumps(item, sort_keys=True)
        if key in first:
            found.append(
                (_path(prefix, [*base, index]), f"repeats {_path(prefix, [*base, first[key]])}")
            )
        first.setdefault(key, index)
    return found


def _all_errors(schema: dict[str, Any], instance: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Every error of `instance`, by field; none if it is valid.

    When the two validators disagree, pure-Python jsonschema (connexion's own) decides: the only
    known case is a pattern ending in `$` with a trailing newline, which Python's `re` accepts
    and the domain then refuses by name.
    """
    if is_valid(schema, instance):
        return []
    explain = _compile(schema).explain
    errors = sorted(explain.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    return [found for error in errors for found in _field_errors(error, prefix)]


class FieldJSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """JSON bodies: decode and parse failures are 400s; schema errors are listed per field."""

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        """Connexion takes a request without Content-Length for one without a body, so a chunked
        body was never read: "RequestBody is required", and no 413 however large it was. Read
        it here (through the body limit) and hand connexion the length it expects."""
        if "content-length" not in Headers(scope=scope):
            chunks: list[bytes] = []
            more_body = True
            while more_body:
                message = await receive()
                chunks.append(message.get("body", b""))
                more_body = message.get("more_body", False)
            body = b"".join(chunks)
            scope = {**scope, "headers": list(scope["headers"])}
            MutableHeaders(scope=scope)["content-length"] = str(len(body))
            receive = self._insert_messages(
                receive, messages=[{"type": "http.request", "body": body, "more_body": False}]
            )
        wrapped: tuple[Receive, Scope] = await super().wrap_receive(receive, scope=scope)
        return wrapped

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise bad_request([("body", f"is not valid {self._encoding} text: {exc}")]) from exc
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise bad_request([("body", f"is not valid JSON: {exc}")]) from exc
        except RecursionError as exc:  # arrays or objects nested deeper than the parser recurses
            raise bad_request([("body", "is nested too deeply to parse")]) from exc
        except ValueError as exc:  # an integer of more digits than Python converts (4300)
            raise bad_request([("body", f"holds a number this server cannot read: {exc}")]) from exc

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if body is None:
            raise bad_request([("body", "is required")])
        errors = _all_errors(self._schema, body)
        if errors:
            raise bad_request(errors)
        return None


class FieldParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Query and path parameters: every bad or unknown parameter is named, not just the first."""

    def validate_request(self, request: ConnexionRequest) -> None:
        errors: list[tuple[str, str]] = []
        if self.strict_validation:
            unknown = self.validate_query_parameter_list(
                request, security_params=self.security_query_params
            )
            errors += [(name, "is not a parameter of this operation") for name in sorted(unknown)]
        sources = {
            "query": request.query_params,
            "path": request.path_params,
            "header": request.headers,
        }
        for location, values in sources.items():
            for param in self.parameters.get(location, []):
                errors += self._check(param, values.get(param["name"]))
        if errors:
            raise bad_request(errors)

    @staticmethod
    def _check(param: dict[str, Any], value: Any) -> Sequence[tuple[str, str]]:
        name = param["name"]
        if value is None:
            return [(name, "is required")] if param.get("required") else []
        return _all_errors(param["schema"], value, prefix=name)


def validator_map() -> dict[str, Any]:
    """The `validator_map` for connexion: our body and parameter validators."""
    return {
        "parameter": FieldParameterValidator,
        "body": MediaTypeDict({"*/*json": FieldJSONBodyValidator}),
    }
