#!/usr/bin/env bash
# `make run`: a private PostgreSQL under .rolecall/, migrated and loaded with the demo
# organization, and rolecall-server on 127.0.0.1:50051 (metrics on :9464) until Ctrl-C.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/bin"
pgdir="$top/.rolecall/pg"
pgport=${ROLECALL_RUN_PG_PORT:-55433}

"$top/scripts/pg.sh" start "$pgdir" "$pgport"
trap '"$top/scripts/pg.sh" stop "$pgdir"' EXIT
# migrate and the bootstrap commands run as the schema owner; serve connects as the
# least-privilege role that migrate creates and grants (rolecall_app; trust authentication here).
export ROLECALL_DATABASE_URL=$("$top/scripts/pg.sh" url "$pgport")
serve_url=${ROLECALL_DATABASE_URL/postgres@/rolecall_app@}

"$bin/rolecall-server" migrate
"$bin/rolecall-server" seed-demo
key=$("$bin/rolecall-server" create-api-key --org org_p72 --scope admin --name "make run" | tail -n 1)
buf=$("$top/scripts/install-buf.sh" 2>/dev/null || echo "npx @bufbuild/buf")

cat <<EOT

rolecall is starting on 127.0.0.1:50051 (metrics: http://127.0.0.1:9464/metrics).
Demo organization org_p72; admin API key (shown once):

  export ROLECALL_TOKEN=$key

Try, in another terminal:

  export ROLECALL_SERVER=127.0.0.1:50051 ROLECALL_TOKEN=$key
  $bin/rolecall user list --page-size 5 --no-interactive
  $bin/rolecall user get --email owner@anyscale.com --json

  $buf curl --protocol grpc --http2-prior-knowledge --list-methods http://127.0.0.1:50051
  $buf curl --protocol grpc --http2-prior-knowledge \\
    -H "authorization: Bearer $key" -d '{"page_size": 5}' \\
    http://127.0.0.1:50051/rolecall.v1.UserService/ListUsers

Press Ctrl-C to stop.
EOT

ROLECALL_DATABASE_URL=$serve_url "$bin/rolecall-server" serve --plaintext --listen 127.0.0.1:50051 --metrics-listen 127.0.0.1:9464
