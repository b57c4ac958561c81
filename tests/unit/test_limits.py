"""The contract's sizes: read from the spec into a plain `Limits`, never written in Python."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from mock_server.contract import PUBLIC_SPEC, limits_from_spec
from mock_server.sms.limits import Limits


def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(PUBLIC_SPEC.read_text(encoding="utf-8"))
    return spec


def _resolved(spec: dict[str, Any]) -> dict[str, Any]:
    """The two `$ref`s the limits go through, resolved as connexion's Specification does."""
    schemas = spec["components"]["schemas"]
    schemas["SendRequest"]["properties"]["text"] = schemas["MessageText"]
    return spec


def test_each_limit_is_where_the_contract_writes_it() -> None:
    spec = _resolved(_spec())
    spec["components"]["schemas"]["MessageText"]["maxLength"] = 11
    spec["components"]["schemas"]["BulkSendRequest"]["properties"]["to"]["maxItems"] = 22
    spec["components"]["parameters"]["Limit"]["schema"]["maximum"] = 33
    spec["components"]["parameters"]["Cursor"]["schema"]["maxLength"] = 44
    assert limits_from_spec(spec) == Limits(11, 22, 33, 44)


def test_a_spec_without_a_limit_says_which() -> None:
    spec = _resolved(_spec())
    del spec["components"]["parameters"]["Cursor"]["schema"]["maxLength"]
    with pytest.raises(ValueError, match=r"Cursor\.schema\.maxLength"):
        limits_from_spec(spec)


def test_a_limit_that_is_not_an_integer_is_refused() -> None:
    spec = _resolved(_spec())
    spec["components"]["parameters"]["Limit"]["schema"]["maximum"] = 10.5
    with pytest.raises(ValueError, match="must be an integer"):
        limits_from_spec(spec)


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="page_size must be at least 1"):
        Limits(text_length=10, bulk_recipients=1, page_size=0, cursor_length=1)


def test_a_disclaimer_leaves_room_for_a_newline_and_a_character() -> None:
    assert Limits(100, 1, 1, 1).disclaimer_length == 98
