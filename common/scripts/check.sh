#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check.sh - make check: prove the tutorial handles processes, memory and
# input the way it teaches. Stages:
#   1. sanitizers   everything but chapter 09 (MPI) built with ASan+UBSan,
#                   the whole bats suite run against that build; any
#                   sanitizer report fails
#   2. valgrind     every demo (small sizes) and every unit-test case, parent
#                   and children: no errors, no definite or indirect leak
#   3. static       cppcheck, clang-tidy (.clang-tidy), shellcheck,
#                   clang-format --dry-run (.clang-format)
#   4. compilers    gcc and clang, -Werror
#   5. faults       the crash / interrupt / bad-input matrix (common/check/)
# and ends with a summary table. Usage: check.sh [STAGE...] (default: all)
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/build/check
mkdir -p "$OUT"
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(sanitizers valgrind static compilers faults)

declare -A result detail
order=()
record() { # stage status detail
    order+=("$1")
    result[$1]=$2
    detail[$1]=$3
    printf '\n== %s: %s (%s)\n' "$1" "$2" "$3"
}

c_sources() {
    git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^09_mpi/' || true
}
chapter_c_sources() {
    git ls-files '[0-9][0-9]_*/*.c' | grep -v '^09_mpi/' || true
}
jobs=$(nproc 2>/dev/null || echo 2)

# ------------------------------------------------------------------ 1
stage_sanitizers() {
    local build=$ROOT/build/asan logs=$OUT/sanitizer-logs
    rm -rf "$logs"
    mkdir -p "$logs"
    # Writable by all, as /tmp: make grade runs submissions as nobody, and
    # a sanitizer that cannot open its log file stops the program.
    chmod 1777 "$logs"
    echo "building with -fsanitize=address,undefined into build/asan ..."
    # Exported: the tests also compile (make lab, the OpenMP comparison)
    # against this build's library, which needs the same flags. A store
    # through NULL is left to the kernel (-fno-sanitize=null), as SIGSEGV
    # is below: it is the lessons' own crash (make lab and make grade name
    # it "crashed (SIGSEGV)"). In LDFLAGS too: a program compiled and
    # linked in one command would get the null check back from them.
    export CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize=null -fno-omit-frame-pointer -fno-sanitize-recover=all"
    export LDFLAGS="-fsanitize=address,undefined -fno-sanitize=null"
    # Chapter 09 is left out, as from the tests below and the static stage:
    # Open MPI never frees what MPI_Init allocates, and LeakSanitizer would
    # report that in every MPI program (its stacks end in unloaded plugins,
    # so no suppression can name them). Without mpicc the Makefile builds
    # no MPI program; those of an earlier build are removed.
    export MPICC=/nonexistent/mpicc
    local mpi
    for mpi in 09_mpi/*.c; do
        rm -f "$build/bin/$(basename "$mpi" .c)"
    done
    if ! make -s -j"$jobs" BUILD="$build" all >"$OUT/asan-build.log" 2>&1; then
        unset CFLAGS LDFLAGS MPICC
        cat "$OUT/asan-build.log"
        record sanitizers FAIL "build failed"
        return
    fi
    # Reports go to files, so a program that is expected to exit 1 cannot
    # hide one. SIGSEGV and abort() are the lessons' own crashes: leave them
    # to the kernel, so the parent sees "killed by SIGSEGV" as without ASan.
    export ASAN_OPTIONS="log_path=$logs/asan:handle_segv=0:handle_abort=0:detect_leaks=1"
    export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
    local dirs=(common) dir
    for dir in [0-9][0-9]_*/; do
        [ "$dir" = 09_mpi/ ] || dirs+=("$dir")
    done
    # One test file at a time: sanitized programs are slow enough already.
    BUILD="$build" FORKLORE_TIME_SCALE=3 TEST_JOBS=1 bash common/scripts/run-tests.sh \
        "${dirs[@]}" >"$OUT/asan-tests.log" 2>&1
    local status=$?
    unset ASAN_OPTIONS UBSAN_OPTIONS CFLAGS LDFLAGS MPICC
    local summary reports
    summary=$(tail -n 1 "$OUT/asan-tests.log")
    reports=$(find "$logs" -type f | wc -l)
    if [ $status -ne 0 ] || [ "$reports" -ne 0 ]; then
        grep '^not ok' "$OUT/asan-tests.log"
        find "$logs" -type f -exec head -n 30 {} \;
        record sanitizers FAIL "$summary; $reports sanitizer reports"
    else
        record sanitizers pass "$summary; 0 sanitizer reports"
    fi
}

