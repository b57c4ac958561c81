"""The control API's calls for the inbox page: the request journal and the event stream.

Beside `handlers.ControlApi`, not inside it, because they need what only the HTTP layer has (the
journal of calls, the cues of the event stream); the app factory's resolver asks both.
"""

from __future__ import annotations

from starlette.responses import Response, StreamingResponse

from mock_server.http import events
from mock_server.http.events import Changes
from mock_server.http.handlers import ok
from mock_server.http.journal import RequestJournal
from mock_server.sms.service import SmsService


class InboxApi:
    def __init__(self, service: SmsService, journal: RequestJournal, changes: Changes) -> None:
        self.service = service
        self.journal = journal
        self.changes = changes

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

    def _next_change(self) -> float | None:
        """Seconds until the next status transition of any message, with a real clock."""
        if self.service.config.clock != "real":
            return None  # a manual clock moves only through a call, which cues the stream
        now = self.service.now()
        upcoming = [t.next_change for t in self.service.timelines() if t.next_change is not None]
        return events.seconds_until(min(upcoming, default=None), now)
