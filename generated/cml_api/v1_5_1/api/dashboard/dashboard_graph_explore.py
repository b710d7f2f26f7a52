from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.graph_explore_response import GraphExploreResponse
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    tenant_id: str,
    entity: str,
    scope_id: None | str | Unset = UNSET,
    depth: int | Unset = 2,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    params: dict[str, Any] = {}

    params["tenant_id"] = tenant_id

    params["entity"] = entity

    json_scope_id: None | str | Unset
    if isinstance(scope_id, Unset):
        json_scope_id = UNSET
    else:
        json_scope_id = scope_id
    params["scope_id"] = json_scope_id

    params["depth"] = depth

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dashboard/graph/explore",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | GraphExploreResponse | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = GraphExploreResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | GraphExploreResponse | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    tenant_id: str,
    entity: str,
    scope_id: None | str | Unset = UNSET,
    depth: int | Unset = 2,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | GraphExploreResponse | HTTPValidationError]:
    """Walk the graph around one entity

     The nodes and edges within `depth` hops of the named entity.

    Args:
        tenant_id (str):
        entity (str):
        scope_id (None | str | Unset):
        depth (int | Unset):  Default: 2.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | GraphExploreResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        entity=entity,
        scope_id=scope_id,
        depth=depth,
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
    tenant_id: str,
    entity: str,
    scope_id: None | str | Unset = UNSET,
    depth: int | Unset = 2,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> ErrorResponse | GraphExploreResponse | HTTPValidationError | None:
    """Walk the graph around one entity

     The nodes and edges within `depth` hops of the named entity.

    Args:
        tenant_id (str):
        entity (str):
        scope_id (None | str | Unset):
        depth (int | Unset):  Default: 2.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | GraphExploreResponse | HTTPValidationError
    """

    return sync_detailed(
        client=client,
        tenant_id=tenant_id,
        entity=entity,
        scope_id=scope_id,
        depth=depth,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    tenant_id: str,
    entity: str,
    scope_id: None | str | Unset = UNSET,
    depth: int | Unset = 2,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | GraphExploreResponse | HTTPValidationError]:
    """Walk the graph around one entity

     The nodes and edges within `depth` hops of the named entity.

    Args:
        tenant_id (str):
        entity (str):
        scope_id (None | str | Unset):
        depth (int | Unset):  Default: 2.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | GraphExploreResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        tenant_id=tenant_id,
        entity=entity,
        scope_id=scope_id,
        depth=depth,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    tenant_id: str,
    entity: str,
    scope_id: None | str | Unset = UNSET,
    depth: int | Unset = 2,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> ErrorResponse | GraphExploreResponse | HTTPValidationError | None:
    """Walk the graph around one entity

     The nodes and edges within `depth` hops of the named entity.

    Args:
        tenant_id (str):
        entity (str):
        scope_id (None | str | Unset):
        depth (int | Unset):  Default: 2.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | GraphExploreResponse | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            tenant_id=tenant_id,
            entity=entity,
            scope_id=scope_id,
            depth=depth,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
        )
    ).parsed
