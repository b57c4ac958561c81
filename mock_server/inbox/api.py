"""The control API's calls for the inbox page: conversations, the request journal, the events.

Beside `handlers.ControlApi`, not inside it, because they need what only the HTTP layer has (the
journal of calls, the cues of the event stream); the app factory's resolver asks both.
"""

from __future__ import annotations

from starlette.responses import Response, StreamingResponse

from mock_server.http.handlers import ok, timeline_json
from mock_server.http.pipeline.store_calls import StoreCalls
from mock_server.inbox import events
from mock_server.inbox.events import Changes
from mock_server.inbox.journal import RequestJournal
from mock_server.sms.control import ControlService
from mock_server.sms.store import StoreUnavailableError


class InboxApi:
    def __init__(
        self,
        control: ControlService,
        journal: RequestJournal,
        changes: Changes,
        calls: StoreCalls | None = None,
    ) -> None:
        self.control = control
        self.journal = journal
        self.changes = changes
        # The stream's store reads, off the event loop for a store that may wait.
        self.calls = calls or StoreCalls(blocks=False)

    def list_conversations(
        self,
        changed_after: int | None = None,
        account: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Response:
        page = self.control.listings.conversations(
            limit=limit, cursor=cursor, changed_after=changed_after, account=account
        )
        conversations = [
            {
                "numbers": list(c.numbers),
                "phone": c.phone,
                "app": c.app,
                "newest_seq": c.newest_seq,
                "newest": timeline_json(c.newest),
            }
            for c in page.items
        ]
        return ok(
            {"conversations": conversations, "next_cursor": page.next_cursor, "epoch": page.epoch}
        )

    def list_requests(self, status: int | None = None, path: str | None = None) -> Response:
        entries = self.journal.entries(status=status, path=path)
        return ok({"requests": entries, "size": self.journal.size})

    def clear_requests(self) -> tuple[None, int]:
        self.journal.clear()
        self.changes.notify(events.REQUESTS)
        return None, 204

    async def stream_events(self) -> StreamingResponse:
        return StreamingResponse(
            events.stream(self.changes, self._next_change),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _next_change(self) -> float | None:
        """Seconds until the next status transition of any message, with a real clock; None
        when the store fails (the stream goes on with the cues alone)."""
        try:
            return await self.calls(self._seconds_to_next_change)
        except StoreUnavailableError:
            return None

    def _seconds_to_next_change(self) -> float | None:
        # A manual clock moves only through a call, which cues the stream itself.
        return events.seconds_until(self.control.next_status_change(), self.control.now())
