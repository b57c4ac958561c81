"""Who sees a message follows the config in force, for messages stored under an earlier config
too: details, history and inbox agree after a number changes hands and the mock restarts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.testclient import TestClient

from mock_server.app import create_app
from mock_server.sms.config import Config, load_config
from mock_server.sms.store import SqliteStore
from tests.api.harness import ACME_1, ACME_2, DEV_A, bearer

BEFORE = """
clock: manual
accounts:
  - {name: dev, tokens: [dev-token], numbers: ["*"]}
  - {name: acme, tokens: [acme-token], numbers: ["+61491570156", "+61491570157"]}
  - {name: beta, tokens: [beta-token], numbers: []}
"""
# ACME_1 moves from acme to beta.
AFTER = BEFORE.replace('numbers: ["+61491570156", "+61491570157"]', 'numbers: ["+61491570157"]')
AFTER = AFTER.replace("numbers: []", 'numbers: ["+61491570156"]')


@contextmanager
def mock(config: Config, db: Path) -> Iterator[dict[str, TestClient]]:
    """A mock over the SQLite file `db`, one client per token; closed on exit (a restart)."""
    store = SqliteStore(db)
    app = create_app(config, store=store, validate_responses=True)
    try:
        with (
            app.test_client(headers=bearer("dev-token")) as dev,
            app.test_client(headers=bearer("acme-token")) as acme,
            app.test_client(headers=bearer("beta-token")) as beta,
        ):
            yield {"dev": dev, "acme": acme, "beta": beta}
    finally:
        store.close()


def _sees(client: TestClient, id_: str) -> tuple[bool, bool, bool]:
    """Whether `id_` shows in details, in history and in ACME_1's inbox (a 403 shows nothing)."""
    details = client.get(f"/api/v2/sms/{id_}").status_code == 200
    history = client.get("/api/v2/sms/history", params={"limit": 1000}).json()["messages"]
    inbox = client.get("/api/v2/sms/receive", params={"to": ACME_1, "limit": 1000})
    in_inbox = inbox.status_code == 200 and id_ in [m["id"] for m in inbox.json()["messages"]]
    return details, id_ in [entry["id"] for entry in history], in_inbox


def test_a_number_given_to_a_new_owner_moves_every_read_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sms.db"
    with mock(load_config(BEFORE), db) as clients:
        body = {"from": DEV_A, "to": ACME_1, "text": "to acme's number"}
        inbound = clients["dev"].post("/_mock/inbound", json=body).json()["id"]
        sent = clients["acme"].post(
            "/api/v2/sms/send", json={"from": ACME_1, "to": ACME_2, "text": "acme's own"}
        )
        own = sent.json()["id"]
        assert _sees(clients["acme"], inbound) == (True, True, True)
        assert _sees(clients["beta"], inbound) == (False, False, False)

    with mock(load_config(AFTER), db) as clients:
        assert _sees(clients["acme"], inbound) == (False, False, False)
        assert _sees(clients["beta"], inbound) == (True, True, True)
        # What acme sent stays acme's: the sender always sees its own messages.
        assert _sees(clients["acme"], own)[:2] == (True, True)
        assert _sees(clients["beta"], own)[:2] == (False, False)
