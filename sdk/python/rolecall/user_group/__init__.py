"""``rolecall.user_group``, on the default client."""

from typing import Any, Dict, List as _List, Optional, Sequence

from .._paging import ResultIterator
from ..directory.models import UserGroup

__all__ = ["create", "get", "list", "delete", "add_members", "remove_members", "list_memberships"]


def _api() -> Any:
    from .._client import default_client
    return default_client().user_group


def create(name: str) -> UserGroup:
    return _api().create(name)  # type: ignore[no-any-return]


def get(id: Optional[str] = None, *, name: Optional[str] = None) -> UserGroup:  # noqa: A002
    return _api().get(id, name=name)  # type: ignore[no-any-return]


def list(name: Optional[str] = None, max_items: Optional[int] = None,  # noqa: A001
         page_size: Optional[int] = None) -> ResultIterator[UserGroup]:
    """A lazy ResultIterator of UserGroup."""
    return _api().list(  # type: ignore[no-any-return]
        name=name, max_items=max_items, page_size=page_size)


def delete(id: str) -> None:  # noqa: A002
    """Deletes the group, its memberships and its grants."""
    _api().delete(id)


def add_members(group_id: str, users: Sequence[str]) -> int:
    """Adds users (ids or emails); returns how many memberships were added."""
    return _api().add_members(group_id, users)  # type: ignore[no-any-return]


def remove_members(group_id: str, users: Sequence[str]) -> int:
    """Removes users (ids or emails); returns how many memberships were removed."""
    return _api().remove_members(group_id, users)  # type: ignore[no-any-return]


def list_memberships(group_id: Optional[str] = None) -> Dict[str, _List[str]]:
    """``{group name: [member emails, sorted]}``."""
    return _api().list_memberships(group_id)  # type: ignore[no-any-return]
