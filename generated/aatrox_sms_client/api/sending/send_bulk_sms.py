from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bulk_send_request import BulkSendRequest
from ...models.bulk_send_response import BulkSendResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: BulkSendRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v2/sms/send/bulk",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BulkSendResponse | Problem | None:
    if response.status_code == 200:
        response_200 = BulkSendResponse.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BulkSendResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BulkSendRequest,
) -> Response[BulkSendResponse | Problem]:
    """Send one text to many recipients

     Sends the same text to 1 to 1000 distinct recipients. All or nothing: if any recipient
    is invalid or repeated, the answer is a `400` whose `errors` name each bad index
    (`to[3]`), and no message is sent or stored. On success the messages are returned in
    the order of `to`. (The guide gives no limits; 1000 and the all-or-nothing rule are this
    spec's decision.)

    Args:
        body (BulkSendRequest): One text for 1 to 1000 distinct recipients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkSendResponse | Problem]
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
    body: BulkSendRequest,
) -> BulkSendResponse | Problem | None:
    """Send one text to many recipients

     Sends the same text to 1 to 1000 distinct recipients. All or nothing: if any recipient
    is invalid or repeated, the answer is a `400` whose `errors` name each bad index
    (`to[3]`), and no message is sent or stored. On success the messages are returned in
    the order of `to`. (The guide gives no limits; 1000 and the all-or-nothing rule are this
    spec's decision.)

    Args:
        body (BulkSendRequest): One text for 1 to 1000 distinct recipients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkSendResponse | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BulkSendRequest,
) -> Response[BulkSendResponse | Problem]:
    """Send one text to many recipients

     Sends the same text to 1 to 1000 distinct recipients. All or nothing: if any recipient
    is invalid or repeated, the answer is a `400` whose `errors` name each bad index
    (`to[3]`), and no message is sent or stored. On success the messages are returned in
    the order of `to`. (The guide gives no limits; 1000 and the all-or-nothing rule are this
    spec's decision.)

    Args:
        body (BulkSendRequest): One text for 1 to 1000 distinct recipients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkSendResponse | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BulkSendRequest,
) -> BulkSendResponse | Problem | None:
    """Send one text to many recipients

     Sends the same text to 1 to 1000 distinct recipients. All or nothing: if any recipient
    is invalid or repeated, the answer is a `400` whose `errors` name each bad index
    (`to[3]`), and no message is sent or stored. On success the messages are returned in
    the order of `to`. (The guide gives no limits; 1000 and the all-or-nothing rule are this
    spec's decision.)

    Args:
        body (BulkSendRequest): One text for 1 to 1000 distinct recipients.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkSendResponse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
