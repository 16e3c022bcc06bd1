"""What the security suite runs against: a throw-away database per test module on the test
cluster, the real `rolecall-server`, its bootstrap commands, Python stubs generated from the
protos, and generic calls built from the proto descriptors (so a new RPC or field is covered
without editing the tests).

Environment (scripts/test.sh and tests/CMakeLists.txt set it):
  ROLECALL_TEST_DATABASE_URL  superuser URL of the throw-away PostgreSQL cluster
  ROLECALL_SERVER_BIN         the rolecall-server binary (default: build/bin/rolecall-server)
"""

import atexit
import dataclasses
import importlib
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import grpc
import pytest
from google.protobuf import symbol_database

REPO = Path(__file__).resolve().parents[2]
SERVER_BIN = os.environ.get("ROLECALL_SERVER_BIN", str(REPO / "build/bin/rolecall-server"))
PACKAGE = "rolecall.v1"
# The least-privilege login role `rolecall-server migrate` creates for serving.
APP_ROLE = "rolecall_app"

GOOGLE_APIS = Path("/usr/share/gocode/src/github.com/gogo/googleapis")
GRPC_PYTHON_PLUGIN = "/usr/bin/grpc_python_plugin"


# --- Stubs -------------------------------------------------------------------------------------

def install_stubs():
    """Generates the Python messages and stubs of proto/rolecall/v1 (and google.rpc's Status and
    BadRequest, to decode error details) into a temporary directory put on sys.path; it is
    removed when the process exits, and imports the rolecall.v1 modules."""
    out = Path(tempfile.mkdtemp(prefix="rolecall-security-stubs-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    protos = sorted(str(p.relative_to(REPO / "proto")) for p in (REPO / "proto/rolecall/v1").glob("*.proto"))
    subprocess.run(
        ["protoc", f"-I{REPO / 'proto'}", "-I/usr/include", f"-I{GOOGLE_APIS}",
         f"--python_out={out}", f"--grpc_out={out}", f"--plugin=protoc-gen-grpc={GRPC_PYTHON_PLUGIN}",
         *protos, "google/rpc/status.proto", "google/rpc/error_details.proto"],
        check=True, cwd=REPO)
    # rolecall is a regular package; `google` stays a namespace package so google.protobuf (from
    # Debian) and google.rpc (generated here) both import.
    for package in ("rolecall", "rolecall/v1"):
        (out / package / "__init__.py").touch()
    sys.path.insert(0, str(out))
    for proto in protos:
        importlib.import_module(f"rolecall.v1.{Path(proto).stem}_pb2")


def _pb2_modules():
    return [m for name, m in sys.modules.items() if name.startswith("rolecall.v1.") and name.endswith("_pb2")]


def message_class(descriptor):
    """The generated class of a message descriptor."""
    return symbol_database.Default().GetSymbol(descriptor.full_name)


def all_methods():
    """Every RPC of every rolecall.v1 service, as (service name, method descriptor)."""
    methods = []
    for module in _pb2_modules():
        for service in module.DESCRIPTOR.services_by_name.values():
            methods.extend((service.name, m) for m in service.methods)
    return sorted(methods, key=lambda sm: (sm[0], sm[1].name))


# --- Generic requests --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FieldPath:
    """A string field inside a request, e.g. create_users[0].name or resource.cloud_id.
    `steps` are (field descriptor) from the request down to the string field; repeated
    messages are entered at index 0; a repeated string is set to a one-element list."""
    steps: tuple

    def __str__(self):
        parts = []
        for f in self.steps:
            repeated = f.label == f.LABEL_REPEATED
            parts.append(f.name + ("[0]" if repeated else ""))
        return ".".join(parts)

    @property
    def name(self):
        """The string field's own name (what plausible values are keyed by)."""
        return self.steps[-1].name


def string_fields(descriptor, _prefix=(), _seen=()):
    """Every string field reachable from a message, depth first, nested rolecall messages
    included (ResourceRef, PrincipalRef, AdminCreateUser...; a message type is entered once per
    path, so recursive types end)."""
    paths = []
    seen = _seen + (descriptor.full_name,)
    for f in descriptor.fields:
        steps = _prefix + (f,)
        if f.type == f.TYPE_STRING:
            paths.append(FieldPath(steps))
        elif (f.type == f.TYPE_MESSAGE and f.message_type.full_name.startswith(PACKAGE + ".")
              and f.message_type.full_name not in seen):
            paths.extend(string_fields(f.message_type, steps, seen))
    return paths


def _submessage(msg, field):
    if field.label == field.LABEL_REPEATED:
        container = getattr(msg, field.name)
        return container[0] if len(container) else container.add()
    return getattr(msg, field.name)


def set_field(msg, path, value):
    """Sets the string field at `path` (a FieldPath) to `value` (None clears it)."""
    for f in path.steps[:-1]:
        msg = _submessage(msg, f)
    f = path.steps[-1]
    if f.label == f.LABEL_REPEATED:
        del getattr(msg, f.name)[:]
        if value is not None:
            getattr(msg, f.name).append(value)
    elif value is None:
        msg.ClearField(f.name)
    else:
        setattr(msg, f.name, value)


def plausible_request(method, values):
    """A request for `method` whose string fields hold plausible values: values[field name] (a
    string, a callable giving one, or None to leave the field unset); fields missing from
    `values` stay empty. In a oneof only the first string member with a value is set (cloud_id
    of a ResourceRef, user_id of a PrincipalRef, user_id of a GetUserRequest)."""
    request = message_class(method.input_type)()
    filled_oneofs = set()
    for path in string_fields(method.input_type):
        f = path.steps[-1]
        value = values.get(f.name)
        value = value() if callable(value) else value
        if value is None:
            continue
        oneof = f.containing_oneof
        if oneof is not None:
            key = (tuple(s.full_name for s in path.steps[:-1]), oneof.full_name)
            if key in filled_oneofs:
                continue
            filled_oneofs.add(key)
        set_field(request, path, value)
    return request


# --- Calls -------------------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    """The result of one call: its status, every response message (one for unary calls, every
    page of a stream) and the trailing metadata."""
    code: grpc.StatusCode
    details: str
    responses: list
    trailers: tuple


def bearer(key):
    return (("authorization", f"Bearer {key}"),)


def invoke(channel, service, method, request, metadata=(), timeout=30.0):
    """Calls `method` (a MethodDescriptor of `service`) and reads a stream to its end. A watch
    never ends: its first message (a watch from now begins with a checkpoint) is its answer."""
    path = f"/{PACKAGE}.{service}/{method.name}"
    response_type = message_class(method.output_type)
    kwargs = dict(request_serializer=lambda m: m.SerializeToString(),
                  response_deserializer=response_type.FromString)
    responses = []
    try:
        if method.server_streaming:
            call = channel.unary_stream(path, **kwargs)(request, metadata=metadata, timeout=timeout)
            for page in call:
                responses.append(page)
                if method.name.startswith("Watch"):
                    call.cancel()
                    return Outcome(grpc.StatusCode.OK, "", responses, ())
        else:
            response, call = channel.unary_unary(path, **kwargs).with_call(
                request, metadata=metadata, timeout=timeout)
            responses.append(response)
        return Outcome(grpc.StatusCode.OK, "", responses, tuple(call.trailing_metadata() or ()))
    except grpc.RpcError as e:
        return Outcome(e.code(), e.details() or "", responses, tuple(e.trailing_metadata() or ()))


def field_violations(trailers):
    """The google.rpc.BadRequest field violations of a failed call, as (field, description)."""
    from google.rpc import error_details_pb2, status_pb2  # generated by install_stubs
    violations = []
    for key, value in trailers:
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations.extend((v.field, v.description) for v in bad.field_violations)
    return violations


# --- PostgreSQL --------------------------------------------------------------------------------

def cluster_url():
    url = os.environ.get("ROLECALL_TEST_DATABASE_URL")
    if not url:
        raise RuntimeError("ROLECALL_TEST_DATABASE_URL is not set: run through scripts/test.sh, or "
                           "start a cluster with scripts/pg.sh and export it")
    return url


def url_with(url, user=None, database=None):
    """`url` with another user and/or database."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = user + "@" + netloc.rsplit("@", 1)[-1]
    path = "/" + database if database is not None else parts.path
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))


