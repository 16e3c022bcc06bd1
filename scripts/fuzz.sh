#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (+ AddressSanitizer) and runs each for
# FUZZ_SECONDS (default 60) on a temporary copy of its seed corpus; fails if any target crashes,
# leaks, times out or breaks a property. Crashing inputs are kept in $FUZZ_BUILD_DIR/artifacts/
# (replay one with `<build>/tests/fuzz/<name>_fuzz <file>`).
#   FUZZ_BUILD_DIR  build directory (default: build-fuzz in the repository)
#   FUZZ_SECONDS    seconds per target (default 60)
#   FUZZ_TARGETS    which targets (default: all): page_token api_key copy_line users_yaml input
#   FUZZ_ARGS       extra libFuzzer flags, e.g. "-max_len=512"
#   JOBS            build parallelism (default 2)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/apt.sh"
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-2}
read -r -a targets <<<"${FUZZ_TARGETS:-page_token api_key copy_line users_yaml input}"
read -r -a extra <<<"${FUZZ_ARGS:-}"

# clang-14 and its runtime (libFuzzer, ASan); Debian 12 has no libclang-rt-15-dev.
mapfile -t missing < <(missing_packages clang-14 libclang-rt-14-dev)
apt_install "${missing[@]}"

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DROLECALL_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j"$jobs" --target $(printf '%s_fuzz ' "${targets[@]}")

work=$(mktemp -d /tmp/rolecall-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts"
failed=()
summary=()
for name in "${targets[@]}"; do
  bin="$build/tests/fuzz/${name}_fuzz"
  corpus="$work/$name"
  mkdir -p "$corpus"
  cp "$top/tests/fuzz/corpus/$name/"* "$corpus/"  # new inputs go here, not into the checked-in corpus
  log="$build/artifacts/$name.log"
  echo "== $name: ${seconds}s (log: $log)"
  status=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$name-" "${extra[@]}" "$corpus" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  line="$name: ${runs:-?} executions, corpus $(ls "$corpus" | wc -l) inputs"
  if [ "$status" -ne 0 ]; then
    line="$line, FAILED (exit $status)"
    failed+=("$name")
    grep -E "FUZZ_CHECK failed|ERROR: |SUMMARY: |Test unit written" "$log" | head -8 || true
  fi
  echo "$line"
  summary+=("$line")
done

echo
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]} (inputs and logs in $build/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: no crash in ${#targets[@]} targets, ${seconds}s each"
