"""The connection (Client) and the API groups it carries (user, permission, cloud, ...)."""

import builtins
import os
import threading
from pathlib import Path
from typing import (Any, Callable, Dict, Iterable, List, Optional, Sequence,
                    Tuple, TypeVar, Union)

import grpc

from ._errors import RolecallError
from ._paging import ResultIterator
from ._stubs import Stubs
from .directory.models import Cloud, Grant, Project, UserGroup
from .permission.models import Contribution, PermissionCheck, PermissionExplanation
from .user.models import (AdminCreatedUser, AdminCreateUser, AdminCreateUsers,
                          OrganizationPermissions, User)

T = TypeVar("T")
PemSource = Union[str, "os.PathLike[str]", bytes, None]

DEFAULT_SERVER = "localhost:50051"
DEFAULT_TIMEOUT_SECONDS = 60.0
_TRUE = {"1", "true", "yes", "on", "y", "t"}


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name)
    return value if value else None


def _read_pem(source: PemSource, what: str) -> Optional[bytes]:
    if source is None:
        return None
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as e:
        raise RolecallError("INVALID_ARGUMENT", f"cannot read {what} '{source}': {e.strerror}") from None


class Client:
    """A connection to rolecall-server, configured like the ``rolecall`` CLI.

    Every argument left as None falls back to the CLI's environment variable: ``server`` to
    ``ROLECALL_SERVER`` (default ``localhost:50051``), ``token`` to ``ROLECALL_TOKEN``,
    ``tls_ca``/``tls_cert``/``tls_key`` to ``ROLECALL_TLS_CA``/``ROLECALL_TLS_CERT``/
    ``ROLECALL_TLS_KEY`` (PEM file paths, or the PEM bytes themselves), ``tls`` to ``ROLECALL_TLS``
    and ``timeout`` to ``ROLECALL_TIMEOUT`` (seconds per unary call, default 60). As in the CLI,
    the channel uses TLS when ``tls`` is true or any TLS file is given, and is plaintext otherwise.

    API groups: ``client.user``, ``client.permission``, ``client.cloud``, ``client.project``,
    ``client.user_group``, ``client.service_account``, ``client.role`` (the module-level
    ``rolecall.user.*``... functions call the same methods on the default client).
    """

    def __init__(self, server: Optional[str] = None, token: Optional[str] = None,
                 tls_ca: PemSource = None, tls_cert: PemSource = None, tls_key: PemSource = None,
                 *, tls: Optional[bool] = None, timeout: Optional[float] = None,
                 options: Sequence[Tuple[str, Any]] = ()) -> None:
        self.server: str = server or _env("ROLECALL_SERVER") or DEFAULT_SERVER
        self.token: Optional[str] = token if token is not None else _env("ROLECALL_TOKEN")
        tls_ca = tls_ca if tls_ca is not None else _env("ROLECALL_TLS_CA")
        tls_cert = tls_cert if tls_cert is not None else _env("ROLECALL_TLS_CERT")
        tls_key = tls_key if tls_key is not None else _env("ROLECALL_TLS_KEY")
        if tls is None:
            tls = (_env("ROLECALL_TLS") or "").strip().lower() in _TRUE
        if timeout is None:
            env_timeout = _env("ROLECALL_TIMEOUT")
            timeout = float(env_timeout) if env_timeout else DEFAULT_TIMEOUT_SECONDS
        self.timeout: float = timeout
        self.tls: bool = bool(tls or tls_ca is not None or tls_cert is not None or tls_key is not None)
        channel_options = [("grpc.max_receive_message_length", 64 * 1024 * 1024), *options]
        if self.tls:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read_pem(tls_ca, "--tls-ca"),
                private_key=_read_pem(tls_key, "--tls-key"),
                certificate_chain=_read_pem(tls_cert, "--tls-cert"))
            self._channel: grpc.Channel = grpc.secure_channel(self.server, credentials, channel_options)
        else:
            self._channel = grpc.insecure_channel(self.server, channel_options)
        self._pb = Stubs()
        pb = self._pb
        self._users = pb.users_pb2_grpc.UserServiceStub(self._channel)
        self._permissions = pb.permissions_pb2_grpc.PermissionServiceStub(self._channel)
        self._directory = pb.directory_pb2_grpc.DirectoryServiceStub(self._channel)
        self.user = UserAPI(self)
        self.permission = PermissionAPI(self)
        self.cloud = CloudAPI(self)
        self.project = ProjectAPI(self)
        self.user_group = UserGroupAPI(self)
        self.service_account = ServiceAccountAPI(self)
        self.role = RoleAPI(self)

    # --- plumbing ------------------------------------------------------------------------------

    def _metadata(self) -> Tuple[Tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),) if self.token else ()

    def _error(self, e: grpc.RpcError) -> RolecallError:
        error = RolecallError.from_rpc_error(e, self.server)
        if error.code == "UNAUTHENTICATED" and not self.token:
            error.message += " (pass token= or set ROLECALL_TOKEN to an API key)"
        return error

    def _unary(self, method: Callable[..., Any], request: Any) -> Any:
        try:
            return method(request, metadata=self._metadata(), timeout=self.timeout)
        except grpc.RpcError as e:
            raise self._error(e) from None

    def _stream(self, method: Callable[..., Any], request: Any,
                items: Callable[[Any], Iterable[T]], max_items: Optional[int]) -> "ResultIterator[T]":
        return ResultIterator(self, lambda: method(request, metadata=self._metadata()), items, max_items)

    def close(self) -> None:
        """Closes the channel."""
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()




