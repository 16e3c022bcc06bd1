#!/usr/bin/env bash
# `make image-test`: builds the container image (deploy/Dockerfile) and proves it works against a
# real PostgreSQL, run the way Kubernetes runs it (read-only root file system, uid 65532, no
# capabilities; deploy/k8s/overlays/prod): migrate, create-org, create-api-key as the schema
# owner; serve as the least-privilege role rolecall_app, with TLS from a mounted certificate and
# the plaintext health-only port; health SERVING there; one authenticated RPC over TLS; metrics;
# and exit code 0 on `docker stop` (SIGTERM).
#
# Needs root (apt-get, dockerd). Installs docker.io and debootstrap when missing. Starts dockerd
# when no daemon answers (and stops it at the end); bootstraps a Debian 12 base image once, since
# public registries may be unreachable. Run it at low priority on a shared machine:
#   nice -n 19 env JOBS=1 scripts/image-test.sh     (a dockerd started here inherits the nice)
#
# Environment: IMAGE (tag to build, default rolecall:image-test), JOBS (compile jobs, default 2),
# BASE_IMAGE (default rolecall-base:bookworm, built here by debootstrap when absent),
# DEBIAN_MIRROR (for debootstrap, default http://deb.debian.org/debian).
# Logs stay in .rolecall/image-test/ (build.log, dockerd.log, server.log).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
IMAGE=${IMAGE:-rolecall:image-test}
BASE_IMAGE=${BASE_IMAGE:-rolecall-base:bookworm}
JOBS=${JOBS:-2}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
logs="$top/.rolecall/image-test"
mkdir -p "$logs"

say() { echo "image-test: $*"; }
fail() {
  echo "image-test: FAIL: $*" >&2
  exit 1
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs packages and may start dockerd)"

dockerd_pid="" pgdir="" container="" rootfs="" tlsdir=""
cleanup() {
  local rc=$?
  set +e
  [ -n "$container" ] && docker rm -f "$container" >/dev/null 2>&1
  if [ -n "$pgdir" ]; then
    "$top/scripts/pg.sh" stop "$pgdir"
    rm -rf "$pgdir"
  fi
  [ -n "$rootfs" ] && rm -rf "$rootfs"
  [ -n "$tlsdir" ] && rm -rf "$tlsdir"
  if [ -n "$dockerd_pid" ]; then
    say "stopping the dockerd started here (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
  fi
  [ $rc -eq 0 ] && say "PASS" || echo "image-test: FAILED (logs: $logs)" >&2
  exit $rc
}
trap cleanup EXIT

# --- 1. tools ------------------------------------------------------------------------------
# docker.io and debootstrap for the image; postgresql-15 (scripts/pg.sh), npm (buf) and curl
# are also installed by scripts/install-deps.sh.
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing+=(postgresql-15)
command -v npm >/dev/null || missing+=(npm)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
# The health-only port has no reflection: buf curl takes the health service's schema from here.
health_proto=/usr/share/grpc-proto/grpc/health/v1/health.proto
[ -f "$health_proto" ] || missing+=(grpc-proto)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  # Keep the packages' maintainer scripts from starting a daemon with default settings (bridge
  # and iptables rules on the host): a policy-rc.d that says "no" for the install's duration.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >"$logs/apt.log" 2>&1 || { [ -n "$policy" ] && rm -f "$policy"; fail "apt-get install failed, see $logs/apt.log"; }
  [ -n "$policy" ] && rm -f "$policy"
fi

# --- 2. a Docker daemon --------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  say "using the running Docker daemon"
else
  # No bridge and no iptables: the sandbox may not allow them, and everything here uses
  # --network host anyway.
  say "starting dockerd (log: $logs/dockerd.log)"
  dockerd --iptables=false --bridge=none >"$logs/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -n 20 "$logs/dockerd.log" >&2; fail "dockerd exited"; }
    sleep 1
  done
  docker info >/dev/null 2>&1 || { tail -n 20 "$logs/dockerd.log" >&2; fail "dockerd did not answer in 60 s"; }
fi

