#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 06_callbacks: the reading path, step by step (1_callback_by_hand ...
# 7_callback_or_queue): callbacks run in the parent.

setup() {
    load ../common/tests/helper
    README=$ROOT/06_callbacks/README.md
}

# The parent's pid, from the first "[parent N]" line of $output.
parent_pid() {
    printf '%s\n' "$output" | awk '/^\[parent [0-9]+\]/ { gsub(/[^0-9]/, "", $2); print $2; exit }'
}

# The pids on the callback lines of $output.
callback_pids() {
    printf '%s\n' "$output" | awk '/^\[(callback|error_callback) pid/ { print $3 }' | tr -d ']' | sort -u
}

# ---------------------------------------------------------------- step 1

@test "1_callback_by_hand: three callbacks, all in the parent, the fastest task first" {
    run bounded 10 "$BIN/1_callback_by_hand" 3>&-
    assert_success
    assert_equal "$(callback_pids)" "$(parent_pid)"
    assert_equal "$(grep -c '^\[callback pid' <<<"$output")" 3
    assert_line --index 1 --regexp '^\[callback pid [0-9]+\] task 2: 25 \(child [0-9]+\)$'
    assert_line --index 3 --regexp '^\[callback pid [0-9]+\] task 0: 9 \(child [0-9]+\)$'
    # the children are other processes
    ! grep -q "(child $(parent_pid))" <<<"$output"
}

# ---------------------------------------------------------------- step 2

@test "2_callback_in_parent: every callback runs in the parent, exactly once per task" {
    run bounded 20 "$BIN/2_callback_in_parent" -j 2 -n 40 3>&-
    assert_success
    local parent
    parent=$(parent_pid)
    [ -n "$parent" ]
    assert_equal "$(callback_pids)" "$parent"
    # tasks 0..39, each exactly once
    local tasks
    tasks=$(printf '%s\n' "$output" | awk '/^\[callback pid/ { sub(/:$/, "", $5); print $5 }' | sort -n | tr '\n' ' ')
    assert_equal "$tasks" "$(seq 0 39 | tr '\n' ' ')"
    # and they ran in other processes (the workers)
    local workers
    workers=$(printf '%s\n' "$output" | awk '/^\[callback pid/ { sub(/\)$/, "", $NF); print $NF }' | sort -u)
    refute [ -z "$workers" ]
    ! printf '%s\n' "$workers" | grep -qx "$parent"
    assert_line --regexp "^\[parent $parent\] pool_join returned after 40 callbacks: 40 in pid $parent \(the parent\), 0 elsewhere; 40 of 40 tasks called back exactly once$"
    assert_line --regexp '^\[parent [0-9]+\] sum of the squares: ([0-9]+) \(a plain loop in the parent gives \1: the same\)$'
}

@test "2_callback_in_parent: results match their tasks and land in their slots" {
    run bounded 20 "$BIN/2_callback_in_parent" -j 2 -n 40 --seed 7 3>&-
    assert_success
    local out=$output
    # each callback's square is its own x squared
    run awk '/^\[callback pid/ { split($6, p, "^"); if (p[1] * p[1] != $8) print "bad:", $0 }' <<<"$out"
    assert_output ""
    # results[i] (task order) is what task i's callback received
    run awk '
        /^\[callback pid/ { t = $5; sub(/:$/, "", t); got[t] = $8 }
        /results\[\]/ { for (i = 6; i <= NF; i++) slot[i - 6] = $i; n = NF - 5 }
        END {
            if (n != 40) print "results[] has", n, "slots"
            for (i = 0; i < n; i++) {
                want = (i in got) ? got[i] : "-"
                if (slot[i] != want) print "slot", i, "is", slot[i], "want", want
            }
        }' <<<"$out"
    assert_output ""
}

@test "2_callback_in_parent: completion order follows durations, not submission order" {
    # seed 4: task 0 sleeps 13 ms, task 1 sleeps 3 ms. Which is called back
    # first is not pinned: on a busy machine the worker given task 1 may wake
    # more than 10 ms late, and the parent, woken late, may find both results
    # waiting. What holds on any machine: a worker runs its tasks one after
    # another, in the order they were sent (oldest first), so each worker's
    # callbacks come in task order; the callbacks come in the order printed
    # as the completion order.
    run bounded 20 "$BIN/2_callback_in_parent" -j 2 -n 40 --seed 4 3>&-
    assert_success
    assert_line --partial "task 0: 75^2 = 5625 (slept 13 ms"
    assert_line --partial "task 1: 66^2 = 4356 (slept 3 ms"
    local out=$output
    run awk '/^\[callback pid/ { t = $5; sub(/:$/, "", t); w = $NF; sub(/\)$/, "", w)
            if ((w in last) && t + 0 < last[w]) print "worker " w ": task " t " after task " last[w]
            last[w] = t + 0 }' <<<"$out"
    assert_output ""
    output=$out
    assert_equal "$(sed -n 's/^\[callback pid [0-9]*\] task \([0-9]*\):.*/\1/p' <<<"$output" | tr '\n' ' ')" \
        "$(sed -n 's/^\[parent [0-9]*\] completion order: //p' <<<"$output") "
    # the completion order is a permutation of 0..39, and not 0..39 itself
    # (40 sleeps of 1 to 20 ms on 2 workers: in submission order only if
    # nearly every short task were delayed past the long one beside it)
    local order
    order=$(printf '%s\n' "$output" | sed -n 's/^\[parent [0-9]*\] completion order: //p')
    assert_equal "$(tr ' ' '\n' <<<"$order" | sort -n | tr '\n' ' ')" "$(seq 0 39 | tr '\n' ' ')"
    refute [ "$order" = "$(seq -s ' ' 0 39)" ]
}