def _check_paging(page_size: Optional[int], max_items: Optional[int]) -> None:
    if max_items is not None and max_items <= 0:
        raise RolecallError("INVALID_ARGUMENT", "'max_items' must be greater than 0.")
    if page_size is not None and not 1 <= page_size <= 50:
        raise RolecallError("INVALID_ARGUMENT", "'page_size' must be between 1 and 50, inclusive.")


def _resource(pb: Stubs, organization: bool, cloud_id: Optional[str], project_id: Optional[str]) -> Any:
    given = [n for n, v in (("organization", organization), ("cloud_id", cloud_id),
                            ("project_id", project_id)) if v]
    if len(given) != 1:
        raise RolecallError("INVALID_ARGUMENT",
                            "Provide exactly one of organization=True, cloud_id or project_id.")
    if organization:
        return pb.common_pb2.ResourceRef(organization=True)
    if cloud_id:
        return pb.common_pb2.ResourceRef(cloud_id=cloud_id)
    return pb.common_pb2.ResourceRef(project_id=project_id)


def _principal(pb: Stubs, user_id: Optional[str], user_email: Optional[str], group_id: Optional[str]) -> Any:
    given = [v for v in (user_id, user_email, group_id) if v]
    if len(given) != 1:
        raise RolecallError("INVALID_ARGUMENT", "Provide exactly one of user_id, user_email or group_id.")
    if user_id:
        return pb.common_pb2.PrincipalRef(user_id=user_id)
    if user_email:
        return pb.common_pb2.PrincipalRef(user_email=user_email)
    return pb.common_pb2.PrincipalRef(group_id=group_id)


class _API:
    def __init__(self, client: Client) -> None:
        self._c = client
        self._pb = client._pb

    def _list_directory(self, method: Callable[..., Any], items: Callable[[Any], Iterable[T]],
                        name: Optional[str], max_items: Optional[int], page_size: Optional[int],
                        parent_id: Optional[str] = None) -> ResultIterator[T]:
        """A directory List* call (they share ListRequest), paged lazily."""
        _check_paging(page_size, max_items)
        request = self._pb.directory_pb2.ListRequest(parent_id=parent_id or "", name=name or "",
                                                     page_size=page_size or 0, max_items=max_items or 0)
        return self._c._stream(method, request, items, max_items)


