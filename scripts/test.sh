#!/usr/bin/env bash
# Runs every test against a throw-away PostgreSQL: starts it, runs ctest, stops it.
# Extra arguments go to ctest (e.g. `scripts/test.sh -L unit` or `-R storage_pgtest`).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

pgdir=$(mktemp -d /tmp/rolecall-pg-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  "$top/scripts/pg.sh" stop "$pgdir" || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
"$top/scripts/pg.sh" start "$pgdir" "$port"

export ROLECALL_TEST_DATABASE_URL=$("$top/scripts/pg.sh" url "$port")
export ROLECALL_TEST_PG_SCRIPT="$top/scripts/pg.sh"
export ROLECALL_TEST_PG_DIR="$pgdir"
export ROLECALL_TEST_PG_PORT="$port"
export ROLECALL_TEST_BUF=$("$top/scripts/install-buf.sh")

cd "$build"
ctest --output-on-failure "$@"
