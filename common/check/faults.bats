#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The fault matrix of make check (not part of make test: it is slower):
#  - every pool demo with --crash-task at the first, a middle and the last
#    task: exit 1, the message names the task and SIGKILL, nothing left;
#    imap_stream's --crash-task K, a worker killed in the middle of an imap:
#    the iterator reports item K's failure, the other results still come in
#    order, the program ends by itself with 0, nothing left;
#  - SIGINT and SIGTERM in the middle of each demo's work, to the parent
#    alone and to its whole process group (as a terminal's Ctrl-C): it ends
#    within a second with 130 / 143 and leaves no process (no zombie, no
#    orphan), no /dev/shm entry and no temporary directory;
#  - the bad-input matrix of every program: one line on stderr naming the
#    option in the shared wording of common/opts.h, nothing on stdout, exit 2.
# Worker crashes by SIGSEGV, abort() and _exit(3) are covered by the unit
# tests (common/common.bats: worker_segfault, worker_abort, worker_exit3).

setup_file() {
    export TALLY=${FAULT_TALLY:-/dev/null}
}

setup() {
    load ../tests/helper
    SCALE=${FORKLORE_TIME_SCALE:-1}
}

tally() { echo "$1" >>"$TALLY"; }

# The project's names in /dev/shm: every shm_open here makes a "/forklore-..."
# name (and sem_open would make "sem.forklore-..."). Only those are counted:
# on a shared machine other software makes and removes its own at any time
# (Open MPI's vader_segment.*, other users' runs), which is not ours to judge.
project_shm() {
    find /dev/shm -maxdepth 1 \( -name 'forklore*' -o -name 'sem.forklore*' \) -printf '%f\n' |
        sort
}

# session_members SID: in common/tests/helper.bash.

# Wait up to $2 seconds for session $1 to be empty; fail naming what is left.
session_ends() {
    local sid=$1 limit=$2 left
    local deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000 * SCALE))
    while :; do
        left=$(session_members "$sid")
        [ -z "$left" ] && return 0
        [ "$(date +%s%N)" -ge "$deadline" ] && break
        sleep 0.05
    done
    for pid in $left; do
        echo "left behind: $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null) (pid $pid, state $(awk '{sub(/^.*\) /,""); print $1}' /proc/$pid/stat 2>/dev/null))" >&2
    done
    return 1
}

# ---------------------------------------------------------------- crashes

# crash PROGRAM K ARGS...: --crash-task K must end it with exit 1 and a
# message naming task K and SIGKILL, leaving nothing behind.
crash() {
    local program=$1 k=$2
    shift 2
    tally case
    local dir=$BATS_TEST_TMPDIR/$program-$k
    mkdir -p "$dir"
    setsid "$BIN/$program" "$@" --crash-task "$k" >"$dir/out" 2>"$dir/err" 3>&- &
    local pid=$!
    local waited=0
    while [ -d "/proc/$pid" ] && ! process_gone "$pid"; do
        sleep 0.1
        waited=$((waited + 1))
        [ $waited -le $((300 * SCALE)) ] || { kill -KILL -- -"$pid"; fail "$program --crash-task $k hung (30 s)"; }
    done
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 1 ] || fail "$program --crash-task $k: exit $status, not 1: $(cat "$dir/err")"
    grep -q "task $k" "$dir/out" "$dir/err" || fail "$program --crash-task $k: no 'task $k' in the output"
    grep -q SIGKILL "$dir/out" "$dir/err" || fail "$program --crash-task $k: SIGKILL not named"
    session_ends "$pid" 1 || fail "$program --crash-task $k left processes behind"
}

@test "faults: 8_crashed_map (03) --crash-task first, middle, last" {
    for k in 0 500 999; do crash 8_crashed_map $k -j 2 -n 1000; done
}
@test "faults: 6_crashed_task --crash-task first, middle, last" {
    for k in 0 3 5; do crash 6_crashed_task $k -j 2; done
}
@test "faults: 7_errors_crash (05) --crash-task first, middle, last" {
    for k in 0 4 7; do crash 7_errors_crash $k -j 2; done
}
@test "faults: 4_worker_killed (06) --crash-task first, middle, last" {
    for k in 0 20 39; do crash 4_worker_killed $k -j 2 -q; done
}
@test "faults: 4_pi_timed --crash-task first, middle, last" {
    for k in 0 10 19; do crash 4_pi_timed $k -j 2 -n 2M -q; done
}

