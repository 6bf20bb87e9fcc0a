#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Chapter 01: build/bin/process and many_copies.sh.

setup() {
    load ../common/tests/helper
    README=$ROOT/01_process/README.md
    SCRIPT=$ROOT/01_process/many_copies.sh
}

# Every pid the output names, one a line.
pids_in_output() {
    grep -oE '(pid|parent) [0-9]+' <<<"$output" | awk '{ print $2 }' | sort -u
}

@test "process: the README's expected output matches a real run" {
    run bounded 30 "$BIN/process" 3>&-
    assert_success
    readme_matches "$README" process
}

@test "process: the README's one-child run matches" {
    run bounded 20 "$BIN/process" --only start -j 1 3>&-
    assert_success
    readme_matches "$README" one-child
}

@test "start and join: every child says hello once, named, with its parent's pid" {
    run bounded 20 "$BIN/process" --only start -j 5 -q 3>&-
    assert_success
    local parent
    parent=$(sed -n 's/^\[parent \([0-9]*\)\] starting 5 children.*/\1/p' <<<"$output")
    [ -n "$parent" ]
    local i name names=(bob alice carol dave erin)
    for i in 1 2 3 4 5; do
        name=${names[i - 1]}
        assert_equal "$(grep -c "^\[Process-$i pid [0-9]*\] hello $name; my parent is $parent; ps shows me as \"Process-$i\"$" <<<"$output")" 1
        assert_line --regexp "^\[parent $parent\] joined Process-$i \(pid [0-9]+\): exitcode 0 \(exited normally\)$"
    done
    assert_equal "$(grep -c hello <<<"$output")" 5
    assert_line "[parent $parent] done: 5 children started, 5 reaped, none left behind"
}

@test "start and join: the child's pid in its hello is the one the parent joined" {
    run bounded 20 "$BIN/process" --only start -j 3 -q 3>&-
    assert_success
    local i pid
    for i in 1 2 3; do
        pid=$(sed -n "s/^\[Process-$i pid \([0-9]*\)\].*/\1/p" <<<"$output")
        assert_line --partial "joined Process-$i (pid $pid): exitcode 0"
    done
}

@test "exit codes: 0, a code, minus the signal, as Python's exitcode" {
    run bounded 20 "$BIN/process" --only exitcodes -q 3>&-
    assert_success
    assert_line --regexp "child returns normally +pid [0-9]+: exitcode 0 \(exited normally\)$"
    assert_line --regexp "child calls exit\(3\) +pid [0-9]+: exitcode 3 \(exited with code 3\)$"
    assert_line --regexp "child crashes \(SIGSEGV\) +pid [0-9]+: exitcode -11 \(killed by SIGSEGV\)$"
    assert_line --regexp "child is terminated by its parent +pid [0-9]+: exitcode -15 \(killed by SIGTERM\)$"
    assert_line --partial "done: 4 children started, 4 reaped, none left behind"
}

@test "exit codes: the crash leaves no core file behind" {
    cd "$BATS_TEST_TMPDIR"
    run bounded 20 "$BIN/process" --only exitcodes -q 3>&-
    assert_success
    assert_equal "$(ls -A "$BATS_TEST_TMPDIR")" ""
}

@test "zombies: state Z seen in /proc, then gone after waitpid" {
    run bounded 20 "$BIN/process" --only zombies -q 3>&-
    assert_success
    local pid
    pid=$(sed -n 's/.*child pid \([0-9]*\) has exited; nobody has waited for it yet$/\1/p' <<<"$output")
    [ -n "$pid" ]
    assert_line --partial "/proc/$pid/stat says state Z (zombie)"
    assert_line --partial "waitpid($pid) reaped it: exitcode 0 (exited normally)"
    assert_line --partial "/proc/$pid is gone: the pid and its exit status are freed"
    # the zombie section comes in this order: exited, Z, reaped, gone
    run grep -n -e 'has exited' -e 'state Z' -e 'reaped it' -e 'is gone' <<<"$output"
    assert_equal "$(cut -d: -f1 <<<"$output" | tr '\n' ' ')" "2 3 4 5 "
}

@test "exit codes and zombies: the same report in 20 runs in a row" {
    local i
    for i in $(seq 20); do
        run bounded 20 "$BIN/process" --only exitcodes -q 3>&-
        assert_success
        assert_line --partial "exitcode -11 (killed by SIGSEGV)"
        assert_line --partial "exitcode -15 (killed by SIGTERM)"
        run bounded 20 "$BIN/process" --only zombies -q 3>&-
        assert_success
        assert_line --regexp "stat says state Z \(zombie\)$"
        assert_line --partial "is gone: the pid and its exit status are freed"
    done
}

