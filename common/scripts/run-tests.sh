#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-tests.sh - run every .bats file under the given folders and end with
# one summary line: "N passed, N failed, N skipped".
#
# Usage: run-tests.sh DIR...   (BUILD names the build folder)
set -u
files=()
for dir in "$@"; do
    while IFS= read -r f; do files+=("$f"); done \
        < <(find "$dir" -name '*.bats' -not -path '*/handouts/*' -not -path '*/check/*' | sort)
done
if [ ${#files[@]} -eq 0 ]; then
    echo "run-tests: no .bats files found" >&2
    exit 1
fi

# A hung test fails instead of stalling the run (bats >= 1.7).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
export BUILD=${BUILD:-$PWD/build}

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bats --tap "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
while IFS= read -r line; do
    case $line in
        "not ok "*) failed=$((failed + 1)) ;;
        "ok "*"# skip"*) skipped=$((skipped + 1)) ;;
        "ok "*) passed=$((passed + 1)) ;;
    esac
done < "$log"
# bats itself failing (a syntax error, say) must fail the run too.
if [ "$status" -ne 0 ] && [ $failed -eq 0 ]; then
    failed=1
fi
echo
if [ $skipped -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
