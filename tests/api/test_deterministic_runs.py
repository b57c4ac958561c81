"""`seed` and `clock_start`: two fresh mocks given the same calls give byte-identical answers
(ids, timestamps, cursors), so users can snapshot them; without a seed they differ."""

from __future__ import annotations

from typing import Any

from mock_server.app import create_app
from mock_server.sms.config import load_config

SEEDED = """\
clock: manual
seed: 42
clock_start: 2026-01-01T09:00:00Z
"""
SENDER, RECIPIENT = "+61491570156", "+61491570157"


def _session(config_text: str) -> list[bytes]:
    """One session of calls, public and control, each answer's body as bytes."""
    app = create_app(load_config(config_text))
    client = app.test_client(headers={"Authorization": "Bearer dev-token"})
    answers: list[Any] = []
    send = {"from": SENDER, "to": RECIPIENT, "text": "Your code is 123456"}
    for _ in range(3):
        answers.append(client.post("/api/v2/sms/send", json=send))
    answers.append(
        client.post("/api/v2/sms/send/bulk", json={**send, "to": ["+61491570158", RECIPIENT]})
    )
    answers.append(client.post("/_mock/clock/advance", json={"seconds": 5}))
    inbound = {"from": RECIPIENT, "to": SENDER, "text": "YES"}
    answers.append(client.post("/_mock/inbound", json=inbound))
    first = client.get("/api/v2/sms/history", params={"limit": 2})
    answers.append(first)
    cursor = first.json()["next_cursor"]
    answers.append(client.get("/api/v2/sms/history", params={"limit": 2, "cursor": cursor}))
    answers.append(client.get("/api/v2/sms/receive", params={"to": RECIPIENT, "limit": 1}))
    answers.append(client.get("/_mock/messages"))
    assert all(answer.status_code in (200, 204) for answer in answers), answers
    return [answer.content for answer in answers]


def test_the_same_seed_and_clock_start_give_byte_identical_sessions() -> None:
    first = _session(SEEDED)
    assert _session(SEEDED) == first
    assert b"2026-01-01T09:00:00" in first[0]  # the clock started where it was told
    assert b'"next_cursor":"' in first[6]  # a cursor was issued, and repeated


def test_without_a_seed_ids_differ_between_runs() -> None:
    unseeded = SEEDED.replace("seed: 42\n", "")
    assert _session(unseeded)[0] != _session(unseeded)[0]


def test_reset_brings_back_the_first_id_and_the_start_instant() -> None:
    app = create_app(load_config(SEEDED))
    client = app.test_client(headers={"Authorization": "Bearer dev-token"})
    send = {"from": SENDER, "to": RECIPIENT, "text": "hi"}
    first = client.post("/api/v2/sms/send", json=send).json()
    client.post("/_mock/clock/advance", json={"seconds": 60})
    client.post("/_mock/reset")
    again = client.post("/api/v2/sms/send", json=send).json()
    assert (again["id"], again["created_at"]) == (first["id"], first["created_at"])
