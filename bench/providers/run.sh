#!/usr/bin/env bash
# Provider adapter benchmark (not a test). In one run on this machine:
#  1. the CPU cost of each adapter's translation (OfflineTranslator, no network): OpenAI request -> provider body,
#     provider answer -> OpenAI chat.completion, and provider SSE bytes -> OpenAI chunks (each chunk also written as
#     SSE bytes, as the server would) per stream event;
#  2. the curl client's own CPU per request and per streamed event, against the Python fake over loopback
#     (LAYERS_BENCH_UPSTREAM).
# CPU time is user+sys of the benchmark process (getrusage), steadier than wall time on a shared machine.
#
# Usage: bench/providers/run.sh [ITERATIONS=2000]
# LAYERS_SCRATCH_PATH picks the SwiftPM build directory (default .build-providers).
set -euo pipefail
cd "$(dirname "$0")/../.."
ITERATIONS="${1:-2000}"
scratch=(--scratch-path "${LAYERS_SCRATCH_PATH:-.build-providers}")

echo "building layers-bench-providers (release)..." >&2
swift build -c release "${scratch[@]}" --product layers-bench-providers >/dev/null
BIN="$(swift build -c release "${scratch[@]}" --show-bin-path)/layers-bench-providers"

WORK="$(mktemp -d /tmp/layers-providers-bench.XXXXXX)"
FAKE_PID=""
cleanup() {
    if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

python3 Tests/fakes/fake_providers.py --port 0 >"$WORK/fake.out" 2>"$WORK/fake.err" &
FAKE_PID=$!
for _ in $(seq 1 100); do
    grep -q '^PORT ' "$WORK/fake.out" 2>/dev/null && break
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$WORK/fake.err" >&2; echo "the fake provider did not start" >&2; exit 1; }
    sleep 0.1
done
PORT="$(sed -n 's/^PORT //p' "$WORK/fake.out" | head -1)"
[ -n "$PORT" ] || { echo "the fake provider printed no port" >&2; exit 1; }

echo "machine: $(nproc) cores, $(uname -sr); $(swift --version 2>/dev/null | head -1)"
echo "command: bench/providers/run.sh $ITERATIONS (release build; curl client against the fake at 127.0.0.1:$PORT)"
LAYERS_BENCH_UPSTREAM="http://127.0.0.1:$PORT" "$BIN" "$ITERATIONS"
