from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...models.write_memory_request import WriteMemoryRequest
from ...models.write_memory_response import WriteMemoryResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    session_id: str,
    *,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/session/{session_id}/write".format(
            session_id=quote(str(session_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | HTTPValidationError | WriteMemoryResponse | None:
    if response.status_code == 200:
        response_200 = WriteMemoryResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]:
    """Store a memory within a session

     Same as `write_memory`, with the memory attached to the session named in the path.

    Args:
        session_id (str):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> ErrorResponse | HTTPValidationError | WriteMemoryResponse | None:
    """Store a memory within a session

     Same as `write_memory`, with the memory attached to the session named in the path.

    Args:
        session_id (str):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HTTPValidationError | WriteMemoryResponse
    """

    return sync_detailed(
        session_id=session_id,
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    ).parsed


async def asyncio_detailed(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]:
    """Store a memory within a session

     Same as `write_memory`, with the memory attached to the session named in the path.

    Args:
        session_id (str):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    session_id: str,
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> ErrorResponse | HTTPValidationError | WriteMemoryResponse | None:
    """Store a memory within a session

     Same as `write_memory`, with the memory attached to the session named in the path.

    Args:
        session_id (str):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HTTPValidationError | WriteMemoryResponse
    """

    return (
        await asyncio_detailed(
            session_id=session_id,
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
        )
    ).parsed