@test "cpu count: online, usable and pool size agree with the system" {
    run bounded 10 "$BIN/process" --only cpus -q
    assert_success
    assert_line --regexp "online CPUs \(os.cpu_count\(\)\): +$(getconf _NPROCESSORS_ONLN)$"
    assert_line --regexp "CPUs this process may use \(sched_getaffinity\): +$(nproc)$"
    assert_line --regexp "cgroup CPU quota \(cpu.max\): +(none|[0-9]+\.[0-9]+ CPUs)$"
}

@test "cpu count: taskset -c 0 leaves one usable CPU and a pool of 1" {
    command -v taskset >/dev/null || skip "taskset is not installed"
    run bounded 10 taskset -c 0 "$BIN/process" --only cpus -q
    assert_success
    assert_line --regexp "online CPUs \(os.cpu_count\(\)\): +$(getconf _NPROCESSORS_ONLN)$"
    assert_line --regexp "CPUs this process may use \(sched_getaffinity\): +1$"
    assert_line --regexp "workers for a CPU-bound pool \(cpus_for_pool\): +1$"
}

@test "fork vs spawn: three ways timed, every process started is reaped" {
    run bounded 30 "$BIN/process" --only spawn -n 7 -q 3>&-
    assert_success
    assert_line --regexp "fork +\(Python's \"fork\"\) +[0-9.]+ µs per process$"
    assert_line --regexp "fork \+ exec +\(Python's \"spawn\"\) +[0-9.]+ µs per process$"
    assert_line --regexp "posix_spawn +\(one call\) +[0-9.]+ µs per process$"
    assert_line --partial "done: 24 children started, 24 reaped, none left behind"
}

@test "fork vs spawn: -m touches memory first" {
    run bounded 30 "$BIN/process" --only spawn -n 2 -m 16 -q 3>&-
    assert_success
    assert_line --partial "touched 16 MB of memory first"
    assert_line --partial "done: 9 children started, 9 reaped, none left behind"
}

# The processes of session $1: setsid makes the program a session leader,
# and whatever it forks stays in its session, zombies and orphans included.
session_members() {
    awk -v s="$1" '{ sub(/^.*\) /, ""); if ($4 == s) { split(FILENAME, f, "/"); print f[3] } }' \
        /proc/[0-9]*/stat 2>/dev/null || true
}

# Start the timing of 'fork vs spawn' (long enough to be busy), send SIGINT
# to the parent alone ($1 = parent) or to its process group ($1 = group, as
# a terminal's Ctrl-C does): it must die of SIGINT (130) and leave no child.
ctrl_c_while_spawning() {
    local out=$BATS_TEST_TMPDIR/out i
    # A shell without job control starts background jobs with SIGINT
    # ignored; env --default-signal undoes that, as a terminal would have it.
    setsid env --default-signal=INT,TERM "$BIN/process" --only spawn -n 100000 >"$out" 3>&- &
    local pid=$!
    for i in $(seq 100); do
        grep -q "starting and reaping" "$out" && break
        sleep 0.05
    done
    sleep 0.2 # now it starts and reaps one child after another
    process_gone "$pid" && fail "process ended before the signal"
    if [ "$1" = group ]; then kill -INT -- -"$pid"; else kill -INT "$pid"; fi
    for i in $(seq 100); do
        process_gone "$pid" && break
        sleep 0.05
    done
    process_gone "$pid" || { kill -KILL -- -"$pid"; fail "still running 5 s after SIGINT"; }
    local status=0
    wait "$pid" || status=$?
    assert_equal "$status" 130
    grep -q "SIGINT: stopping and reaping [01] child.*, then dying of SIGINT" "$out"
    assert_equal "$(session_members "$pid")" ""
}

@test "Ctrl-C to the parent alone: it stops and reaps its child, dies of SIGINT (130)" {
    ctrl_c_while_spawning parent
}

@test "Ctrl-C to the whole process group: dies of SIGINT (130), no child left" {
    ctrl_c_while_spawning group
}

@test "fork vs spawn: the hidden flag makes a copy that does nothing" {
    run bounded 10 "$BIN/process" --spawned-child
    assert_success
    assert_output ""
}

@test "process: no child of a full run is left alive" {
    run bounded 30 "$BIN/process" -j 4 -n 5 3>&-
    assert_success
    assert_line --partial "done: 27 children started, 27 reaped, none left behind"
    local pid
    for pid in $(pids_in_output); do
        process_gone "$pid" || { ps -o pid,stat,comm -p "$pid"; false; }
    done
}

@test "process: -q leaves out the explanations, not the results" {
    run bounded 20 "$BIN/process" --only zombies -q 3>&-
    assert_success
    refute_line --regexp '^  '
    run bounded 20 "$BIN/process" --only zombies 3>&-
    assert_line --regexp '^  A child that has exited'
}

@test "process: --help prints usage on stdout, exit 0" {
    run --separate-stderr "$BIN/process" --help
    assert_success
    assert_line --index 0 --partial "Usage: process"
    assert_equal "$stderr" ""
    run "$BIN/process" -h
    assert_success
}

