"""A user's paging loop, as written in an app: each page's `next_cursor` passed back as `cursor`
until it is null. No cast, and nothing imported from `aatrox_sms_client.types`: the contract's
cursor parameter is nullable, so the client takes `None` (the first page; omitted from the
query). tests/paging/test_history_loop.py runs it, and runs `mypy --strict` over this file."""

from __future__ import annotations

from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.messages import list_message_history
from aatrox_sms_client.models import HistoryEntry, HistoryPage


class HistoryError(RuntimeError):
    """The server refused a page (a Problem); its detail says why."""


def whole_history(client: AuthenticatedClient, page_size: int = 100) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    cursor: str | None = None
    while True:
        page = list_message_history.sync(client=client, limit=page_size, cursor=cursor)
        if not isinstance(page, HistoryPage):
            raise HistoryError(f"history refused: {page}")
        entries.extend(page.messages)
        cursor = page.next_cursor
        if cursor is None:
            return entries
