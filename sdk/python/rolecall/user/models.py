"""The user models of the reference's ``anyscale.user.models``, for rolecall, plus the
list-permissions models. Plain dataclasses; ``to_dict()`` gives the CLI's JSON shape (datetimes as
ISO 8601 strings, absent optional fields omitted)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional, Union

from .._models import check_type, compact, from_timestamp, iso, optional_field

__all__ = ["AdminCreateUser", "AdminCreateUsers", "AdminCreatedUser", "User", "OrgOwner",
           "ProjectPermission", "CloudPermission", "UserPermissions", "OrganizationPermissions",
           "CollaboratorType"]


class CollaboratorType:
    """Values of the ``collaborator_type`` filter."""

    ALL_ACCOUNTS = "all_accounts"
    ONLY_SERVICE_ACCOUNTS = "only_service_accounts"
    ONLY_USER_ACCOUNTS = "only_user_accounts"


@dataclass
class AdminCreateUser:
    """User to be created by an admin."""

    # First name of the user to be created.
    name: str
    # Email of the user to be created.
    email: str
    # Password for the user account being created (8 to 1,024 characters; '' or None: no password).
    password: Optional[str] = None
    # Whether the user is an SSO user. SSO users can log in using SSO.
    is_sso_user: bool = False
    # Optional last name of the user to be created.
    lastname: Optional[str] = None
    # Optional title of the user to be created.
    title: Optional[str] = None

    def __post_init__(self) -> None:
        check_type("AdminCreateUser", "name", self.name, str)
        check_type("AdminCreateUser", "email", self.email, str)
        check_type("AdminCreateUser", "password", self.password, str, optional=True)
        check_type("AdminCreateUser", "is_sso_user", self.is_sso_user, bool)
        check_type("AdminCreateUser", "lastname", self.lastname, str, optional=True)
        check_type("AdminCreateUser", "title", self.title, str, optional=True)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "AdminCreateUser":
        """From a dict with the fields' names (an entry of a users file's ``create_users``)."""
        unknown = set(data) - {"name", "email", "password", "is_sso_user", "lastname", "title"}
        if unknown:
            raise ValueError(f"AdminCreateUser: unknown field(s) {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"name": self.name, "email": self.email, "password": self.password,
                        "is_sso_user": self.is_sso_user, "lastname": self.lastname,
                        "title": self.title})

    def _to_proto(self, users_pb2: Any) -> Any:
        message = users_pb2.AdminCreateUser(name=self.name, email=self.email,
                                            is_sso_user=self.is_sso_user)
        for name in ("password", "lastname", "title"):
            value = getattr(self, name)
            if value is not None:
                setattr(message, name, value)
        return message


@dataclass
class AdminCreateUsers:
    """Users to be created by an admin."""

    # Users to be created by an admin (dicts with AdminCreateUser's fields, or AdminCreateUser).
    create_users: List[Union[Dict[str, Any], AdminCreateUser]] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_type("AdminCreateUsers", "create_users", self.create_users, list)
        for i, entry in enumerate(self.create_users):
            if not isinstance(entry, (dict, AdminCreateUser)):
                raise TypeError(f"AdminCreateUsers.create_users[{i}] must be a dict or "
                                f"AdminCreateUser, not {type(entry).__name__}")

    def users(self) -> List[AdminCreateUser]:
        """The entries as AdminCreateUser models."""
        return [e if isinstance(e, AdminCreateUser) else AdminCreateUser.from_dict(e)
                for e in self.create_users]

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return {"create_users": [u.to_dict() for u in self.users()]}


@dataclass
class AdminCreatedUser:
    """User account created by an admin that has organization collaborator permissions."""

    # ID of the user that has been created.
    user_id: str
    # First name of the user that has been created.
    name: str
    # Email of the user that has been created.
    email: str
    # The timestamp of when the user is created (timezone-aware, UTC).
    created_at: datetime
    # Whether the user is an SSO user. SSO users can log in using SSO.
    is_sso_user: bool = False
    # Optional last name of the user that has been created.
    lastname: Optional[str] = None
    # Optional title of the user that has been created.
    title: Optional[str] = None

    def __post_init__(self) -> None:
        for name in ("user_id", "name", "email"):
            check_type("AdminCreatedUser", name, getattr(self, name), str)
        check_type("AdminCreatedUser", "created_at", self.created_at, datetime)
        check_type("AdminCreatedUser", "is_sso_user", self.is_sso_user, bool)
        check_type("AdminCreatedUser", "lastname", self.lastname, str, optional=True)
        check_type("AdminCreatedUser", "title", self.title, str, optional=True)

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return compact({"user_id": self.user_id, "name": self.name, "email": self.email,
                        "created_at": iso(self.created_at), "is_sso_user": self.is_sso_user,
                        "lastname": self.lastname, "title": self.title})

    @classmethod
    def _from_proto(cls, m: Any) -> "AdminCreatedUser":
        return cls(user_id=m.user_id, name=m.name, email=m.email,
                   created_at=from_timestamp(m.created_at), is_sso_user=m.is_sso_user,
                   lastname=optional_field(m, "lastname"), title=optional_field(m, "title"))


@dataclass
class User:
    """Collaborator returned by ``rolecall.user`` APIs."""

    # Email address associated with the collaborator.
    email: str
    # Display name of the collaborator.
    name: str
    # Timestamp for when the collaborator was created (timezone-aware, UTC).
    created_at: datetime
    # Organization permission level for the collaborator: "owner" or "collaborator".
    permission_level: str
    # Optional user ID backing the collaborator (may be absent for service accounts).
    user_id: Optional[str] = None

    def __post_init__(self) -> None:
        for name in ("email", "name", "permission_level"):
            check_type("User", name, getattr(self, name), str)
        check_type("User", "created_at", self.created_at, datetime)
        check_type("User", "user_id", self.user_id, str, optional=True)

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model (``rolecall user get --json``)."""
        return compact({"name": self.name, "email": self.email, "created_at": iso(self.created_at),
                        "permission_level": self.permission_level, "user_id": self.user_id})

    @classmethod
    def _from_proto(cls, m: Any) -> "User":
        return cls(email=m.email, name=m.name, created_at=from_timestamp(m.created_at),
                   permission_level=m.permission_level, user_id=optional_field(m, "user_id"))


