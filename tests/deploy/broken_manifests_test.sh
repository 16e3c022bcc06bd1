#!/usr/bin/env bash
# scripts/check-manifests.sh must reject broken manifests: a misspelled field, a wrong type and a
# `latest` image in prod, each reported on its own line.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/deploy/k8s" "$work/k8s"
sed -i 's/readinessProbe:/readinesProbe:/' "$work/k8s/base/deployment.yaml"
sed -i 's/maxReplicas: \([0-9]*\)/maxReplicas: "\1"/' "$work/k8s/base/hpa.yaml"
sed -i 's/newTag: .*/newTag: latest/' "$work/k8s/overlays/prod/kustomization.yaml"

out=$("$top/scripts/check-manifests.sh" "$work/k8s" 2>&1)
code=$?
fail=0
[ "$code" -eq 1 ] || { echo "expected exit 1, got $code"; fail=1; }
for expected in "readinesProbe" "maxReplicas" "latest"; do
  grep -q "$expected" <<<"$out" || { echo "no problem reported about $expected"; fail=1; }
done
[ "$fail" -eq 0 ] || echo "$out"
exit "$fail"
