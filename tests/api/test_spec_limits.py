"""The mock's limits come from the contract: served from edited copies of openapi.yaml and
control.yaml, the mock follows the copies (text, bulk, page and cursor sizes, and the disclaimer
rule built on them; the body size limit, the page size default; a fault bound and the journal
size)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mock_server.app import PUBLIC_SPEC, create_app
from mock_server.contract import CONTROL_SPEC
from mock_server.sms.config import DEFAULT_CONFIG_YAML, ConfigError, load_config
from tests.api.harness import ACME_1, ACME_DISCLAIMER, ACME_TOKEN, DEV_A, MANUAL_CONFIG, bearer

TEXT, BULK, PAGE, CURSOR = 60, 3, 5, 100
BODY, PAGE_DEFAULT, LATENCY, JOURNAL = 400, 4, 100, 3


@pytest.fixture(scope="module")
def edited_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: dict[str, Any] = yaml.safe_load(PUBLIC_SPEC.read_text(encoding="utf-8"))
    schemas, parameters = spec["components"]["schemas"], spec["components"]["parameters"]
    schemas["MessageText"]["maxLength"] = TEXT
    schemas["BulkSendRequest"]["properties"]["to"]["maxItems"] = BULK
    parameters["Limit"]["schema"]["maximum"] = PAGE
    parameters["Limit"]["schema"]["default"] = parameters["Limit"]["example"] = PAGE_DEFAULT
    parameters["Cursor"]["schema"]["maxLength"] = CURSOR
    spec["x-max-body-bytes"] = BODY
    path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def edited_control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: dict[str, Any] = yaml.safe_load(CONTROL_SPEC.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["Faults"]["properties"]["latency_ms"]["maximum"] = LATENCY
    listing = spec["paths"]["/requests"]["get"]["responses"]["200"]["content"]
    listing["application/json"]["schema"]["properties"]["size"]["default"] = JOURNAL
    path = tmp_path_factory.mktemp("control") / "control.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "connexion"])
def acme(
    edited_spec: Path, edited_control: Path, request: pytest.FixtureRequest
) -> Iterator[TestClient]:
    app = create_app(
        MANUAL_CONFIG,
        validate_responses=True,
        fast_path=request.param,
        public_spec=edited_spec,
        control_spec=edited_control,
    )
    with app.test_client(headers=bearer(ACME_TOKEN)) as client:
        yield client


SEND = "/api/v2/sms/send"


def _send(acme: TestClient, text: str, path: str = SEND) -> Any:
    return acme.post(path, json={"from": ACME_1, "to": DEV_A, "text": text})


def test_the_text_limit_is_the_copys(acme: TestClient) -> None:
    assert _send(acme, "a" * TEXT).status_code == 200
    refused = _send(acme, "a" * (TEXT + 1))
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["text"]


def test_the_disclaimer_counts_toward_the_copys_text_limit(acme: TestClient) -> None:
    room = TEXT - 1 - len(ACME_DISCLAIMER)
    sent = _send(acme, "a" * room, "/api/v2/sms/send/disclaimer")
    assert sent.status_code == 200
    assert len(sent.json()["text"]) == TEXT
    refused = _send(acme, "a" * (room + 1), "/api/v2/sms/send/disclaimer")
    assert refused.status_code == 400
    assert f"at most {TEXT}" in refused.json()["errors"][0]["message"]


def test_the_bulk_limit_is_the_copys(acme: TestClient) -> None:
    numbers = [f"+6149157100{n}" for n in range(BULK + 1)]
    body = {"from": ACME_1, "text": "hi"}
    assert (
        acme.post("/api/v2/sms/send/bulk", json={**body, "to": numbers[:BULK]}).status_code == 200
    )
    assert acme.post("/api/v2/sms/send/bulk", json={**body, "to": numbers}).status_code == 400


def test_the_page_limit_is_the_copys(acme: TestClient) -> None:
    assert acme.get("/api/v2/sms/history", params={"limit": PAGE}).status_code == 200
    assert acme.get("/api/v2/sms/history", params={"limit": PAGE + 1}).status_code == 400


def test_the_cursor_limit_is_the_copys(acme: TestClient) -> None:
    answer = acme.get("/api/v2/sms/history", params={"cursor": "A" * (CURSOR + 1)})
    assert answer.status_code == 400
    assert [error["field"] for error in answer.json()["errors"]] == ["cursor"]


def test_a_disclaimer_that_leaves_no_room_under_the_copys_limit_stops_the_mock(
    edited_spec: Path,
) -> None:
    long = "x" * (TEXT - 1)
    config = load_config(DEFAULT_CONFIG_YAML.replace("Reply STOP to opt out.", long, 1))
    assert create_app(config) is not None  # fits the real contract's limit
    with pytest.raises(ConfigError, match=f"disclaimers.default: must be at most {TEXT - 2}"):
        create_app(config, public_spec=edited_spec)


def test_the_body_limit_is_the_copys(acme: TestClient) -> None:
    """`x-max-body-bytes`: a body padded with JSON whitespace to the limit is read, one byte
    more is a 413 naming the limit."""
    body = json.dumps({"from": ACME_1, "to": DEV_A, "text": "hi"}).encode()
    at_limit = body + b" " * (BODY - len(body))
    json_type = {"content-type": "application/json"}
    assert acme.post(SEND, content=at_limit, headers=json_type).status_code == 200
    refused = acme.post(SEND, content=at_limit + b" ", headers=json_type)
    assert refused.status_code == 413
    assert f"larger than {BODY} bytes" in refused.json()["detail"]


def test_the_page_size_default_is_the_copys(acme: TestClient) -> None:
    for _ in range(PAGE_DEFAULT + 1):
        assert _send(acme, "page").status_code == 200
    page = acme.get("/api/v2/sms/history").json()
    assert len(page["messages"]) == PAGE_DEFAULT
    assert page["next_cursor"] is not None


def test_a_fault_bound_is_the_control_copys(acme: TestClient) -> None:
    assert acme.put("/_mock/faults", json={"latency_ms": LATENCY + 1}).status_code == 400
    assert acme.put("/_mock/faults", json={"latency_ms": LATENCY}).status_code == 200
    assert acme.delete("/_mock/faults").status_code == 200


def test_the_journal_size_default_is_the_control_copys(acme: TestClient) -> None:
    for _ in range(JOURNAL + 1):
        acme.get("/api/v2/sms/history")
    listing = acme.get("/_mock/requests").json()
    assert listing["size"] == JOURNAL
    assert len(listing["requests"]) == JOURNAL


def test_a_copy_with_another_phone_pattern_is_refused_not_half_followed(
    tmp_path: Path,
) -> None:
    spec: dict[str, Any] = yaml.safe_load(PUBLIC_SPEC.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["PhoneNumber"]["pattern"] = "^\\+[0-9]{4,20}$"
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match="PhoneNumber pattern"):
        create_app(MANUAL_CONFIG, public_spec=path)
