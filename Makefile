# The two commands: `make run` and `make test`. Both install what is missing (Debian 12).
BUILD_DIR ?= build
JOBS ?= 2

.PHONY: all deps build run test clean

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

clean:
	rm -rf $(BUILD_DIR)
