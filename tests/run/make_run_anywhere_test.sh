#!/usr/bin/env bash
# `make run` from a clone the `postgres` user cannot enter (as root: a mode-700 directory, like a
# clone in root's home). Copies this working tree into a fresh mode-700 directory, runs the
# start-up path of `make run` (scripts/run.sh) with the already built binaries on free ports,
# uses the printed key, stops it with SIGINT (Ctrl-C), runs it again and checks the data was
# kept and the new key works, then stops it and removes its data.
# Needs root (exit 77 = skipped otherwise) and ROLECALL_BIN_DIR (rolecall, rolecall-server).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: make_run_anywhere_test needs root (it tests root's clones unreachable by postgres)"
  exit 77
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${ROLECALL_BIN_DIR:?ROLECALL_BIN_DIR must name the directory of rolecall and rolecall-server}
PGBIN=/usr/lib/postgresql/15/bin

fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/rolecall-anywhere-XXXXXX)  # mode 700, owned by root
chmod 700 "$work"
clone="$work/clone"
run_pid=""
datadir=""
cleanup() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -INT -- "-$run_pid" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$run_pid" 2>/dev/null || true
  fi
  if [ -n "$datadir" ]; then
    "$clone/scripts/pg.sh" stop "$datadir" 2>/dev/null || true
    case "$datadir" in
      /var/lib/rolecall-dev/*) rm -rf "$(dirname "$datadir")" ;;
    esac
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The working tree (tracked and new files, as they are now), not only what is committed.
mkdir -p "$clone"
git -C "$top" ls-files -z --cached --others --exclude-standard |
  (cd "$top" && while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
  (cd "$top" && tar --null -T - -cf -) | tar -xf - -C "$clone"
[ -x "$clone/scripts/run.sh" ] || fail "copy of the tree has no scripts/run.sh"
if runuser -u postgres -- test -x "$clone"; then
  fail "setup: postgres can enter $clone; the test needs a directory it cannot reach"
fi

pg_port=$(free_port)
listen="127.0.0.1:$(free_port)"
metrics="127.0.0.1:$(free_port)"
cli() { "$bin/rolecall" --server "$listen" --token "$1" "${@:2}"; }

# Starts scripts/run.sh in its own process group (as a terminal's foreground job is) and waits
# until it has printed a key and serves; sets run_pid and key.
start_run() {
  local log=$1
  set -m
  ROLECALL_BIN_DIR="$bin" ROLECALL_RUN_PG_PORT="$pg_port" ROLECALL_RUN_LISTEN="$listen" \
    ROLECALL_RUN_METRICS_LISTEN="$metrics" ROLECALL_RUN_BUF=buf \
    "$clone/scripts/run.sh" </dev/null >"$log" 2>&1 &
  run_pid=$!
  set +m
  key=""
  for _ in $(seq 1 600); do
    kill -0 "$run_pid" 2>/dev/null || { cat "$log" >&2; fail "scripts/run.sh exited early"; }
    key=$(sed -n 's/^  export ROLECALL_TOKEN=\(rck_[^ ]*\)$/\1/p' "$log" | head -n 1)
    if [ -n "$key" ] && cli "$key" --timeout 5 user list --no-interactive --max-items 1 >/dev/null 2>&1; then
      break
    fi
    key=""
    sleep 0.2
  done
  [ -n "$key" ] || { cat "$log" >&2; fail "no key printed or server not serving in 120 s"; }
  local d
  d=$(sed -n 's/^PostgreSQL data: \(.*\) (port [0-9]*)$/\1/p' "$log" | head -n 1)
  [ -n "$d" ] || { cat "$log" >&2; fail "run.sh did not say where its data lives"; }
  if [ -n "$datadir" ] && [ "$d" != "$datadir" ]; then
    fail "second run uses another data directory: $d (first: $datadir)"
  fi
  datadir=$d
}

# Ctrl-C: SIGINT to the whole process group; run.sh must stop the server and PostgreSQL.
stop_run() {
  local log=$1 rc=0
  kill -INT -- "-$run_pid"
  wait "$run_pid" || rc=$?
  run_pid=""
  [ "$rc" -eq 0 ] || [ "$rc" -eq 130 ] || { cat "$log" >&2; fail "run.sh exited with $rc on SIGINT"; }
  if runuser -u postgres -- $PGBIN/pg_ctl -D "$datadir/data" status >/dev/null 2>&1; then
    fail "PostgreSQL still running after Ctrl-C"
  fi
}

echo "== first run (clone $clone)"
start_run "$work/run1.log"
key1=$key
case "$datadir" in "$clone"/*) fail "data inside the clone postgres cannot reach: $datadir" ;; esac
[ "$(stat -c '%U %a' "$datadir")" = "postgres 700" ] ||
  fail "$datadir is $(stat -c '%U %a' "$datadir"), want postgres 700"
[ -f "$datadir/data/PG_VERSION" ] || fail "no database cluster in $datadir"
echo "data in $datadir"
out=$(cli "$key1" user list --no-interactive --max-items 50)
grep -q "owner@anyscale.com" <<<"$out" || fail "demo user missing from: $out"
cli "$key1" cloud create kept-across-runs >/dev/null
stop_run "$work/run1.log"

echo "== second run"
start_run "$work/run2.log"
key2=$key
[ "$key2" != "$key1" ] || fail "second run printed the same key"
out=$(cli "$key2" user list --no-interactive --max-items 50)
grep -q "owner@anyscale.com" <<<"$out" || fail "demo user missing on the second run: $out"
[ "$(grep -c '@' <<<"$out")" -eq "$(cli "$key1" user list --no-interactive --max-items 50 | grep -c '@')" ] ||
  fail "user lists differ between the keys"
cli "$key2" cloud list | grep -q "kept-across-runs" || fail "data of the first run was lost"
[ "$(grep -c '^demo organization org_p72 is ready$' "$work/run2.log")" -eq 1 ] ||
  fail "seed-demo did not succeed on the second run"
stop_run "$work/run2.log"

saved=$datadir
cleanup
trap - EXIT
[ ! -e "$saved" ] || fail "data directory $saved not removed"
[ ! -e "$work" ] || fail "$work not removed"
echo "PASS: make run from a mode-700 clone, twice (data in $saved), stopped by Ctrl-C"
