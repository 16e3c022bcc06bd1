"""Models of the directory: clouds, projects, user groups, grants."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Optional

from .._models import compact, from_timestamp, iso

__all__ = ["Cloud", "Project", "UserGroup", "Grant"]


def _ts(message: Any, name: str) -> Optional[datetime]:
    return from_timestamp(getattr(message, name)) if message.HasField(name) else None


@dataclass
class Cloud:
    cloud_id: str
    name: str
    created_at: Optional[datetime] = None

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"cloud_id": self.cloud_id, "name": self.name,
                        "created_at": iso(self.created_at) if self.created_at else None})

    @classmethod
    def _from_proto(cls, m: Any) -> "Cloud":
        return cls(m.cloud_id, m.name, _ts(m, "created_at"))


@dataclass
class Project:
    project_id: str
    name: str
    cloud_id: str
    created_at: Optional[datetime] = None

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"project_id": self.project_id, "name": self.name, "cloud_id": self.cloud_id,
                        "created_at": iso(self.created_at) if self.created_at else None})

    @classmethod
    def _from_proto(cls, m: Any) -> "Project":
        return cls(m.project_id, m.name, m.cloud_id, _ts(m, "created_at"))


@dataclass
class UserGroup:
    """A user group (the reference's UserGroup{id, name, org_id, created_at, updated_at})."""

    id: str
    name: str
    org_id: str
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"id": self.id, "name": self.name, "org_id": self.org_id,
                        "created_at": iso(self.created_at) if self.created_at else None,
                        "updated_at": iso(self.updated_at) if self.updated_at else None})

    @classmethod
    def _from_proto(cls, m: Any) -> "UserGroup":
        return cls(m.id, m.name, m.org_id, _ts(m, "created_at"), _ts(m, "updated_at"))


@dataclass
class Grant:
    """A role on a resource for a principal."""

    # "organization", "cloud" or "project"; resource_id: the cloud_id / project_id (None for the
    # organization).
    resource_type: str
    resource_id: Optional[str]
    # "user" or "group".
    principal_type: str
    principal_id: str
    role: str
    # The user's email or the group's name.
    principal_name: str = ""
    created_at: Optional[datetime] = None

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"resource_type": self.resource_type, "resource_id": self.resource_id,
                        "principal_type": self.principal_type, "principal_id": self.principal_id,
                        "principal_name": self.principal_name or None, "role": self.role,
                        "created_at": iso(self.created_at) if self.created_at else None})

    @classmethod
    def _from_proto(cls, m: Any) -> "Grant":
        kind = m.resource.WhichOneof("kind")
        resource_type = {"organization": "organization", "cloud_id": "cloud",
                         "project_id": "project"}.get(kind or "", "")
        resource_id = None if kind in (None, "organization") else getattr(m.resource, kind)
        pkind = m.principal.WhichOneof("kind") or ""
        principal_type = "group" if pkind == "group_id" else "user"
        principal_id = getattr(m.principal, pkind) if pkind else ""
        return cls(resource_type, resource_id, principal_type, principal_id, m.role,
                   m.principal_name, _ts(m, "created_at"))