# --- 3. the base image (once) --------------------------------------------------------------
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "base image $BASE_IMAGE is present"
elif [ "$BASE_IMAGE" = rolecall-base:bookworm ]; then
  say "bootstrapping $BASE_IMAGE with debootstrap (once; log: $logs/debootstrap.log)"
  rootfs=$(mktemp -d /tmp/rolecall-rootfs-XXXXXX)
  debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$logs/debootstrap.log" 2>&1 ||
    { tail -n 20 "$logs/debootstrap.log" >&2; fail "debootstrap failed"; }
  # The same apt sources as the official debian:bookworm-slim (with updates and security).
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null ||
    fail "docker import of the base failed"
  rm -rf "$rootfs"
  rootfs=""
else
  fail "base image $BASE_IMAGE is not present (docker pull or docker load it first)"
fi

# --- 4. the image --------------------------------------------------------------------------
say "building $IMAGE from deploy/Dockerfile (JOBS=$JOBS; log: $logs/build.log)"
build_start=$SECONDS
docker build --network host --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg JOBS="$JOBS" \
  --build-arg GIT_SHA="$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  -f "$top/deploy/Dockerfile" -t "$IMAGE" "$top" >"$logs/build.log" 2>&1 ||
  { tail -n 30 "$logs/build.log" >&2; fail "docker build failed"; }
say "built $IMAGE in $((SECONDS - build_start)) s, $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
[ "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" = 65532:65532 ] ||
  fail "the image does not run as 65532:65532"

