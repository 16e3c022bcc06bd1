"""The Python SDK (sdk/python, package `rolecall`) against the real server: the reference's SDK
examples rewritten for rolecall, lazy paging, error mapping, TLS, the directory wrappers, and
installation with pip."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List

import grpc
import pytest

import harness
import rolecall
from conftest import CLI_BIN, REPO
from rolecall.user.models import AdminCreatedUser, AdminCreateUser, AdminCreateUsers, User


def tag() -> str:
    return secrets.token_hex(3)


def cli(org, *args):
    """The rolecall CLI against the same server and key; its stdout."""
    env = dict(os.environ, ROLECALL_SERVER=org.server.address, ROLECALL_TOKEN=org.admin_key)
    result = subprocess.run([CLI_BIN, *args], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- The reference's examples, rewritten for rolecall -------------------------------------------

def test_reference_examples(make_org, default_env):
    org = make_org("ref")
    default_env(ROLECALL_SERVER=org.server.address, ROLECALL_TOKEN=org.admin_key)
    t = tag()

    # AdminCreateUser
    admin_create_user = AdminCreateUser(
        # First name of the user to be created.
        name="name",
        # Email of the user to be created.
        email=f"test{t}@anyscale.com",
        # Password for the user account being created.
        password="",
        # Whether the user is an SSO user. SSO users can log in using SSO.
        is_sso_user=False,
        # Optional last name of the user to be created.
        lastname="lastname",
        # Optional title of the user to be created.
        title="title",
    )
    assert admin_create_user.to_dict() == {"name": "name", "email": f"test{t}@anyscale.com",
                                           "password": "", "is_sso_user": False,
                                           "lastname": "lastname", "title": "title"}
    # AdminCreateUsers
    admin_create_users = AdminCreateUsers(
        # Users to be created by an admin.
        create_users=[admin_create_user]
    )
    assert admin_create_users.to_dict() == {"create_users": [admin_create_user.to_dict()]}

    # AdminCreatedUser
    admin_created_users: List[AdminCreatedUser] = rolecall.user.admin_batch_create([admin_create_user])
    assert len(admin_created_users) == 1
    created = admin_created_users[0]
    assert isinstance(created, AdminCreatedUser)
    assert created.user_id.startswith("usr_")
    assert (created.name, created.email, created.is_sso_user, created.lastname, created.title) == \
        ("name", f"test{t}@anyscale.com", False, "lastname", "title")
    assert created.created_at.tzinfo is not None
    assert abs((datetime.now(timezone.utc) - created.created_at).total_seconds()) < 300
    assert created.to_dict() == {"user_id": created.user_id, "name": "name",
                                 "email": f"test{t}@anyscale.com",
                                 "created_at": created.created_at.isoformat(), "is_sso_user": False,
                                 "lastname": "lastname", "title": "title"}
    assert created.to_dict()["created_at"].endswith("+00:00")

    # The users-file form (dicts, as in `create_users:` of the YAML) works too.
    more = rolecall.user.admin_batch_create(AdminCreateUsers(create_users=[
        {"name": "name1", "email": f"test1{t}@anyscale.com", "password": "", "is_sso_user": False,
         "lastname": "lastname1", "title": "title1"},
        {"name": "name2", "email": f"test2{t}@anyscale.com", "password": "", "is_sso_user": False,
         "lastname": "lastname2", "title": "title2"}]))
    assert [u.email for u in more] == [f"test1{t}@anyscale.com", f"test2{t}@anyscale.com"]

    # User
    printed = []
    for user in rolecall.user.list(max_items=5):
        printed.append(f"{user.email} ({user.permission_level})")
    # Listed by email, bytewise: where test{t} falls depends on the random tag's first character.
    emails = sorted([f"test{t}@anyscale.com", f"test1{t}@anyscale.com", f"test2{t}@anyscale.com"])
    assert printed == [f"{email} (collaborator)" for email in emails]

    # `user get --email ... --json` == get(...).to_dict(), key for key and in the same order.
    user = rolecall.user.get(email=f"TEST{t}@anyscale.com")
    assert isinstance(user, User)
    assert list(user.to_dict()) == ["name", "email", "created_at", "permission_level", "user_id"]
    assert user.to_dict() == {"name": "name", "email": f"test{t}@anyscale.com",
                              "created_at": created.created_at.isoformat(),
                              "permission_level": "collaborator", "user_id": created.user_id}
    assert json.dumps(user.to_dict(), indent=2) + "\n" == \
        cli(org, "user", "get", "--email", f"test{t}@anyscale.com", "--json")
    assert rolecall.user.get(name="name1").email == f"test1{t}@anyscale.com"
    listed = [u.to_dict() for u in rolecall.user.list(max_items=3)]
    assert listed == json.loads(cli(org, "user", "list", "--json", "--no-interactive", "--max-items", "3"))


def test_list_permissions_reference_shape(make_org, default_env):
    org = make_org("perm")
    c = org.client
    admin1, alice = c.user.admin_batch_create([
        AdminCreateUser(name="admin1", email="admin1@p72.com"),
        AdminCreateUser(name="alice", email="alice@p72.com")])
    c.role.grant("owner", user_id=admin1.user_id, organization=True)
    cloud = c.cloud.create("prod-cloud")
    project = c.project.create(cloud.cloud_id, "prod-project")
    c.role.grant("collaborator", user_email="alice@p72.com", cloud_id=cloud.cloud_id)
    c.role.grant("readonly", user_id=alice.user_id, project_id=project.project_id)

    default_env(ROLECALL_SERVER=org.server.address, ROLECALL_TOKEN=org.admin_key)
    perms = rolecall.user.list_permissions()
    doc = perms.to_dict()
    assert list(doc) == ["organization_id", "org_owners", "users"]
    assert doc["organization_id"] == org.org_id
    assert doc["org_owners"] == [{"user_email": "admin1@p72.com", "user_id": admin1.user_id}]
    alice_entry = {
        "clouds": [{"cloud_id": cloud.cloud_id, "cloud_name": "prod-cloud", "role": "collaborator",
                    "projects": [{"project_id": project.project_id, "project_name": "prod-project",
                                  "role": "readonly"}]}],
        "user_email": "alice@p72.com",
        "user_id": alice.user_id}
    assert alice_entry in doc["users"]
    # Byte for byte what `rolecall user list-permissions` prints.
    assert json.dumps(doc, indent=2) + "\n" == cli(org, "user", "list-permissions")

    one = rolecall.user.list_permissions(user_id=alice.user_id).to_dict()
    assert one == {"organization_id": org.org_id,
                   "org_owners": [{"user_email": "admin1@p72.com", "user_id": admin1.user_id}],
                   "users": [alice_entry]}
    assert json.dumps(one, indent=2) + "\n" == cli(org, "user", "list-permissions", "--user-id", alice.user_id)

    # A user with only a project role in a cloud: the cloud has no "role".
    c.role.revoke("collaborator", user_id=alice.user_id, cloud_id=cloud.cloud_id)
    only_project = rolecall.user.list_permissions(user_id=alice.user_id).to_dict()["users"][0]["clouds"][0]
    assert only_project == {"cloud_id": cloud.cloud_id, "cloud_name": "prod-cloud",
                            "projects": [{"project_id": project.project_id,
                                          "project_name": "prod-project", "role": "readonly"}]}


# --- Paging: lazy, one page at a time ----------------------------------------------------------

@pytest.fixture(scope="module")
def big_org(make_org):
    org = make_org("big")
    t = tag()
    org.client.user.admin_batch_create(
        [AdminCreateUser(name=f"u{i:03d}", email=f"u{i:03d}.{t}@example.com") for i in range(200)])
    return org


def _last_list_users_log(server, since):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        entries = server.rpc_log("ListUsers", since)
        if entries:
            return entries[-1]
        time.sleep(0.05)
    raise AssertionError("no ListUsers log line")


def test_list_max_items_reads_one_page(big_org):
    since = big_org.server.log_size()
    users = big_org.client.user.list(max_items=5)
    assert users.pages_received == 0  # nothing is fetched before the first next()
    emails = [u.email for u in users]
    assert len(emails) == 5 and emails == sorted(emails)
    assert users.pages_received == 1
    entry = _last_list_users_log(big_org.server, since)
    # The server streamed 5 users, not 200, and the call ended there (the SDK cancels it once it
    # has the 5th user: the server may have finished first, or see the cancellation).
    assert entry["code"] in ("OK", "CANCELLED") and entry.get("rows", 0) == 5, entry


def test_list_stops_reading_when_the_caller_stops(big_org):
    since = big_org.server.log_size()
    users = big_org.client.user.list(page_size=10)
    first = [next(users) for _ in range(15)]
    assert users.pages_received == 2  # 15 users need 2 pages of 10, and no third
    users.close()
    assert len({u.email for u in first}) == 15
    entry = _last_list_users_log(big_org.server, since)
    assert entry["code"] == "CANCELLED", entry  # the SDK cancelled the call...
    assert entry["rows"] < 200, entry  # ...before the server streamed everything
    # Resume from the token of the last page received: the rest, no duplicates, no gaps.
    rest = list(big_org.client.user.list(page_size=50, page_token=users.next_page_token))
    assert len(rest) == 200 - 20


def test_list_all_pages(big_org):
    users = big_org.client.user.list(page_size=50)
    emails = [u.email for u in users]
    assert len(emails) == len(set(emails)) == 200
    assert users.pages_received == 4
    assert users.next_page_token == ""
    assert [u.email for u in big_org.client.user.list(email="u00", page_size=3)] == \
        sorted(e for e in emails if e.startswith("u00"))


def test_list_generator_closed_cancels_call(big_org):
    """Leaving a for loop early (break) then dropping the iterator cancels the stream."""
    since = big_org.server.log_size()
    for i, _ in enumerate(big_org.client.user.list(page_size=5)):
        if i == 2:
            break
    entry = _last_list_users_log(big_org.server, since)
    assert entry["code"] == "CANCELLED" and entry["rows"] < 200, entry


# --- Errors ------------------------------------------------------------------------------------

def test_invalid_email_maps_to_field_violation(make_org):
    org = make_org("err")
    with pytest.raises(rolecall.RolecallError) as info:
        org.client.user.admin_batch_create([AdminCreateUser(name="x", email="not-an-email")])
    error = info.value
    assert not isinstance(error, grpc.RpcError)
    assert error.code == "INVALID_ARGUMENT"
    assert error.message
    assert [f for f, _ in error.field_violations] == ["create_users[0].email"]
    assert error.field_violations[0][1]
    assert "create_users[0].email" in str(error)
    # All or nothing: nothing was created.
    assert list(org.client.user.list(email="not-an-email")) == []


def test_errors(make_org, server):
    org = make_org("err2")
    with pytest.raises(rolecall.RolecallError) as info:
        org.client.user.get(email="nobody@example.com")
    assert info.value.code == "NOT_FOUND"
    assert info.value.message == "No user found matching 'nobody@example.com'."
    with pytest.raises(rolecall.RolecallError) as info:
        org.client.user.get()
    assert (info.value.code, info.value.message) == ("INVALID_ARGUMENT", "Provide email or name.")
    with pytest.raises(rolecall.RolecallError) as info:
        org.client.user.list(page_size=51)
    assert info.value.message == "'page_size' must be between 1 and 50, inclusive."
    org.client.user.admin_batch_create([AdminCreateUser(name="dup", email="dup@example.com")])
    with pytest.raises(rolecall.RolecallError) as info:
        org.client.user.admin_batch_create([AdminCreateUser(name="dup", email="DUP@example.com")])
    assert info.value.code == "ALREADY_EXISTS"
    with pytest.raises(TypeError):
        AdminCreateUser(name="x", email="y@example.com", is_sso_user="no")  # type: ignore[arg-type]


def test_bad_token_is_unauthenticated(server):
    bad = rolecall.Client(server=server.address, token="rck_bogus_" + "x" * 40)
    with pytest.raises(rolecall.RolecallError) as info:
        bad.user.get(email="a@example.com")
    assert info.value.code == "UNAUTHENTICATED"
    with pytest.raises(rolecall.RolecallError) as info:
        list(bad.user.list(max_items=5))  # a stream fails the same way, at the first page
    assert info.value.code == "UNAUTHENTICATED"
    none = rolecall.Client(server=server.address, token="")
    with pytest.raises(rolecall.RolecallError) as info:
        none.user.list_permissions()
    assert info.value.code == "UNAUTHENTICATED"
    assert "ROLECALL_TOKEN" in info.value.message
    bad.close()
    none.close()


def test_unreachable_server_is_unavailable():
    with socket_port() as port:
        pass
    c = rolecall.Client(server=f"127.0.0.1:{port}", token="x", timeout=5)
    with pytest.raises(rolecall.RolecallError) as info:
        c.user.get(email="a@example.com")
    assert info.value.code == "UNAVAILABLE"
    assert f"127.0.0.1:{port}" in info.value.message


class socket_port:
    def __enter__(self):
        import socket
        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        return self.s.getsockname()[1]

    def __exit__(self, *exc):
        self.s.close()


# --- The directory writes, checks and explanations ----------------------------------------------

def test_directory_check_and_explain(make_org, default_env):
    org = make_org("dir")
    default_env(ROLECALL_SERVER=org.server.address, ROLECALL_TOKEN=org.admin_key)
    t = tag()
    bob, = rolecall.user.admin_batch_create([AdminCreateUser(name="bob", email=f"bob{t}@example.com")])
    cloud = rolecall.cloud.create(f"cloud-{t}")
    assert cloud.cloud_id.startswith("cld_") and rolecall.cloud.get(name=f"cloud-{t}") == cloud
    project = rolecall.project.create(cloud.cloud_id, f"proj-{t}")
    assert rolecall.project.get(project.project_id).cloud_id == cloud.cloud_id
    assert [p.project_id for p in rolecall.project.list(cloud_id=cloud.cloud_id)] == [project.project_id]
    group = rolecall.user_group.create(f"devs-{t}")
    assert group.id.startswith("ug_") and group.org_id == org.org_id
    assert rolecall.user_group.add_members(group.id, [bob.email]) == 1
    assert rolecall.user_group.list_memberships(group.id) == {f"devs-{t}": [bob.email]}

    assert not rolecall.permission.check(bob.user_id, "readonly", project_id=project.project_id)
    grant = rolecall.role.grant("write", group_id=group.id, project_id=project.project_id)
    assert (grant.role, grant.principal_type, grant.principal_id) == ("collaborator", "group", group.id)
    check = rolecall.permission.check(bob.user_id, "collaborator", project_id=project.project_id)
    assert check.allowed and check.effective_role == "collaborator"
    assert not rolecall.permission.check(bob.user_id, "owner", project_id=project.project_id).allowed
    explanation = rolecall.permission.explain(bob.user_id, project_id=project.project_id)
    assert explanation.effective_role == "collaborator"
    assert [(c.source, c.role, c.group_id, c.group_name) for c in explanation.contributions] == \
        [("group", "collaborator", group.id, f"devs-{t}")]
    assert [g.principal_id for g in rolecall.role.list(project_id=project.project_id)] == [group.id]

    rolecall.role.revoke("collaborator", group_id=group.id, project_id=project.project_id)
    with pytest.raises(rolecall.RolecallError) as info:
        rolecall.role.revoke("collaborator", group_id=group.id, project_id=project.project_id)
    assert info.value.code == "NOT_FOUND"
    assert rolecall.permission.check(bob.user_id, "readonly", project_id=project.project_id).effective_role is None
    assert rolecall.permission.check(bob.user_id, "collaborator", organization=True).allowed

    robot = rolecall.service_account.create(f"robot{t}")
    assert robot.email == f"robot{t}@org-{org.org_id}.serviceaccount.com"
    assert robot.permission_level == "collaborator"
    assert [u.email for u in rolecall.user.list(collaborator_type="only_service_accounts")] == [robot.email]
    rolecall.service_account.delete(robot.user_id)

    assert rolecall.user_group.remove_members(group.id, [bob.user_id]) == 1
    rolecall.user_group.delete(group.id)
    rolecall.project.delete(project.project_id)
    rolecall.cloud.delete(cloud.cloud_id)
    with pytest.raises(rolecall.RolecallError) as info:
        rolecall.cloud.get(cloud.cloud_id)
    assert info.value.code == "NOT_FOUND"


# --- TLS ---------------------------------------------------------------------------------------

def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certificates(directory: Path) -> None:
    """ca.pem / ca.key, and server.pem / server.key for 127.0.0.1 and localhost, signed by it."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rolecall test CA",
             "-keyout", "ca.key", "-out", "ca.pem", cwd=directory)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", "server.key", "-out", "server.csr", cwd=directory)
    (directory / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "san.ext", "-out", "server.pem", cwd=directory)


