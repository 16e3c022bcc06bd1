#!/usr/bin/python3
"""examples/node against the real server: installs the example's pinned node_modules (npm ci from
its package-lock.json) into a cache outside the repository, starts rolecall-server on a fresh
database with the demo organization org_p72 plus a few more users, runs the three scripts
(list-users, check-permission, stream-permissions) and checks what they print.

Environment: ROLECALL_TEST_DATABASE_URL (scripts/test.sh), ROLECALL_SERVER_BIN, ROLECALL_CLI_BIN
(tests/CMakeLists.txt), XDG_CACHE_HOME (optional; the cache is
$XDG_CACHE_HOME/rolecall/node-<hash of package-lock.json>, default ~/.cache/...)."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo  # noqa: E402

EXAMPLE = demo.REPO / "examples/node"
EXTRA_USERS = [f"node-example-{i:02d}@example.com" for i in range(1, 10)]
DEMO_EMAILS = ["admin1@p72.com", "alice@p72.com", "owner@anyscale.com",
               "service-bot@org-org_p72.serviceaccount.com"]


def node_modules():
    """The example's node_modules, installed once per package-lock.json. Offline-tolerant: an
    existing install is used without touching the network."""
    lock = (EXAMPLE / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock + (EXAMPLE / "package.json").read_bytes()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rolecall"
    target = cache / f"node-{digest}"
    done = target / ".installed"
    if done.exists():
        return target / "node_modules"
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"node-{digest}-", dir=cache))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(EXAMPLE / name, staging / name)
        result = subprocess.run(
            ["npm", "ci", "--prefix", str(staging), "--no-audit", "--no-fund", "--ignore-scripts",
             "--loglevel=error"], capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"npm ci failed (is the npm registry reachable?):\n{result.stderr[-3000:]}")
        (staging / ".installed").touch()
        try:
            staging.rename(target)  # atomic; a concurrent run may have won the race
        except OSError:
            if not done.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target / "node_modules"


def run_node(modules, server, key, script, *args):
    env = dict(os.environ, NODE_PATH=str(modules), ROLECALL_SERVER=server.address, ROLECALL_TIMEOUT="30")
    env.pop("ROLECALL_TOKEN", None)
    if key is not None:
        env["ROLECALL_TOKEN"] = key
    result = subprocess.run(["node", str(EXAMPLE / script), *args], env=env, capture_output=True,
                            text=True, timeout=120)
    print(f"$ node {script} {' '.join(args)}  -> exit {result.returncode}")
    print("".join(f"  | {line}\n" for line in (result.stdout + result.stderr).splitlines()), end="")
    return result


def user_lines(stdout):
    return [line.split()[1] for line in stdout.splitlines() if line.startswith("user ")]


def main():
    checks = demo.Checks()
    modules = node_modules()
    with demo.demo_server("node") as (server, db, keys):
        # More users, all in the demo group prod-readers (readonly on prod-project), so that the
        # permission listing spans several pages.
        users_yaml = "create_users:\n" + "".join(
            f"  - name: Node Example {i}\n    email: {email}\n" for i, email in enumerate(EXTRA_USERS, 1))
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(users_yaml)
            f.flush()
            r = demo.cli(server, keys["admin"], "user", "batch-create", "-f", f.name)
            assert r.returncode == 0, r.stderr
        r = demo.cli(server, keys["admin"], "user-group", "add-members", "prod-readers", *EXTRA_USERS)
        assert r.returncode == 0, r.stderr
        all_emails = sorted(DEMO_EMAILS + EXTRA_USERS)

        # (1) list-users, 2 a page, one call per page with the previous page's token.
        r = run_node(modules, server, keys["read"], "list-users.js", "--page-size", "2")
        listed = user_lines(r.stdout)
        checks.expect(r.returncode == 0, "list-users exits 0", r.stderr)
        checks.expect(listed == all_emails, "list-users lists every user once, by email",
                      f"got {listed}\nwant {all_emails}")
        pages = re.findall(r"^page \d+ users=(\d+) next=(\S+)$", r.stdout, re.M)
        checks.expect([int(n) for n, _ in pages] == [2] * 6 + [1], "list-users reads 7 pages of 2, 2, ..., 1",
                      str(pages))
        checks.expect(pages and pages[-1][1] == "-" and all(t != "-" for _, t in pages[:-1]),
                      "only the last page has no next_page_token", str(pages))
        checks.expect(f"total {len(all_emails)}" in r.stdout, "list-users prints the total")
        r = run_node(modules, server, keys["read"], "list-users.js", "--collaborator-type",
                     "only_service_accounts")
        checks.expect(user_lines(r.stdout) == ["service-bot@org-org_p72.serviceaccount.com"],
                      "list-users filters service accounts", r.stdout)

        # (2) check-permission with a check-scoped key, on the demo's grants.
        cases = [  # (args, expected exit code, expected line)
            (["--user", "usr_abc", "--cloud", "cld_111", "--role", "collaborator"], 0,
             "allowed=true effective_role=collaborator"),  # alice: direct cloud grant
            (["--user", "usr_abc", "--project", "prj_111", "--role", "readonly"], 0,
             "allowed=true effective_role=readonly"),      # alice: through the group prod-readers
            (["--user", "usr_abc", "--project", "prj_111", "--role", "write"], 1,
             "allowed=false effective_role=readonly"),
            (["--user", "usr_owner", "--project", "prj_111", "--role", "owner"], 0,
             "allowed=true effective_role=owner"),         # org owner: implicitly owner
        ]
        for args, code, line in cases:
            r = run_node(modules, server, keys["check"], "check-permission.js", *args)
            checks.expect(r.returncode == code and r.stdout.strip() == line,
                          f"check-permission {' '.join(args)} -> {line} (exit {code})",
                          f"got exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}")
        r = run_node(modules, server, None, "check-permission.js", "--user", "usr_abc", "--organization")
        checks.expect(r.returncode == 2 and "UNAUTHENTICATED" in r.stderr and "at " not in r.stderr,
                      "without a key: exit 2, one UNAUTHENTICATED line", r.stderr)

        # (3) stream-permissions: the whole stream, then stop after 2 pages and resume.
        r = run_node(modules, server, keys["admin"], "stream-permissions.js", "--page-size", "3",
                     "--stop-after", "0")
        full = user_lines(r.stdout)
        checks.expect(r.returncode == 0 and "done" in r.stdout, "stream-permissions (whole) exits 0", r.stderr)
        checks.expect(set(EXTRA_USERS) | {"alice@p72.com"} <= set(full) and len(full) == len(set(full)),
                      "the whole stream lists alice and the new users once", str(full))
        checks.expect(any(line.startswith("user alice@p72.com usr_abc prod-cloud=collaborator[prod-project=readonly]")
                          for line in r.stdout.splitlines()),
                      "alice: prod-cloud collaborator, prod-project readonly", r.stdout)
        checks.expect(re.search(r"^owners org_p72 .*admin1@p72\.com", r.stdout, re.M)
                      and "owner@anyscale.com" in r.stdout, "the first page names the org owners")

        r = run_node(modules, server, keys["admin"], "stream-permissions.js", "--page-size", "3",
                     "--stop-after", "2")
        first = user_lines(r.stdout.split("stopped after")[0])
        resumed = user_lines(r.stdout.split("stopped after")[-1]) if "stopped after" in r.stdout else []
        checks.expect(r.returncode == 0, "stream-permissions (resumed) exits 0", r.stderr)
        checks.expect(len(first) == 6 and re.search(r"^stopped after 2 page\(s\); resuming from \S+$", r.stdout, re.M),
                      "stops after 2 pages of 3", r.stdout)
        checks.expect(resumed and "phase resumed page 1" in r.stdout, "the resumed stream yields more users")
        checks.expect(first + resumed == full, "first + resumed = the whole stream, no duplicates, none skipped",
                      f"first {first}\nresumed {resumed}\nfull {full}")
        checks.expect(not set(first) & set(resumed), "no user in both parts")
    return checks.report("node_example_test")


if __name__ == "__main__":
    sys.exit(main())
