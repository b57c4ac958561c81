"""A user's app, as small as it gets: confirm that a person holds a phone number.

`start(phone)` texts a one-time code to the number; the person replies with the code by SMS;
`check_replies()` reads the replies that reached our sender number and marks the numbers whose
reply matched. It talks to the Aatrox SMS API through the generated client only, so the same
code runs against the real API and against the mock (see test_phone_verifier.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.messages import list_received_messages
from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, MessagePage, SendRequest


class SendError(RuntimeError):
    """The API did not accept the code's SMS; the caller may retry later."""


def six_digits() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class PhoneVerifier:
    def __init__(
        self,
        client: AuthenticatedClient,
        sender: str,
        new_code: Callable[[], str] = six_digits,
    ) -> None:
        self._client = client
        self._sender = sender
        self._new_code = new_code
        self._pending: dict[str, str] = {}
        self._verified: set[str] = set()

    def start(self, phone: str) -> Message:
        """Text a fresh code to `phone`; returns the message the API stored."""
        code = self._new_code()
        text = f"Your code is {code}. Reply with it to confirm this number."
        sent = send_sms.sync(
            client=self._client, body=SendRequest(from_=self._sender, to=phone, text=text)
        )
        if not isinstance(sent, Message):
            raise SendError(f"the code for {phone} was not sent: {sent}")
        self._pending[phone] = code
        return sent

    def check_replies(self) -> set[str]:
        """The numbers confirmed by a reply since the last check."""
        confirmed = set()
        for phone, code in list(self._pending.items()):
            page = list_received_messages.sync(client=self._client, to=self._sender, from_=phone)
            if isinstance(page, MessagePage) and any(
                reply.text.strip() == code for reply in page.messages
            ):
                confirmed.add(phone)
                del self._pending[phone]
        self._verified |= confirmed
        return confirmed

    def is_verified(self, phone: str) -> bool:
        return phone in self._verified
