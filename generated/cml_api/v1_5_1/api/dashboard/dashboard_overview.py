from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dashboard_overview import DashboardOverview
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    tenant_id: None | str | Unset = UNSET,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    params: dict[str, Any] = {}

    json_tenant_id: None | str | Unset
    if isinstance(tenant_id, Unset):
        json_tenant_id = UNSET
    else:
        json_tenant_id = tenant_id
    params["tenant_id"] = json_tenant_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/overview",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DashboardOverview | ErrorResponse | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = DashboardOverview.from_dict(response.json())

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
) -> Response[DashboardOverview | ErrorResponse | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    tenant_id: None | str | Unset = UNSET,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[DashboardOverview | ErrorResponse | HTTPValidationError]:
    """Headline numbers for the dashboard

     Counts of memories by status and type, fact and event totals, averages and the date range of stored
    memories, for one tenant or for all.

    Args:
        tenant_id (None | str | Unset):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardOverview | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    tenant_id: None | str | Unset = UNSET,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> DashboardOverview | ErrorResponse | HTTPValidationError | None:
    """Headline numbers for the dashboard

     Counts of memories by status and type, fact and event totals, averages and the date range of stored
    memories, for one tenant or for all.

    Args:
        tenant_id (None | str | Unset):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardOverview | ErrorResponse | HTTPValidationError
    """

    return sync_detailed(
        client=client,
        tenant_id=tenant_id,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    tenant_id: None | str | Unset = UNSET,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[DashboardOverview | ErrorResponse | HTTPValidationError]:
    """Headline numbers for the dashboard

     Counts of memories by status and type, fact and event totals, averages and the date range of stored
    memories, for one tenant or for all.

    Args:
        tenant_id (None | str | Unset):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardOverview | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    tenant_id: None | str | Unset = UNSET,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> DashboardOverview | ErrorResponse | HTTPValidationError | None:
    """Headline numbers for the dashboard

     Counts of memories by status and type, fact and event totals, averages and the date range of stored
    memories, for one tenant or for all.

    Args:
        tenant_id (None | str | Unset):
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardOverview | ErrorResponse | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            tenant_id=tenant_id,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
        )
    ).parsed