@test "2_callback_in_parent: Ctrl-C and SIGTERM: workers stopped and reaped, dies of the signal" {
    local sig want parent pid workers rc out=$BATS_TEST_TMPDIR/out
    for sig in INT TERM; do
        [ "$sig" = INT ] && want=130 || want=143
        # (a shell without job control starts background jobs with SIGINT
        # ignored; env --default-signal undoes that)
        env --default-signal=INT "$BIN/2_callback_in_parent" -j 2 -n 400 >"$out" 3>&- &
        parent=$!
        # the event: both workers forked; the run (400 tasks of 1-20 ms on
        # 2 workers) lasts about 2 s from there, so the signal comes mid-run
        wait_until '[ "$(children_of "$parent" | wc -l)" -ge 2 ]' 10 ||
            { kill -KILL "$parent"; fail "2 workers not there after 10 s"; }
        workers=$(children_of "$parent")
        kill -"$sig" "$parent"
        bounded 10 tail --pid="$parent" -f /dev/null || { kill -KILL "$parent"; fail "alive 10 s after SIG$sig"; }
        rc=0
        wait "$parent" || rc=$?
        assert_equal "$rc" "$want"
        run cat "$out"
        refute_line --partial "sum of the squares"
        for pid in $workers; do
            process_gone "$pid" || fail "worker $pid outlived its parent"
        done
    done
}

# ---------------------------------------------------------------- step 3