# ------------------------------------------------------------------ 2
# Small sizes: valgrind runs programs 20-50 times slower.
# The demo runs are listed in common/check/valgrind-runs.txt.
valgrind_demos() {
    grep -v '^#' common/check/valgrind-runs.txt 2>/dev/null | grep -v '^[[:space:]]*$'
}

stage_valgrind() {
    command -v valgrind >/dev/null || { record valgrind FAIL "valgrind missing"; return; }
    make -s -j"$jobs" all >/dev/null || { record valgrind FAIL "build failed"; return; }
    # shellcheck disable=SC2054 # the commas belong to valgrind's option
    local vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
              --error-exitcode=97 --trace-children=yes --child-silent-after-fork=no)
    local runs=0 failures=0 line
    run_one() { # label, command...
        local label=$1
        shift
        runs=$((runs + 1))
        local log=$OUT/valgrind-$runs.log
        FORKLORE_TIME_SCALE=50 timeout -k 5 300 "${vg[@]}" --log-file="$log.%p" "$@" \
            >"$log" 2>&1
        local status=$?
        # 97 is valgrind's own verdict; also any error summary in any process
        if [ $status -eq 97 ] || grep -qs 'ERROR SUMMARY: [1-9]' "$log".*; then
            failures=$((failures + 1))
            echo "valgrind: FAIL $label (exit $status)"
            cat "$log".* | grep -v '^==[0-9]*== *$' | head -n 40
        elif [ $status -ne 0 ] && [ $status -ne 1 ]; then
            failures=$((failures + 1))
            echo "valgrind: FAIL $label (exit $status, not a valgrind error)"
            tail -n 20 "$log"
        else
            echo "valgrind: ok   $label"
        fi
    }
    local program case
    for program in pool_test queue_test helpers_test shm_tracker_test imap_test map_async_test joinable_test pipe_poll_test unbounded_test sync_test manager_test; do
        for case in $("build/test/$program"); do
            run_one "$program $case" "build/test/$program" "$case"
        done
    done
    while IFS= read -r line; do
        # shellcheck disable=SC2086 # the args line is split on purpose
        run_one "$line" build/bin/$line
    done < <(valgrind_demos)
    if [ $failures -eq 0 ]; then
        record valgrind pass "$runs runs, 0 errors or leaks"
    else
        record valgrind FAIL "$failures of $runs runs with errors or leaks"
    fi
}

