from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.message_page import MessagePage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    to: str,
    from_: str | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["to"] = to

    params["from"] = from_

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/sms/receive",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MessagePage | Problem | None:
    if response.status_code == 200:
        response_200 = MessagePage.from_dict(response.json())

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

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MessagePage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    to: str,
    from_: str | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Response[MessagePage | Problem]:
    """Read the messages that reached a number

     The inbox of `to`, a number your account owns (else `403`): the messages that were
    delivered to it and the messages that arrived from outside (status `received`), oldest
    first by the time they reached the number. `from` keeps only the messages from that
    sender. A message sent to `to` appears here once it is `delivered`.

    Args:
        to (str): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        from_ (str | Unset): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessagePage | Problem]
    """

    kwargs = _get_kwargs(
        to=to,
        from_=from_,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    to: str,
    from_: str | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> MessagePage | Problem | None:
    """Read the messages that reached a number

     The inbox of `to`, a number your account owns (else `403`): the messages that were
    delivered to it and the messages that arrived from outside (status `received`), oldest
    first by the time they reached the number. `from` keeps only the messages from that
    sender. A message sent to `to` appears here once it is `delivered`.

    Args:
        to (str): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        from_ (str | Unset): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessagePage | Problem
    """

    return sync_detailed(
        client=client,
        to=to,
        from_=from_,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    to: str,
    from_: str | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Response[MessagePage | Problem]:
    """Read the messages that reached a number

     The inbox of `to`, a number your account owns (else `403`): the messages that were
    delivered to it and the messages that arrived from outside (status `received`), oldest
    first by the time they reached the number. `from` keeps only the messages from that
    sender. A message sent to `to` appears here once it is `delivered`.

    Args:
        to (str): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        from_ (str | Unset): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MessagePage | Problem]
    """

    kwargs = _get_kwargs(
        to=to,
        from_=from_,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    to: str,
    from_: str | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> MessagePage | Problem | None:
    """Read the messages that reached a number

     The inbox of `to`, a number your account owns (else `403`): the messages that were
    delivered to it and the messages that arrived from outside (status `received`), oldest
    first by the time they reached the number. `from` keeps only the messages from that
    sender. A message sent to `to` appears here once it is `delivered`.

    Args:
        to (str): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        from_ (str | Unset): An E.164 phone number, `+` then 8 to 15 digits, no spaces. Example:
            +61491570156.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MessagePage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            to=to,
            from_=from_,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
