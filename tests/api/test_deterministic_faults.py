"""`PUT /_mock/faults` with `fail_next` and `operations`: "the first send fails, the retry
succeeds" written without chance, counted in the store that workers share."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import yaml

from aatrox_sms_client.api.messages import list_message_history
from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import HistoryPage, Message, Problem, SendRequest
from mock_server.contract import CONTROL_SPEC, load_contract
from mock_server.http.pipeline.faults import Faults, FaultSwitch
from mock_server.sms.store import MemoryStore, SqliteStore
from tests.api.harness import ACME_1, DEV_A, Mock, expect, fields, running

BODY = SendRequest(from_=ACME_1, to=DEV_A, text="Your code is 123456")


def _send_status(mock: Mock) -> int:
    return send_sms.sync_detailed(client=mock.dev, body=BODY).status_code


def _history_status(mock: Mock) -> int:
    return list_message_history.sync_detailed(client=mock.dev).status_code


def test_fail_next_fails_the_next_matching_call_only_then_turns_itself_off(mock: Mock) -> None:
    answer = mock.http.put("/_mock/faults", json={"fail_next": 1, "operations": ["sendSms"]})
    assert answer.json() == {"latency_ms": 0, "fail_next": 1, "operations": ["sendSms"]}
    # Another operation neither fails nor counts.
    expect(list_message_history.sync_detailed(client=mock.dev), HistoryPage, 200)
    failed = expect(send_sms.sync_detailed(client=mock.dev, body=BODY), Problem, 500)
    assert "fault" in (failed.detail or "")
    assert mock.stored() == []
    retried = expect(send_sms.sync_detailed(client=mock.dev, body=BODY), Message, 200)
    assert [m["id"] for m in mock.stored()] == [retried.id]
    assert [_send_status(mock) for _ in range(3)] == [200, 200, 200]


def test_fail_next_without_operations_counts_every_public_call(mock: Mock) -> None:
    mock.http.put("/_mock/faults", json={"fail_next": 2})
    assert [_history_status(mock), _send_status(mock), _send_status(mock)] == [500, 500, 200]
    assert mock.http.get("/_mock/health").status_code == 200  # the control API never counts


def test_operations_narrow_a_random_fault_to_those_calls(mock: Mock) -> None:
    mock.http.put("/_mock/faults", json={"error_rate": 1, "operations": ["listMessageHistory"]})
    assert [_history_status(mock), _send_status(mock), _history_status(mock)] == [500, 200, 500]


def test_the_failing_calls_wait_latency_ms_and_the_others_do_not(mock: Mock) -> None:
    mock.http.put(
        "/_mock/faults", json={"fail_next": 1, "latency_ms": 300, "operations": ["sendSms"]}
    )
    started = time.perf_counter()
    assert _history_status(mock) == 200
    assert time.perf_counter() - started < 0.3
    started = time.perf_counter()
    assert _send_status(mock) == 500
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    assert _send_status(mock) == 200
    assert time.perf_counter() - started < 0.3


@pytest.mark.parametrize(
    ("faults", "field"),
    [
        ({"fail_next": 1, "error_rate": 0.5}, "error_rate"),
        ({"fail_next": 1, "error_rate": 0}, "error_rate"),
        ({"fail_next": None, "error_rate": 0}, "error_rate"),
        ({"operations": ["sendSMS"]}, "operations[0]"),
        ({"operations": ["sendSms", "nope"]}, "operations[1]"),
        ({"operations": []}, "operations"),
        ({"operations": ["sendSms", "sendSms"]}, "operations[1]"),
        ({"fail_next": 0}, "fail_next"),
        ({"fail_next": 1.5}, "fail_next"),
        ({"operations": "sendSms"}, "operations"),
    ],
)
def test_a_combination_the_control_api_refuses_is_a_400_naming_the_field(
    mock: Mock, faults: dict[str, object], field: str
) -> None:
    answer = mock.http.put("/_mock/faults", json=faults)
    assert answer.status_code == 400, answer.text
    assert field in [error["field"] for error in answer.json()["errors"]], answer.text
    assert _send_status(mock) == 200  # nothing was set


def test_workers_sharing_a_store_share_the_count(tmp_path: Path) -> None:
    # Two apps over one SQLite file, as two worker processes of `--workers 2 --db` are.
    first, second = SqliteStore(tmp_path / "db"), SqliteStore(tmp_path / "db")
    try:
        with running(store=first) as one, running(store=second) as other:
            one.http.put("/_mock/faults", json={"fail_next": 2, "operations": ["sendSms"]})
            assert [_send_status(other), _send_status(one), _send_status(other)] == [500, 500, 200]
            assert _send_status(one) == 200
    finally:
        first.close()
        second.close()


def test_concurrent_calls_take_exactly_fail_next_failures() -> None:
    switch = FaultSwitch(MemoryStore(), load_contract().fault_bounds)
    switch.set(Faults(fail_next=10))
    taken: list[bool] = []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        for _ in range(10):
            taken.append(switch.take_one())

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 10
    assert switch.current() == Faults()  # off after the last one


def test_the_journal_names_the_operation_of_each_call(mock: Mock) -> None:
    mock.send()
    mock.http.get("/api/v2/sms/receive", params={"to": DEV_A})
    mock.http.get("/api/v2/sms/no_such_id_000000000000000")
    mock.http.get("/api/v2/sms/history")
    mock.http.get("/api/v2/nothing-here")
    entries = mock.http.get("/_mock/requests").json()["requests"]
    assert [e["operation_id"] for e in reversed(entries)] == [
        "sendSms",
        "listReceivedMessages",
        "getMessage",
        "listMessageHistory",
        None,
    ]


def test_a_call_is_named_as_the_router_would_route_it() -> None:
    operation_of = load_contract().routes.operation_id
    assert operation_of("GET", "/api/v2/sms/history/") == "listMessageHistory"  # slash trimmed
    assert operation_of("HEAD", "/api/v2/sms/msg_1") == "getMessage"
    assert operation_of("GET", "/api/v2/sms/send") is None  # concrete path, no GET: a 405
    assert operation_of("POST", "/api/v2/sms/a/b") is None


def test_faults_that_cannot_be_are_refused_by_the_settings_themselves() -> None:
    # The schema refuses them first; a bad value from elsewhere (the store) still cannot pass.
    for bad in ({"fail_next": 0}, {"fail_next": 1, "error_rate": 0.5}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Faults(**bad)
    switch = FaultSwitch(MemoryStore(), load_contract().fault_bounds)
    for out_of_bounds in ({"error_rate": 2.0}, {"latency_ms": -1}):
        with pytest.raises(ValueError, match=next(iter(out_of_bounds))):
            switch.set(Faults(**out_of_bounds))


def test_operations_may_name_exactly_the_public_operations() -> None:
    # control.yaml lists them (so that a schema-valid body is never refused): the same set.
    public = {
        operation["operationId"]
        for item in load_contract().public["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    control = yaml.safe_load(CONTROL_SPEC.read_text(encoding="utf-8"))
    faults = control["components"]["schemas"]["Faults"]["properties"]
    assert set(faults["operations"]["items"]["enum"]) == public


def test_a_refused_fault_names_each_field(mock: Mock) -> None:
    answer = mock.http.put(
        "/_mock/faults", json={"fail_next": 1, "error_rate": 1, "operations": ["x"]}
    )
    assert answer.status_code == 400
    assert fields(Problem.from_dict(answer.json())) == ["error_rate", "operations[0]"]
