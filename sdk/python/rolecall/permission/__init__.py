"""``rolecall.permission``: checks and explanations, on the default client."""

from typing import Any, Optional

from ..user.models import OrganizationPermissions
from .models import PermissionCheck, PermissionExplanation

__all__ = ["check", "explain", "list"]


def _api() -> Any:
    from .._client import default_client
    return default_client().permission


def check(user_id: str, min_role: str, *, organization: bool = False, cloud_id: Optional[str] = None,
          project_id: Optional[str] = None) -> PermissionCheck:
    """Whether the user holds at least ``min_role`` on one resource (truthy when allowed)."""
    return _api().check(user_id, min_role, organization=organization,  # type: ignore[no-any-return]
                        cloud_id=cloud_id, project_id=project_id)


def explain(user_id: str, *, organization: bool = False, cloud_id: Optional[str] = None,
            project_id: Optional[str] = None) -> PermissionExplanation:
    """The user's effective role on one resource and every grant that contributed to it."""
    return _api().explain(user_id, organization=organization,  # type: ignore[no-any-return]
                          cloud_id=cloud_id, project_id=project_id)


def list(user_id: Optional[str] = None) -> OrganizationPermissions:  # noqa: A001
    """Same as ``rolecall.user.list_permissions``."""
    return _api().list(user_id)  # type: ignore[no-any-return]