@dataclass
class OrgOwner:
    """An organization owner (effective organization role ``owner``)."""

    user_email: str
    user_id: str

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return {"user_email": self.user_email, "user_id": self.user_id}


@dataclass
class ProjectPermission:
    """A user's effective role on one project."""

    project_id: str
    project_name: str
    # "owner", "collaborator" or "readonly".
    role: str

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return {"project_id": self.project_id, "project_name": self.project_name, "role": self.role}


@dataclass
class CloudPermission:
    """A user's effective role on one cloud and on the projects in it."""

    cloud_id: str
    cloud_name: str
    # Effective cloud role; None when the user only holds project roles in this cloud.
    role: Optional[str] = None
    projects: List[ProjectPermission] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model (``projects`` only when not empty)."""
        out: Dict[str, Any] = {"cloud_id": self.cloud_id, "cloud_name": self.cloud_name}
        if self.role is not None:
            out["role"] = self.role
        if self.projects:
            out["projects"] = [p.to_dict() for p in self.projects]
        return out


@dataclass
class UserPermissions:
    """One user's effective cloud and project permissions."""

    clouds: List[CloudPermission]
    user_email: str
    user_id: str

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return {"clouds": [c.to_dict() for c in self.clouds], "user_email": self.user_email,
                "user_id": self.user_id}


@dataclass
class OrganizationPermissions:
    """What ``rolecall.user.list_permissions()`` returns: the organization's owners and its users'
    effective permissions; ``to_dict()`` is ``rolecall user list-permissions``'s JSON."""

    organization_id: str
    org_owners: List[OrgOwner] = field(default_factory=list)
    users: List[UserPermissions] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """Return a dictionary representation of the model."""
        return {"organization_id": self.organization_id,
                "org_owners": [o.to_dict() for o in self.org_owners],
                "users": [u.to_dict() for u in self.users]}

    def _add_page(self, page: Any) -> None:
        if page.organization_id:
            self.organization_id = page.organization_id
        self.org_owners.extend(OrgOwner(o.user_email, o.user_id) for o in page.org_owners)
        for u in page.users:
            clouds = [CloudPermission(c.cloud_id, c.cloud_name, optional_field(c, "role"),
                                      [ProjectPermission(p.project_id, p.project_name, p.role)
                                       for p in c.projects])
                      for c in u.clouds]
            self.users.append(UserPermissions(clouds, u.user_email, u.user_id))
