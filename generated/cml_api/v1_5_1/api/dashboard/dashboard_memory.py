from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dashboard_memory_detail import DashboardMemoryDetail
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    memory_id: UUID,
    *,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/memories/{memory_id}".format(
            memory_id=quote(str(memory_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DashboardMemoryDetail | ErrorResponse | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = DashboardMemoryDetail.from_dict(response.json())

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
) -> Response[DashboardMemoryDetail | ErrorResponse | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    memory_id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[DashboardMemoryDetail | ErrorResponse | HTTPValidationError]:
    """Everything about one memory

     The full record of one memory, including provenance, entities, relations, decay parameters and the
    events that touched it.

    Args:
        memory_id (UUID):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardMemoryDetail | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        memory_id=memory_id,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    memory_id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> DashboardMemoryDetail | ErrorResponse | HTTPValidationError | None:
    """Everything about one memory

     The full record of one memory, including provenance, entities, relations, decay parameters and the
    events that touched it.

    Args:
        memory_id (UUID):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardMemoryDetail | ErrorResponse | HTTPValidationError
    """

    return sync_detailed(
        memory_id=memory_id,
        client=client,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    ).parsed


async def asyncio_detailed(
    memory_id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[DashboardMemoryDetail | ErrorResponse | HTTPValidationError]:
    """Everything about one memory

     The full record of one memory, including provenance, entities, relations, decay parameters and the
    events that touched it.

    Args:
        memory_id (UUID):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardMemoryDetail | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        memory_id=memory_id,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    memory_id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> DashboardMemoryDetail | ErrorResponse | HTTPValidationError | None:
    """Everything about one memory

     The full record of one memory, including provenance, entities, relations, decay parameters and the
    events that touched it.

    Args:
        memory_id (UUID):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardMemoryDetail | ErrorResponse | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            memory_id=memory_id,
            client=client,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
        )
    ).parsed