def psql(url, sql, variables=None):
    """Runs SQL (a script on stdin, so psql variables :'name' work) and returns the unaligned,
    tuples-only output. The suite only ever passes its own values here, as variables."""
    argv = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url]
    for name, value in (variables or {}).items():
        argv += ["-v", f"{name}={value}"]
    result = subprocess.run(argv, input=sql, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}\n{sql[:500]}")
    return result.stdout.strip()


class Database:
    """A fresh database on the test cluster, migrated with `rolecall-server migrate` as the
    superuser (its owner). `serve_url` is what the server connects with: the least-privilege
    role `rolecall_app` once migrate creates it, else (before the hardening) the owner URL;
    `serving_role` says which."""

    def __init__(self, label):
        self.admin_url = cluster_url()
        self.name = f"rcsec_{label}_{secrets.token_hex(3)}"
        psql(self.admin_url, f'CREATE DATABASE "{self.name}";')
        self.owner_url = url_with(self.admin_url, database=self.name)
        try:
            run_admin(self, "migrate")
            has_app_role = psql(self.owner_url, "SELECT count(*) FROM pg_roles WHERE rolname = :'r';",
                                {"r": APP_ROLE}) == "1"
        except BaseException:
            self.drop()
            raise
        self.serving_role = APP_ROLE if has_app_role else urllib.parse.urlsplit(self.owner_url).username
        self.serve_url = url_with(self.owner_url, user=APP_ROLE) if has_app_role else self.owner_url

    def sql(self, sql, **variables):
        """Runs SQL as the owner (superuser) in this database."""
        return psql(self.owner_url, sql, variables)

    def drop(self):
        psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE);')


