from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dashboard_memory_list_response import DashboardMemoryListResponse
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    per_page: int | Unset = 25,
    type_: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    tenant_id: None | str | Unset = UNSET,
    source_session_id: None | str | Unset = UNSET,
    sort_by: str | Unset = "timestamp",
    order: str | Unset = "desc",
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    params: dict[str, Any] = {}

    params["page"] = page

    params["per_page"] = per_page

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    else:
        json_status = status
    params["status"] = json_status

    json_search: None | str | Unset
    if isinstance(search, Unset):
        json_search = UNSET
    else:
        json_search = search
    params["search"] = json_search

    json_tenant_id: None | str | Unset
    if isinstance(tenant_id, Unset):
        json_tenant_id = UNSET
    else:
        json_tenant_id = tenant_id
    params["tenant_id"] = json_tenant_id

    json_source_session_id: None | str | Unset
    if isinstance(source_session_id, Unset):
        json_source_session_id = UNSET
    else:
        json_source_session_id = source_session_id
    params["source_session_id"] = json_source_session_id

    params["sort_by"] = sort_by

    params["order"] = order

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/memories",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DashboardMemoryListResponse | ErrorResponse | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = DashboardMemoryListResponse.from_dict(response.json())

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
) -> Response[DashboardMemoryListResponse | ErrorResponse | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 25,
    type_: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    tenant_id: None | str | Unset = UNSET,
    source_session_id: None | str | Unset = UNSET,
    sort_by: str | Unset = "timestamp",
    order: str | Unset = "desc",
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[DashboardMemoryListResponse | ErrorResponse | HTTPValidationError]:
    """Browse memories page by page

     Lists stored memories with paging, filters on type, status, text and source session, and a choice of
    sort column and direction.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 25.
        type_ (None | str | Unset):
        status (None | str | Unset):
        search (None | str | Unset):
        tenant_id (None | str | Unset):
        source_session_id (None | str | Unset):
        sort_by (str | Unset):  Default: 'timestamp'.
        order (str | Unset):  Default: 'desc'.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardMemoryListResponse | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        type_=type_,
        status=status,
        search=search,
        tenant_id=tenant_id,
        source_session_id=source_session_id,
        sort_by=sort_by,
        order=order,
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
    page: int | Unset = 1,
    per_page: int | Unset = 25,
    type_: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    tenant_id: None | str | Unset = UNSET,
    source_session_id: None | str | Unset = UNSET,
    sort_by: str | Unset = "timestamp",
    order: str | Unset = "desc",
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> DashboardMemoryListResponse | ErrorResponse | HTTPValidationError | None:
    """Browse memories page by page

     Lists stored memories with paging, filters on type, status, text and source session, and a choice of
    sort column and direction.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 25.
        type_ (None | str | Unset):
        status (None | str | Unset):
        search (None | str | Unset):
        tenant_id (None | str | Unset):
        source_session_id (None | str | Unset):
        sort_by (str | Unset):  Default: 'timestamp'.
        order (str | Unset):  Default: 'desc'.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardMemoryListResponse | ErrorResponse | HTTPValidationError
    """

    return sync_detailed(
        client=client,
        page=page,
        per_page=per_page,
        type_=type_,
        status=status,
        search=search,
        tenant_id=tenant_id,
        source_session_id=source_session_id,
        sort_by=sort_by,
        order=order,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 25,
    type_: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    tenant_id: None | str | Unset = UNSET,
    source_session_id: None | str | Unset = UNSET,
    sort_by: str | Unset = "timestamp",
    order: str | Unset = "desc",
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[DashboardMemoryListResponse | ErrorResponse | HTTPValidationError]:
    """Browse memories page by page

     Lists stored memories with paging, filters on type, status, text and source session, and a choice of
    sort column and direction.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 25.
        type_ (None | str | Unset):
        status (None | str | Unset):
        search (None | str | Unset):
        tenant_id (None | str | Unset):
        source_session_id (None | str | Unset):
        sort_by (str | Unset):  Default: 'timestamp'.
        order (str | Unset):  Default: 'desc'.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardMemoryListResponse | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        page=page,
        per_page=per_page,
        type_=type_,
        status=status,
        search=search,
        tenant_id=tenant_id,
        source_session_id=source_session_id,
        sort_by=sort_by,
        order=order,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    per_page: int | Unset = 25,
    type_: None | str | Unset = UNSET,
    status: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    tenant_id: None | str | Unset = UNSET,
    source_session_id: None | str | Unset = UNSET,
    sort_by: str | Unset = "timestamp",
    order: str | Unset = "desc",
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> DashboardMemoryListResponse | ErrorResponse | HTTPValidationError | None:
    """Browse memories page by page

     Lists stored memories with paging, filters on type, status, text and source session, and a choice of
    sort column and direction.

    Args:
        page (int | Unset):  Default: 1.
        per_page (int | Unset):  Default: 25.
        type_ (None | str | Unset):
        status (None | str | Unset):
        search (None | str | Unset):
        tenant_id (None | str | Unset):
        source_session_id (None | str | Unset):
        sort_by (str | Unset):  Default: 'timestamp'.
        order (str | Unset):  Default: 'desc'.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardMemoryListResponse | ErrorResponse | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            per_page=per_page,
            type_=type_,
            status=status,
            search=search,
            tenant_id=tenant_id,
            source_session_id=source_session_id,
            sort_by=sort_by,
            order=order,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
        )
    ).parsed
