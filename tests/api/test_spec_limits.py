"""The mock's limits come from the contract: served from an edited copy of openapi.yaml, the mock
follows the copy (text, bulk, page and cursor sizes, and the disclaimer rule built on them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mock_server.app import PUBLIC_SPEC, create_app
from mock_server.sms.config import DEFAULT_CONFIG_YAML, ConfigError, load_config
from tests.api.harness import ACME_1, ACME_DISCLAIMER, ACME_TOKEN, DEV_A, MANUAL_CONFIG, bearer

TEXT, BULK, PAGE, CURSOR = 60, 3, 5, 100


@pytest.fixture(scope="module")
def edited_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: dict[str, Any] = yaml.safe_load(PUBLIC_SPEC.read_text(encoding="utf-8"))
    schemas, parameters = spec["components"]["schemas"], spec["components"]["parameters"]
    schemas["MessageText"]["maxLength"] = TEXT
    schemas["BulkSendRequest"]["properties"]["to"]["maxItems"] = BULK
    parameters["Limit"]["schema"]["maximum"] = PAGE
    parameters["Limit"]["schema"]["default"] = parameters["Limit"]["example"] = PAGE
    parameters["Cursor"]["schema"]["maxLength"] = CURSOR
    path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=[True, False], ids=["fast-path", "connexion"])
def acme(edited_spec: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    app = create_app(
        MANUAL_CONFIG, validate_responses=True, fast_path=request.param, public_spec=edited_spec
    )
    with app.test_client(headers=bearer(ACME_TOKEN)) as client:
        yield client


def _send(acme: TestClient, text: str, path: str = "/api/v2/sms/send") -> Any:
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