def org_tables(db):
    """Every table with an org_id column, as a quoted "schema"."table" name."""
    names = db.sql("""
        SELECT format('%I.%I', c.table_schema, c.table_name)
          FROM information_schema.columns c
          JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
           AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
         ORDER BY 1;""")
    return names.splitlines()


def org_digest(db, org_id):
    """{table: "rows|md5 of the rows as text, sorted"} of one organization, over every table with
    an org_id; read as the owner (a superuser, so row-level security hides nothing)."""
    digest = {}
    for table in org_tables(db):
        digest[table] = db.sql(
            f"SELECT count(*) || '|' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            f"  FROM {table} t WHERE org_id = :'org';", org=org_id)
    return digest


def rows_referring_to(db, org_id, ids):
    """Rows of organization `org_id` with an id column (*_id other than org_id) holding one of
    `ids` (another organization's ids), as "table.column=value" lines."""
    found = []
    id_list = ",".join(ids)  # rolecall ids hold no commas
    columns = db.sql("""
        SELECT format('%I.%I', table_schema, table_name), quote_ident(column_name)
          FROM information_schema.columns
         WHERE column_name LIKE '%\\_id' AND column_name <> 'org_id'
           AND table_schema NOT IN ('pg_catalog', 'information_schema')
         ORDER BY 1, 2;""")
    org_tables_ = set(org_tables(db))
    for line in columns.splitlines():
        table, column = line.split("|")
        if table not in org_tables_:
            continue
        hits = db.sql(f"SELECT {column} FROM {table} WHERE org_id = :'org' "
                      f"AND {column}::text = ANY (string_to_array(:'ids', ','));", org=org_id, ids=id_list)
        found.extend(f"{table}.{column}={hit}" for hit in hits.splitlines())
    return found


def run_admin(db, *args):
    """`rolecall-server <args> --database-url <owner url>`; its stdout."""
    result = subprocess.run([SERVER_BIN, *args, "--database-url", db.owner_url],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"rolecall-server {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def create_org(db, org_id):
    run_admin(db, "create-org", org_id)


def create_api_key(db, org_id, scope, principal=None):
    """A new key from the bootstrap command (printed on its last line)."""
    args = ["create-api-key", "--org", org_id, "--scope", scope]
    if principal:
        args += ["--principal", principal]
    return run_admin(db, *args).strip().splitlines()[-1]


def key_id(key):
    """The key id of "rck_<key id>_<secret>"."""
    return key[4:].split("_", 1)[0]


def new_org_id(label):
    """org_<label><random>: lowercase letters and digits, at most 32 after the prefix."""
    return f"org_{label}{secrets.token_hex(4)}"


# --- The server --------------------------------------------------------------------------------

SERVING = b"\x08\x01"  # grpc.health.v1.HealthCheckResponse{status: SERVING}


class Server:
    """`rolecall-server serve` on free loopback ports, logging (stdout and stderr) to a file."""

    def __init__(self, db, *flags, grace_seconds=10):
        self.grace_seconds = grace_seconds
        self.log_path = Path(tempfile.mkstemp(prefix="rolecall-security-", suffix=".log")[1])
        argv = [SERVER_BIN, "serve", "--plaintext", "--listen", "127.0.0.1:0",
                "--metrics-listen", "127.0.0.1:0", "--database-url", db.serve_url,
                "--shutdown-grace-seconds", str(grace_seconds), *flags]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        self.port = self.metrics_port = None
        try:
            self._await_serving()
        except BaseException:
            self.close()
            raise
        self.address = f"127.0.0.1:{self.port}"

    def _await_serving(self):
        # Like tests/support/test_server.cc: the port comes from the "serving" log line, then
        # health must say SERVING.
        deadline = time.monotonic() + 30
        while self.port is None:
            for line in self.log().splitlines():
                if '"msg":"serving"' in line:
                    entry = json.loads(line)
                    self.port, self.metrics_port = entry["port"], entry.get("metrics_port")
            if self.port is None:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("rolecall-server did not start:\n" + self.log()[-4000:])
                time.sleep(0.05)
        with grpc.insecure_channel(f"127.0.0.1:{self.port}") as channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                        request_serializer=lambda _: b"",
                                        response_deserializer=lambda b: b)
            while True:
                try:
                    if check(None, timeout=2) == SERVING:
                        return
                except grpc.RpcError:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("rolecall-server never reported SERVING:\n" + self.log()[-4000:])
                time.sleep(0.1)

    def channel(self, options=()):
        """A new plaintext channel; `options` are gRPC channel arguments (name, value)."""
        return grpc.insecure_channel(self.address, options=list(options))

    def log(self):
        return self.log_path.read_text(errors="replace")

    def metric(self, name_and_labels):
        """The value of one Prometheus sample (`name{label="v"}` as exposed), 0 when absent."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name_and_labels + " "):
                    return float(line.split()[-1])
        return 0.0

    def log_size(self):
        return self.log_path.stat().st_size

    def rpc_log(self, method, since=0):
        """The server's per-RPC log lines (JSON: code, duration_ms, rows...) of `method`, from
        byte offset `since` of the log."""
        with open(self.log_path, "rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").split("\n")[:-1]  # whole lines only
        entries = []
        for line in lines:
            if '"msg":"rpc"' in line and f'"method":"{method}"' in line:
                entries.append(json.loads(line))
        return entries

    def begin_stop(self):
        """Sends SIGTERM (if still running) without waiting: servers drain in parallel."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def terminate(self, timeout):
        """SIGTERM; the exit code, or None when it did not exit within `timeout` seconds."""
        self.begin_stop()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        """Stops the server (SIGTERM, SIGKILL after 30 s) and removes its log."""
        if self.terminate(30) is None:
            self.process.kill()
            self.process.wait()
        self.log_path.unlink(missing_ok=True)


# --- An organization with something of everything ----------------------------------------------

@dataclasses.dataclass
class Org:
    """An organization populated through the API: ids and the distinctive names and emails that
    must never show up in another organization's answers (`markers`)."""
    org_id: str
    admin_key: str
    users: list          # user ids: [plain user, owner, member]
    emails: list
    owner: str           # a user granted `owner` on the organization
    group: str
    cloud: str
    project: str
    service_account: str
    api_key_id: str      # a read key acting for users[0], made through the API
    markers: list


def populate_org(db, channel, label):
    """Creates an organization with users (AdminBatchCreateUsers, one with a password), a group
    with members, a cloud, a project, grants of every kind (user and group principals on the
    organization, the cloud and the project), a service account and API keys."""
    from rolecall.v1 import common_pb2, directory_pb2, users_pb2  # generated by install_stubs

    org_id = new_org_id(label)
    create_org(db, org_id)
    admin = create_api_key(db, org_id, "admin")
    meta = bearer(admin)
    dir_stub = stub(channel, "DirectoryService")
    users_stub = stub(channel, "UserService")
    tag = f"{label}{secrets.token_hex(3)}"
    people = [users_pb2.AdminCreateUser(name=f"{tag}-person{i}", email=f"{tag}.person{i}@example.com",
                                        lastname=f"{tag}-last{i}", title=f"{tag}-title{i}")
              for i in range(3)]
    people[0].password = f"{tag}-correct-horse-battery"
    created = users_stub.AdminBatchCreateUsers(users_pb2.AdminCreateUsers(create_users=people),
                                               metadata=meta, timeout=60).created_users
    users = [u.user_id for u in created]
    group = dir_stub.CreateUserGroup(directory_pb2.CreateUserGroupRequest(name=f"{tag}-group"),
                                     metadata=meta, timeout=30).id
    dir_stub.AddGroupMembers(directory_pb2.GroupMembersRequest(group_id=group, users=users[1:]),
                             metadata=meta, timeout=30)
    cloud = dir_stub.CreateCloud(directory_pb2.CreateCloudRequest(name=f"{tag}-cloud"),
                                 metadata=meta, timeout=30).cloud_id
    project = dir_stub.CreateProject(directory_pb2.CreateProjectRequest(cloud_id=cloud, name=f"{tag}-project"),
                                     metadata=meta, timeout=30).project_id
    org_ref = common_pb2.ResourceRef(organization=True)
    cloud_ref = common_pb2.ResourceRef(cloud_id=cloud)
    project_ref = common_pb2.ResourceRef(project_id=project)
    grants = [
        (org_ref, common_pb2.PrincipalRef(user_id=users[1]), "owner"),
        (org_ref, common_pb2.PrincipalRef(group_id=group), "collaborator"),
        (cloud_ref, common_pb2.PrincipalRef(user_id=users[0]), "readonly"),
        (cloud_ref, common_pb2.PrincipalRef(group_id=group), "collaborator"),
        (project_ref, common_pb2.PrincipalRef(user_email=people[2].email), "owner"),
        (project_ref, common_pb2.PrincipalRef(group_id=group), "readonly"),
    ]
    for resource, principal, role in grants:
        dir_stub.GrantRole(directory_pb2.GrantRoleRequest(resource=resource, principal=principal, role=role),
                           metadata=meta, timeout=30)
    service_account = dir_stub.CreateServiceAccount(
        directory_pb2.CreateServiceAccountRequest(name=f"{tag}-robot"), metadata=meta, timeout=30).user_id
    api_key = dir_stub.CreateApiKey(
        directory_pb2.CreateApiKeyRequest(scope="read", principal_user_id=users[0], name=f"{tag}-key"),
        metadata=meta, timeout=30).api_key.key_id
    markers = [getattr(p, field) for p in people for field in ("name", "email", "lastname", "title")]
    markers += [f"{tag}-group", f"{tag}-cloud", f"{tag}-project", f"{tag}-robot"]
    return Org(org_id, admin, users, [p.email for p in people], users[1], group, cloud, project,
               service_account, api_key, markers)


def stub(channel, service):
    """The generated stub of a rolecall.v1 service on `channel`."""
    for module in _pb2_modules():
        if service in module.DESCRIPTOR.services_by_name:
            grpc_module = importlib.import_module(module.__name__ + "_grpc")
            return getattr(grpc_module, service + "Stub")(channel)
    raise KeyError(service)


def unique(template):
    """A callable giving template.format(1), template.format(2), ...: for names and emails that
    must not collide."""
    counter = itertools.count(1)
    return lambda: template.format(next(counter))


def expect_none(problems, what, shown=40):
    """Fails the test when `problems` (lines) is not empty: "N <what>:" and the first lines."""
    if problems:
        more = f"\n... and {len(problems) - shown} more" if len(problems) > shown else ""
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems[:shown]) + more, pytrace=False)
