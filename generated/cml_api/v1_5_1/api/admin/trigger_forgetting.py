from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.forgetting_trigger_result import ForgettingTriggerResult
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    user_id: str,
    *,
    dry_run: bool | Unset = True,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["x-tenant-id"] = x_tenant_id

    if not isinstance(x_user_id, Unset):
        headers["x-user-id"] = x_user_id

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/admin/forget/{user_id}".format(
            user_id=quote(str(user_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ForgettingTriggerResult | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = ForgettingTriggerResult.from_dict(response.json())

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
) -> Response[ErrorResponse | ForgettingTriggerResult | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = True,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ForgettingTriggerResult | HTTPValidationError]:
    """Run the forgetting pass for one user

     Scores the user's memories and decays, silences or removes the weak ones. By default this is a dry
    run that only reports what would happen; pass `dry_run=false` to apply it. Admin key only.

    Args:
        user_id (str):
        dry_run (bool | Unset):  Default: True.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ForgettingTriggerResult | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        dry_run=dry_run,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = True,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> ErrorResponse | ForgettingTriggerResult | HTTPValidationError | None:
    """Run the forgetting pass for one user

     Scores the user's memories and decays, silences or removes the weak ones. By default this is a dry
    run that only reports what would happen; pass `dry_run=false` to apply it. Admin key only.

    Args:
        user_id (str):
        dry_run (bool | Unset):  Default: True.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ForgettingTriggerResult | HTTPValidationError
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        dry_run=dry_run,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = True,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> Response[ErrorResponse | ForgettingTriggerResult | HTTPValidationError]:
    """Run the forgetting pass for one user

     Scores the user's memories and decays, silences or removes the weak ones. By default this is a dry
    run that only reports what would happen; pass `dry_run=false` to apply it. Admin key only.

    Args:
        user_id (str):
        dry_run (bool | Unset):  Default: True.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ForgettingTriggerResult | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        dry_run=dry_run,
        x_tenant_id=x_tenant_id,
        x_user_id=x_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient,
    dry_run: bool | Unset = True,
    x_tenant_id: None | str | Unset = UNSET,
    x_user_id: None | str | Unset = UNSET,
) -> ErrorResponse | ForgettingTriggerResult | HTTPValidationError | None:
    """Run the forgetting pass for one user

     Scores the user's memories and decays, silences or removes the weak ones. By default this is a dry
    run that only reports what would happen; pass `dry_run=false` to apply it. Admin key only.

    Args:
        user_id (str):
        dry_run (bool | Unset):  Default: True.
        x_tenant_id (None | str | Unset):
        x_user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ForgettingTriggerResult | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            dry_run=dry_run,
            x_tenant_id=x_tenant_id,
            x_user_id=x_user_id,
        )
    ).parsed