class UserAPI(_API):
    """``rolecall.user``: the reference's ``anyscale.user`` calls."""

    def admin_batch_create(self, admin_create_users: Union[AdminCreateUsers,
                                                           Sequence[Union[AdminCreateUser, Dict[str, Any]]]]
                           ) -> List[AdminCreatedUser]:
        """Batch create, as an admin, users without email verification (all or nothing, at most
        1,000). Returns the created users in the order given."""
        if not isinstance(admin_create_users, AdminCreateUsers):
            admin_create_users = AdminCreateUsers(create_users=builtins.list(admin_create_users))
        pb = self._pb.users_pb2
        request = pb.AdminCreateUsers(create_users=[u._to_proto(pb) for u in admin_create_users.users()])
        response = self._c._unary(self._c._users.AdminBatchCreateUsers, request)
        return [AdminCreatedUser._from_proto(u) for u in response.created_users]

    def list(self, email: Optional[str] = None, name: Optional[str] = None,
             collaborator_type: Optional[str] = None, max_items: Optional[int] = None,
             page_size: Optional[int] = None, page_token: Optional[str] = None) -> ResultIterator[User]:
        """Lazily lists the organization's users (ordered by email). ``email``/``name``: case-
        insensitive substrings; ``collaborator_type``: ``all_accounts`` | ``only_service_accounts``
        | ``only_user_accounts``; ``page_size`` 1..50 (default 50); ``max_items``: stop after that
        many users (default: all)."""
        _check_paging(page_size, max_items)
        request = self._pb.users_pb2.ListUsersRequest(
            email=email or "", name=name or "", collaborator_type=(collaborator_type or "").lower(),
            page_size=page_size or 0, page_token=page_token or "", max_items=max_items or 0)
        return self._c._stream(self._c._users.ListUsers, request,
                               lambda page: (User._from_proto(u) for u in page.users), max_items)

    def get(self, email: Optional[str] = None, name: Optional[str] = None,
            collaborator_type: Optional[str] = None, *, user_id: Optional[str] = None) -> User:
        """One user by email (case-insensitive), display name (exact) or user_id. Raises
        RolecallError NOT_FOUND when none matches, FAILED_PRECONDITION when several share the name."""
        keys = {k: v for k, v in (("user_id", user_id), ("email", email), ("name", name)) if v}
        if len(keys) != 1:
            raise RolecallError("INVALID_ARGUMENT", "Provide email or name." if not keys
                                else "Provide only one of email, name or user_id.")
        request = self._pb.users_pb2.GetUserRequest(collaborator_type=(collaborator_type or "").lower(),
                                                    **keys)
        return User._from_proto(self._c._unary(self._c._users.GetUser, request))

    def list_permissions(self, user_id: Optional[str] = None) -> OrganizationPermissions:
        """Users and their effective cloud/project permissions (``user_id``: only that user), with
        the organization's owners. ``.to_dict()`` is ``rolecall user list-permissions``'s JSON."""
        request = self._pb.permissions_pb2.ListUserPermissionsRequest(user_id=user_id or "")
        result = OrganizationPermissions(organization_id="")
        pages: ResultIterator[Any] = self._c._stream(self._c._permissions.ListUserPermissions,
                                                     request, lambda page: [page], None)
        for page in pages:
            result._add_page(page)
        return result

    def delete(self, user_id: str) -> None:
        """Deletes a user or service account with its memberships and grants."""
        self._c._unary(self._c._directory.DeleteUser, self._pb.directory_pb2.DeleteUserRequest(user_id=user_id))


class PermissionAPI(_API):
    """``rolecall.permission``: checks and explanations."""

    def check(self, user_id: str, min_role: str, *, organization: bool = False,
              cloud_id: Optional[str] = None, project_id: Optional[str] = None) -> PermissionCheck:
        """Whether the user holds at least ``min_role`` (``readonly``, ``collaborator``/``write``,
        ``owner``) on the organization, a cloud or a project. The result is truthy when allowed."""
        request = self._pb.permissions_pb2.CheckPermissionRequest(
            user_id=user_id, min_role=min_role,
            resource=_resource(self._pb, organization, cloud_id, project_id))
        response = self._c._unary(self._c._permissions.CheckPermission, request)
        return PermissionCheck(response.allowed, response.effective_role or None)

    def explain(self, user_id: str, *, organization: bool = False, cloud_id: Optional[str] = None,
                project_id: Optional[str] = None) -> PermissionExplanation:
        """The user's effective role on a resource and every grant that contributed to it."""
        pb = self._pb.permissions_pb2
        request = pb.ExplainPermissionRequest(
            user_id=user_id, resource=_resource(self._pb, organization, cloud_id, project_id))
        response = self._c._unary(self._c._permissions.ExplainPermission, request)
        sources = pb.Contribution.Source
        return PermissionExplanation(
            response.effective_role or None,
            [Contribution(sources.Name(c.source).lower(), c.role, c.group_id or None, c.group_name or None)
             for c in response.contributions])

    def list(self, user_id: Optional[str] = None) -> OrganizationPermissions:
        """Same as ``rolecall.user.list_permissions``."""
        return self._c.user.list_permissions(user_id)


