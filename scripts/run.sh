#!/usr/bin/env bash
# `make run`: a private PostgreSQL (data under .rolecall/pg, or — as root, when the `postgres` user
# cannot reach this clone — under /var/lib/rolecall-dev/<hash>/pg: see `scripts/pg.sh place`),
# migrated and loaded with the demo organization, and rolecall-server on 127.0.0.1:50051 (metrics
# on :9464) until Ctrl-C. The data is kept across runs; each run prints a fresh admin key.
# Overrides (tests): ROLECALL_BIN_DIR (default build/bin), ROLECALL_RUN_PG_PORT (55433),
# ROLECALL_RUN_LISTEN (127.0.0.1:50051), ROLECALL_RUN_METRICS_LISTEN (127.0.0.1:9464),
# ROLECALL_RUN_BUF (the buf command shown; default: installed by scripts/install-buf.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${ROLECALL_BIN_DIR:-$top/build/bin}
pgport=${ROLECALL_RUN_PG_PORT:-55433}
listen=${ROLECALL_RUN_LISTEN:-127.0.0.1:50051}
metrics=${ROLECALL_RUN_METRICS_LISTEN:-127.0.0.1:9464}
pgdir=$("$top/scripts/pg.sh" place "$top/.rolecall/pg")

echo "PostgreSQL data: $pgdir (port $pgport)"
"$top/scripts/pg.sh" start "$pgdir" "$pgport"
trap '"$top/scripts/pg.sh" stop "$pgdir"' EXIT
# migrate and the bootstrap commands run as the schema owner; serve connects as the
# least-privilege role that migrate creates and grants (rolecall_app; trust authentication here).
export ROLECALL_DATABASE_URL=$("$top/scripts/pg.sh" url "$pgport")
serve_url=${ROLECALL_DATABASE_URL/postgres@/rolecall_app@}

"$bin/rolecall-server" migrate
"$bin/rolecall-server" seed-demo
key=$("$bin/rolecall-server" create-api-key --org org_p72 --scope admin --name "make run" | tail -n 1)
buf=${ROLECALL_RUN_BUF:-$("$top/scripts/install-buf.sh" 2>/dev/null || echo "npx @bufbuild/buf")}

cat <<EOT

rolecall is starting on $listen (metrics: http://$metrics/metrics).
PostgreSQL data: $pgdir (kept across runs; delete it to start over).
Demo organization org_p72; admin API key (shown once; each run makes a new one):

  export ROLECALL_TOKEN=$key

Try, in another terminal:

  export ROLECALL_SERVER=$listen ROLECALL_TOKEN=$key
  $bin/rolecall user list --page-size 5 --no-interactive
  $bin/rolecall user get --email owner@anyscale.com --json

  $buf curl --protocol grpc --http2-prior-knowledge --list-methods http://$listen
  $buf curl --protocol grpc --http2-prior-knowledge \\
    -H "authorization: Bearer $key" -d '{"page_size": 5}' \\
    http://$listen/rolecall.v1.UserService/ListUsers

Press Ctrl-C to stop.
EOT

ROLECALL_DATABASE_URL=$serve_url "$bin/rolecall-server" serve --plaintext --listen "$listen" --metrics-listen "$metrics"
