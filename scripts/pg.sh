#!/usr/bin/env bash
# A private PostgreSQL 15 for development and tests.
#   scripts/pg.sh start DIR PORT   initdb DIR if needed, start on 127.0.0.1:PORT, create db rolecall
#   scripts/pg.sh stop DIR         stop it (fast shutdown)
#   scripts/pg.sh url PORT         print the connection URL
#   scripts/pg.sh place DIR        print the directory to give `start` for data wanted in DIR:
#                                  DIR itself, unless we are root and the `postgres` user cannot
#                                  reach DIR (e.g. a clone in root's mode-700 home); then
#                                  /var/lib/rolecall-dev/<hash of DIR's path>/pg (mode 700,
#                                  owned by postgres), the same one for the same DIR every time.
# As root the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}
case "$cmd" in
  start)
    dir=$2 port=$3
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg $PGBIN/initdb -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    fi
    as_pg $PGBIN/pg_ctl -D "$dir/data" status >/dev/null 2>&1 ||
    as_pg $PGBIN/pg_ctl -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
    as_pg $PGBIN/psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
      "SELECT 1 FROM pg_database WHERE datname = 'rolecall'" | grep -q 1 ||
      as_pg $PGBIN/psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE rolecall"
    ;;
  stop)
    dir=$2
    [ -f "$dir/data/postmaster.pid" ] && as_pg $PGBIN/pg_ctl -D "$dir/data" -m fast -w stop >/dev/null
    true
    ;;
  url)
    echo "postgresql://postgres@127.0.0.1:$2/rolecall"
    ;;
  place)
    dir=$2
    if [ "$(id -u)" -ne 0 ]; then echo "$dir"; exit 0; fi
    fresh=0
    [ -d "$dir" ] || fresh=1
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if runuser -u postgres -- test -x "$dir" -a -w "$dir"; then echo "$dir"; exit 0; fi
    [ "$fresh" -eq 1 ] && rmdir "$dir" 2>/dev/null
    alt=/var/lib/rolecall-dev/$(printf '%s' "$(realpath -m "$dir")" | sha256sum | cut -c1-12)/pg
    mkdir -p "$alt"
    chmod 755 /var/lib/rolecall-dev "$(dirname "$alt")"
    chown postgres:postgres "$alt"
    chmod 700 "$alt"
    echo "$alt"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR | url PORT | place DIR" >&2
    exit 2
    ;;
esac
