from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...models.write_memory_request import WriteMemoryRequest
from ...models.write_memory_response import WriteMemoryResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_eval_mode: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    if not isinstance(x_eval_mode, Unset):
        headers["X-Eval-Mode"] = x_eval_mode

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/memory/write",
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
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_eval_mode: str | Unset = UNSET,
) -> Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]:
    """Store a new memory

     Hands a piece of content to the server, which chunks it, classifies it and stores what it judges
    worth keeping. The answer says whether anything was stored and, when a single memory came out of it,
    its id.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_eval_mode (str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
        x_eval_mode=x_eval_mode,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_eval_mode: str | Unset = UNSET,
) -> ErrorResponse | HTTPValidationError | WriteMemoryResponse | None:
    """Store a new memory

     Hands a piece of content to the server, which chunks it, classifies it and stores what it judges
    worth keeping. The answer says whether anything was stored and, when a single memory came out of it,
    its id.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_eval_mode (str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HTTPValidationError | WriteMemoryResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
        x_eval_mode=x_eval_mode,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_eval_mode: str | Unset = UNSET,
) -> Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]:
    """Store a new memory

     Hands a piece of content to the server, which chunks it, classifies it and stores what it judges
    worth keeping. The answer says whether anything was stored and, when a single memory came out of it,
    its id.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_eval_mode (str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | HTTPValidationError | WriteMemoryResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
        x_eval_mode=x_eval_mode,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WriteMemoryRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_eval_mode: str | Unset = UNSET,
) -> ErrorResponse | HTTPValidationError | WriteMemoryResponse | None:
    """Store a new memory

     Hands a piece of content to the server, which chunks it, classifies it and stores what it judges
    worth keeping. The answer says whether anything was stored and, when a single memory came out of it,
    its id.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_eval_mode (str | Unset):
        body (WriteMemoryRequest): Content to remember, with optional hints on how to file it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | HTTPValidationError | WriteMemoryResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
            x_eval_mode=x_eval_mode,
        )
    ).parsed