# crash_imap K: imap_stream --crash-task K kills the worker running item K
# of an imap over 8 items (chunksize 1). The iterator must report that
# item's failure, naming SIGKILL, in its place, and hand out the other 7
# results in input order; the program then streams its sum on the same
# pools and ends with 0 by itself, leaving nothing behind.
crash_imap() {
    local k=$1
    tally case
    local dir=$BATS_TEST_TMPDIR/imap_stream-$k
    mkdir -p "$dir"
    setsid "$BIN/imap_stream" -j 2 -n 5000 --crash-task "$k" >"$dir/out" 2>"$dir/err" 3>&- &
    local pid=$!
    local waited=0
    while [ -d "/proc/$pid" ] && ! process_gone "$pid"; do
        sleep 0.1
        waited=$((waited + 1))
        [ $waited -le $((300 * SCALE)) ] || { kill -KILL -- -"$pid"; fail "imap_stream --crash-task $k hung (30 s)"; }
    done
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 0 ] || fail "imap_stream --crash-task $k: exit $status, not 0: $(cat "$dir/err")"
    local got want="" x
    got=$(sed -nE 's/^\[parent [0-9]+\] imap, one dies: +//p' "$dir/out" |
        sed -E 's/\[item ([0-7]): task \1 failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL\]/failed:\1/')
    for x in 0 1 2 3 4 5 6 7; do
        if [ "$x" -eq "$k" ]; then want+="failed:$x "; else want+="$((x * x)) "; fi
    done
    [ "$got" = "${want% }" ] || fail "imap_stream --crash-task $k: '$got', not '${want% }'"
    grep -q "numbers(5000), chunksize=1000)) % 2\*\*64 = " "$dir/out" ||
        fail "imap_stream --crash-task $k: the stream after the crash did not finish"
    session_ends "$pid" 1 || fail "imap_stream --crash-task $k left processes behind"
}

@test "faults: imap_stream (03, imap) --crash-task first, middle, last: the iterator goes on" {
    for k in 0 3 7; do crash_imap $k; done
}

# ---------------------------------------------------------------- signals

