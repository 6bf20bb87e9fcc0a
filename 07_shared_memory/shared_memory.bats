#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of chapter 07, step by step: the race, the lock, atomics and partial
# counts, false sharing, the zero-copy array, a named segment, the server.

setup() {
    load ../common/tests/helper
    README=$ROOT/07_shared_memory/README.md
    HERE=$ROOT/07_shared_memory
}

# The /dev/shm names a run with parent pid $1 may have left.
leftovers() {
    ls /dev/shm 2>/dev/null | grep -x "forklore-07-$1" || true
}

# The first process below $1 (at any depth) whose name is $2.
descendant_named() {
    local child
    for child in $(children_of "$1"); do
        if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = "$2" ]; then
            echo "$child"
            return
        fi
        descendant_named "$child" "$2"
    done
}

# session_members SID: common/tests/helper.bash (setsid: the program and all it forked).

# ------------------------------------------------------------ 1. the race

@test "1: updates are lost without a lock (a loss in every quiet run; at least one in 5 on a busy machine)" {
    # A race needs the two children on two CPUs at the same moment. On a
    # machine whose CPUs are taken by other programs the scheduler may run
    # them one after the other, and then nothing is lost: so each run must
    # be well-formed and never count more than it should, and a loss must
    # show in at least one of 5 runs (on a quiet machine it shows in every
    # run: the README says so).
    local i lost seen=0
    for i in 1 2 3 4 5; do
        run bounded 30 "$BIN/1_shared_counter_race" 3>&-
        assert_success
        lost=$(sed -n 's/.*: \([0-9]*\) updates lost.*/\1/p' <<<"$output")
        [ -n "$lost" ]
        [ "$lost" -ge 0 ]
        [ "$lost" -gt 0 ] && seen=$((seen + 1))
    done
    [ "$seen" -ge 1 ] || fail "no update lost in 5 runs: the children never ran at the same moment"
}

@test "1: the first step is at most 40 lines and includes nothing from common/" {
    [ "$(grep -c . "$HERE/1_shared_counter_race.c")" -le 40 ]
    ! grep -q '#include "' "$HERE/1_shared_counter_race.c"
}

# ---------------------------------------------------- 2, 3. the fixes

@test "2: the lock makes the total exact, 20 runs" {
    for i in $(seq 20); do
        run bounded 30 "$BIN/2_shared_counter_lock" -q -j 3 -n 200K 3>&-
        assert_success
        assert_line --partial "with a lock: total 600000 of 600000, exact,"
        refute_output --partial WRONG
    done
}

@test "3: mutex, atomic and partial counts are exact, 20 runs each" {
    for i in $(seq 20); do
        run bounded 30 "$BIN/3_shared_counter_atomic" -q -j 3 -n 200K 3>&-
        assert_success
        assert_line --partial "mutex:                   total 600000 of 600000, exact,"
        assert_line --partial "C11 atomic:              total 600000 of 600000, exact,"
        assert_line --partial "partial counts, summed:  total 600000 of 600000, exact,"
        refute_output --partial WRONG
    done
}

@test "3: every timed comparison says best of 3 and gives a verdict" {
    run bounded 30 "$BIN/3_shared_counter_atomic" -q -n 100K 3>&-
    assert_success
    assert_line --partial "best of 3 runs"
    assert_line --regexp 'atomic against mutex: (the atomic is faster|the atomic is slower|too close to call on this machine)$'
    assert_line --regexp 'partial counts against atomic: (partial counts are faster|partial counts are slower|too close to call on this machine)$'
}

# ----------------------------------------------------- 4. false sharing

@test "4: false sharing: every worker's counter reaches -n, packed and padded" {
    run bounded 30 "$BIN/4_false_sharing" -q -j 3 -n 1M 3>&-
    assert_success
    assert_line --partial "every counter reached 1000000: yes"
    assert_line --regexp 'padded against packed: (padding is faster|padding is slower|too close to call on this machine)$'
}

