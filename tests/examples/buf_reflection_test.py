#!/usr/bin/python3
"""Server reflection through a real reflection client, `buf curl` (plaintext gRPC), against the
real server on the demo organization org_p72:

1. `--list-services` and `--list-methods` name exactly the services and methods of
   proto/rolecall/v1 (compiled here with protoc into a descriptor set, the source of truth),
   plus grpc.health.v1.Health and server reflection.
2. Every request and response message, through reflection. buf cannot print a descriptor
   ("describe" is grpcurl's, and buf's other commands do not take reflection as an input), so
   messages are shown to be known through reflection by what buf does with them: a body with an
   unknown field is refused by buf itself (it encodes JSON with the reflected schema); a body
   naming every field of the request message (zero values) is accepted; every method answers
   something other than UNIMPLEMENTED to an empty body (writes: INVALID_ARGUMENT); and every read
   answer, printed with --emit-defaults, carries exactly the response message's fields.
3. Every read RPC — List*, Get*, Check*, Explain* of every rolecall.v1 service, found from the
   reflected method list, so a new one is covered automatically — is called with a read (or,
   where the scope requires it, admin) key and must answer OK with JSON holding demo data. A
   read without a request in READS below fails the test until one is added.

Environment: ROLECALL_TEST_DATABASE_URL and ROLECALL_TEST_BUF (scripts/test.sh),
ROLECALL_SERVER_BIN (tests/CMakeLists.txt)."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402

PACKAGE = "rolecall.v1"
READ_PREFIXES = ("List", "Get", "Check", "BulkCheck", "Explain")
# Streams that never end (a watch follows the change log): their requests are encoded and
# answered in step 2 (the full body's made-up token is refused); the e2e suites and the security
# matrix follow them.
FOLLOW_PREFIXES = ("Watch",)
EXTRA_SERVICES = {"grpc.health.v1.Health"}
REFLECTION = re.compile(r"^grpc\.reflection\.v1(alpha)?\.ServerReflection$")

# Every read RPC: (key scope, request body, strings the JSON answer must contain).
READS = {
    "rolecall.v1.UserService/ListUsers": ("read", {"page_size": 2}, ["alice@p72.com", "nextPageToken"]),
    "rolecall.v1.UserService/GetUser": ("read", {"email": "ALICE@p72.com"}, ['"userId": "usr_abc"']),
    "rolecall.v1.PermissionService/ListUserPermissions": (
        "admin", {}, ['"organizationId": "org_p72"', "owner@anyscale.com", "prod-project"]),
    "rolecall.v1.PermissionService/CheckPermission": (
        "read", {"user_id": "usr_abc", "resource": {"cloud_id": "cld_111"}, "min_role": "collaborator"},
        ['"allowed": true', '"effectiveRole": "collaborator"']),
    "rolecall.v1.PermissionService/ExplainPermission": (
        "read", {"user_id": "usr_abc", "resource": {"project_id": "prj_111"}},
        ['"effectiveRole": "readonly"', '"GROUP"', "prod-readers"]),
    "rolecall.v1.DirectoryService/GetCloud": ("read", {"name": "prod-cloud"}, ['"cloudId": "cld_111"']),
    "rolecall.v1.DirectoryService/ListClouds": ("read", {}, ["prod-cloud"]),
    "rolecall.v1.DirectoryService/GetProject": ("read", {"project_id": "prj_111"}, ["prod-project"]),
    "rolecall.v1.DirectoryService/ListProjects": ("read", {"parent_id": "cld_111"}, ["prj_111"]),
    "rolecall.v1.DirectoryService/GetUserGroup": ("read", {"name": "prod-readers"}, ['"id": "ug_readers"']),
    "rolecall.v1.DirectoryService/ListUserGroups": ("read", {}, ["prod-readers"]),
    "rolecall.v1.DirectoryService/ListGroupMemberships": ("read", {"parent_id": "ug_readers"}, ["alice@p72.com"]),
    "rolecall.v1.DirectoryService/ListGrants": (
        "read", {"resource": {"cloud_id": "cld_111"}}, ["alice@p72.com", '"role": "collaborator"']),
    "rolecall.v1.DirectoryService/ListApiKeys": ("admin", {}, ['"scope": "read"', '"scope": "check"']),
    "rolecall.v1.PermissionService/BulkCheckPermission": (
        "check", {"items": [{"user_id": "usr_abc", "resource": {"project_id": "prj_111"}, "min_role": "readonly"},
                            {"user_id": "usr_nobody", "resource": {"organization": True}, "min_role": "collaborator"}]},
        ['"allowed": true', '"effectiveRole": "readonly"', '"errorCode": "NOT_FOUND"']),
    "rolecall.v1.ChangeService/ListChanges": (
        "admin", {"object_type": "cloud"}, ['"operation": "seed-demo"', '"objectName": "prod-cloud"']),
}
# Writes answer INVALID_ARGUMENT to an empty body, except those listed here (method: codes).
EMPTY_BODY_CODES = {}


def descriptor_set():
    """The FileDescriptorSet of proto/rolecall/v1 and its imports, from protoc."""
    protos = sorted(str(p.relative_to(demo.REPO / "proto")) for p in (demo.REPO / "proto/rolecall/v1").glob("*.proto"))
    with tempfile.NamedTemporaryFile(suffix=".pb") as out:
        subprocess.run(["protoc", f"-I{demo.REPO / 'proto'}", "-I/usr/include", "--include_imports",
                        f"--descriptor_set_out={out.name}", *protos], check=True)
        return descriptor_pb2.FileDescriptorSet.FromString(Path(out.name).read_bytes())


class Schema:
    def __init__(self, fds):
        self.messages = {}
        self.services = {}  # full service name -> {method name: MethodDescriptorProto}
        for f in fds.file:
            prefix = f.package + "." if f.package else ""
            for m in f.message_type:
                self._add(prefix, m)
            if f.package == PACKAGE:
                for s in f.service:
                    self.services[prefix + s.name] = {m.name: m for m in s.method}

    def _add(self, prefix, m):
        self.messages[prefix + m.name] = m
        for nested in m.nested_type:
            self._add(prefix + m.name + ".", nested)

    def message(self, type_name):
        return self.messages[type_name.lstrip(".")]

    def full_body(self, type_name, depth=0):
        """A JSON body naming every field of the message (zero values; the first member of each
        oneof; nested rolecall messages filled the same way)."""
        m = self.message(type_name)
        body, oneofs = {}, set()
        for f in m.field:
            real_oneof = f.HasField("oneof_index") and not f.proto3_optional
            if real_oneof:
                if f.oneof_index in oneofs:
                    continue
                oneofs.add(f.oneof_index)
            if f.label == f.LABEL_REPEATED:
                value = []
            elif f.type_name == ".google.protobuf.Timestamp":
                value = "1970-01-01T00:00:00Z"  # JSON's form of a Timestamp
            elif f.type == f.TYPE_MESSAGE:
                value = (self.full_body(f.type_name, depth + 1)
                         if f.type_name.startswith("." + PACKAGE) and depth < 4 else {})
            elif f.type == f.TYPE_STRING:
                value = ""
            elif f.type == f.TYPE_BOOL:
                value = False
            elif f.type == f.TYPE_ENUM:
                value = 0
            else:
                value = 0
            body[f.name] = value
        return body


class Buf:
    def __init__(self, address):
        self.bin = os.environ.get("ROLECALL_TEST_BUF") or subprocess.run(
            [str(demo.REPO / "scripts/install-buf.sh")], capture_output=True, text=True, check=True).stdout.strip()
        self.url = f"http://{address}"

    def run(self, *args, key=None, body=None, method=None):
        argv = [self.bin, "curl", "--protocol", "grpc", "--http2-prior-knowledge"]
        if key:
            argv += ["-H", f"authorization: Bearer {key}"]
        if body is not None:
            argv += ["-d", json.dumps(body)]
        argv += [*args, f"{self.url}/{method}" if method else self.url]
        return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def error_code(result):
    """The gRPC code buf curl reports on stderr ({"code": "invalid_argument", ...}), or None."""
    m = re.search(r'"code"\s*:\s*"([a-z_]+)"', result.stderr)
    return m.group(1) if m else None


def json_documents(text):
    """The JSON values buf prints one after another (one per streamed message)."""
    decoder, docs, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        doc, i = decoder.raw_decode(text, i)
        docs.append(doc)


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def main():
    checks = demo.Checks()
    schema = Schema(descriptor_set())
    expected_methods = {f"{s}/{m}" for s, methods in schema.services.items() for m in methods}
    with demo.demo_server("buf") as (server, db, keys):
        buf = Buf(server.address)

        # 1. Services and methods, through reflection (no credentials needed).
        r = buf.run("--list-services")
        checks.expect(r.returncode == 0, "buf curl --list-services succeeds", r.stderr)
        services = set(r.stdout.split())
        print("services:", " ".join(sorted(services)))
        reflection = {s for s in services if REFLECTION.match(s)}
        checks.expect(bool(reflection), "server reflection lists itself", str(services))
        checks.expect(services - reflection == set(schema.services) | EXTRA_SERVICES,
                      "the services are exactly proto/rolecall/v1's plus health",
                      f"reflected {sorted(services)}\nprotos {sorted(schema.services)}")
        r = buf.run("--list-methods")
        checks.expect(r.returncode == 0, "buf curl --list-methods succeeds", r.stderr)
        listed = set(r.stdout.split())
        rolecall_methods = {m for m in listed if m.startswith(PACKAGE + ".")}
        print(f"methods: {len(listed)} listed, {len(rolecall_methods)} of {PACKAGE}")
        checks.expect(rolecall_methods == expected_methods, "the rolecall.v1 methods are exactly the protos'",
                      f"only reflected: {sorted(rolecall_methods - expected_methods)}\n"
                      f"    only in protos: {sorted(expected_methods - rolecall_methods)}")
        checks.expect("grpc.health.v1.Health/Check" in listed, "health Check is listed")

        # 2. Request messages through reflection: buf encodes JSON with the reflected schema.
        for method in sorted(rolecall_methods):
            service, name = method.split("/")
            desc = schema.services.get(service, {}).get(name)
            if desc is None:
                continue
            r = buf.run(key=keys["read"], body={"zz_not_a_field": 1}, method=method)
            checks.expect(r.returncode != 0 and "zz_not_a_field" in r.stderr and error_code(r) is None,
                          f"{method}: buf itself refuses an unknown request field (schema from reflection)",
                          r.stderr.strip()[:300])
            body = schema.full_body(desc.input_type)
            if name.startswith(FOLLOW_PREFIXES):
                body["after_token"] = "not-a-token"  # refused at once, instead of followed forever
            r = buf.run(key=keys["read"], body=body, method=method)
            code = "ok" if r.returncode == 0 else error_code(r)
            checks.expect(code is not None and code != "unimplemented",
                          f"{method}: a body naming every field of {desc.input_type.lstrip('.')} "
                          f"is encoded and answered ({code})", r.stderr.strip()[:300])
            if name.startswith(READ_PREFIXES + FOLLOW_PREFIXES):
                continue
            r = buf.run(key=keys["admin"], body={}, method=method)
            code = "ok" if r.returncode == 0 else error_code(r)
            wanted = EMPTY_BODY_CODES.get(method, {"invalid_argument"})
            print(f"  {method} with an empty body: {code}")
            checks.expect(code in wanted, f"{method}: an empty body -> {'/'.join(sorted(wanted))}, got {code}",
                          r.stderr.strip()[:300])

        # 3. Every read RPC, with demo data; response messages checked field by field.
        reads = sorted(m for m in rolecall_methods if m.split("/")[1].startswith(READ_PREFIXES))
        for method in reads:
            if method not in READS:
                checks.expect(False, f"{method}: a read RPC without a request in READS "
                                     "(tests/examples/buf_reflection_test.py): add one")
                continue
            scope, body, wanted = READS[method]
            r = buf.run("--emit-defaults", key=keys[scope], body=body, method=method)
            ok = checks.expect(r.returncode == 0, f"{method} ({scope} key) answers OK",
                               r.stderr.strip()[:300])
            if not ok:
                continue
            try:
                docs = json_documents(r.stdout)
            except ValueError as e:
                checks.expect(False, f"{method}: the answer is JSON", f"{e}: {r.stdout[:300]}")
                continue
            print(f"  {method}: {len(docs)} message(s), {len(r.stdout)} bytes")
            checks.expect(len(docs) >= 1 and all(isinstance(d, dict) for d in docs),
                          f"{method}: one or more JSON objects", r.stdout[:300])
            for s in wanted:
                checks.expect(s in r.stdout, f"{method}: the answer contains {s}", r.stdout[:600])
            service, name = method.split("/")
            out_type = schema.services[service][name].output_type
            fields = {camel(f.name) for f in schema.message(out_type).field}
            optional = {camel(f.name) for f in schema.message(out_type).field
                        if f.proto3_optional or f.HasField("oneof_index")}
            for d in docs:
                got = set(d)
                checks.expect(fields - optional <= got <= fields,
                              f"{method}: the answer has the fields of {out_type.lstrip('.')}",
                              f"got {sorted(got)}, declared {sorted(fields)}")
        checks.expect(set(READS) <= set(reads), "every READS entry is a reflected read RPC",
                      str(sorted(set(READS) - set(reads))))
        r = buf.run(body={}, method="grpc.health.v1.Health/Check")
        checks.expect(r.returncode == 0 and '"SERVING"' in r.stdout, "health Check without a key: SERVING",
                      r.stdout + r.stderr)
    return checks.report("buf_reflection_test")


if __name__ == "__main__":
    sys.exit(main())