@test "3_error_callback: the error callback gets exactly the failing tasks" {
    run bounded 20 "$BIN/3_error_callback" -j 2 -n 40 3>&-
    assert_success
    local out=$output
    # every failure is a multiple of 7, every success is not
    run awk '
        /^\[error_callback pid/ { if ($(NF - 4) % 7 != 0 || $0 !~ /is a multiple of 7$/) print "bad:", $0 }
        /^\[callback pid/ { split($6, p, "^"); if (p[1] % 7 == 0) print "bad:", $0 }' <<<"$out"
    assert_output ""
    run printf '%s\n' "$out"
    local got want errors callbacks
    got=$(sed -n 's/^\[parent [0-9]*\] error_callback got tasks: //p' <<<"$output")
    want=$(sed -n 's/^\[parent [0-9]*\] tasks that had to fail (x a multiple of 7): //p' <<<"$output")
    assert_equal "$got" "$want"
    errors=$(grep -c '^\[error_callback pid' <<<"$output")
    callbacks=$(grep -c '^\[callback pid' <<<"$output")
    assert_equal "$(wc -w <<<"$got")" "$errors"
    assert_equal "$((errors + callbacks))" 40
    assert_line --regexp "^\[parent [0-9]+\] totals: $callbacks callbacks \+ $errors error callbacks = 40 of 40 tasks$"
    assert_line --partial "the same tasks: each failure reached the error callback, no success did"
}

@test "3_error_callback: both kinds of callback run in the parent, one per task" {
    run bounded 20 "$BIN/3_error_callback" -j 2 -n 40 --seed 5 3>&-
    assert_success
    assert_equal "$(callback_pids)" "$(parent_pid)"
    local tasks
    tasks=$(printf '%s\n' "$output" | awk '/^\[(callback|error_callback) pid/ { sub(/:$/, "", $5); print $5 }' | sort -n | tr '\n' ' ')
    assert_equal "$tasks" "$(seq 0 39 | tr '\n' ' ')"
}

@test "3_error_callback: -q leaves out the per-task lines, not the summaries" {
    run bounded 20 "$BIN/3_error_callback" -j 2 -n 20 -q 3>&-
    assert_success
    refute_line --regexp '^\[(callback|error_callback) pid'
    assert_line --regexp 'totals: [0-9]+ callbacks \+ [0-9]+ error callbacks = 20 of 20 tasks'
}

# ---------------------------------------------------------------- step 4

@test "4_worker_killed: the error callback names the task and SIGKILL, exit 1, no hang" {
    run bounded 20 "$BIN/4_worker_killed" -j 2 -n 40 -q --crash-task 5 3>&-
    assert_failure 1
    local parent
    parent=$(parent_pid)
    assert_line --regexp "^\[error_callback pid $parent\] task 5 failed: worker [0-9]+ \(pid [0-9]+\) was killed by SIGKILL$"
    assert_line --regexp "^\[parent $parent\] totals: 39 callbacks \+ 1 error callbacks = 40 of 40 tasks$"
    assert_line --regexp "error_callback got tasks: .*\b5\b"
    assert_line --partial "the same tasks: each failure reached the error callback"
    assert_line --partial "1 worker(s) killed"
    assert_line --regexp "exit status 1 \(a worker was killed\)$"
}

@test "4_worker_killed: every worker is gone afterwards, nothing left in /dev/shm" {
    local before after pid workers # the pool names nothing: any name left is a leak
    before=$(ls /dev/shm 2>/dev/null | sort)
    run bounded 20 "$BIN/4_worker_killed" -j 3 -n 10 --crash-task 2 3>&-
    assert_failure 1
    workers=$(printf '%s\n' "$output" | grep -oE 'pid [0-9]+\)' | grep -oE '[0-9]+' | sort -u)
    [ -n "$workers" ]
    for pid in $workers; do
        process_gone "$pid" || fail "worker $pid is still there"
    done
    after=$(shm_left_since "$before")
    [ -z "$after" ] || fail "left in /dev/shm: $after"
}

# ---------------------------------------------------------------- step 5

@test "5_progress_line: no live progress line unless stderr is a terminal; final count always" {
    run --separate-stderr bounded 20 "$BIN/5_progress_line" -j 2 -n 12 -q 3>&-
    assert_success
    assert_equal "$stderr" ""
    assert_line --regexp '^\[parent [0-9]+\] progress: 12/12 done$'
    run --separate-stderr bounded 20 "$BIN/5_progress_line" -j 2 -n 12 3>&-
    assert_equal "$stderr" ""
    assert_equal "$(grep -c '^\[callback pid [0-9]*\] task [0-9]* done$' <<<"$output")" 12
}

@test "5_progress_line: on a terminal, a live progress line counts up on stderr" {
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    local log=$BATS_TEST_TMPDIR/tty.log
    # script gives the program a pseudo-terminal as stdin, stdout and stderr
    run bounded 30 script -qec "$BIN/5_progress_line -j 2 -n 12 -q" "$log" 3>&-
    assert_success
    run cat "$log"
    assert_output --partial "1/12 done"
    assert_output --partial "12/12 done"
    assert_output --partial $'\r'
    assert_output --regexp 'progress: 12/12 done'
}

# ---------------------------------------------------------------- step 6

@test "6_slow_callback: both times, the model of this pool, a verdict" {
    run bounded 30 "$BIN/6_slow_callback" -j 2 -n 10 -q --callback-ms 7 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] callback of 0 ms: +[0-9.]+ s'
    assert_line --regexp '^\[parent [0-9]+\] callback of 7 ms: +[0-9.]+ s +\(10 callbacks x 7 ms = 0.070 s in the parent'
    assert_line --regexp 'model: .*'
    assert_line --regexp '^\[parent [0-9]+\]   10 tasks / 2 workers x max\(5 \+ 7 ms, 2 x 7 ms\) = 0.070 s$'
    assert_line --regexp 'best of 3 runs each$'
    assert_line --regexp 'the fast one: (the slow callback cost time|the slow callback run was faster|too close to call on this machine);'
    local fast slow verdict
    fast=$(sed -n 's/.*\] callback of 0 ms: *\([0-9.]*\) s .*/\1/p' <<<"$output")
    slow=$(sed -n 's/.*\] callback of 7 ms: *\([0-9.]*\) s .*/\1/p' <<<"$output")
    verdict=$(sed -n 's/.*the fast one: \([^;]*\);.*/\1/p' <<<"$output")
    verdict_follows "$verdict" "the slow callback cost time" "the slow callback run was faster" "$slow" "$fast" ||
        fail "callback of 0 ms $fast s, of 7 ms $slow s, but: $verdict"
    refute_line --regexp 'round [0-9]'
}

@test "6_slow_callback: one line per round unless -q; a 0 ms callback costs nothing measurable or says so" {
    run bounded 30 "$BIN/6_slow_callback" -j 2 -n 10 --callback-ms 0 3>&-
    assert_success
    assert_equal "$(grep -c 'round [1-3]: callback of 0 ms' <<<"$output")" 6
    assert_line --regexp '10 tasks / 2 workers x max\(5 \+ 0 ms, 2 x 0 ms\) = 0.025 s$'
}

@test "6_slow_callback: SIGTERM while the parent sits in slow callbacks: 143, no summary" {
    local out=$BATS_TEST_TMPDIR/out pid i rc=0
    "$BIN/6_slow_callback" -j 2 -n 40 >"$out" 3>&- &
    pid=$!
    # the first fast run is over (its line is flushed when the slow run's
    # pool forks): the slow run, 40 callbacks of 20 ms one at a time, has
    # begun and lasts at least 0.8 s, and two more after it
    for i in $(seq 200); do
        grep -q 'round 1: callback of 0 ms' "$out" && break
        sleep 0.05
    done
    kill -TERM "$pid"
    bounded 10 tail --pid="$pid" -f /dev/null || { kill -KILL "$pid"; fail "alive 10 s after SIGTERM"; }
    wait "$pid" || rc=$?
    assert_equal "$rc" 143
    run cat "$out"
    assert_line --partial "best of 3 runs each"
    assert_line --partial "round 1: callback of 0 ms"
    refute_line --partial "model:"
}

# ---------------------------------------------------------------- step 7

@test "7_callback_or_queue: both ways report, with right sums, and a verdict" {
    run bounded 30 "$BIN/7_callback_or_queue" -j 2 -n 5000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] by callback: [0-9.]+ s, [0-9.]+ us per result, sum of squares right$'
    assert_line --regexp '^\[parent [0-9]+\] by queue: +[0-9.]+ s, [0-9.]+ us per result, sum of squares right$'
    assert_line --regexp 'callback way: (the queue is faster|the callback is faster|too close to call on this machine)$'
    local by_callback by_queue verdict # per result, to 0.01 us
    by_callback=$(sed -n 's/.*\] by callback: [0-9.]* s, \([0-9.]*\) us per result.*/\1/p' <<<"$output")
    by_queue=$(sed -n 's/.*\] by queue: *[0-9.]* s, \([0-9.]*\) us per result.*/\1/p' <<<"$output")
    verdict=$(sed -n 's/.*the time of the callback way: //p' <<<"$output")
    verdict_follows "$verdict" "the queue is faster" "the callback is faster" "$by_callback" "$by_queue" ||
        fail "by callback $by_callback us, by queue $by_queue us, but: $verdict"
    assert_equal "$(grep -c 'round [1-3]: by' <<<"$output")" 6
}

