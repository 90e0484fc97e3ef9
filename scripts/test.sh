#!/usr/bin/env bash
# The whole Layers test suite, from a fresh clone: installs what is missing, starts a private PostgreSQL when
# DATABASE_URL is unset, builds, runs the XCTest suites, the Python conformance/end-to-end suites (official
# SDKs against the real binaries over loopback), and a bounded fuzzing run of the HTTP request parser.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/setup.sh || { echo "setup failed" >&2; exit 1; }

if [ -z "${DATABASE_URL:-}" ]; then
  if ! start_output=$(bash scripts/pg.sh start); then echo "could not start the private PostgreSQL" >&2; exit 1; fi
  eval "$start_output"
  trap 'bash "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true' EXIT
fi
export DATABASE_URL

started=$SECONDS
echo "== build"
swift build --build-tests 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Merging)' || true
swift build --build-tests >/dev/null 2>&1 || { swift build --build-tests 2>&1 | tail -40; echo "0 passed, 1 failed"; exit 1; }
export LAYERS_BIN_DIR="$(swift build --show-bin-path)"

status=0
swift_passed=0; swift_failed=0; swift_skipped=0
echo "== swift test"
timeout --kill-after=30 "${LAYERS_SWIFT_TEST_TIMEOUT:-1200}" swift test --skip-build 2>&1 | tee .swift-test.log | grep -Ev "^Test Case '.*' (started|passed)"
swift_rc=${PIPESTATUS[0]}
# XCTest's last summary line: "Executed N tests, with [S tests skipped and] F failures (U unexpected) ...".
if line=$(grep -E "Executed [0-9]+ tests?, with .*[0-9]+ failures?" .swift-test.log | tail -1); then
  swift_total=$(echo "$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  swift_skipped=$(echo "$line" | grep -Eo '[0-9]+ tests? skipped' | grep -Eo '^[0-9]+' || echo 0)
  swift_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  swift_passed=$((swift_total - swift_failed - swift_skipped))
else
  swift_failed=1   # the runner crashed or never started
fi
if [ "$swift_rc" -ne 0 ] || [ "$swift_failed" -ne 0 ]; then status=1; [ "$swift_failed" -gt 0 ] || swift_failed=1; fi
rm -f .swift-test.log

py_passed=0; py_failed=0
if compgen -G "Tests/python/*/test_*.py" >/dev/null; then
  echo "== python conformance and end-to-end tests"
  timeout --kill-after=30 "${LAYERS_PYTEST_TIMEOUT:-1200}" python3 -m pytest -q -p no:cacheprovider Tests/python 2>&1 | tee .pytest.log
  py_rc=${PIPESTATUS[0]}
  summary=$(tail -1 .pytest.log)
  py_passed=$(echo "$summary" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
  py_failed=$(( $(echo "$summary" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0) + $(echo "$summary" | grep -Eo '[0-9]+ errors?' | grep -Eo '[0-9]+' || echo 0) ))
  if [ "$py_rc" -ne 0 ] && [ "$py_rc" -ne 5 ]; then status=1; [ "$py_failed" -gt 0 ] || py_failed=1; fi
  rm -f .pytest.log
fi

fuzz_passed=0; fuzz_failed=0
if [ -x fuzz/run.sh ]; then
  echo "== fuzzing the HTTP request parser (bounded)"
  if bash fuzz/run.sh "${LAYERS_FUZZ_SECONDS:-60}"; then fuzz_passed=1; else fuzz_failed=1; status=1; fi
fi

passed=$((swift_passed + py_passed + fuzz_passed))
failed=$((swift_failed + py_failed + fuzz_failed))
echo
echo "swift: ${swift_passed} passed, ${swift_failed} failed, ${swift_skipped} skipped; python: ${py_passed} passed, ${py_failed} failed; fuzz: ${fuzz_passed} passed, ${fuzz_failed} failed"
echo "suite time: $((SECONDS - started)) s"
echo "${passed} passed, ${failed} failed"
exit $status
