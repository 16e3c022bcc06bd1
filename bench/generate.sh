#!/usr/bin/env bash
# Loads a benchmark organization at scale S, M or L (plus a small second organization, so every
# query has another org's rows to skip).  Usage: bench/generate.sh DATABASE_URL S|M|L
set -euo pipefail
url=$1 scale=$2
here=$(cd "$(dirname "$0")" && pwd)
case "$scale" in
  S) args=(users=1000 groups=20 clouds=10 projects=100 direct_grants=5000 group_grants=200) ;;
  M) args=(users=100000 groups=500 clouds=100 projects=5000 direct_grants=500000 group_grants=5000) ;;
  L) args=(users=1000000 groups=2000 clouds=200 projects=20000 direct_grants=3000000 group_grants=20000) ;;
  *) echo "scale must be S, M or L" >&2; exit 2 ;;
esac
run() {
  local org=$1; shift
  local vars=(-v "org=$org")
  for a in "$@"; do vars+=(-v "$a"); done
  psql "$url" -q -X "${vars[@]}" -f "$here/generate.sql"
}
run org_bench_other users=500 groups=10 clouds=5 projects=20 direct_grants=2000 group_grants=50
run org_bench "${args[@]}"