# ---------------------------------------------------------------- all steps

@test "README: each step's expected output matches a real run" {
    local step args
    while read -r step args; do
        # shellcheck disable=SC2086 # the arguments are split on purpose
        run bounded 30 "$BIN/$step" $args 3>&-
        [ "$step" = 4_worker_killed ] && assert_failure 1 || assert_success
        # 6 and 7 are timed: their verdicts are the times' to decide (above)
        readme_matches_any_verdict "$README" "$step" || fail "README block $step"
    done <<'STEPS'
1_callback_by_hand
2_callback_in_parent -j 2
3_error_callback -j 2
4_worker_killed -j 2 -q
5_progress_line -j 2 -q
6_slow_callback -j 2
7_callback_or_queue -j 2
STEPS
}

@test "every step with options: --help prints usage on stdout, exit 0" {
    local step
    for step in 2_callback_in_parent 3_error_callback 4_worker_killed 5_progress_line \
        6_slow_callback 7_callback_or_queue; do
        run --separate-stderr "$BIN/$step" --help
        assert_success
        assert_line --index 0 --regexp "^Usage: $step "
        assert_equal "$stderr" ""
    done
    run "$BIN/6_slow_callback" --help
    assert_output --partial "--callback-ms"
    run "$BIN/4_worker_killed" --help
    assert_output --partial "--crash-task"
}