class TlsServer(harness.Server):
    """rolecall-server serving TLS only (no --plaintext)."""

    def __init__(self, db, cert: Path, key: Path, ca: Path, *flags: str):
        self.grace_seconds = 5
        self.ca = ca
        self.log_path = Path(tempfile.mkstemp(prefix="rolecall-sdk-tls-", suffix=".log")[1])
        argv = [harness.SERVER_BIN, "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "",
                "--database-url", db.serve_url, "--shutdown-grace-seconds", "5",
                "--tls-cert", str(cert), "--tls-key", str(key), *flags]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.port = None
        deadline = time.monotonic() + 30
        try:
            while self.port is None:
                for line in self.log().splitlines():
                    if '"msg":"serving"' in line:
                        self.port = json.loads(line)["port"]
                if self.port is None:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("rolecall-server (TLS) did not start:\n" + self.log()[-4000:])
                    time.sleep(0.05)
        except BaseException:
            self.close()
            raise
        self.address = f"127.0.0.1:{self.port}"


def test_tls(database, make_org, default_env, tmp_path):
    org = make_org("tls")  # bootstrap through the plaintext server's database; same database here
    make_certificates(tmp_path)
    server = TlsServer(database, tmp_path / "server.pem", tmp_path / "server.key", tmp_path / "ca.pem")
    try:
        email = f"tls{tag()}@example.com"
        with rolecall.Client(server=server.address, token=org.admin_key, tls_ca=str(tmp_path / "ca.pem")) as c:
            assert c.tls
            deadline = time.monotonic() + 20
            while True:  # the server may still be connecting to PostgreSQL
                try:
                    c.user.admin_batch_create([AdminCreateUser(name="tls", email=email)])
                    break
                except rolecall.RolecallError as e:
                    if e.code != "UNAVAILABLE" or time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            assert c.user.get(email=email).email == email
            assert [u.email for u in c.user.list(email="tls")] == [email]
        # CA as PEM bytes.
        with rolecall.Client(server=server.address, token=org.admin_key,
                             tls_ca=(tmp_path / "ca.pem").read_bytes()) as c:
            assert c.user.get(email=email).name == "tls"
        # Plaintext to a TLS server, or TLS without trusting its CA: UNAVAILABLE, as RolecallError.
        with rolecall.Client(server=server.address, token=org.admin_key, timeout=5) as c:
            assert not c.tls
            with pytest.raises(rolecall.RolecallError) as info:
                c.user.get(email=email)
            assert info.value.code == "UNAVAILABLE"
        with rolecall.Client(server=server.address, token=org.admin_key, tls=True, timeout=5) as c:
            with pytest.raises(rolecall.RolecallError) as info:
                c.user.get(email=email)
            assert info.value.code == "UNAVAILABLE"
        # Last (it sets ROLECALL_TLS_CA for the rest of the test): the CA from the
        # environment, like the CLI's ROLECALL_TLS_CA, and the name "localhost".
        default_env(ROLECALL_SERVER=f"localhost:{server.port}", ROLECALL_TOKEN=org.admin_key,
                    ROLECALL_TLS_CA=str(tmp_path / "ca.pem"))
        assert rolecall.default_client().tls
        assert rolecall.user.get(email=email).name == "tls"
    finally:
        server.close()


