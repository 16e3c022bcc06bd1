# The two commands: `make run` and `make test`. Both install what is missing (Debian 12).
BUILD_DIR ?= build
JOBS ?= 2

.PHONY: all deps build run test bench image-test check-manifests fuzz clean

all: build

deps:
	scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	scripts/run.sh

test: build
	BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/test.sh

# Builds the container image and runs it against a throw-away PostgreSQL (Docker daemon started
# by the script; about 7 minutes on 2 cores). Run by .ci/run after `make test`.
image-test:
	scripts/image-test.sh

# Renders every Kubernetes overlay and validates it offline (also part of `make test`).
check-manifests:
	scripts/check-manifests.sh

# Benchmarks against the raw-SQL limit (README: Performance); not part of `make test`.
bench: build
	bench/run.sh

# libFuzzer + ASan targets (clang-14, installed if missing) in build-fuzz/, FUZZ_SECONDS each
# (default 60); not part of `make test`, which replays their seed corpora (tests/fuzz/corpus/).
fuzz: deps
	scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR)
