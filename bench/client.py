"""The few calls the benchmark makes itself (not under load): seeding, and timed bulk sends."""

from __future__ import annotations

import ssl
import time
from pathlib import Path

import httpx

from bench.settings import FROM, TO, TOKEN, BenchError

HEADERS = {"Authorization": f"Bearer {TOKEN}"}
#: 1,000 distinct recipients for the bulk sends, none of them configured to fail.
BULK_RECIPIENTS = tuple(f"+614930{k:05d}" for k in range(1_000))


def seed(base_url: str, count: int, ids_file: Path, ca_file: Path | None = None) -> list[str]:
    """Send `count` messages FROM -> TO and write their ids to `ids_file`, one a line.

    Prism answers its example for every send, so its file holds one id many times: it answers
    any id anyway.
    """
    ids: list[str] = []
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca_file) if ca_file else True
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=30, verify=verify) as client:
        for index in range(count):
            body = {"from": FROM, "to": TO, "text": f"Seed message {index}."}
            answer = client.post("/api/v2/sms/send", json=body)
            if answer.status_code != 200:
                raise BenchError(f"seeding {base_url}: {answer.status_code} {answer.text[:300]}")
            ids.append(answer.json()["id"])
    ids_file.write_text("\n".join(ids) + "\n")
    return ids


def time_bulk_sends(base_url: str, count: int) -> list[float]:
    """Seconds each of `count` 1,000-recipient bulk sends took, one after the other."""
    body = {"from": FROM, "to": list(BULK_RECIPIENTS), "text": "A bulk message to 1,000 numbers."}
    seconds: list[float] = []
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=120) as client:
        for _ in range(count):
            started = time.perf_counter()
            answer = client.post("/api/v2/sms/send/bulk", json=body)
            seconds.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise BenchError(f"bulk send: {answer.status_code} {answer.text[:300]}")
            if len(answer.json()["messages"]) != len(BULK_RECIPIENTS):
                raise BenchError("bulk send: the answer does not list 1,000 messages")
    return seconds
