#!/usr/bin/env bash
# scripts/check-manifests.sh must reject broken manifests, each problem reported on its own line.
# Every case breaks a fresh copy of deploy/k8s in ways that no other check of the same case
# reports, and expects exit 1 with a line naming each breakage.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
k8s="$work/k8s"
base="$k8s/base"
dev="$k8s/overlays/dev"
prod="$k8s/overlays/prod"
fail=0

fresh() {
  rm -rf "$k8s"
  cp -r "$top/deploy/k8s" "$k8s"
}

# expect CASE TEXT...: the checker fails on the copy and reports every TEXT.
expect() {
  local case=$1
  shift
  local out code missing=0
  out=$("$top/scripts/check-manifests.sh" "$k8s" 2>&1)
  code=$?
  [ -z "${SHOW:-}" ] || echo "$out" | sed "s/^/  $case| /" # SHOW=1: every case's report
  [ "$code" -eq 1 ] || { echo "$case: expected exit 1, got $code"; missing=1; }
  for expected in "$@"; do
    grep -qF -- "$expected" <<<"$out" || { echo "$case: no problem reported about: $expected"; missing=1; }
  done
  if [ "$missing" -ne 0 ]; then
    echo "$out" | sed "s/^/  $case| /"
    fail=1
  fi
}

# A misspelled field, a wrong type and a `latest` image in prod.
fresh
sed -i 's/readinessProbe:/readinesProbe:/' "$base/deployment.yaml"
sed -i 's/maxReplicas: \([0-9]*\)/maxReplicas: "\1"/' "$base/hpa.yaml"
sed -i 's/newTag: .*/newTag: latest/' "$prod/kustomization.yaml"
expect schema "readinesProbe" "maxReplicas" "latest"

# prod serves plaintext: ROLECALL_PLAINTEXT=true, and no key for TLS. The database URLs swapped:
# the server would connect as the schema owner, the migration as the app role; and the server
# migrates by itself.
fresh
sed -i 's/      - ROLECALL_POOL_SIZE=8/&\n      - ROLECALL_PLAINTEXT=true/' "$prod/kustomization.yaml"
sed -i 's/      - ROLECALL_LOG_LEVEL=debug/&\n      - ROLECALL_MIGRATE=true/' "$dev/kustomization.yaml"
sed -i '/- name: ROLECALL_TLS_KEY/,+1d' "$prod/patch-deployment.yaml"
sed -i 's/key: migrate-url/key: serve-url/' "$base/migrate-job.yaml"
sed -i 's/key: serve-url/key: migrate-url/' "$base/deployment.yaml"
expect plaintext-and-urls \
  'prod: Deployment/rolecall: container rolecall: ROLECALL_PLAINTEXT is "true"' \
  'prod: Deployment/rolecall: container rolecall: ROLECALL_TLS_KEY is not set' \
  'Job/rolecall-migrate: container migrate: ROLECALL_DATABASE_URL comes from key "serve-url"' \
  'Deployment/rolecall: container rolecall: ROLECALL_DATABASE_URL comes from key "migrate-url"' \
  'dev: Deployment/rolecall: container rolecall: ROLECALL_MIGRATE is "true"'

# The certificate from an emptyDir instead of the Secret; the health port moved without the
# probes; dev's generated Secret without the key the server reads.
fresh
sed -i -e 's/^          secret:$/          emptyDir: {}/' -e '/secretName: rolecall-tls/d' \
  -e '/defaultMode: 0440/d' "$prod/patch-deployment.yaml"
sed -i 's/ROLECALL_HEALTH_LISTEN=0.0.0.0:8081/ROLECALL_HEALTH_LISTEN=0.0.0.0:8082/' "$base/kustomization.yaml"
sed -i 's/- serve-url=/- database-url=/' "$dev/kustomization.yaml"
expect secret-volume-and-ports \
  'prod: Deployment/rolecall: container rolecall: ROLECALL_TLS_CERT (/etc/rolecall/tls/tls.crt) is not in a volume mounted from a Secret' \
  'readinessProbe is on port 8081, not on the health port 8082 that ROLECALL_HEALTH_LISTEN names' \
  'livenessProbe is on port 8081, not on the health port 8082' \
  'dev: Deployment/rolecall: container rolecall: Secret rolecall-db-' \
  'has no key "serve-url"'

# The certificate outside every mount, the key mount writable; no health port, and the gRPC
# readiness probe on the TLS port.
fresh
sed -i 's#value: /etc/rolecall/tls/tls.crt#value: /etc/ssl/tls.crt#' "$prod/patch-deployment.yaml"
sed -i '/readOnly: true/d' "$prod/patch-deployment.yaml"
sed -i '/ROLECALL_HEALTH_LISTEN=/d' "$base/kustomization.yaml"
sed -i 's/port: 8081.*/port: 50051/' "$base/deployment.yaml"
expect tls-port-probes \
  'ROLECALL_TLS_CERT (/etc/ssl/tls.crt) is not in a mounted volume' \
  'the volume mount "tls" with ROLECALL_TLS_KEY is not readOnly' \
  'prod: Deployment/rolecall: container rolecall: readinessProbe asks gRPC health on the TLS port 50051' \
  'prod: Deployment/rolecall: container rolecall: ROLECALL_HEALTH_LISTEN is not set'

exit "$fail"
