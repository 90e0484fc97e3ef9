#!/usr/bin/env bash
# Builds the request-parser fuzzer with libFuzzer + AddressSanitizer and runs it for a bounded time.
# Usage: fuzz/run.sh [SECONDS=60]
# New interesting inputs go to fuzz/.build/new-corpus (not the committed fuzz/corpus); crashes to
# fuzz/.build/artifacts/. Exit status is non-zero when the fuzzer finds a crash or a disagreement.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
OUT=fuzz/.build
mkdir -p "$OUT/new-corpus" "$OUT/artifacts"
SOURCES=(Sources/LayersHTTP/Message/*.swift Sources/LayersHTTP/Parser/*.swift fuzz/FuzzRequestParser.swift)
BINARY="$OUT/fuzz-request-parser"
if [ ! -x "$BINARY" ] || [ -n "$(find "${SOURCES[@]}" -newer "$BINARY" 2>/dev/null | head -1)" ]; then
    echo "building $BINARY"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name LayersHTTPFuzz \
        "${SOURCES[@]}" -o "$BINARY"
fi
echo "fuzzing the request parser for ${SECONDS_TO_RUN}s"
SWIFT_BACKTRACE=enable=no "$BINARY" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$OUT/artifacts/" "$OUT/new-corpus" fuzz/corpus
