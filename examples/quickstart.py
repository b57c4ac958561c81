"""Send an SMS with the generated client and follow it by id (README's example)."""

import os

import httpx

from aatrox_sms_client import AuthenticatedClient
from aatrox_sms_client.api.messages import get_message
from aatrox_sms_client.api.sending import send_sms
from aatrox_sms_client.models import Message, SendRequest

base_url = os.environ.get("AATROX_BASE_URL", "http://127.0.0.1:8080")  # `make mock`
timeout = httpx.Timeout(10.0)  # the generated client has none by default
with AuthenticatedClient(base_url=base_url, token="dev-token", timeout=timeout) as client:
    body = SendRequest(from_="+61491570156", to="+61491570157", text="Your code is 482913.")
    sent = send_sms.sync(client=client, body=body)  # a Message, or a Problem on an error
    assert isinstance(sent, Message), sent
    print(sent.id, sent.status, sent.segment_count, sent.encoding)
    again = get_message.sync(sent.id, client=client)
    assert isinstance(again, Message), again
    print(again.id, again.status, again.status_at.isoformat())
