"""Message stores: `MemoryStore` (the default) and `SqliteStore` (`--db PATH`), one protocol."""

from mock_server.sms.store.base import (
    DuplicateMessageIdError,
    InboxPosition,
    MessageStore,
    NewMessage,
    StoredMessage,
    StoreUnavailableError,
    Viewer,
)
from mock_server.sms.store.memory import MemoryStore
from mock_server.sms.store.sqlite import SqliteStore

__all__ = [
    "DuplicateMessageIdError",
    "InboxPosition",
    "MemoryStore",
    "MessageStore",
    "NewMessage",
    "SqliteStore",
    "StoreUnavailableError",
    "StoredMessage",
    "Viewer",
]
