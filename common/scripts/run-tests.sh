#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-tests.sh - run every .bats file under the given folders and end with
# one summary line: "N passed, N failed, N skipped".
#
# Every planned test is accounted for: bats runs each file on its own, and
# the file's plan (1..N) is compared with the results it printed. A test that
# never reported (bats can lose one, e.g. when its own timeout fires while
# the test runs bats inside bats) counts as failed and is named.
#
# Files run side by side, one per CPU (GNU parallel starts them and prints
# each file's results whole, in order); without GNU parallel, one at a time.
# A file whose first lines hold the comment "# run-tests: alone" (a private
# cluster, timings that another file's load would spoil) runs after the
# others, with nothing beside it.
#
# Usage: run-tests.sh DIR...   (BUILD names the build folder; TEST_JOBS=N
#        files at once, default the CPUs; TEST_JOBS=1: one at a time)
set -u
# shellcheck disable=SC1091 # bats-path.sh is found at run time, beside this script
. "$(dirname "$0")/bats-path.sh"
# In a student copy (make student-copy) the exercises' checks have no
# solution to run against: make lab EX=NN.K runs them on the student's work.
skip_exercises=()
[ -f .student-copy ] && skip_exercises=(-not -path '*/exercises/*')
files=()
for dir in "$@"; do
    while IFS= read -r f; do files+=("$f"); done \
        < <(find "$dir" -name '*.bats' -not -path '*/handouts/*' -not -path '*/check/*' \
            "${skip_exercises[@]}" | sort)
done
if [ ${#files[@]} -eq 0 ]; then
    echo "run-tests: no .bats files found" >&2
    exit 1
fi

# A hung test fails instead of stalling the run (bats >= 1.7).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
export BUILD=${BUILD:-$PWD/build}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0
lost=()

# The descriptions of a file's @test blocks, in order (for naming a test
# that never reported; bats numbers them in the same order).
test_names() {
    sed -n -e "s/^[[:space:]]*@test[[:space:]]*\"\(.*\)\"[[:space:]]*{.*$/\1/p" \
        -e "s/^[[:space:]]*@test[[:space:]]*'\(.*\)'[[:space:]]*{.*$/\1/p" "$1"
}

# Add one file's TAP ($1) to the totals; $2 is the file, $3 bats's status.
account() {
    local tap=$1 file=$2 status=$3 plan="" line n file_failed=0
    local -A seen=()
    while IFS= read -r line; do
        case $line in
            1..*) [ -z "$plan" ] && plan=${line#1..} ;;
            "not ok "*) failed=$((failed + 1)) file_failed=1 n=${line#not ok } ;;
            "ok "*"# skip"*) skipped=$((skipped + 1)) n=${line#ok } ;;
            "ok "*) passed=$((passed + 1)) n=${line#ok } ;;
            *) continue ;;
        esac
        case $line in 1..*) ;; *) seen[${n%% *}]=1 ;; esac
    done <"$tap"
    # No plan at all (bats stopped before it): the count bats would have run.
    [ -n "$plan" ] || plan=$(bats --count "$file" 2>/dev/null) || plan=""
    [[ $plan =~ ^[0-9]+$ ]] || plan=0
    local names=()
    mapfile -t names < <(test_names "$file")
    for ((n = 1; n <= plan; n++)); do
        [ -n "${seen[$n]:-}" ] && continue
        local name="test $n"
        [ ${#names[@]} -eq "$plan" ] && name="test $n, ${names[n - 1]}"
        lost+=("$file: $name: never reported")
        failed=$((failed + 1)) file_failed=1
    done
    # bats failing without a failed or lost test (a syntax error, say)
    # fails the run too.
    if [ "$status" -ne 0 ] && [ $file_failed -eq 0 ]; then
        lost+=("$file: bats exited with status $status")
        failed=$((failed + 1))
    fi
}

jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
if [ "$jobs" -gt 1 ] && ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    echo "run-tests: GNU parallel is not installed (make deps): one file at a time" >&2
    jobs=1
fi
together=() alone=()
for i in "${!files[@]}"; do
    if [ "$jobs" -gt 1 ] && ! head -n 20 "${files[$i]}" | grep -q '^# run-tests: alone'; then
        together+=("$i")
    else
        alone+=("$i")
    fi
done
# File $2, number $1: its TAP kept in $work/$1.tap, bats's status in
# $work/$1.status, then printed whole under its name.
run_file() {
    bats --tap "$2" >"$work/$1.tap" 2>&1
    echo $? >"$work/$1.status"
    echo "# $2"
    cat "$work/$1.tap"
}
export -f run_file
export work
if [ ${#together[@]} -gt 0 ]; then
    for i in "${together[@]}"; do printf '%s\t%s\n' "$i" "${files[$i]}"; done |
        SHELL=$(command -v bash) parallel --will-cite --keep-order --colsep '\t' -j "$jobs" \
            run_file '{1}' '{2}'
fi
for i in "${alone[@]}"; do
    echo "# ${files[$i]}"
    bats --tap "${files[$i]}" 2>&1 | tee "$work/$i.tap"
    echo "${PIPESTATUS[0]}" >"$work/$i.status"
done
for i in "${!files[@]}"; do
    account "$work/$i.tap" "${files[$i]}" "$(cat "$work/$i.status" 2>/dev/null || echo 1)"
done

echo
for entry in "${lost[@]}"; do
    echo "not counted by bats, counted as failed: $entry"
done
if [ $skipped -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
