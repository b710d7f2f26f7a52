from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dashboard_retrieval_explain_response import DashboardRetrievalExplainResponse
from ...models.dashboard_retrieval_request import DashboardRetrievalRequest
from ...models.error_response import ErrorResponse
from ...models.http_validation_error import HTTPValidationError
from ...models.x_requested_with import XRequestedWith
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: DashboardRetrievalRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_requested_with: XRequestedWith | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    if not isinstance(x_requested_with, Unset):
        headers["X-Requested-With"] = str(x_requested_with)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/dashboard/retrieval/explain",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = DashboardRetrievalExplainResponse.from_dict(response.json())

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
) -> Response[DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DashboardRetrievalRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_requested_with: XRequestedWith | Unset = UNSET,
) -> Response[DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError]:
    """Explain how a retrieval was planned and ranked

     Runs a read like `dashboard_retrieval` and also returns the query analysis, the retrieval plan, what
    each step found and how the results were re-ranked.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_requested_with (XRequestedWith | Unset): The only value the dashboard's CSRF check
            accepts.
        body (DashboardRetrievalRequest): A test retrieval run from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
        x_requested_with=x_requested_with,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: DashboardRetrievalRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_requested_with: XRequestedWith | Unset = UNSET,
) -> DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError | None:
    """Explain how a retrieval was planned and ranked

     Runs a read like `dashboard_retrieval` and also returns the query analysis, the retrieval plan, what
    each step found and how the results were re-ranked.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_requested_with (XRequestedWith | Unset): The only value the dashboard's CSRF check
            accepts.
        body (DashboardRetrievalRequest): A test retrieval run from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError
    """

    return sync_detailed(
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
        x_requested_with=x_requested_with,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DashboardRetrievalRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_requested_with: XRequestedWith | Unset = UNSET,
) -> Response[DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError]:
    """Explain how a retrieval was planned and ranked

     Runs a read like `dashboard_retrieval` and also returns the query analysis, the retrieval plan, what
    each step found and how the results were re-ranked.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_requested_with (XRequestedWith | Unset): The only value the dashboard's CSRF check
            accepts.
        body (DashboardRetrievalRequest): A test retrieval run from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
        x_requested_with=x_requested_with,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DashboardRetrievalRequest,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
    x_requested_with: XRequestedWith | Unset = UNSET,
) -> DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError | None:
    """Explain how a retrieval was planned and ranked

     Runs a read like `dashboard_retrieval` and also returns the query analysis, the retrieval plan, what
    each step found and how the results were re-ranked.

    Args:
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):
        x_requested_with (XRequestedWith | Unset): The only value the dashboard's CSRF check
            accepts.
        body (DashboardRetrievalRequest): A test retrieval run from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DashboardRetrievalExplainResponse | ErrorResponse | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
            x_requested_with=x_requested_with,
        )
    ).parsed