class CloudAPI(_API):
    """``rolecall.cloud``."""

    def create(self, name: str) -> Cloud:
        return Cloud._from_proto(self._c._unary(self._c._directory.CreateCloud,
                                                self._pb.directory_pb2.CreateCloudRequest(name=name)))

    def get(self, cloud_id: Optional[str] = None, *, name: Optional[str] = None) -> Cloud:
        key = {"cloud_id": cloud_id} if cloud_id else {"name": name or ""}
        return Cloud._from_proto(self._c._unary(self._c._directory.GetCloud,
                                                self._pb.directory_pb2.GetCloudRequest(**key)))

    def list(self, name: Optional[str] = None, max_items: Optional[int] = None,
             page_size: Optional[int] = None) -> ResultIterator[Cloud]:
        return self._list_directory(self._c._directory.ListClouds,
                                    lambda page: (Cloud._from_proto(c) for c in page.clouds),
                                    name, max_items, page_size)

    def delete(self, cloud_id: str) -> None:
        """Deletes the cloud, its projects and every grant on them."""
        self._c._unary(self._c._directory.DeleteCloud, self._pb.directory_pb2.DeleteCloudRequest(cloud_id=cloud_id))


class ProjectAPI(_API):
    """``rolecall.project``."""

    def create(self, cloud_id: str, name: str) -> Project:
        request = self._pb.directory_pb2.CreateProjectRequest(cloud_id=cloud_id, name=name)
        return Project._from_proto(self._c._unary(self._c._directory.CreateProject, request))

    def get(self, project_id: str) -> Project:
        request = self._pb.directory_pb2.GetProjectRequest(project_id=project_id)
        return Project._from_proto(self._c._unary(self._c._directory.GetProject, request))

    def list(self, cloud_id: Optional[str] = None, name: Optional[str] = None,
             max_items: Optional[int] = None, page_size: Optional[int] = None) -> ResultIterator[Project]:
        return self._list_directory(self._c._directory.ListProjects,
                                    lambda page: (Project._from_proto(p) for p in page.projects),
                                    name, max_items, page_size, parent_id=cloud_id)

    def delete(self, project_id: str) -> None:
        """Deletes the project and every grant on it."""
        self._c._unary(self._c._directory.DeleteProject,
                       self._pb.directory_pb2.DeleteProjectRequest(project_id=project_id))


class UserGroupAPI(_API):
    """``rolecall.user_group``."""

    def create(self, name: str) -> UserGroup:
        request = self._pb.directory_pb2.CreateUserGroupRequest(name=name)
        return UserGroup._from_proto(self._c._unary(self._c._directory.CreateUserGroup, request))

    def get(self, id: Optional[str] = None, *, name: Optional[str] = None) -> UserGroup:
        key = {"id": id} if id else {"name": name or ""}
        request = self._pb.directory_pb2.GetUserGroupRequest(**key)
        return UserGroup._from_proto(self._c._unary(self._c._directory.GetUserGroup, request))

    def list(self, name: Optional[str] = None, max_items: Optional[int] = None,
             page_size: Optional[int] = None) -> ResultIterator[UserGroup]:
        return self._list_directory(self._c._directory.ListUserGroups,
                                    lambda page: (UserGroup._from_proto(g) for g in page.user_groups),
                                    name, max_items, page_size)

    def delete(self, id: str) -> None:
        """Deletes the group, its memberships and its grants."""
        self._c._unary(self._c._directory.DeleteUserGroup, self._pb.directory_pb2.DeleteUserGroupRequest(id=id))

    def add_members(self, group_id: str, users: Sequence[str]) -> int:
        """Adds users (ids or emails); returns how many memberships were added."""
        request = self._pb.directory_pb2.GroupMembersRequest(group_id=group_id, users=builtins.list(users))
        return int(self._c._unary(self._c._directory.AddGroupMembers, request).changed)

    def remove_members(self, group_id: str, users: Sequence[str]) -> int:
        """Removes users (ids or emails); returns how many memberships were removed."""
        request = self._pb.directory_pb2.GroupMembersRequest(group_id=group_id, users=builtins.list(users))
        return int(self._c._unary(self._c._directory.RemoveGroupMembers, request).changed)

    def list_memberships(self, group_id: Optional[str] = None) -> Dict[str, List[str]]:
        """``{group name: [member emails, sorted]}`` (``group_id``: only that group)."""
        request = self._pb.directory_pb2.ListRequest(parent_id=group_id or "")
        pages: ResultIterator[Any] = self._c._stream(
            self._c._directory.ListGroupMemberships, request, lambda page: page.memberships, None)
        return {m.group_name: builtins.list(m.member_emails) for m in pages}


