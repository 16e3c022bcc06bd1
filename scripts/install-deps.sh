#!/usr/bin/env bash
# Installs what building and testing rolecall needs (Debian 12), skipping what is already there.
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"

PACKAGES=(
  build-essential cmake pkg-config git
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev grpc-proto libabsl-dev
  golang-github-gogo-googleapis-dev
  libpqxx-dev prometheus-cpp-dev libgtest-dev libgmock-dev libsodium-dev libyaml-cpp-dev
  libcli11-dev nlohmann-json3-dev
  postgresql-15 postgresql-client-15
  curl util-linux
  python3-grpcio python3-protobuf python3-pytest
)

mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
# buf (a test client) comes from npm; use the machine's Node.js when it has one.
command -v npm >/dev/null || missing+=(npm)
apt_install "${missing[@]}"