# bad_values PROGRAM OPTION...: every malformed value, one line on stderr
# naming the option, exit 2, nothing on stdout.
bad_values() {
    local program=$1 opt bad
    shift
    for opt in "$@"; do
        for bad in abc 12abc 99999999999999999999 '' -1; do
            run --separate-stderr "$BIN/$program" "$opt" "$bad"
            assert_equal "$status" 2
            assert_equal "$output" ""
            assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
            assert_regex "$stderr" "^$program: invalid value '.*' for $opt: .*\(try '$program --help'\)$"
        done
    done
    for args in "--bogus" "-x" "-j" "stray"; do
        run --separate-stderr "$BIN/$program" $args
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "\(try '$program --help'\)$"
    done
}

@test "bad input: one line on stderr naming the option, exit 2" {
    bad_values 2_callback_in_parent -j -n --seed
    bad_values 3_error_callback -j -n --seed
    bad_values 4_worker_killed -j -n --crash-task
    bad_values 5_progress_line -j -n
    bad_values 6_slow_callback -j -n --callback-ms
    bad_values 7_callback_or_queue -j -n
    local opt
    for opt in -j -n; do
        run --separate-stderr "$BIN/2_callback_in_parent" "$opt" 0
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^2_callback_in_parent: invalid value '0' for $opt: out of range"
    done
    run --separate-stderr "$BIN/4_worker_killed" -n 10 --crash-task 10
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_regex "$stderr" "^4_worker_killed: invalid value '10' for --crash-task: out of range \(0 to 9"
    run --separate-stderr "$BIN/3_error_callback" --seed
    assert_equal "$status" 2
    assert_regex "$stderr" "^3_error_callback: option '--seed' needs a value"
}

# ---------------------------------------------------------------- Python

# The lines that do not depend on timing, without the pids.
deterministic() {
    grep -E '(results\[\]|sum of the squares|error_callback got tasks|tasks that had to fail|the same tasks|totals:|progress:|^\[(callback|error_callback) pid)' |
        sed -E 's/^\[[a-z_]+ (pid )?[0-9]+\] //; s/ \((slept|ran|computed|child) .*//' | sort
}

@test "Python mirrors of steps 1-3 and 5 print the same deterministic results" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local step args c py
    while read -r step args; do
        # shellcheck disable=SC2086
        c=$(bounded 20 "$BIN/$step" $args 3>&- | deterministic)
        # shellcheck disable=SC2086
        py=$(bounded 60 python3 "$ROOT/06_callbacks/$step.py" $args 3>&- | deterministic)
        [ -n "$c" ]
        assert_equal "$py" "$c"
    done <<'STEPS'
1_callback_by_hand
2_callback_in_parent -j 2 -n 30 --seed 3
3_error_callback -j 2 -n 30 --seed 3
5_progress_line -j 2 -n 12
STEPS
}

@test "Python mirrors: a killed worker's task is lost in Python; the timed steps report" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$ROOT/06_callbacks/4_worker_killed.py" -j 2 -n 10 -q --crash-task 3 3>&-
    assert_failure 1
    assert_line --regexp "task 3: no callback and no error callback after waiting"
    assert_line --regexp "totals: 9 callbacks \+ 0 error callbacks = 9 of 10 tasks$"
    run bounded 60 python3 "$ROOT/06_callbacks/6_slow_callback.py" -j 2 -n 6 -q --callback-ms 5 3>&-
    assert_success
    assert_line --regexp 'max\(6 x 5 ms / 2 workers, 5 ms \+ 6 x 5 ms\) = 0.035 s'
    run bounded 60 python3 "$ROOT/06_callbacks/7_callback_or_queue.py" -j 2 -n 300 -q 3>&-
    assert_success
    assert_line --regexp 'by callback: [0-9.]+ s, [0-9.]+ us per result, sum of squares right$'
    assert_line --regexp 'by queue: +[0-9.]+ s, [0-9.]+ us per result, sum of squares right$'
}
