#!/usr/bin/env bash
# Installs `buf` (npm @bufbuild/buf), a reflection-based gRPC client, under .rolecall/tools.
# Prints the path of the buf binary.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/.rolecall/tools"
if [ ! -x "$dir/node_modules/.bin/buf" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund @bufbuild/buf@1 >/dev/null)
fi
echo "$dir/node_modules/.bin/buf"
