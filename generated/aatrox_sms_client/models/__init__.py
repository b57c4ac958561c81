"""Contains all the data models used in inputs/outputs"""

from .bulk_send_request import BulkSendRequest
from .bulk_send_response import BulkSendResponse
from .encoding import Encoding
from .field_error import FieldError
from .history_entry import HistoryEntry
from .history_entry_direction import HistoryEntryDirection
from .history_page import HistoryPage
from .message import Message
from .message_page import MessagePage
from .message_status import MessageStatus
from .problem import Problem
from .send_request import SendRequest

__all__ = (
    "BulkSendRequest",
    "BulkSendResponse",
    "Encoding",
    "FieldError",
    "HistoryEntry",
    "HistoryEntryDirection",
    "HistoryPage",
    "Message",
    "MessagePage",
    "MessageStatus",
    "Problem",
    "SendRequest",
)
