#!/usr/bin/env bash
# `make bench`: measures rolecall against the limit PostgreSQL itself sets, in the same run.
#   bench/run.sh [S] [M] [L]          scales to run (default: S M)
#   RUNS=3 CHECK_SECONDS=20 bench/run.sh M
#   RLS_COMPARE=0 bench/run.sh M      skip the row-level security comparison (on by default)
# For each scale: a fresh database loaded by bench/generate.sh; the raw limit (the service's own
# resolver SQL through `psql \copy`, the single-check SQL through `pgbench -M prepared`); the
# service (bench/load.cc through rolecall-server), and beside it a gRPC call that does no work
# (the health check), the floor the transport sets. Writes bench/results/<date>-<scale>.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/bin"
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(S M)
RUNS=${RUNS:-3}
CHECK_SECONDS=${CHECK_SECONDS:-20}
CONCURRENCY=(1 8 32)
RLS_COMPARE=${RLS_COMPARE:-1}
mkdir -p "$top/bench/results"

command -v pgbench >/dev/null || { echo "pgbench (postgresql-contrib / postgresql-15) is needed" >&2; exit 2; }
for b in rolecall-server rolecall-bench; do
  [ -x "$bin/$b" ] || { echo "build first: make build" >&2; exit 2; }
done

pgdir=$(mktemp -d /tmp/rolecall-bench-pg-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pgport=$(free_port)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "$top/scripts/pg.sh" stop "$pgdir" || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
"$top/scripts/pg.sh" start "$pgdir" "$pgport"
admin_url=$("$top/scripts/pg.sh" url "$pgport")

median() { python3 -c 'import sys,statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
json() { python3 -c 'import sys,json; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, d))' "$1" "$2"; }
# The field-by-field median of JSON objects (their numeric fields).
median_json() {
  python3 -c 'import sys,json,statistics as st; ds=[json.loads(a) for a in sys.argv[1:]]
print(json.dumps({k: st.median(d[k] for d in ds) for k, v in ds[0].items() if isinstance(v, (int, float))}))' "$@"
}
now() { date +%s.%N; }

# The service's SQL with its parameters inlined, on one line, comments dropped (and, for the
# organization-wide permission listing, the lines of the one-user filter).
inline_sql() {
  grep -v '^\s*--' "$top/storage/queries/$1" | grep -v -- '-- one user$' | sed "$2" | tr '\n' ' '
}
# The settings the permission listing reads its inputs from, as the service binds them.
stream_settings="SET rolecall.org_id = 'org_bench'; SET rolecall.stream_after = '';"

for scale in "${scales[@]}"; do
  case "$scale" in
    S) users=1000 clouds=10 projects=100 ;;
    M) users=100000 clouds=100 projects=5000 ;;
    L) users=1000000 clouds=200 projects=20000 ;;
    *) echo "unknown scale $scale" >&2; exit 2 ;;
  esac
  db="bench_$(echo "$scale" | tr 'A-Z' 'a-z')"
  url=${admin_url%/*}/$db
  psql -q -X "$admin_url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  "$bin/rolecall-server" migrate --database-url "$url" >/dev/null
  t0=$(now)
  "$top/bench/generate.sh" "$url" "$scale"
  gen_seconds=$(python3 -c "print(round($(now) - $t0, 1))")
  # The resolver statement over the whole organization, as ListUserPermissions runs it.
  whole_org=$(inline_sql user_permissions.sql "")
  effective_rows=$(psql -qAtX "$url" -c "$stream_settings" -c "SELECT count(*) FROM ($whole_org) x")

  # --- the limit ---
  copy_times=()
  for _ in $(seq "$RUNS"); do
    t0=$(now)
    psql -qX "$url" -c "$stream_settings" -c "\\copy ($whole_org) to /dev/null"
    copy_times+=("$(python3 -c "print($(now) - $t0)")")
  done
  copy_s=$(median "${copy_times[@]}")
  check_sql() {  # pgbench script for one resource kind: the service's check statement, prepared
    echo "\\set u random(1, $users)"
    echo "\\set r random(1, $2)"
    # One check, as the JSON array PgStore binds to $1; $2..$5 the kinds and roles it binds
    # (organization 0, cloud 1, owner 3, collaborator 2).
    local check="json_build_array(json_build_object('i', 0, 'org_id', :org::text, 'user_id', 'usr_' || lpad(:u::text, 8, '0'), 'kind', $1, 'resource_id', '$3' || lpad(:r::text, $4, '0')))"
    inline_sql effective_roles.sql "s/\$1::json/($check)::json/; s/\$2/0/g; s/\$3/1/g; s/\$4/3/g; s/\$5/2/g"
    echo ";"
  }
  check_sql 1 "$clouds" cld_ 5 >"$pgdir/cloud.pgb"
  check_sql 2 "$projects" prj_ 6 >"$pgdir/project.pgb"
  # pgbench at `c` clients for CHECK_SECONDS: {"tps", "p50_ms", "p99_ms"}. A tenth of the
  # transactions are logged (3rd field: latency in µs) for the percentiles.
  pgbench_json() {
    rm -f "$pgdir"/latency.*
    local out
    out=$(pgbench -n -M prepared -D org=org_bench -f "$pgdir/cloud.pgb@4" \
      -f "$pgdir/project.pgb@6" -c "$1" -j 2 -T "$CHECK_SECONDS" \
      -l --sampling-rate 0.1 --log-prefix "$pgdir/latency" "$url" 2>"$pgdir/pgbench.log") || true
    local tps
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
    if [ -z "$tps" ]; then
      echo "pgbench failed at $1 clients:" >&2; cat "$pgdir/pgbench.log" >&2; exit 1
    fi
    cat "$pgdir"/latency.* | python3 -c '
import sys, json
ms = sorted(int(line.split()[2]) / 1000 for line in sys.stdin)
if not ms:
    sys.exit("pgbench logged no transactions: raise CHECK_SECONDS")
at = lambda p: ms[min(len(ms) - 1, int(p * len(ms)))]
print(json.dumps({"tps": float(sys.argv[1]), "p50_ms": at(0.5), "p99_ms": at(0.99)}))' "$tps"
  }

  # --- the service ---
  key=$("$bin/rolecall-server" create-api-key --org org_bench --scope admin --database-url "$url" | tail -n 1)
  port=$(free_port)
  "$bin/rolecall-server" serve --plaintext --database-url "${url/postgres@/rolecall_app@}" --listen "127.0.0.1:$port" \
    --metrics-listen "" --log-level warn &
  server_pid=$!
  for _ in $(seq 100); do  # until it listens (10 s at most)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "rolecall-server did not start" >&2; exit 1; }
    sleep 0.1
  done
  load=("$bin/rolecall-bench" --server "127.0.0.1:$port" --token "$key" --users "$users"
        --clouds "$clouds" --projects "$projects")
  rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
  stream_times=() stream_json="" peak_rss=0 bulk_runs=() single_runs=()
  for _ in $(seq "$RUNS"); do
    "${load[@]}" stream >"$pgdir/stream.json" &
    client=$!
    while kill -0 "$client" 2>/dev/null; do
      r=$(rss_kb); [ "$r" -gt "$peak_rss" ] && peak_rss=$r
      sleep 0.1
    done
    wait "$client"
    stream_json=$(cat "$pgdir/stream.json")
    stream_times+=("$(json "$stream_json" seconds)")
  done
  stream_s=$(median "${stream_times[@]}")
  rss_after=$(rss_kb)
  # CheckPermission against pgbench: at each concurrency, RUNS pairs run back to back (pgbench,
  # then the service), so the machine's drift hits both sides of a ratio alike; medians of the
  # pairs. Then a gRPC call alone at the same concurrency.
  declare -A pgbench_stats=() check_json=() check_ratio=() floor_json=()
  for c in "${CONCURRENCY[@]}"; do
    pg_runs=() check_runs=() ratios=()
    for _ in $(seq "$RUNS"); do
      p=$(pgbench_json "$c") || exit 1
      j=$("${load[@]}" --concurrency "$c" --seconds "$CHECK_SECONDS" check)
      pg_runs+=("$p") check_runs+=("$j")
      ratios+=("$(python3 -c "print($(json "$j" throughput_per_s) / $(json "$p" tps))")")
    done
    pgbench_stats[$c]=$(median_json "${pg_runs[@]}")
    check_json[$c]=$(median_json "${check_runs[@]}")
    check_ratio[$c]=$(median "${ratios[@]}")
    floor_json[$c]=$("${load[@]}" --concurrency "$c" --seconds "$CHECK_SECONDS" floor)
  done
  # Row-level security's cost: the service as it is deployed (the serving role, policies apply)
  # against a second server on the same database connected as the owner (policies bypassed), in
  # pairs back to back: the full-org stream and CheckPermission at 8 callers.
  rls_lines=()
  if [ "$RLS_COMPARE" = 1 ]; then
    owner_port=$(free_port)
    "$bin/rolecall-server" serve --plaintext --database-url "$url" --listen "127.0.0.1:$owner_port" \
      --metrics-listen "" --log-level error &
    owner_pid=$!
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$owner_port") 2>/dev/null && break
      sleep 0.1
    done
    owner_load=("$bin/rolecall-bench" --server "127.0.0.1:$owner_port" --token "$key" --users "$users"
                --clouds "$clouds" --projects "$projects")
    rls_stream=() norls_stream=() rls_check=() norls_check=()
    for _ in $(seq "$RUNS"); do
      rls_stream+=("$(json "$("${load[@]}" stream)" seconds)")
      norls_stream+=("$(json "$("${owner_load[@]}" stream)" seconds)")
      rls_check+=("$(json "$("${load[@]}" --concurrency 8 --seconds "$CHECK_SECONDS" check)" throughput_per_s)")
      norls_check+=("$(json "$("${owner_load[@]}" --concurrency 8 --seconds "$CHECK_SECONDS" check)" throughput_per_s)")
    done
    kill "$owner_pid"; wait "$owner_pid" 2>/dev/null || true
    a=$(median "${rls_stream[@]}") b=$(median "${norls_stream[@]}")
    rls_lines+=("| row-level security: full-org stream | policies bypassed (owner) $(printf %.2f "$b") s | serving role $(printf %.2f "$a") s | $(python3 -c "print(round($a / $b, 3))")× the time |")
    a=$(median "${rls_check[@]}") b=$(median "${norls_check[@]}")
    rls_lines+=("| row-level security: CheckPermission, 8 callers | policies bypassed (owner) $(python3 -c "print(round($b))") /s | serving role $(python3 -c "print(round($a))") /s | $(python3 -c "print(round($a / $b, 3))")× the throughput |")
  fi
  # BulkCheckPermission of 100 items against single checks one after another from one caller
  # (the 1-caller CheckPermission above), in pairs back to back.
  bulk_ratio=()
  for _ in $(seq "$RUNS"); do
    single=$(json "$("${load[@]}" --concurrency 1 --seconds 10 check)" throughput_per_s)
    bulk=$(json "$("${load[@]}" --count 100 --seconds 10 bulk-check)" checks_per_s)
    bulk_ratio+=("$(python3 -c "print($bulk / $single)")")
    bulk_runs+=("$bulk") single_runs+=("$single")
  done
  list_json=$("${load[@]}" list-users)
  batch_json=$("${load[@]}" batch-create)
  batch_pw_json=$("${load[@]}" --passwords batch-create)
  # What the change log costs writes: the same writes in pairs back to back, with the log's
  # triggers and with them disabled (the revision stays: it is one row update per write).
  log_triggers() {
    for t in users user_grants; do psql -qAtX "$url" -c "ALTER TABLE $t $1 TRIGGER USER"; done
  }
  logged_batch=() unlogged_batch=() logged_grants=() unlogged_grants=()
  for _ in $(seq "$RUNS"); do
    logged_batch+=("$(json "$("${load[@]}" batch-create)" seconds)")
    logged_grants+=("$(json "$("${load[@]}" --count 10000 --concurrency 8 grants)" seconds)")
    log_triggers DISABLE
    unlogged_batch+=("$(json "$("${load[@]}" batch-create)" seconds)")
    unlogged_grants+=("$(json "$("${load[@]}" --count 10000 --concurrency 8 grants)" seconds)")
    log_triggers ENABLE
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

  # --- the table ---
  out="$top/bench/results/$(date -u +%Y-%m-%d)-$scale.md"
  {
    echo "# rolecall benchmark, scale $scale ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$top" rev-parse --short HEAD))"
    echo
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(psql -qAtX "$url" -c 'SHOW server_version' | cut -d' ' -f1) PostgreSQL; server, client and PostgreSQL on the same box. Medians of $RUNS runs; checks run $CHECK_SECONDS s each, pgbench and the service back to back at each concurrency (the ratio is the median of those pairs' ratios)."
    echo
    echo "Data: $users users, $clouds clouds, $projects projects; $effective_rows effective (user, cloud/project) rows; generated in $gen_seconds s."
    echo
    echo "| measure | limit (PostgreSQL alone) | service | ratio |"
    echo "|---|---|---|---|"
    echo "| full-org permissions, one statement | \\copy $(printf %.2f "$copy_s") s | stream $(printf %.2f "$stream_s") s, $(json "$stream_json" "round(rows/$stream_s)") rows/s, $(json "$stream_json" "round(bytes/$stream_s/1e6, 1)") MB/s | $(python3 -c "print(round($stream_s / $copy_s, 2))")× the \\copy time |"
    for c in "${CONCURRENCY[@]}"; do
      j=${check_json[$c]}
      p=${pgbench_stats[$c]}
      echo "| CheckPermission, $c callers | pgbench $(json "$p" "round(tps)") TPS; p50 $(json "$p" "round(p50_ms,2)") ms, p99 $(json "$p" "round(p99_ms,2)") ms | $(json "$j" "round(throughput_per_s)") /s; p50 $(json "$j" "round(p50_ms,2)") ms, p90 $(json "$j" "round(p90_ms,2)"), p99 $(json "$j" "round(p99_ms,2)"), p99.9 $(json "$j" "round(p999_ms,2)") ms | $(python3 -c "print(round(${check_ratio[$c]}, 2))")× pgbench TPS |"
    done
    for c in "${CONCURRENCY[@]}"; do
      j=${floor_json[$c]}
      echo "| a gRPC call alone (health check: no database, no auth), $c callers | | $(json "$j" "round(throughput_per_s)") /s; p50 $(json "$j" "round(p50_ms,2)") ms, p99 $(json "$j" "round(p99_ms,2)") ms | |"
    done
    echo "| BulkCheckPermission, 100 items a call, 1 caller | single CheckPermission calls one after another $(python3 -c "print(round($(median "${single_runs[@]}")))") /s | $(python3 -c "print(round($(median "${bulk_runs[@]}")))") checks/s | $(python3 -c "print(round($(median "${bulk_ratio[@]}"), 1))")× the checks/s |"
    echo "| ListUsers, whole org, page size 50 | | $(json "$list_json" "round(seconds,2)") s, $(json "$list_json" "round(users_per_s)") users/s | |"
    echo "| AdminBatchCreateUsers, 1,000 users, no passwords | | $(json "$batch_json" "round(seconds,2)") s; CheckPermission beside it p99 $(json "$batch_json" "round(beside['p99_ms'],2)") ms | |"
    echo "| AdminBatchCreateUsers, 1,000 users, with passwords | | $(json "$batch_pw_json" "round(seconds,2)") s; CheckPermission beside it p99 $(json "$batch_pw_json" "round(beside['p99_ms'],2)") ms | |"
    a=$(median "${logged_batch[@]}") b=$(median "${unlogged_batch[@]}")
    echo "| change log: AdminBatchCreateUsers, 1,000 users | log off $(printf %.3f "$b") s | log on $(printf %.3f "$a") s | $(python3 -c "print(round($a / $b, 2))")× the time |"
    a=$(median "${logged_grants[@]}") b=$(median "${unlogged_grants[@]}")
    echo "| change log: 10,000 GrantRole, 8 callers | log off $(python3 -c "print(round(10000 / $b))") /s | log on $(python3 -c "print(round(10000 / $a))") /s | $(python3 -c "print(round($a / $b, 2))")× the time |"
    for line in "${rls_lines[@]}"; do echo "$line"; done
    echo "| server RSS | | peak during the streams $((peak_rss / 1024)) MB, after $((rss_after / 1024)) MB | |"
  } >"$out"
  cat "$out"
done
