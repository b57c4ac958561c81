"""The control API: faults, reset, health; and the pages the mock serves besides the API."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

from aatrox_sms_client.api.messages import get_message, list_message_history
from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import HistoryPage, Message, Problem, SendRequest
from mock_server.app import api_version
from mock_server.sms.config import default_config, load_config
from tests.api.harness import ACME_1, DEV_A, PROBLEM_JSON, Mock, expect, running


def test_error_rate_1_fails_every_public_call_but_not_the_control_api(mock: Mock) -> None:
    answer = mock.http.put("/_mock/faults", json={"error_rate": 1})
    assert answer.json() == {"error_rate": 1, "latency_ms": 0}

    body = SendRequest(from_=ACME_1, to=DEV_A, text="Hi")
    problem = expect(send_sms.sync_detailed(client=mock.dev, body=body), Problem, 500)
    assert problem.status == 500
    expect(list_message_history.sync_detailed(client=mock.dev), Problem, 500)
    assert mock.http.get("/_mock/health").status_code == 200
    assert mock.stored() == []
    injected = mock.inbound(DEV_A, ACME_1)  # the control API still works

    assert mock.http.delete("/_mock/faults").json() == {"error_rate": 0, "latency_ms": 0}
    expect(send_sms.sync_detailed(client=mock.dev, body=body), Message, 200)
    expect(get_message.sync_detailed(injected.id, client=mock.dev), Message, 200)


def test_error_rate_0_5_fails_some_calls(mock: Mock) -> None:
    mock.http.put("/_mock/faults", json={"error_rate": 0.5})
    statuses = {list_message_history.sync_detailed(client=mock.dev).status_code for _ in range(60)}
    assert statuses == {200, 500}  # chance of a false failure: 2 * 0.5**60


def test_latency_slows_public_calls(mock: Mock) -> None:
    mock.http.put("/_mock/faults", json={"latency_ms": 200})
    started = time.perf_counter()
    expect(list_message_history.sync_detailed(client=mock.dev), HistoryPage, 200)
    assert time.perf_counter() - started >= 0.2


def test_bad_faults_are_a_400(mock: Mock) -> None:
    for faults in ({"error_rate": 1.5}, {"latency_ms": -1}, {"error_rate": "all"}, {"x": 1}):
        answer = mock.http.put("/_mock/faults", json=faults)
        assert answer.status_code == 400, faults
    assert mock.http.delete("/_mock/faults").json() == {"error_rate": 0, "latency_ms": 0}


def test_reset_forgets_every_message_and_puts_the_clock_back(any_store_mock: Mock) -> None:
    mock = any_store_mock
    sent = mock.send(ACME_1, DEV_A)
    mock.inbound(DEV_A, ACME_1)
    mock.advance(86_400)

    assert mock.http.post("/_mock/reset").status_code == 204
    assert mock.stored() == []
    expect(get_message.sync_detailed(sent.id, client=mock.dev), Problem, 404)
    history = expect(list_message_history.sync_detailed(client=mock.dev), HistoryPage, 200)
    assert history.messages == []
    fresh = mock.send(ACME_1, DEV_A)
    assert abs(fresh.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_control_api_lists_every_account_s_messages_with_filters(mock: Mock) -> None:
    one = mock.send(ACME_1, DEV_A, client=mock.acme)
    two = mock.send(DEV_A, ACME_1)
    three = mock.inbound(DEV_A, ACME_1)
    assert [m["id"] for m in mock.stored()] == [one.id, two.id, three.id]
    assert [m["id"] for m in mock.stored(to=ACME_1)] == [two.id, three.id]
    assert [m["id"] for m in mock.stored(**{"from": DEV_A})] == [two.id, three.id]


def test_health_answers_ok_and_the_toolkits_version_not_the_apis(mock: Mock) -> None:
    answer = mock.http.get("/_mock/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "version": version("aatrox-sms-toolkit")}
    assert answer.json()["version"] != api_version()


def test_a_real_clock_cannot_be_advanced_it_is_a_409_problem() -> None:
    with running(config=default_config()) as real:
        answer = real.http.post("/_mock/clock/advance", json={"seconds": 1})
    assert answer.status_code == 409
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert "clock: manual" in answer.json()["detail"]


def test_the_swagger_ui_and_the_spec_are_served(mock: Mock) -> None:
    ui = mock.http.get("/ui/")
    assert ui.status_code == 200
    assert ui.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in ui.text.lower()

    spec = mock.http.get("/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    assert document["openapi"] == "3.0.3"
    assert document["info"]["version"] == api_version()
    assert "/api/v2/sms/send" in document["paths"]


def test_the_clock_stops_short_of_the_end_of_dates_and_every_listing_still_reads() -> None:
    # A manual clock may not pass the year 9998: a message's status instants (up to a year after
    # its creation) must still be dates, in every listing. Advancing beyond is a 400.
    late = load_config("clock: manual\nclock_start: '9997-12-31T00:00:00Z'\n")
    with running(config=late) as mock:
        mock.send(ACME_1, DEV_A)
        listed = mock.http.get("/_mock/messages")
        assert listed.status_code == 200
        assert listed.json()["messages"][0]["status_history"][0]["status"] == "queued"
        refused = mock.http.post("/_mock/clock/advance", json={"seconds": 2 * 24 * 3600})
        assert refused.status_code == 400
        assert [e["field"] for e in refused.json()["errors"]] == ["seconds"]
