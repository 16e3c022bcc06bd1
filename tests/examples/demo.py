"""The demo organization on the real server, for the example and client tests: a fresh database
on the test cluster (scripts/test.sh), `rolecall-server migrate` + `seed-demo` (org_p72) as its
owner, and `rolecall-server serve` as the least-privilege role rolecall_app — reusing
tests/security/harness.py."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests/security"))
import harness  # noqa: E402

CLI_BIN = os.environ.get("ROLECALL_CLI_BIN", str(REPO / "build/bin/rolecall"))
DEMO_ORG = "org_p72"


@contextlib.contextmanager
def demo_server(label):
    """Yields (server, db, keys): keys maps scope (admin, read, check) to a key of org_p72."""
    db = harness.Database(label)
    server = None
    try:
        harness.run_admin(db, "seed-demo")
        keys = {scope: harness.create_api_key(db, DEMO_ORG, scope) for scope in ("admin", "read", "check")}
        server = harness.Server(db)
        if db.serving_role != harness.APP_ROLE:
            raise RuntimeError(f"the server serves as {db.serving_role}, not {harness.APP_ROLE}")
        yield server, db, keys
    finally:
        if server is not None:
            server.close()
        db.drop()


def cli(server, key, *args, stdin=None):
    """The `rolecall` CLI against the server; CompletedProcess (text)."""
    env = dict(os.environ, ROLECALL_SERVER=server.address, ROLECALL_TOKEN=key)
    return subprocess.run([CLI_BIN, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120)


class Checks:
    """Collects failed expectations; report() prints them and gives the exit code."""

    def __init__(self):
        self.failures = []
        self.passed = 0

    def expect(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failures.append(f"{what}" + (f"\n    {detail}" if detail else ""))
        return ok

    def report(self, name):
        for f in self.failures:
            print(f"FAIL: {f}")
        print(f"{name}: {self.passed} checks passed, {len(self.failures)} failed")
        return 1 if self.failures else 0
