#!/usr/bin/env bash
# `make image-test`: builds the container image (deploy/Dockerfile) and proves it works against a
# real PostgreSQL, run the way Kubernetes runs it (read-only root file system, uid 65532, no
# capabilities): migrate, create-org, create-api-key, serve; health SERVING; one authenticated
# RPC; metrics; and exit code 0 on `docker stop` (SIGTERM).
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

dockerd_pid="" pgdir="" container="" rootfs=""
cleanup() {
  local rc=$?
  set +e
  [ -n "$container" ] && docker rm -f "$container" >/dev/null 2>&1
  if [ -n "$pgdir" ]; then
    "$top/scripts/pg.sh" stop "$pgdir"
    rm -rf "$pgdir"
  fi
  [ -n "$rootfs" ] && rm -rf "$rootfs"
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
db_url=$("$top/scripts/pg.sh" url "$pgport")
say "PostgreSQL on 127.0.0.1:$pgport"

# The container as Kubernetes runs it: read-only root, a non-root uid, no capabilities.
hardened=(--network host --read-only --user 65532:65532 --cap-drop ALL
          --security-opt no-new-privileges -e ROLECALL_DATABASE_URL="$db_url")
run() { docker run --rm "${hardened[@]}" "$IMAGE" "$@"; }

# --- 6. bootstrap commands -----------------------------------------------------------------
run migrate || fail "rolecall-server migrate failed"
run create-org org_imagetest --name "Image test" || fail "rolecall-server create-org failed"
key=$(run create-api-key --org org_imagetest --scope admin --name image-test | tail -n 1) ||
  fail "rolecall-server create-api-key failed"
[ -n "$key" ] || fail "create-api-key printed no key"
say "migrated, created org_imagetest and an admin API key"

# --- 7. serve ------------------------------------------------------------------------------
port=$(free_port)
metrics_port=$(free_port)
# No command: the image's CMD (serve) is what runs. --stop-timeout outlasts the drain grace.
container=$(docker run -d --name "rolecall-image-test-$$" --stop-timeout 30 "${hardened[@]}" \
  -e ROLECALL_LISTEN="127.0.0.1:$port" -e ROLECALL_METRICS_LISTEN="127.0.0.1:$metrics_port" \
  -e ROLECALL_PLAINTEXT=true -e ROLECALL_SHUTDOWN_GRACE_SECONDS=5 "$IMAGE") ||
  fail "docker run (serve) failed"

buf=$("$top/scripts/install-buf.sh")
health=""
for _ in $(seq 30); do
  health=$("$buf" curl --protocol grpc --http2-prior-knowledge -d '{}' \
    "http://127.0.0.1:$port/grpc.health.v1.Health/Check" 2>&1) && break
  [ "$(docker inspect -f '{{.State.Running}}' "$container")" = true ] ||
    { docker logs "$container" >&2; fail "the server container exited"; }
  sleep 1
done
echo "$health" | grep -q '"status": *"SERVING"' ||
  { docker logs "$container" >"$logs/server.log" 2>&1; fail "health is not SERVING: $health"; }
say "health through the container: SERVING (127.0.0.1:$port)"

"$buf" curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $key" -d '{}' \
  "http://127.0.0.1:$port/rolecall.v1.UserService/ListUsers" >"$logs/list-users.json" 2>&1 ||
  { cat "$logs/list-users.json" >&2; fail "authenticated ListUsers failed"; }
say "authenticated rolecall.v1.UserService/ListUsers succeeded"

# And the key is really needed (the call above did not pass for want of authentication).
if "$buf" curl --protocol grpc --http2-prior-knowledge -d '{}' \
  "http://127.0.0.1:$port/rolecall.v1.UserService/ListUsers" >/dev/null 2>&1; then
  fail "ListUsers without an API key succeeded"
fi

curl -fsS "http://127.0.0.1:$metrics_port/metrics" | grep -q '^rolecall_build_info{' ||
  fail "no rolecall_build_info at http://127.0.0.1:$metrics_port/metrics"
say "metrics served on 127.0.0.1:$metrics_port"

# --- 8. SIGTERM: drain and exit 0 ----------------------------------------------------------
docker stop "$container" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
docker logs "$container" >"$logs/server.log" 2>&1
[ "$code" = 0 ] || fail "the server exited with $code after docker stop (see $logs/server.log)"
say "docker stop: the server drained and exited 0"