def _until_served(call, deadline_seconds=20.0):
    """call() once the server answers (it may still be connecting to PostgreSQL)."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            return call()
        except rolecall.RolecallError as e:
            if e.code != "UNAVAILABLE" or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_mutual_tls(database, make_org, tmp_path):
    org = make_org("mtls")
    make_certificates(tmp_path)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rolecall sdk client",
             "-keyout", "client.key", "-out", "client.csr", cwd=tmp_path)
    _openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-out", "client.pem", cwd=tmp_path)
    server = TlsServer(database, tmp_path / "server.pem", tmp_path / "server.key", tmp_path / "ca.pem",
                       "--tls-client-ca", str(tmp_path / "ca.pem"))
    try:
        with rolecall.Client(server=server.address, token=org.admin_key, tls_ca=str(tmp_path / "ca.pem"),
                             tls_cert=str(tmp_path / "client.pem"), tls_key=str(tmp_path / "client.key")) as c:
            assert _until_served(lambda: list(c.user.list())) == []
        with rolecall.Client(server=server.address, token=org.admin_key, tls_ca=str(tmp_path / "ca.pem"),
                             timeout=5) as c:  # no client certificate
            with pytest.raises(rolecall.RolecallError) as info:
                list(c.user.list())
            assert info.value.code == "UNAVAILABLE"
        with pytest.raises(rolecall.RolecallError) as info:
            rolecall.Client(server=server.address, tls_ca=str(tmp_path / "missing.pem"))
        assert info.value.code == "INVALID_ARGUMENT" and "missing.pem" in info.value.message
    finally:
        server.close()


# --- Configuration and installation ------------------------------------------------------------

def test_default_client_from_environment(server, default_env, make_org):
    org = make_org("env")
    default_env(ROLECALL_SERVER=server.address, ROLECALL_TOKEN=org.admin_key)
    c = rolecall.default_client()
    assert (c.server, c.token, c.tls) == (server.address, org.admin_key, False)
    assert list(rolecall.user.list()) == []
    rolecall.set_default_client(org.client)
    assert rolecall.default_client() is org.client
    rolecall.set_default_client(None)
    os.environ.pop("ROLECALL_SERVER")
    assert rolecall.default_client().server == "localhost:50051"


def test_pip_install_into_venv(tmp_path, server, make_org):
    """`pip install sdk/python` into a --system-site-packages venv, offline, then use it."""
    org = make_org("pip")
    source = tmp_path / "src"
    shutil.copytree(REPO / "sdk" / "python", source,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    env = dict(os.environ, ROLECALL_PROTO_DIR=str(REPO / "proto"), PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONPATH="")
    result = subprocess.run([str(venv / "bin/pip"), "install", "--no-cache-dir", str(source)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    script = ("import rolecall, rolecall.v1.users_pb2 as pb, pathlib;"
              "assert pathlib.Path(pb.__file__).parent.parent == pathlib.Path(rolecall.__file__).parent, pb.__file__;"
              "print([u.email for u in rolecall.user.list(max_items=1)])")
    env = dict(os.environ, ROLECALL_SERVER=server.address, ROLECALL_TOKEN=org.admin_key, PYTHONPATH="",
               ROLECALL_PROTO_DIR="/nonexistent", ROLECALL_SDK_CACHE_DIR="/nonexistent")
    result = subprocess.run([str(venv / "bin/python"), "-c", script], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_models_without_a_server():
    from datetime import timedelta
    from rolecall._errors import decode_field_violations
    at = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert User(email="service@anyscale.com", name="Service Bot", created_at=at,
                permission_level="collaborator").to_dict() == {
        "name": "Service Bot", "email": "service@anyscale.com",
        "created_at": "2024-01-01T12:00:00+00:00", "permission_level": "collaborator"}
    later = User(email="a@b.c", name="a", created_at=at + timedelta(microseconds=250),
                 permission_level="owner", user_id="usr_owner")
    assert later.to_dict()["created_at"] == "2024-01-01T12:00:00.000250+00:00"
    assert AdminCreateUser(name="n", email="e@x.com").to_dict() == {"name": "n", "email": "e@x.com",
                                                                   "is_sso_user": False}
    with pytest.raises(TypeError):
        AdminCreateUsers(create_users=["nope"])  # type: ignore[list-item]
    assert decode_field_violations([("grpc-status-details-bin", b"\xff\xff")]) == []
    error = rolecall.RolecallError("INVALID_ARGUMENT", "bad", [("create_users[0].email", "invalid")])
    assert (error.code, error.message, error.field_violations) == \
        ("INVALID_ARGUMENT", "bad", [("create_users[0].email", "invalid")])
