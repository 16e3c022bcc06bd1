"""Fixtures of the Python SDK suite (sdk/python): a throw-away database on the test cluster, the
real rolecall-server serving it as `rolecall_app`, and organizations bootstrapped with the server's
own commands. Reuses tests/security/harness.py (databases, servers, bootstrap), not its stubs: the
SDK generates its own `rolecall.v1` (here into a temporary cache directory).

Environment (scripts/test.sh and tests/CMakeLists.txt set it):
  ROLECALL_TEST_DATABASE_URL  superuser URL of the throw-away PostgreSQL cluster
  ROLECALL_SERVER_BIN         the rolecall-server binary (default: build/bin/rolecall-server)
  ROLECALL_CLI_BIN            the rolecall CLI (default: build/bin/rolecall), for output parity
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "security"))
sys.path.insert(0, str(REPO / "sdk" / "python"))

_cache = tempfile.mkdtemp(prefix="rolecall-sdk-test-cache-")
atexit.register(shutil.rmtree, _cache, ignore_errors=True)
os.environ["ROLECALL_SDK_CACHE_DIR"] = _cache
for _name in ("ROLECALL_SERVER", "ROLECALL_TOKEN", "ROLECALL_TLS", "ROLECALL_TLS_CA",
              "ROLECALL_TLS_CERT", "ROLECALL_TLS_KEY", "ROLECALL_TIMEOUT"):
    os.environ.pop(_name, None)

import harness  # noqa: E402  (tests/security/harness.py)
import rolecall  # noqa: E402

CLI_BIN = os.environ.get("ROLECALL_CLI_BIN", str(REPO / "build/bin/rolecall"))


@pytest.fixture(scope="session")
def database():
    db = harness.Database("sdk")
    yield db
    db.drop()


@pytest.fixture(scope="session")
def server(database):
    srv = harness.Server(database)
    yield srv
    srv.close()


class OrgFixture:
    def __init__(self, db, server, label):
        self.org_id = harness.new_org_id(label)
        harness.create_org(db, self.org_id)
        self.admin_key = harness.create_api_key(db, self.org_id, "admin")
        self.server = server
        self.client = rolecall.Client(server=server.address, token=self.admin_key)


@pytest.fixture(scope="session")
def make_org(database, server):
    made = []

    def make(label):
        org = OrgFixture(database, server, label)
        made.append(org)
        return org

    yield make
    for org in made:
        org.client.close()


@pytest.fixture
def default_env(monkeypatch):
    """Points the module-level functions' default client at `env` (ROLECALL_SERVER/TOKEN...)
    and makes a fresh one for each test."""
    def use(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        rolecall.set_default_client(None)
    yield use
    rolecall.set_default_client(None)
