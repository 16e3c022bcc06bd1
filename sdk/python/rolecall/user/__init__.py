"""``rolecall.user``: the reference's ``anyscale.user`` calls, on the default client (see
``rolecall.Client`` for explicit configuration)."""

from typing import Any, Dict, List as _List, Optional, Sequence, Union

from .._paging import ResultIterator
from .models import AdminCreatedUser, AdminCreateUser, AdminCreateUsers, OrganizationPermissions, User

__all__ = ["admin_batch_create", "list", "get", "list_permissions", "delete"]


def _api() -> Any:
    from .._client import default_client
    return default_client().user


def admin_batch_create(admin_create_users: Union[AdminCreateUsers,
                                                 Sequence[Union[AdminCreateUser, Dict[str, Any]]]]
                       ) -> _List[AdminCreatedUser]:
    """Batch create, as an admin, users without email verification (all or nothing)."""
    return _api().admin_batch_create(admin_create_users)  # type: ignore[no-any-return]


def list(email: Optional[str] = None, name: Optional[str] = None,  # noqa: A001 (the reference's name)
         collaborator_type: Optional[str] = None, max_items: Optional[int] = None,
         page_size: Optional[int] = None, page_token: Optional[str] = None) -> ResultIterator[User]:
    """Lazily lists users within your organization (a ResultIterator of User)."""
    return _api().list(email=email, name=name, collaborator_type=collaborator_type,  # type: ignore[no-any-return]
                       max_items=max_items, page_size=page_size, page_token=page_token)


def get(email: Optional[str] = None, name: Optional[str] = None,
        collaborator_type: Optional[str] = None, *, user_id: Optional[str] = None) -> User:
    """Get details for a single user in your organization (by email or name)."""
    return _api().get(email=email, name=name, collaborator_type=collaborator_type,  # type: ignore[no-any-return]
                      user_id=user_id)


def list_permissions(user_id: Optional[str] = None) -> OrganizationPermissions:
    """Users and their effective cloud/project permissions, and the organization owners."""
    return _api().list_permissions(user_id)  # type: ignore[no-any-return]


def delete(user_id: str) -> None:
    """Deletes a user or service account with its memberships and grants."""
    _api().delete(user_id)

