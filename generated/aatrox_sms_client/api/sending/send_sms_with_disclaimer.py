from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.message import Message
from ...models.problem import Problem
from ...models.send_request import SendRequest
from ...types import Response


def _get_kwargs(
    *,
    body: SendRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v2/sms/send/disclaimer",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Message | Problem | None:
    if response.status_code == 200:
        response_200 = Message.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 408:
        response_408 = Problem.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Message | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SendRequest,
) -> Response[Message | Problem]:
    """Send an SMS with the sender's disclaimer appended

     Like `sendSms`, but the account's disclaimer for the sending number (or the account's
    default disclaimer) is appended to the text after a newline. The stored `text`, the
    `segment_count` and the 1600-character limit all apply to the full text, disclaimer
    included: a text that fits alone but not with its disclaimer is a `400` naming `text`.
    (The guide says only that the disclaimer is chosen "based on the sender's phone
    number"; the newline and the limits are this spec's decision.)

    Args:
        body (SendRequest): One message to send, as in the guide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SendRequest,
) -> Message | Problem | None:
    """Send an SMS with the sender's disclaimer appended

     Like `sendSms`, but the account's disclaimer for the sending number (or the account's
    default disclaimer) is appended to the text after a newline. The stored `text`, the
    `segment_count` and the 1600-character limit all apply to the full text, disclaimer
    included: a text that fits alone but not with its disclaimer is a `400` naming `text`.
    (The guide says only that the disclaimer is chosen "based on the sender's phone
    number"; the newline and the limits are this spec's decision.)

    Args:
        body (SendRequest): One message to send, as in the guide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SendRequest,
) -> Response[Message | Problem]:
    """Send an SMS with the sender's disclaimer appended

     Like `sendSms`, but the account's disclaimer for the sending number (or the account's
    default disclaimer) is appended to the text after a newline. The stored `text`, the
    `segment_count` and the 1600-character limit all apply to the full text, disclaimer
    included: a text that fits alone but not with its disclaimer is a `400` naming `text`.
    (The guide says only that the disclaimer is chosen "based on the sender's phone
    number"; the newline and the limits are this spec's decision.)

    Args:
        body (SendRequest): One message to send, as in the guide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SendRequest,
) -> Message | Problem | None:
    """Send an SMS with the sender's disclaimer appended

     Like `sendSms`, but the account's disclaimer for the sending number (or the account's
    default disclaimer) is appended to the text after a newline. The stored `text`, the
    `segment_count` and the 1600-character limit all apply to the full text, disclaimer
    included: a text that fits alone but not with its disclaimer is a `400` naming `text`.
    (The guide says only that the disclaimer is chosen "based on the sender's phone
    number"; the newline and the limits are this spec's decision.)

    Args:
        body (SendRequest): One message to send, as in the guide.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
