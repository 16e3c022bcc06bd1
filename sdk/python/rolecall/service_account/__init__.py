"""``rolecall.service_account``, on the default client."""

from typing import Any

from ..user.models import User

__all__ = ["create", "delete"]


def _api() -> Any:
    from .._client import default_client
    return default_client().service_account


def create(name: str) -> User:
    """Creates ``<name>@org-<org_id>.serviceaccount.com``, an organization collaborator."""
    return _api().create(name)  # type: ignore[no-any-return]


def delete(user_id: str) -> None:
    _api().delete(user_id)