# ------------------------------------------------------------------ 3
stage_static() {
    local problems=0 files
    mapfile -t files < <(c_sources)
    # FORKLORE_VERSION as the Makefile defines it (opts.c refuses to build without it)
    local cflags=(-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon
                  "-DFORKLORE_VERSION=\"$(cat VERSION)\"")

    local c_files
    mapfile -t c_files < <(printf '%s\n' "${files[@]}" | grep '\.c$')
    echo "cppcheck (warning, performance, portability) on ${#c_files[@]} files ..."
    if ! cppcheck --enable=warning,performance,portability --error-exitcode=1 \
        --quiet --inline-suppr --suppress=missingIncludeSystem "${cflags[@]:1}" \
        "${c_files[@]}" 2>"$OUT/cppcheck.log"; then
        cat "$OUT/cppcheck.log"
        problems=$((problems + 1))
    fi

    echo "clang-tidy (.clang-tidy) on ${#c_files[@]} files, one at a time ..."
    # One file per invocation: clang-tidy 14 reports phantom va_list errors
    # when one invocation analyses several files.
    local file tidy_failed=0
    for file in "${c_files[@]}"; do
        if ! clang-tidy --quiet "$file" -- "${cflags[@]}" >"$OUT/tidy.log" 2>&1; then
            grep -A3 -E 'error:' "$OUT/tidy.log" | head -n 20
            tidy_failed=1
        fi
    done
    [ $tidy_failed -eq 0 ] || problems=$((problems + 1))

    local scripts
    mapfile -t scripts < <(git ls-files '*.sh' .ci/run)
    echo "shellcheck on ${#scripts[@]} scripts ..."
    if ! shellcheck "${scripts[@]}"; then
        problems=$((problems + 1))
    fi

    echo "clang-format --dry-run -Werror on ${#files[@]} files ..."
    if ! clang-format --dry-run -Werror "${files[@]}" 2>"$OUT/format.log"; then
        grep 'error:' "$OUT/format.log" | head -n 20
        problems=$((problems + 1))
    fi
    if [ $problems -eq 0 ]; then
        record static pass "${#files[@]} C files, ${#scripts[@]} scripts: cppcheck, clang-tidy, shellcheck, clang-format clean"
    else
        record static FAIL "$problems of 4 tools reported problems"
    fi
}

# ------------------------------------------------------------------ 4
stage_compilers() {
    local failed=()
    for cc in gcc clang; do
        if ! make -s -j"$jobs" CC=$cc BUILD="$ROOT/build/$cc" all >"$OUT/$cc.log" 2>&1; then
            cat "$OUT/$cc.log"
            failed+=("$cc")
        fi
    done
    local programs
    programs=$(chapter_c_sources | wc -l)
    if [ ${#failed[@]} -eq 0 ]; then
        record compilers pass "gcc and clang, -Werror, $programs programs + library + tests"
    else
        record compilers FAIL "failed with: ${failed[*]}"
    fi
}

# ------------------------------------------------------------------ 5
stage_faults() {
    make -s -j"$jobs" all >/dev/null || { record faults FAIL "build failed"; return; }
    local files
    mapfile -t files < <(ls common/check/*.bats 2>/dev/null)
    if [ ${#files[@]} -eq 0 ]; then
        record faults FAIL "no fault matrix found in common/check/"
        return
    fi
    rm -f "$OUT/tally"
    BUILD="${FAULT_BUILD:-$ROOT/build}" FAULT_TALLY="$OUT/tally" BATS_TEST_TIMEOUT=120 \
        bats --tap "${files[@]}" >"$OUT/faults.log" 2>&1
    local status=$?
    grep -E '^(ok|not ok)' "$OUT/faults.log" | grep -v '^ok' 
    local ok notok cases inputs
    ok=$(grep -c '^ok' "$OUT/faults.log")
    notok=$(grep -c '^not ok' "$OUT/faults.log")
    cases=$(grep -c '^case' "$OUT/tally" 2>/dev/null)
    inputs=$(grep -c '^input' "$OUT/tally" 2>/dev/null)
    if [ $status -eq 0 ] && [ "$notok" -eq 0 ]; then
        record faults pass "$ok tests: $cases fault cases, $inputs bad inputs"
    else
        grep -A12 '^not ok' "$OUT/faults.log" | head -n 60
        record faults FAIL "$notok of $((ok + notok)) tests failed"
    fi
}

for stage in "${stages[@]}"; do
    printf '\n######## %s\n' "$stage"
    "stage_$stage"
done

echo
echo "make check summary"
printf '%-12s %-6s %s\n' stage result details
stages_failed=0
for stage in "${order[@]}"; do
    printf '%-12s %-6s %s\n' "$stage" "${result[$stage]}" "${detail[$stage]}"
    [ "${result[$stage]}" = pass ] || stages_failed=$((stages_failed + 1))
done
[ $stages_failed -eq 0 ]