# -------------------------------------------------- 5. zero-copy array

@test "5: array: every element correct, zero-copy and through pipes (uneven slices)" {
    run bounded 30 "$BIN/5_zero_copy_array" -q -j 3 --array-mib 8 3>&-
    assert_success
    assert_line --partial "shared (MAP_SHARED, zero-copy): 1048576 of 1048576 elements correct"
    assert_line --partial "sent back through pipes (copied):  1048576 of 1048576 elements correct"
    assert_line --regexp 'shared memory against pipes: (shared memory is faster|shared memory is slower|too close to call on this machine)$'
}

# ---------------------------------------------------- 6. named segment

@test "6: an exec'd reader finds the segment by name; gone after a normal run" {
    run bounded 30 "$BIN/6_named_segment" 3>&-
    assert_success
    local pid
    pid=$(sed -n '1s/^\[parent \([0-9]*\)\].*/\1/p' <<<"$output")
    assert_line --regexp "^\[reader [0-9]+\] opened /forklore-07-$pid by name: [0-9]+ bytes$"
    assert_line --regexp "^\[reader [0-9]+\] greeting \"hello from pid $pid\"; sum of the 1000 numbers = 500500$"
    assert_line --regexp "reader \(pid [0-9]+\) exited normally; its answer in the segment: sum 500500$"
    assert_line --partial "/dev/shm/forklore-07-$pid is gone"
    [ -z "$(leftovers "$pid")" ]
}

# Start the named step holding its segment, wait until the segment is in
# /dev/shm, send signal $1, and check: dies of it, name gone, nobody left.
signal_during_named() {
    local sig=$1 code=$2
    bounded 30 "$BIN/6_named_segment" --hold-ms 20000 >"$BATS_TEST_TMPDIR/out" 3>&- &
    local pid=$!
    # The program runs under timeout(1): find it below $pid.
    local prog="" i
    for i in $(seq 100); do
        prog=$(descendant_named "$pid" 6_named_segment)
        [ -n "$prog" ] && [ -e "/dev/shm/forklore-07-$prog" ] && break
        sleep 0.05
    done
    [ -n "$prog" ]
    [ -e "/dev/shm/forklore-07-$prog" ]
    kill -"$sig" "$prog"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq "$code" ]
    [ -z "$(leftovers "$prog")" ]
    grep -q "SIG$sig: removing /forklore-07-$prog, then dying of SIG$sig" "$BATS_TEST_TMPDIR/out"
}

@test "6: SIGINT while the segment is open removes it, exit 130" {
    signal_during_named INT 130
}

@test "6: SIGTERM while the segment is open removes it, exit 143" {
    signal_during_named TERM 143
}

@test "6: SIGKILLed while holding the segment: its tracker removes the name (shm_tracker.h)" {
    local out=$BATS_TEST_TMPDIR/out
    # bounded's timeout, called as a command: so the redirections are the program's
    # alone, and bash's report of the job "Killed" does not land in $out.
    timeout -k 2 30 "$BIN/6_named_segment" --hold-ms 20000 >"$out" 2>&1 3>&- &
    local pid=$!
    # The event: the program says it holds the segment (a line it flushes).
    wait_until 'grep -q "holding the segment" "$out"' 10
    local prog
    prog=$(sed -n '1s/^\[parent \([0-9]*\)\].*/\1/p' "$out")
    [ -n "$prog" ]
    [ -e "/dev/shm/forklore-07-$prog" ]
    kill -KILL "$prog" # no handler, no atexit: only the tracker can remove the name
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 137 ]
    # The tracker reads end-of-file, unlinks the name, then says so on stderr.
    wait_until '[ ! -e "/dev/shm/forklore-07-$prog" ] && grep -q "^shm_tracker: unlinked" "$out"' 10
    [ -z "$(leftovers "$prog")" ]
    grep -qx "shm_tracker: unlinked /forklore-07-$prog: its owner ended without unlinking it" "$out"
    output=$(cat "$out")
    readme_matches "$README" named-sigkill
}

