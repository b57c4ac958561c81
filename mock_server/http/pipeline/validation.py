"""Request validators that name every bad field.

Connexion's stock validators stop at the first error, put a dump of the schema in `detail`, build
a new pure-Python jsonschema validator for every request, read the Content-Type by splitting
strings, and let exceptions of the validators themselves escape (a 500). These subclasses keep
connexion's wiring but compile each schema once (with the compiled jsonschema-rs for the common,
valid case), collect every error as `{field, message}` quoting at most a prefix of a bad value,
leave the body to `bodies` (read once, shared with the handler), and turn any
exception a validator raises on a client's value into a 400 naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.validators import AbstractRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator, ValidationError
from starlette.datastructures import QueryParams
from starlette.types import Receive, Scope

from mock_server.http.pipeline.bodies import JSON, json_body
from mock_server.http.problems.documents import bad_request, quoted

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
    in JSON) cannot cross into Rust (UnicodeEncodeError), and deeply nested equal arrays under
    `uniqueItems` exhaust its recursion (ValueError). Pure-Python jsonschema, which
    `_all_errors` then asks, judges the first; `_all_errors` names the field of the second.
    """
    try:
        return bool(_compile(schema).fast.is_valid(instance))
    except Exception:  # any failure to judge a client's value: `_all_errors` decides
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
    not_together = error.validator == "not" and isinstance(error.validator_value, dict)
    if not_together and set(error.validator_value) == {"required"}:
        # `not: {required: [a, b]}`: fields that do not go together; the last one is named.
        *others, named = error.validator_value["required"]
        return [(_path(prefix, [*base, named]), f"cannot be given with {', '.join(others)}")]
    message = error.message
    if not isinstance(error.instance, bool | int | float | type(None)):
        # jsonschema repeats the whole value (`'aaa…' is too long`): quote a prefix of it.
        message = message.replace(repr(error.instance), quoted(error.instance), 1)
    if error.validator == "pattern":
        # jsonschema quotes the pattern with repr, doubling each backslash: quote it as written.
        message = message.replace(repr(error.validator_value), f"'{error.validator_value}'", 1)
    return [(_path(prefix, base), message)]


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
    try:
        explain = _compile(schema).explain
        errors = sorted(explain.iter_errors(instance), key=lambda e: list(map(str, e.path)))
        return [found for error in errors for found in _field_errors(error, prefix)]
    except Exception as exc:  # on a client's value, a validator's failure is that value's fault
        return _unjudged(schema, instance, prefix, exc)


def _unjudged(
    schema: dict[str, Any], instance: Any, prefix: str, exc: Exception
) -> list[tuple[str, str]]:
    """The fields whose check raised `exc` (RecursionError, jsonschema-rs's "Recursion limit
    reached", ...), found by checking each property of an object alone; else the value itself."""
    message = f"cannot be checked ({type(exc).__name__}): nested too deeply or too large"
    properties = schema.get("properties", {})
    if isinstance(instance, dict) and properties:
        found = [
            error
            for name, value in instance.items()
            if name in properties
            for error in _all_errors(properties[name], value, _path(prefix, [name]))
            if error[1].startswith("cannot be checked (")
        ]
        if found:
            return found
    return [(_path(prefix, []), message)]


class JsonBodyValidator(AbstractRequestBodyValidator):  # type: ignore[misc]
    """JSON bodies, as `bodies.json_body` reads them once: refused (415, 400) there, or checked
    here against the schema with every error listed per field. Connexion's own reading of the
    body (its Content-Length test, its decoding) is not used."""

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        body, receive = await json_body(scope, receive)
        if body is None:
            if self._required:
                raise bad_request([("body", "is required")])
            return receive, scope
        errors = _all_errors(self._schema, body)
        if errors:
            raise bad_request(errors)
        return receive, scope


#: An integer as a query or path parameter: ASCII digits, an optional minus. Python's int() also
#: reads Arabic-Indic and fullwidth digits, `1_0` and surrounding spaces, which are not integers
#: in a URL. The one rule: the fast path reads integers by it too.
ASCII_INTEGER = re.compile(r"-?[0-9]+\Z")


class FieldParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Query and path parameters: every bad or unknown parameter is named, not just the first; a
    parameter given twice and an integer not written in ASCII digits are bad too."""

    def validate_request(self, request: ConnexionRequest) -> None:
        errors: list[tuple[str, str]] = []
        if self.strict_validation:
            unknown = self.validate_query_parameter_list(
                request, security_params=self.security_query_params
            )
            errors += [(name, "is not a parameter of this operation") for name in sorted(unknown)]
        raw = {
            "query": QueryParams(request.scope.get("query_string", b"")),
            "path": request.scope.get("path_params", {}),
        }
        sources = {
            "query": request.query_params,
            "path": request.path_params,
            "header": request.headers,
        }
        for location, values in sources.items():
            for param in self.parameters.get(location, []):
                spelled = _spelling_errors(param, raw.get(location))
                errors += spelled or self._check(param, values.get(param["name"]))
        if errors:
            raise bad_request(errors)

    @staticmethod
    def _check(param: dict[str, Any], value: Any) -> Sequence[tuple[str, str]]:
        name = param["name"]
        if value is None:
            return [(name, "is required")] if param.get("required") else []
        return _all_errors(param["schema"], value, prefix=name)


def _spelling_errors(param: dict[str, Any], raw: Any) -> list[tuple[str, str]]:
    """What is wrong with how a parameter is written, before its value is judged: given more
    than once (not an array), or an integer not in ASCII digits."""
    if raw is None:
        return []
    name, schema = param["name"], param.get("schema", {})
    values = raw.getlist(name) if isinstance(raw, QueryParams) else [raw.get(name)]
    values = [value for value in values if value is not None]
    if len(values) > 1 and schema.get("type") != "array":
        return [(name, f"is given {len(values)} times; give it once")]
    if schema.get("type") == "integer" and values and not ASCII_INTEGER.match(values[0]):
        return [(name, f"{quoted(values[0])} is not an integer (ASCII digits)")]
    return []


class _OneBodyReadingOperation(RequestValidationOperation):  # type: ignore[misc]
    """Connexion's request validation, without its own reading of the Content-Type: it split the
    header as a string (a parameter holding `/` made it crash), and judged the media type before
    the body was read. Here every operation with a body hands the headers and the body to
    `bodies.json_body`, through `JsonBodyValidator`, which decides 415, 400 or the value."""

    def extract_content_type(self, headers: Any) -> tuple[str, str]:
        return JSON, "utf-8"

    def validate_mime_type(self, mime_type: str) -> None:
        return None


class _OneBodyReadingApi(RequestValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: Any) -> RequestValidationOperation:
        return _OneBodyReadingOperation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class OneBodyReadingValidation(RequestValidationMiddleware):  # type: ignore[misc]
    """Connexion's request-validation middleware, with `_OneBodyReadingOperation`."""

    api_cls = _OneBodyReadingApi


def middlewares() -> list[Any]:
    """Connexion's middleware stack, with request validation that leaves bodies to
    `mock_server.http.pipeline.bodies`."""
    return [
        OneBodyReadingValidation if m is RequestValidationMiddleware else m
        for m in ConnexionMiddleware.default_middlewares
    ]


def validator_map() -> dict[str, Any]:
    """The `validator_map` for connexion: our body and parameter validators."""
    return {
        "parameter": FieldParameterValidator,
        "body": MediaTypeDict({JSON: JsonBodyValidator}),
    }