class ServiceAccountAPI(_API):
    """``rolecall.service_account``."""

    def create(self, name: str) -> User:
        """Creates ``<name>@org-<org_id>.serviceaccount.com``, an organization collaborator."""
        request = self._pb.directory_pb2.CreateServiceAccountRequest(name=name)
        return User._from_proto(self._c._unary(self._c._directory.CreateServiceAccount, request))

    def delete(self, user_id: str) -> None:
        self._c.user.delete(user_id)


class RoleAPI(_API):
    """``rolecall.role``: grants (role bindings)."""

    def grant(self, role: str, *, user_id: Optional[str] = None, user_email: Optional[str] = None,
              group_id: Optional[str] = None, organization: bool = False,
              cloud_id: Optional[str] = None, project_id: Optional[str] = None) -> Grant:
        """Grants ``role`` to one principal on one resource (granting a held role is no error)."""
        request = self._pb.directory_pb2.GrantRoleRequest(
            role=role, principal=_principal(self._pb, user_id, user_email, group_id),
            resource=_resource(self._pb, organization, cloud_id, project_id))
        return Grant._from_proto(self._c._unary(self._c._directory.GrantRole, request))

    def revoke(self, role: str, *, user_id: Optional[str] = None, user_email: Optional[str] = None,
               group_id: Optional[str] = None, organization: bool = False,
               cloud_id: Optional[str] = None, project_id: Optional[str] = None) -> None:
        """Revokes a role (NOT_FOUND when it is not granted)."""
        request = self._pb.directory_pb2.RevokeRoleRequest(
            role=role, principal=_principal(self._pb, user_id, user_email, group_id),
            resource=_resource(self._pb, organization, cloud_id, project_id))
        self._c._unary(self._c._directory.RevokeRole, request)

    def list(self, *, organization: bool = False, cloud_id: Optional[str] = None,
             project_id: Optional[str] = None, max_items: Optional[int] = None,
             page_size: Optional[int] = None) -> ResultIterator[Grant]:
        """The grants on one resource."""
        _check_paging(page_size, max_items)
        request = self._pb.directory_pb2.ListGrantsRequest(
            resource=_resource(self._pb, organization, cloud_id, project_id),
            page_size=page_size or 0, max_items=max_items or 0)
        return self._c._stream(self._c._directory.ListGrants, request,
                               lambda page: (Grant._from_proto(g) for g in page.grants), max_items)


# --- The default client ------------------------------------------------------------------------

_default: Optional[Client] = None
_default_lock = threading.Lock()


def default_client() -> Client:
    """The client of the module-level functions: made on first use from the environment
    (``ROLECALL_SERVER``, ``ROLECALL_TOKEN``, ``ROLECALL_TLS_*``), or set by set_default_client."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Client()
        return _default


def set_default_client(client: Optional[Client]) -> None:
    """Makes ``client`` the default; None: the next call makes one from the environment again."""
    global _default
    with _default_lock:
        previous, _default = _default, client
    if previous is not None and previous is not client:
        previous.close()