@test "6: an error after shm_open (ftruncate over the file size limit) still removes the name" {
    # With SIGXFSZ ignored, a file size limit of 1 KiB makes ftruncate fail
    # (EFBIG); die() exits, and the atexit handler must unlink the segment.
    run --separate-stderr bounded 30 bash -c "trap '' XFSZ; ulimit -f 1; exec '$BIN/6_named_segment'" 3>&-
    assert_failure 1
    [[ $stderr == "6_named_segment: ftruncate: File too large" ]]
    [ -z "$(ls /dev/shm 2>/dev/null | grep -E '^forklore-07-[0-9]+$' | while read -r f; do
        pid=${f#forklore-07-}; [ -d "/proc/$pid" ] || echo "$f"; done)" ]
}

@test "6: the reader alone: a name that does not exist fails, exit 1" {
    run --separate-stderr "$BIN/6_named_segment_reader" /forklore-07-no-such-name
    assert_failure 1
    [[ $stderr == *"shm_open: No such file or directory"* ]]
    run --separate-stderr "$BIN/6_named_segment_reader"
    assert_failure 2
}

# ------------------------------------------------ Ctrl-C while working

@test "SIGTERM while workers count: they are stopped and reaped, exit 143" {
    bounded 30 "$BIN/2_shared_counter_lock" -n 1000M >"$BATS_TEST_TMPDIR/out" 3>&- &
    local pid=$! prog="" workers="" i
    for i in $(seq 100); do
        prog=$(descendant_named "$pid" 2_shared_counte) # comm: 15 characters
        [ -n "$prog" ] && workers=$(children_of "$prog")
        [ "$(wc -w <<<"$workers")" -ge 2 ] && break
        sleep 0.05
    done
    [ "$(wc -w <<<"$workers")" -ge 2 ]
    kill -TERM "$prog"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]
    local worker
    for worker in $workers; do
        process_gone "$worker" || { echo "worker $worker is still there"; false; }
    done
    grep -q "SIGTERM: dying of SIGTERM" "$BATS_TEST_TMPDIR/out"
}

# SIGINT while the workers count, to the parent alone ($1 = parent) or to
# the whole process group ($1 = group, as a terminal's Ctrl-C): the workers
# die of it too, which must not be reported as a worker failure (exit 1).
ctrl_c_while_counting() {
    local out=$BATS_TEST_TMPDIR/out i
    setsid env --default-signal=INT,TERM "$BIN/2_shared_counter_lock" -n 1e9 -j 2 >"$out" 3>&- &
    local pid=$!
    # the event: both workers have had CPU time, so they are in their loop
    wait_until '[ "$(children_at_work "$pid" | wc -l)" -ge 2 ]' 10 ||
        { kill -KILL -- -"$pid"; fail "the 2 workers not at work after 10 s"; }
    process_gone "$pid" && fail "2_shared_counter_lock ended before the signal"
    sigint_to "$pid" "$1"
    grep -q "SIGINT: dying of SIGINT" "$out"
    assert_equal "$(session_members "$pid")" ""
}

@test "Ctrl-C to the parent alone while workers count: exit 130, no worker left" {
    ctrl_c_while_counting parent
}

@test "Ctrl-C to the whole process group while workers count: exit 130, not a worker failure (3 runs)" {
    local run
    for run in 1 2 3; do ctrl_c_while_counting group; done
}

# ----------------------------------------------------------- 7, 8. server

@test "7: the server's add gives the replayed table, every request answered; get-then-set loses some" {
    run bounded 30 "$BIN/7_manager_server" -q -j 3 --ops 2000 --seed 42 3>&-
    assert_success
    assert_line --partial "the server answered 6000 of 6000 requests; its table equals the replayed updates"
    local server replayed
    server=$(sed -n "s/.*server's table: *//p" <<<"$output")
    replayed=$(sed -n 's/.*replayed adds: *//p' <<<"$output")
    [ -n "$server" ]
    [ "$server" = "$replayed" ]
    assert_line --regexp 'get then set: [0-9]+ of the [0-9]+ added lost'
    # The same seed gives the same table in every run.
    run bounded 30 "$BIN/7_manager_server" -q -j 3 --ops 2000 --seed 42 3>&-
    assert_success
    [ "$(sed -n "s/.*server's table: *//p" <<<"$output")" = "$server" ]
}

@test "7: get-then-set through the server loses updates (in at least one of 3 runs of 3 x 5000)" {
    local run lost=0
    for run in 1 2 3; do
        output=$(bounded 30 "$BIN/7_manager_server" -q -j 3 --ops 5000 3>&-)
        lost=$(sed -n 's/.*get then set: \([0-9]*\) of.*/\1/p' <<<"$output")
        [ "${lost:-0}" -gt 0 ] && return 0
    done
    fail "no update lost in 3 runs"
}

@test "8: server and shared memory give the same table; a verdict on the times" {
    run bounded 30 "$BIN/8_server_vs_shared_memory" -q -j 3 --ops 2000 --seed 42 3>&-
    assert_success
    assert_line --regexp 'server: [0-9.]+ s, [0-9]+ operations/s \(best of 3\), table equal$'
    assert_line --partial "shared memory (atomics), same operations:"
    assert_line --partial "table equal"
    assert_line --regexp 'shared memory against the server: (shared memory is faster|shared memory is slower|too close to call on this machine)$'
}

# ------------------------------------------------------- the whole path

@test "make run-07: every step runs, nothing left in /dev/shm" {
    run bounded 120 sh "$ROOT/common/scripts/run-chapter.sh" 07 "$BUILD" 3>&-
    assert_success
    for step in 1_shared_counter_race 2_shared_counter_lock 3_shared_counter_atomic \
        4_false_sharing 5_zero_copy_array 6_named_segment 7_manager_server 8_server_vs_shared_memory; do
        assert_line "-- step $step --"
    done
    [ -z "$(ls /dev/shm | grep -E '^forklore-07-' | while read -r f; do
        [ -d "/proc/${f#forklore-07-}" ] || echo "$f"; done)" ]
}

readme_step() { # NAME PROGRAM ARGS...: the README block NAME is PROGRAM's output
    local name=$1 program=$2
    shift 2
    run bounded 60 "$BIN/$program" "$@" 3>&-
    assert_success
    readme_matches "$README" "$name"
}

@test "README: step 1's output" { readme_step race 1_shared_counter_race; }
@test "README: step 2's output" { readme_step lock 2_shared_counter_lock; }
@test "README: step 3's output" { readme_step atomic 3_shared_counter_atomic; }
@test "README: step 4's output" { readme_step false-sharing 4_false_sharing; }
@test "README: step 5's output" { readme_step array 5_zero_copy_array; }
@test "README: step 6's output" { readme_step named 6_named_segment; }
@test "README: step 7's output" { readme_step server 7_manager_server -j 2 --ops 1000; }
@test "README: step 8's output" { readme_step server-vs-shared 8_server_vs_shared_memory -j 2; }

@test "--help prints usage on stdout, exit 0, for every step with options" {
    for step in 2_shared_counter_lock 3_shared_counter_atomic 4_false_sharing 5_zero_copy_array \
        6_named_segment 7_manager_server 8_server_vs_shared_memory; do
        run --separate-stderr "$BIN/$step" --help
        assert_success
        assert_line --index 0 --partial "Usage: $step"
        [ -z "$stderr" ]
    done
}

@test "bad input: one line on stderr naming the option, exit 2, empty stdout" {
    local step args
    check_bad() { # STEP ARGS...
        local step=$1
        shift
        # shellcheck disable=SC2068
        run --separate-stderr bounded 10 "$BIN/$step" $@ 3>&-
        [ "$status" -eq 2 ] || { echo "$step $*: status $status"; false; }
        [ -z "$output" ] || { echo "$step $*: stdout: $output"; false; }
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "$step $*: $stderr"; false; }
        [[ $stderr == *"(try '$step --help')"* ]]
    }
    for step in 2_shared_counter_lock 3_shared_counter_atomic 4_false_sharing; do
        for args in "-j 0" "-j -1" "-j abc" "-j 12abc" "-j 99999999999999999999" "-j=" \
            "-n 0" "-n abc" "-n 99999999999999999999" "--bogus" "-x" "stray" "--quiet=1"; do
            check_bad $step $args
        done
    done
    for args in "--array-mib 0" "--array-mib abc" "-j 0" "stray"; do check_bad 5_zero_copy_array $args; done
    for args in "--hold-ms 1x" "--hold-ms -1" "-j 2" "stray"; do check_bad 6_named_segment $args; done
    for step in 7_manager_server 8_server_vs_shared_memory; do
        for args in "--ops -1" "--ops 0" "--seed abc" "--seed -1" "-j 0" "-n 5" "stray"; do
            check_bad $step $args
        done
    done
    run --separate-stderr "$BIN/2_shared_counter_lock" -j ""
    assert_failure 2
    [[ $stderr == *"-j"* ]]
    run --separate-stderr "$BIN/3_shared_counter_atomic" -n
    assert_failure 2
    [[ $stderr == *"-n"* ]]
    run --separate-stderr "$BIN/7_manager_server" --ops
    assert_failure 2
    [[ $stderr == *"--ops"* ]]
}

# ------------------------------------------------------- Python mirrors

@test "python mirrors: the same deterministic results as the C steps" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    # the lines that do not depend on timing or scheduling, without the pids
    deterministic() {
        grep -E 'workers each add|total [0-9]+ of|every counter reached|workers fill|elements correct|greeting|opened .* by name|answer in the segment|is gone|server owns|table:|replayed adds|answered|table equal' |
            sed -E 's/^\[[a-z]+ [0-9]+\] //; s/pid [0-9]+/pid N/g; s/forklore-07-[0-9]+/forklore-07-N/g;
                    s/, exact,.*/, exact/; s/ elements correct.*/ elements correct/;
                    s/^server: .*(table [a-z]+)$/server: \1/; s/^shared memory \([^)]*\).*(table [a-z]+)$/shared memory: \1/;
                    s/, [0-9] ways, best of [0-9] runs//'
    }
    local step args c py
    for step in "2_shared_counter_lock -j 2 -n 20K" "3_shared_counter_atomic -j 2 -n 20K" \
        "4_false_sharing -j 2 -n 20K" "5_zero_copy_array -j 2 --array-mib 2" "6_named_segment" \
        "7_manager_server -j 2 --ops 500 --seed 11" "8_server_vs_shared_memory -j 2 --ops 300 --seed 11"; do
        args=${step#* }
        [ "$args" = "$step" ] && args=""
        # shellcheck disable=SC2086
        c=$(bounded 60 "$BIN/${step%% *}" $args 3>&- | grep -v 'C11 atomic' | deterministic)
        # shellcheck disable=SC2086
        py=$(bounded 120 python3 "$HERE/${step%% *}.py" $args 3>&- | deterministic)
        [ -n "$c" ]
        assert_equal "$py" "$c"
    done
}

@test "python mirror: step 1 loses updates too" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$HERE/1_shared_counter_race.py" 3>&-
    assert_success
    assert_line --regexp 'counter = [0-9]+, expected 400000: [0-9]+ updates lost$'
}

@test "python mirror: SIGTERM during the named step leaves nothing in /dev/shm" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    python3 "$HERE/6_named_segment.py" --hold-ms 20000 >"$BATS_TEST_TMPDIR/out" 3>&- &
    local pid=$! i
    for i in $(seq 100); do
        [ -e "/dev/shm/forklore-07-$pid" ] && break
        sleep 0.05
    done
    [ -e "/dev/shm/forklore-07-$pid" ]
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]
    [ -z "$(leftovers "$pid")" ]
}