# --- 5. a throw-away PostgreSQL ------------------------------------------------------------
pgdir=$(mktemp -d /tmp/rolecall-image-test-pg-XXXXXX)
pgport=$(free_port)
"$top/scripts/pg.sh" start "$pgdir" "$pgport" || fail "PostgreSQL did not start"
# The two URLs of the Secret rolecall-db (deploy/k8s): migrate-url, the schema owner (here the
# superuser), for migrate and the bootstrap commands; serve-url, the least-privilege role
# rolecall_app, which migrate creates when missing and grants what `serve` needs. This
# PostgreSQL trusts local connections: no passwords.
db_url=$("$top/scripts/pg.sh" url "$pgport")
app_url="postgresql://rolecall_app@127.0.0.1:$pgport/rolecall"
psql=(/usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$pgport" -U postgres -d rolecall -qtAX)
say "PostgreSQL on 127.0.0.1:$pgport"

# The container as Kubernetes runs it: read-only root, a non-root uid, no capabilities.
hardened=(--network host --read-only --user 65532:65532 --cap-drop ALL
          --security-opt no-new-privileges)
run() { docker run --rm "${hardened[@]}" -e ROLECALL_DATABASE_URL="$db_url" "$IMAGE" "$@"; }

# --- 6. bootstrap commands -----------------------------------------------------------------
docker run --rm "${hardened[@]}" -e ROLECALL_DATABASE_URL="$db_url" -e ROLECALL_APP_ROLE=rolecall_app \
  "$IMAGE" migrate || fail "rolecall-server migrate failed"
[ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'rolecall_app' AND rolcanlogin")" = 1 ] ||
  fail "migrate did not create the login role rolecall_app"
run create-org org_imagetest --name "Image test" || fail "rolecall-server create-org failed"
key=$(run create-api-key --org org_imagetest --scope admin --name image-test | tail -n 1) ||
  fail "rolecall-server create-api-key failed"
[ -n "$key" ] || fail "create-api-key printed no key"
say "migrated (rolecall_app granted), created org_imagetest and an admin API key"

# --- 7. serve ------------------------------------------------------------------------------
# A certificate for 127.0.0.1 from a throw-away CA, mounted read-only where the prod overlay
# mounts the Secret rolecall-tls (the files readable by uid 65532).
tlsdir=$(mktemp -d /tmp/rolecall-image-test-tls-XXXXXX)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tlsdir/ca.key" -out "$tlsdir/ca.crt" -days 1 \
  -subj "/CN=rolecall image-test CA" >/dev/null 2>&1 || fail "openssl: no CA"
openssl req -newkey rsa:2048 -nodes -keyout "$tlsdir/tls.key" -out "$tlsdir/tls.csr" \
  -subj "/CN=rolecall" >/dev/null 2>&1 || fail "openssl: no key"
echo "subjectAltName=IP:127.0.0.1" >"$tlsdir/san.ext"
openssl x509 -req -in "$tlsdir/tls.csr" -CA "$tlsdir/ca.crt" -CAkey "$tlsdir/ca.key" -CAcreateserial \
  -out "$tlsdir/tls.crt" -days 1 -extfile "$tlsdir/san.ext" >/dev/null 2>&1 || fail "openssl: no certificate"
chmod 0755 "$tlsdir" && chmod 0644 "$tlsdir/tls.crt" "$tlsdir/tls.key"

port=$(free_port)
metrics_port=$(free_port)
health_port=$(free_port)
# No command: the image's CMD (serve) is what runs. --stop-timeout outlasts the drain grace.
container=$(docker run -d --name "rolecall-image-test-$$" --stop-timeout 30 "${hardened[@]}" \
  -v "$tlsdir:/etc/rolecall/tls:ro" -e ROLECALL_DATABASE_URL="$app_url" \
  -e ROLECALL_TLS_CERT=/etc/rolecall/tls/tls.crt -e ROLECALL_TLS_KEY=/etc/rolecall/tls/tls.key \
  -e ROLECALL_LISTEN="127.0.0.1:$port" -e ROLECALL_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  -e ROLECALL_HEALTH_LISTEN="127.0.0.1:$health_port" -e ROLECALL_SHUTDOWN_GRACE_SECONDS=5 "$IMAGE") ||
  fail "docker run (serve) failed"

buf=$("$top/scripts/install-buf.sh")
tls_curl=("$buf" curl --protocol grpc --cacert "$tlsdir/ca.crt")
# Health as the kubelet asks it: plaintext, on the health-only port (no reflection there).
health=""
for _ in $(seq 30); do
  health=$("$buf" curl --protocol grpc --http2-prior-knowledge --schema "$health_proto" -d '{}' \
    "http://127.0.0.1:$health_port/grpc.health.v1.Health/Check" 2>&1) && break
  [ "$(docker inspect -f '{{.State.Running}}' "$container")" = true ] ||
    { docker logs "$container" >&2; fail "the server container exited"; }
  sleep 1
done
echo "$health" | grep -q '"status": *"SERVING"' ||
  { docker logs "$container" >"$logs/server.log" 2>&1; fail "health is not SERVING: $health"; }
say "plaintext health on the health port: SERVING (127.0.0.1:$health_port)"
"${tls_curl[@]}" -d '{}' "https://127.0.0.1:$port/grpc.health.v1.Health/Check" 2>&1 |
  grep -q '"status": *"SERVING"' || fail "health over TLS on 127.0.0.1:$port is not SERVING"
if "$buf" curl --protocol grpc --http2-prior-knowledge -d '{}' \
  "http://127.0.0.1:$port/grpc.health.v1.Health/Check" >/dev/null 2>&1; then
  fail "the TLS port answered a plaintext call"
fi
say "TLS on 127.0.0.1:$port (plaintext refused)"

"${tls_curl[@]}" -H "authorization: Bearer $key" -d '{}' \
  "https://127.0.0.1:$port/rolecall.v1.UserService/ListUsers" >"$logs/list-users.json" 2>&1 ||
  { cat "$logs/list-users.json" >&2; fail "authenticated ListUsers failed"; }
say "authenticated rolecall.v1.UserService/ListUsers over TLS succeeded"

# And the key is really needed (the call above did not pass for want of authentication).
if "${tls_curl[@]}" -d '{}' "https://127.0.0.1:$port/rolecall.v1.UserService/ListUsers" >/dev/null 2>&1; then
  fail "ListUsers without an API key succeeded"
fi
# The server (its pool and its health probe) connects as the app role.
[ "$("${psql[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'rolecall_app'")" -gt 0 ] ||
  fail "the server does not connect as rolecall_app"
say "the server connects to PostgreSQL as rolecall_app"

curl -fsS "http://127.0.0.1:$metrics_port/metrics" | grep -q '^rolecall_build_info{' ||
  fail "no rolecall_build_info at http://127.0.0.1:$metrics_port/metrics"
say "metrics served on 127.0.0.1:$metrics_port"

# --- 8. SIGTERM: drain and exit 0 ----------------------------------------------------------
docker stop "$container" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
docker logs "$container" >"$logs/server.log" 2>&1
[ "$code" = 0 ] || fail "the server exited with $code after docker stop (see $logs/server.log)"
say "docker stop: the server drained and exited 0"