@test "process: bad input: one stderr line naming the option, exit 2, no stdout" {
    local args
    while IFS= read -r args; do
        eval "set -- $args"
        run --separate-stderr bounded 10 "$BIN/process" "$@"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "^process: .*\(try 'process --help'\)$"
    done <<'EOF'
-j 0
-j -1
-j abc
-j 12abc
-j 99999999999999999999
-j ''
-j 100000
-n 0
-n abc
-n 1.5
-m -1
-m 12abc
-m 99999999999999999999
--only nothing
--bogus
-x
-j
--workers
--only
stray
EOF
    run --separate-stderr "$BIN/process" -j abc
    assert_regex "$stderr" "^process: -j: 'abc' is not a whole number"
    run --separate-stderr "$BIN/process" --only nothing
    assert_regex "$stderr" "^process: --only: unknown section 'nothing'"
}

# ------------------------------------------------------------ many_copies.sh

@test "many_copies: three ways, same outputs, temp folder removed" {
    export TMPDIR=$BATS_TEST_TMPDIR
    run bounded 30 sh "$SCRIPT" -n 3 -j 2 -q 3>&-
    assert_success
    assert_line --partial "3 input files of about"
    assert_line --regexp "one after another \(for loop\): +[0-9.]+ s$"
    assert_line --regexp "all at once \(& and wait\): +[0-9.]+ s \(speedup [0-9.]+ x\)$"
    assert_line --regexp "2 at a time \(xargs -P 2\): +[0-9.]+ s \(speedup [0-9.]+ x\)$"
    assert_line --partial "each way made 3 compressed files; identical: yes"
    assert_equal "$(ls -A "$TMPDIR")" ""
}

@test "many_copies: the README's expected output matches a real run" {
    run bounded 30 sh "$SCRIPT" -j 2 3>&-
    assert_success
    readme_matches "$README" many-copies
}

@test "many_copies: SIGTERM removes the temp folder and dies of SIGTERM" {
    export TMPDIR=$BATS_TEST_TMPDIR
    sh "$SCRIPT" -n 8 -q >/dev/null 3>&- &
    local pid=$! i
    for i in $(seq 100); do
        ls "$TMPDIR"/many_copies.*/serial >/dev/null 2>&1 && break
        sleep 0.05
    done
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    assert_equal "$rc" 143
    sleep 0.2 # let killed gzip copies finish exiting
    assert_equal "$(ls -A "$TMPDIR")" ""
}

@test "many_copies: -h prints usage on stdout, exit 0" {
    run --separate-stderr sh "$SCRIPT" -h
    assert_success
    assert_line --index 0 --partial "Usage: many_copies.sh"
}

@test "many_copies: bad input: one stderr line naming the option, exit 2" {
    local args
    while IFS= read -r args; do
        eval "set -- $args"
        run --separate-stderr sh "$SCRIPT" "$@"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "^many_copies.sh: .*\(try 'many_copies.sh -h'\)$"
    done <<'EOF'
-j 0
-j -1
-j abc
-j 12abc
-j 99999999999999999999
-j ''
-n 0
-x
-j
stray
EOF
}

@test "run.sh: make run-01's demo runs both parts and succeeds" {
    export BIN TMPDIR=$BATS_TEST_TMPDIR # run.sh is given BIN, as by make
    run bounded 30 sh "$ROOT/01_process/run.sh" 3>&-
    assert_success
    assert_line "== fork vs spawn =="
    assert_line "== many copies from the shell =="
    assert_line --partial "none left behind"
    assert_equal "$(ls -A "$BATS_TEST_TMPDIR")" ""
}

# ------------------------------------------------------------ Python mirror

# The deterministic part of a run: pids become P; notes and timings go.
deterministic() {
    grep -E -e '^==' -e 'exitcode' -e 'state' -e 'is gone' -e 'CPU' \
             -e 'has exited' -e 'done:' <<<"$1" |
        sed -E 's/(pid |parent |is |\/proc\/|waitpid\()[0-9]+/\1P/g; s/ +/ /g'
}

@test "python: process.py prints the same deterministic results as the C" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 "$BIN/process" --only exitcodes -q 3>&-
    assert_success
    local c_out=$output
    run bounded 60 python3 "$ROOT/01_process/process.py" --only exitcodes -q 3>&-
    assert_success
    assert_equal "$(deterministic "$output")" "$(deterministic "$c_out")"
    local section
    for section in start zombies cpus; do
        run bounded 60 "$BIN/process" --only $section -j 3 -q 3>&-
        c_out=$output
        run bounded 60 python3 "$ROOT/01_process/process.py" --only $section -j 3 -q 3>&-
        assert_success
        assert_equal "$(deterministic "$output")" "$(deterministic "$c_out")"
    done
}

@test "python: process.py refuses bad input like the C" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run --separate-stderr python3 "$ROOT/01_process/process.py" -j 0
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_regex "$stderr" "^process.py: -j: "
}
