"""The one observer of answered calls: it records a public call in the request journal and cues
the inbox page's event stream (`events`).

Whichever path answered calls it once per call: the fast path for the calls it answers, and
`journal.ObservingMiddleware` (outside connexion's exception middleware, so it sees rendered
problems and injected faults too) for every other. Neither writes a journal entry or a cue
itself.
"""

from __future__ import annotations

from collections.abc import Callable

from mock_server.http.routes import SAFE_METHODS
from mock_server.inbox.events import MESSAGES, REQUESTS, Changes
from mock_server.inbox.journal import Entry, RequestJournal


class CallObserver:
    """`journal` keeps the public calls (those `is_public` names); `changes` cues the streams."""

    def __init__(
        self, journal: RequestJournal, changes: Changes, is_public: Callable[[str], bool]
    ) -> None:
        self.journal = journal
        self.changes = changes
        self.is_public = is_public

    def records(self, path: str) -> bool:
        """Whether a call of `path` goes in the journal (so its status and problem matter)."""
        return self.journal.size > 0 and self.is_public(path)

    def answered(
        self, method: str, path: str, status: int, account: str | None, problem: Entry | None
    ) -> None:
        if self.records(path):
            self.journal.record_call(method, path, status, account, problem)
            self.changes.notify(REQUESTS)
        if method not in SAFE_METHODS:
            self.changes.notify(MESSAGES)  # it may have changed the messages, clock or faults