# The event that says PROGRAM is at work, so a signal now comes mid-work:
# READY (a regular expression) matches a line of its output (a line the
# program flushes: every fork of a pool or crew flushes), or else AT_WORK
# (default 1) of the parent's children have had CPU time; AT_WORK=0: the
# parent itself has (its children too short-lived to be seen). A fixed sleep would be too short on
# a busy machine and, on a quiet one, longer than a short program's run.
# Usage: at_work PID OUT_FILE; fails once PID ended or after 30 s.
at_work() {
    local pid=$1 out=$2 i
    for ((i = 0; i < 600 * SCALE; i++)); do
        process_gone "$pid" && return 1
        if [ -n "${READY:-}" ]; then
            grep -Eq -- "$READY" "$out" && return 0
        elif [ "${AT_WORK:-1}" -eq 0 ]; then
            [ "$(cpu_ticks "$pid")" -gt 0 ] && return 0
        elif [ "$(children_at_work "$pid" | wc -l)" -ge "${AT_WORK:-1}" ]; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# interrupt SIGNAL TARGET PROGRAM ARGS...: start it, wait until it is at
# work (at_work: READY or AT_WORK), send SIGNAL to the parent
# (TARGET=parent) or its process group (TARGET=group).
interrupt() {
    local signal=$1 target=$2 program=$3
    shift 3
    tally case
    local dir=$BATS_TEST_TMPDIR/$program-$signal-$target
    mkdir -p "$dir/tmp"
    local shm_before
    shm_before=$(project_shm)
    # A shell without job control starts background jobs with SIGINT
    # ignored; env --default-signal undoes that, as a terminal would have it.
    TMPDIR=$dir/tmp setsid env --default-signal=INT,TERM "$BIN/$program" "$@" \
        >"$dir/out" 2>"$dir/err" 3>&- &
    local pid=$!
    if ! at_work "$pid" "$dir/out"; then
        process_gone "$pid" && fail "$program $* ended before the signal came: give it more work"
        kill -KILL -- -"$pid"
        wait "$pid" || true
        fail "$program $*: not at work (${READY:-AT_WORK=${AT_WORK:-1}}) after 30 s"
    fi
    local sent
    sent=$(date +%s%N)
    if [ "$target" = group ]; then
        kill -s "$signal" -- -"$pid"
    else
        kill -s "$signal" "$pid"
    fi
    # It must end within a second (times FORKLORE_TIME_SCALE).
    while ! process_gone "$pid"; do
        if [ $(($(date +%s%N) - sent)) -gt $((1000000000 * SCALE)) ]; then
            kill -KILL -- -"$pid"
            wait "$pid" || true
            fail "$program: still running 1 s after SIG$signal to the $target"
        fi
        sleep 0.02
    done
    local status=0
    wait "$pid" || status=$?
    local want=130
    [ "$signal" = TERM ] && want=143
    [ "$status" -eq "$want" ] || fail "$program: SIG$signal to the $target gave exit $status, not $want: $(tail -n 3 "$dir/err")"
    session_ends "$pid" 1 || fail "$program: processes left behind after SIG$signal to the $target"
    [ -z "$(ls -A "$dir/tmp")" ] || fail "$program: left in TMPDIR: $(ls -A "$dir/tmp")"
    # A name new since the start: this program's, or another run's on this
    # machine (another worktree's tests), which goes again. Wait (bounded)
    # for the new names to go; a name this program left stays for ever.
    local new tries=$((40 * SCALE))
    while new=$(comm -13 <(echo "$shm_before") <(project_shm)) && [ -n "$new" ] &&
        [ $((tries -= 1)) -gt 0 ]; do
        sleep 0.05
    done
    [ -z "$new" ] || fail "$program: left in /dev/shm: $new"
}

# Each demo, with enough work to still be busy when the signal comes.
interrupt_all_ways() {
    for signal in INT TERM; do
        for target in parent group; do
            interrupt "$signal" "$target" "$@"
        done
    done
}

@test "signals: 7_fork_vs_spawn" { AT_WORK=0 interrupt_all_ways 7_fork_vs_spawn -n 5000; }
@test "signals: 5_queue_workers (producers and consumers)" { interrupt_all_ways 5_queue_workers -n 10M -q; }
@test "signals: 6_queue_kill (a consumer killed mid-work)" { interrupt_all_ways 6_queue_kill -n 10M -q; }
@test "signals: 8_queue_cost" { interrupt_all_ways 8_queue_cost -n 100M; }
@test "signals: 4_ping_pong" { interrupt_all_ways 4_ping_pong -n 100M; }
@test "signals: 2_pipe_deadlock (during the deadlock)" { READY="writing 131072 bytes" interrupt_all_ways 2_pipe_deadlock --timeout 20; }
@test "signals: joinable_kill (consumers between get and task_done, join)" { interrupt_all_ways joinable_kill -n 1000000; }
# 10M items of 16 bytes: about 3 s on an idle machine, the ring at most 256 MiB
@test "signals: unbounded_queue (a producer putting, the ring growing)" { interrupt_all_ways unbounded_queue -n 10M; }
@test "signals: imap_stream (03, imap over a stream)" { interrupt_all_ways imap_stream -j 2 -n 1e9; }
@test "signals: 6_word_count (03, map-reduce word count)" { interrupt_all_ways 6_word_count -j 2 --files 5000; }
@test "signals: 3_parallel_for (parallel for)" { interrupt_all_ways 3_parallel_for -j 2 -n 1e9 -q; }
# 2_apply_vs_async has a fixed amount of work (0.6 s on an idle machine
# here): signalled once both workers are at work
@test "signals: 2_apply_vs_async (05)" { AT_WORK=2 interrupt_all_ways 2_apply_vs_async -j 2; }
@test "signals: 6_data_science (05)" { interrupt_all_ways 6_data_science -j 2 -n 20000; }
@test "signals: 6_slow_callback (06, slow callbacks)" { READY="best of 3 runs each" interrupt_all_ways 6_slow_callback -j 2 -n 400 --callback-ms 50 -q; }
@test "signals: 2_callback_in_parent (06)" { interrupt_all_ways 2_callback_in_parent -j 2 -n 2000 -q; }
@test "signals: 2_shared_counter_lock (workers in their loop)" { interrupt_all_ways 2_shared_counter_lock -n 1e9; }
@test "signals: sync_primitives (two processes in the Lock round)" { interrupt_all_ways sync_primitives -n 1e9; }
@test "signals: 6_named_segment (named segment held)" { READY="holding the segment" interrupt_all_ways 6_named_segment --hold-ms 5000; }
@test "signals: 7_manager_server (clients and the server)" { interrupt_all_ways 7_manager_server --ops 100M; }
@test "signals: manager_dict (clients and the manager's server process)" { interrupt_all_ways manager_dict --ops 100M; }
@test "signals: 4_pi_timed" { interrupt_all_ways 4_pi_timed -j 2 -n 100G -q; }
@test "signals: 3_block_streams" { interrupt_all_ways 3_block_streams -j 2 -n 100G -q; }

# ---------------------------------------------------------------- bad input

# bad PROGRAM OPTION VALUE...: each value for OPTION must give exit 2, an
# empty stdout and one line on stderr that names the option.
bad() {
    local program=$1 option=$2
    shift 2
    local value
    for value in "$@"; do
        tally input
        run --separate-stderr bounded 10 "$BIN/$program" "$option" "$value" 3>&-
        [ "$status" -eq 2 ] || fail "$program $option '$value': exit $status, not 2"
        [ -z "$output" ] || fail "$program $option '$value': printed on stdout: $output"
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "$program $option '$value': not one line on stderr: $stderr"
        grep -qF -- "${option}" <<<"$stderr" || fail "$program $option '$value': the message does not name $option: $stderr"
        # the shared wording (common/opts.h), the value cut if long
        [[ $stderr == "$program: invalid value '"*"' for $option: "*"(try '$program --help')" ]] ||
            fail "$program $option '$value': not the shared wording: $stderr"
    done
}

# Always wrong for a count: empty, words, trailing garbage, negative, huge.
COUNTS=("" abc 12abc -1 99999999999999999999)

# missing value, unknown option, stray argument
usage() {
    local program=$1 option=$2
    tally input
    run --separate-stderr bounded 10 "$BIN/$program" "$option" 3>&-
    [ "$status" -eq 2 ] && [ -z "$output" ] || fail "$program $option (no value): exit $status, stdout '$output'"
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "$program $option (no value): not one line: $stderr"
    [ "$stderr" = "$program: option '$option' needs a value (try '$program --help')" ] ||
        fail "$program $option (no value): not the shared wording: $stderr"
    tally input
    run --separate-stderr bounded 10 "$BIN/$program" --no-such-option 3>&-
    [ "$status" -eq 2 ] && [ -z "$output" ] || fail "$program --no-such-option: exit $status"
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "$program --no-such-option: not one line: $stderr"
    [ "$stderr" = "$program: unknown option '--no-such-option' (try '$program --help')" ] ||
        fail "$program --no-such-option: not the shared wording: $stderr"
    tally input
    run --separate-stderr bounded 10 "$BIN/$program" stray-argument 3>&-
    [ "$status" -eq 2 ] && [ -z "$output" ] || fail "$program stray-argument: exit $status"
}

TOO_MANY=100000 # far past 8 x the CPUs: the fork-bomb guard

@test "bad input: 2_start_join and 7_fork_vs_spawn" {
    bad 2_start_join -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 7_fork_vs_spawn -n "${COUNTS[@]}" 0
    bad 7_fork_vs_spawn -m "${COUNTS[@]}"
    usage 2_start_join -j
    usage 7_fork_vs_spawn -n
}
@test "bad input: 5_queue_workers, 6_queue_kill, 7_queue_results" {
    bad 5_queue_workers -p "${COUNTS[@]}" 0
    bad 5_queue_workers -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 5_queue_workers -n "${COUNTS[@]}" 0
    usage 5_queue_workers -n
    bad 6_queue_kill -p "${COUNTS[@]}" 0
    bad 6_queue_kill -j "${COUNTS[@]}" 0 1 $TOO_MANY
    bad 6_queue_kill -n "${COUNTS[@]}" 0
    usage 6_queue_kill -j
    bad 7_queue_results -j "${COUNTS[@]}" 0 $TOO_MANY
    bad joinable_kill -j "${COUNTS[@]}" 0 1 65
    bad joinable_kill -n "${COUNTS[@]}" 0 5
    usage 7_queue_results -j
    usage joinable_kill -n
    bad unbounded_queue -n "${COUNTS[@]}" 0 20M
    bad unbounded_queue --limit-mib "${COUNTS[@]}" 0 257
    usage unbounded_queue --limit-mib
}
@test "bad input: 8_queue_cost, 4_ping_pong and 2_pipe_deadlock" {
    bad 8_queue_cost -n "${COUNTS[@]}" 0
    bad 4_ping_pong -n "${COUNTS[@]}" 0
    bad 2_pipe_deadlock --timeout "" abc -1 1e400
    usage 8_queue_cost -n
    usage 4_ping_pong -n
    usage 2_pipe_deadlock --timeout
}
@test "bad input: 03_pool_map steps" {
    local step
    for step in 2_map_cube 3_chunk_trace 4_chunksize_sweep 5_uneven_schedule 6_word_count \
        7_map_speedup 8_crashed_map imap_stream; do
        bad $step -j "${COUNTS[@]}" 0 $TOO_MANY
        usage $step -j
    done
    bad 4_chunksize_sweep -n "${COUNTS[@]}" 0
    bad 8_crashed_map -n "${COUNTS[@]}" 0
    bad imap_stream -n "${COUNTS[@]}" 0
    bad imap_stream --crash-task "${COUNTS[@]}" 8
    usage imap_stream --crash-task
    bad 3_chunk_trace --chunksize "${COUNTS[@]}" 0
    bad 4_chunksize_sweep --chunksize "${COUNTS[@]}" 0
    bad 8_crashed_map --chunksize "${COUNTS[@]}" 0
    bad 6_word_count --files "${COUNTS[@]}" 0
    bad 8_crashed_map --crash-task "${COUNTS[@]}"
    bad 5_uneven_schedule --seed "" abc 12abc
    bad 6_word_count --seed "" abc 12abc
    bad 5_uneven_schedule --timeline "" /no/such/directory/timeline.dat
}
@test "bad input: 04_starmap steps" {
    bad 2_starmap_pairs -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 3_parallel_for -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 3_parallel_for -n "${COUNTS[@]}" 0
    bad 3_parallel_for --seed "" abc 12abc -1
    bad 4_task_cost -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 4_task_cost -n "${COUNTS[@]}" 0
    bad 4_task_cost --chunksize "${COUNTS[@]}" 0
    bad 6_crashed_task -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 6_crashed_task --crash-task "${COUNTS[@]}" 6
    bad 7_map_async_callbacks -j "${COUNTS[@]}" 0 $TOO_MANY
    usage 2_starmap_pairs -j
    usage 3_parallel_for -n
    usage 4_task_cost --chunksize
    usage 6_crashed_task --crash-task
    usage 7_map_async_callbacks -j
}
@test "bad input: 05_apply_async steps" {
    bad 2_apply_vs_async -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 3_completion_order -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 6_data_science -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 6_data_science -n "${COUNTS[@]}" 0
    bad 6_data_science --seed "" abc 12abc
    bad 7_errors_crash -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 7_errors_crash --crash-task "${COUNTS[@]}" 8
    bad 8_round_trip -j "${COUNTS[@]}" 0 $TOO_MANY
    usage 2_apply_vs_async -j
    usage 3_completion_order -j
    usage 6_data_science -n
    usage 7_errors_crash -j
    usage 8_round_trip -j
}
@test "bad input: 06_callbacks steps" {
    local step
    for step in 2_callback_in_parent 3_error_callback 4_worker_killed 5_progress_line \
        6_slow_callback 7_callback_or_queue; do
        bad $step -j "${COUNTS[@]}" 0 $TOO_MANY
        bad $step -n "${COUNTS[@]}" 0
        usage $step -n
    done
    bad 2_callback_in_parent --seed "${COUNTS[@]}"
    bad 3_error_callback --seed "${COUNTS[@]}"
    bad 6_slow_callback --callback-ms "${COUNTS[@]}"
    bad 4_worker_killed --crash-task "${COUNTS[@]}" 40
}
@test "bad input: 07_shared_memory steps" {
    local step
    for step in 2_shared_counter_lock 3_shared_counter_atomic 4_false_sharing; do
        bad $step -j "${COUNTS[@]}" 0 $TOO_MANY
        bad $step -n "${COUNTS[@]}" 0
        usage $step -j
    done
    bad 5_zero_copy_array -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 5_zero_copy_array --array-mib "${COUNTS[@]}" 0
    usage 5_zero_copy_array --array-mib
    bad 6_named_segment --hold-ms "${COUNTS[@]}"
    usage 6_named_segment --hold-ms
    bad sync_primitives -n "${COUNTS[@]}" 0
    usage sync_primitives -n
    bad manager_dict -j "${COUNTS[@]}" 0 $TOO_MANY
    bad manager_dict --ops "${COUNTS[@]}" 0
    usage manager_dict --ops
    for step in 7_manager_server 8_server_vs_shared_memory; do
        bad $step -j "${COUNTS[@]}" 0 $TOO_MANY
        bad $step --ops "${COUNTS[@]}" 0
        bad $step --seed "" abc 12abc -1
        usage $step --ops
    done
}
@test "bad input: 4_pi_timed" {
    bad 4_pi_timed -j "${COUNTS[@]}" 0 $TOO_MANY
    bad 4_pi_timed -n "${COUNTS[@]}" 0 1.5 2.5X
    bad 4_pi_timed --serial-fraction "" abc -0.1 1 1.5 nan
    bad 4_pi_timed --crash-task "${COUNTS[@]}"
    usage 4_pi_timed -j
}

@test "bad input: 2_same_seed and 3_block_streams" {
    for p in 2_same_seed 3_block_streams; do
        bad $p -j "${COUNTS[@]}" 0 $TOO_MANY
        bad $p -n "${COUNTS[@]}" 0 1.5 2.5X
        usage $p -j
    done
}
