"""rolecall: the Python SDK of rolecall-server (users, groups, clouds, projects, role grants).

    import rolecall
    for user in rolecall.user.list(max_items=5):
        print(f"{user.email} ({user.permission_level})")

Module-level functions (``rolecall.user``, ``rolecall.permission``, ``rolecall.cloud``,
``rolecall.project``, ``rolecall.user_group``, ``rolecall.service_account``, ``rolecall.role``) use a
default Client configured from the environment like the CLI (``ROLECALL_SERVER``,
``ROLECALL_TOKEN``, ``ROLECALL_TLS_CA``...); ``rolecall.Client(...)`` configures one explicitly.
Every failed call raises ``rolecall.RolecallError``.
"""

from . import _stubs

_stubs.ensure_generated(__path__)  # makes rolecall.v1 (the generated messages and stubs) importable

from ._errors import RolecallError  # noqa: E402
from ._client import Client, ResultIterator, default_client, set_default_client  # noqa: E402
from . import cloud, permission, project, role, service_account, user, user_group  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Client", "RolecallError", "ResultIterator", "default_client", "set_default_client",
           "user", "permission", "cloud", "project", "user_group", "service_account", "role"]
