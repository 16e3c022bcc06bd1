"""``rolecall.role``: grant and revoke roles, on the default client."""

from typing import Any, Optional

from .._paging import ResultIterator
from ..directory.models import Grant

__all__ = ["grant", "revoke", "list"]


def _api() -> Any:
    from .._client import default_client
    return default_client().role


def grant(role: str, *, user_id: Optional[str] = None, user_email: Optional[str] = None,
          group_id: Optional[str] = None, organization: bool = False, cloud_id: Optional[str] = None,
          project_id: Optional[str] = None) -> Grant:
    """Grants ``role`` to one principal (user_id, user_email or group_id) on one resource
    (organization=True, cloud_id or project_id)."""
    return _api().grant(role, user_id=user_id, user_email=user_email,  # type: ignore[no-any-return]
                        group_id=group_id, organization=organization, cloud_id=cloud_id,
                        project_id=project_id)


def revoke(role: str, *, user_id: Optional[str] = None, user_email: Optional[str] = None,
           group_id: Optional[str] = None, organization: bool = False, cloud_id: Optional[str] = None,
           project_id: Optional[str] = None) -> None:
    """Revokes a role (RolecallError NOT_FOUND when it is not granted)."""
    _api().revoke(role, user_id=user_id, user_email=user_email, group_id=group_id,
                  organization=organization, cloud_id=cloud_id, project_id=project_id)


def list(*, organization: bool = False, cloud_id: Optional[str] = None,  # noqa: A001
         project_id: Optional[str] = None, max_items: Optional[int] = None,
         page_size: Optional[int] = None) -> ResultIterator[Grant]:
    """A lazy ResultIterator of the Grants on one resource."""
    return _api().list(  # type: ignore[no-any-return]
        organization=organization, cloud_id=cloud_id, project_id=project_id,
                       max_items=max_items, page_size=page_size)
