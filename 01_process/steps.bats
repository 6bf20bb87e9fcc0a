#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Chapter 01's reading path: one group of tests per step, in README order.

setup() {
    load ../common/tests/helper
    README=$ROOT/01_process/README.md
}

# Every pid the output names, one a line.
pids_in_output() {
    grep -oE '(pid|parent) [0-9]+' <<<"$output" | awk '{ print $2 }' | sort -u
}

# session_members SID (common/tests/helper.bash): setsid makes the program a
# session leader, and whatever it forks stays in its session, zombies and
# orphans included.

# ------------------------------------------------------------ 1_fork_join

@test "1_fork_join: the README's output matches a real run" {
    run bounded 10 "$BIN/1_fork_join" 3>&-
    assert_success
    readme_matches "$README" fork-join
}

@test "1_fork_join: three children, each its own pid, the same parent, joined by that pid" {
    run bounded 10 "$BIN/1_fork_join" 3>&-
    assert_success
    local parent i child
    parent=$(sed -n 's/^\[parent \([0-9]*\)\] starting 3 children$/\1/p' <<<"$output")
    [ -n "$parent" ]
    for i in 1 2 3; do
        child=$(sed -n "s/^\[child $i pid \([0-9]*\)\] hello; my parent is $parent$/\1/p" <<<"$output")
        [ -n "$child" ] && [ "$child" != "$parent" ]
        assert_line "[parent $parent] joined child $i (pid $child): exit code 0"
    done
    assert_equal "$(grep -c 'starting 3 children' <<<"$output")" 1 # flushed before fork
}

# ------------------------------------------------------------ 2_start_join

@test "2_start_join: the README's expected output matches a real run" {
    run bounded 20 "$BIN/2_start_join" 3>&-
    assert_success
    readme_matches "$README" start-join
}

@test "2_start_join: the README's one-child run matches" {
    run bounded 20 "$BIN/2_start_join" -j 1 3>&-
    assert_success
    readme_matches "$README" one-child
}

@test "2_start_join: every child says hello once, named, with its parent's pid" {
    run bounded 20 "$BIN/2_start_join" -j 5 -q 3>&-
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

@test "2_start_join: the child's pid in its hello is the one the parent joined" {
    run bounded 20 "$BIN/2_start_join" -j 3 -q 3>&-
    assert_success
    local i pid
    for i in 1 2 3; do
        pid=$(sed -n "s/^\[Process-$i pid \([0-9]*\)\].*/\1/p" <<<"$output")
        assert_line --partial "joined Process-$i (pid $pid): exitcode 0"
    done
}

@test "2_start_join: no child is left alive" {
    run bounded 20 "$BIN/2_start_join" -j 4 3>&-
    assert_success
    assert_line --partial "done: 4 children started, 4 reaped, none left behind"
    local pid
    for pid in $(pids_in_output); do
        process_gone "$pid" || { ps -o pid,stat,comm -p "$pid"; false; }
    done
}

@test "2_start_join: -q leaves out the explanations, not the results" {
    run bounded 20 "$BIN/2_start_join" -q 3>&-
    assert_success
    refute_line --regexp '^  '
    assert_line --partial "joined Process-3"
    run bounded 20 "$BIN/2_start_join" 3>&-
    assert_line --regexp '^  The children run at the same time'
}

@test "2_start_join and 7_fork_vs_spawn: --help prints usage on stdout, exit 0" {
    local program
    for program in 2_start_join 7_fork_vs_spawn; do
        run --separate-stderr "$BIN/$program" --help
        assert_success
        assert_line --index 0 --partial "Usage: $program"
        assert_equal "$stderr" ""
        run "$BIN/$program" -h
        assert_success
    done
}

# bad_input PROGRAM: each line of stdin is a set of arguments that must give
# exit 2, nothing on stdout and one line on stderr.
bad_input() {
    local program=$1 args
    while IFS= read -r args; do
        eval "set -- $args"
        run --separate-stderr bounded 10 "$BIN/$program" "$@"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "^$program: .*\(try '$program --help'\)$"
    done
}

@test "2_start_join: bad input: one stderr line naming the option, exit 2, no stdout" {
    bad_input 2_start_join <<'EOF2'
-j 0
-j -1
-j abc
-j 12abc
-j 99999999999999999999
-j ''
-j 100000
--bogus
-x
-j
--workers
stray
EOF2
    run --separate-stderr "$BIN/2_start_join" -j abc
    assert_regex "$stderr" "^2_start_join: invalid value 'abc' for -j: not a number \(try '2_start_join --help'\)$"
}

@test "3_exit_codes 4_zombie 5_cpu_count 6_ctrl_c_children: no options; -h, and a stray argument refused" {
    local program
    for program in 3_exit_codes 4_zombie 5_cpu_count 6_ctrl_c_children; do
        run --separate-stderr bounded 10 "$BIN/$program" --help
        assert_success
        assert_line --index 0 "Usage: $program"
        run --separate-stderr bounded 10 "$BIN/$program" stray 3>&-
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_regex "$stderr" "^$program: unexpected argument 'stray'"
    done
}

# ------------------------------------------------------------ 3_exit_codes

@test "3_exit_codes: the README's expected output matches a real run" {
    run bounded 20 "$BIN/3_exit_codes" 3>&-
    assert_success
    readme_matches "$README" exit-codes
}

@test "3_exit_codes: 0, a code, minus the signal, as Python's exitcode" {
    run bounded 20 "$BIN/3_exit_codes" 3>&-
    assert_success
    assert_line --regexp "child returns normally +pid [0-9]+: exitcode 0 \(exited normally\)$"
    assert_line --regexp "child calls exit\(3\) +pid [0-9]+: exitcode 3 \(exited with code 3\)$"
    assert_line --regexp "child crashes \(SIGSEGV\) +pid [0-9]+: exitcode -11 \(killed by SIGSEGV\)$"
    assert_line --regexp "child is terminated by its parent +pid [0-9]+: exitcode -15 \(killed by SIGTERM\)$"
    assert_line --partial "done: 4 children started, 4 reaped, none left behind"
}

@test "3_exit_codes: the crash leaves no core file behind" {
    cd "$BATS_TEST_TMPDIR"
    run bounded 20 "$BIN/3_exit_codes" 3>&-
    assert_success
    assert_equal "$(ls -A "$BATS_TEST_TMPDIR")" ""
}

# ------------------------------------------------------------ 4_zombie

@test "4_zombie: the README's expected output matches a real run" {
    run bounded 20 "$BIN/4_zombie" 3>&-
    assert_success
    readme_matches "$README" zombie
}

@test "4_zombie: state Z seen in /proc, then gone after waitpid" {
    run bounded 20 "$BIN/4_zombie" 3>&-
    assert_success
    local pid
    pid=$(sed -n 's/.*child pid \([0-9]*\) has exited; nobody has waited for it yet$/\1/p' <<<"$output")
    [ -n "$pid" ]
    assert_line --partial "/proc/$pid/stat says state Z (zombie)"
    assert_line --partial "waitpid($pid) reaped it: exitcode 0 (exited normally)"
    assert_line --partial "/proc/$pid is gone: the pid and its exit status are freed"
    # in this order: exited, Z, reaped, gone
    run grep -n -e 'child pid [0-9]* has exited' -e 'state Z' -e 'reaped it' -e 'is gone' <<<"$output"
    assert_equal "$(cut -d: -f1 <<<"$output" | tr '\n' ' ')" "1 2 3 4 "
}

@test "3_exit_codes and 4_zombie: the same report in 20 runs in a row" {
    local i
    for i in $(seq 20); do
        run bounded 20 "$BIN/3_exit_codes" 3>&-
        assert_success
        assert_line --partial "exitcode -11 (killed by SIGSEGV)"
        assert_line --partial "exitcode -15 (killed by SIGTERM)"
        run bounded 20 "$BIN/4_zombie" 3>&-
        assert_success
        assert_line --regexp "stat says state Z \(zombie\)$"
        assert_line --partial "is gone: the pid and its exit status are freed"
    done
}

# ------------------------------------------------------------ 5_cpu_count

@test "5_cpu_count: the README's expected output matches a real run" {
    run bounded 10 "$BIN/5_cpu_count"
    assert_success
    readme_matches "$README" cpu-count
}

@test "5_cpu_count: online, usable, pool size and Python's defaults agree with the system" {
    run bounded 10 "$BIN/5_cpu_count"
    assert_success
    assert_line --regexp "online CPUs \(os.cpu_count\(\)\): +$(getconf _NPROCESSORS_ONLN)$"
    assert_line --regexp "CPUs this process may use \(sched_getaffinity\): +$(nproc)$"
    assert_line --regexp "cgroup CPU quota \(cpu.max\): +(none|[0-9]+\.[0-9]+ CPUs)$"
    assert_line --regexp "Pool\(\) default, up to 3.12 \(os.cpu_count\(\)\): +$(getconf _NPROCESSORS_ONLN)$"
    assert_line --regexp "Pool\(\) default, from 3.13 \(os.process_cpu_count\(\)\): +$(nproc)$"
}

@test "5_cpu_count: taskset -c 0 leaves one usable CPU and a pool of 1" {
    command -v taskset >/dev/null || skip "taskset is not installed"
    run bounded 10 taskset -c 0 "$BIN/5_cpu_count"
    assert_success
    assert_line --regexp "online CPUs \(os.cpu_count\(\)\): +$(getconf _NPROCESSORS_ONLN)$"
    assert_line --regexp "CPUs this process may use \(sched_getaffinity\): +1$"
    assert_line --regexp "workers for a CPU-bound pool \(cpus_for_pool\): +1$"
    assert_line --regexp "from 3.13 \(os.process_cpu_count\(\)\): +1$"
}

# ------------------------------------------------------------ 6_ctrl_c_children

@test "6_ctrl_c_children: the README's expected output matches a real run" {
    run bounded 20 "$BIN/6_ctrl_c_children" 3>&-
    assert_success
    readme_matches "$README" ctrl-c
}

@test "6_ctrl_c_children: orphans without a handler, none with it, nothing left in the session" {
    local out=$BATS_TEST_TMPDIR/out
    setsid "$BIN/6_ctrl_c_children" >"$out" 3>&- &
    local pid=$! status=0
    wait "$pid" || status=$?
    assert_equal "$status" 0
    run cat "$out"
    assert_equal "$(grep -c ': an orphan$' <<<"$output")" 3
    assert_equal "$(grep -c 'gone, reaped by its parent$' <<<"$output")" 3
    assert_equal "$(grep -c 'the parent: killed by SIGTERM$' <<<"$output")" 2
    assert_line --regexp '^\[parent [0-9]+\] SIGTERM: stopping and reaping 3 children, then dying of SIGTERM$'
    assert_line --partial "done: 3 orphans without a handler, 0 with; none left behind"
    assert_equal "$(session_members "$pid")" ""
}

# ------------------------------------------------------------ 7_fork_vs_spawn

@test "7_fork_vs_spawn: the README's expected output matches a real run" {
    run bounded 60 "$BIN/7_fork_vs_spawn" 3>&-
    assert_success
    readme_matches "$README" fork-vs-spawn
}

@test "7_fork_vs_spawn: three ways timed, best of 3, a verdict each, every process reaped" {
    run bounded 30 "$BIN/7_fork_vs_spawn" -n 7 -q 3>&-
    assert_success
    assert_line --regexp "fork +\(Python's \"fork\"\) +[0-9.]+ µs per process \(best of 3 rounds\)$"
    assert_line --regexp "fork \+ exec +\(Python's \"spawn\"\) +[0-9.]+ µs per process \(best of 3 rounds\)$"
    assert_line --regexp "posix_spawn +\(one call\) +[0-9.]+ µs per process \(best of 3 rounds\)$"
    assert_line --regexp "fork \+ exec took [0-9.]+ x the time of fork \((fork \+ exec faster|fork faster|too close to call on this machine)\), posix_spawn [0-9.]+ x \((posix_spawn faster|fork faster|too close to call on this machine)\)$"
    # one warm-up and 3 rounds of 7, three ways
    assert_line --partial "done: 66 children started, 66 reaped, none left behind"
}

@test "7_fork_vs_spawn: the verdict follows the numbers printed with it" {
    run bounded 30 "$BIN/7_fork_vs_spawn" -n 5 -q 3>&-
    assert_success
    local line fork exec spawn
    fork=$(sed -n 's/.*(Python.s "fork") *\([0-9.]*\) µs.*/\1/p' <<<"$output")
    exec=$(sed -n 's/.*(Python.s "spawn") *\([0-9.]*\) µs.*/\1/p' <<<"$output")
    spawn=$(sed -n 's/.*posix_spawn *(one call) *\([0-9.]*\) µs.*/\1/p' <<<"$output")
    line=$(grep 'the time of fork' <<<"$output")
    # (the times are printed to 0.1 µs: at the 5 % margin either verdict)
    verdict_follows "$(sed -n 's/.*of fork (\(.*\)), posix_spawn.*/\1/p' <<<"$line")" \
        "fork + exec faster" "fork faster" "$fork" "$exec" || fail "fork $fork, fork + exec $exec, but: $line"
    verdict_follows "$(sed -n 's/.*posix_spawn [0-9.]* x (\(.*\))$/\1/p' <<<"$line")" \
        "posix_spawn faster" "fork faster" "$fork" "$spawn" || fail "fork $fork, posix_spawn $spawn, but: $line"
    # the busy note is there exactly when the load is at least the CPUs
    if awk -v c="$(nproc)" '{ exit !($1 >= c + 1) }' /proc/loadavg; then
        assert_line --partial "this machine is busy (load"
    fi
}

@test "7_fork_vs_spawn: -m touches memory first" {
    run bounded 30 "$BIN/7_fork_vs_spawn" -n 2 -m 16 -q 3>&-
    assert_success
    assert_line --partial "touched 16 MB of memory first"
    assert_line --partial "done: 21 children started, 21 reaped, none left behind"
}

@test "7_fork_vs_spawn: the hidden flag makes a copy that does nothing" {
    run bounded 10 "$BIN/7_fork_vs_spawn" --spawned-child
    assert_success
    assert_output ""
}

@test "7_fork_vs_spawn: no child of a run is left alive" {
    run bounded 30 "$BIN/7_fork_vs_spawn" -n 5 3>&-
    assert_success
    assert_line --partial "done: 48 children started, 48 reaped, none left behind"
    local pid
    for pid in $(pids_in_output); do
        process_gone "$pid" || { ps -o pid,stat,comm -p "$pid"; false; }
    done
}

# Start the timing (long enough to be busy), send SIGINT to the parent alone
# ($1 = parent) or to its process group ($1 = group, as a terminal's Ctrl-C
# does): it must die of SIGINT (130) and leave no child.
ctrl_c_while_spawning() {
    local out=$BATS_TEST_TMPDIR/out i
    # A shell without job control starts background jobs with SIGINT
    # ignored; env --default-signal undoes that, as a terminal would have it.
    setsid env --default-signal=INT,TERM "$BIN/7_fork_vs_spawn" -n 100000 >"$out" 3>&- &
    local pid=$!
    # The event: it has had CPU time, so it is past its start, in the loop
    # that starts and reaps one child after another (its lines wait in its
    # stdout buffer, and each child is too short-lived to be seen).
    for ((i = 0; i < 200 * ${FORKLORE_TIME_SCALE:-1}; i++)); do
        [ "$(cpu_ticks "$pid")" -gt 0 ] && break
        sleep 0.05
    done
    [ "$(cpu_ticks "$pid")" -gt 0 ] || { kill -KILL -- -"$pid"; fail "no CPU time in 10 s"; }
    process_gone "$pid" && fail "process ended before the signal"
    sigint_to "$pid" "$1"
    grep -q "SIGINT: stopping and reaping [01] child.*, then dying of SIGINT" "$out"
    assert_equal "$(session_members "$pid")" ""
}

@test "7_fork_vs_spawn: Ctrl-C to the parent alone: it stops and reaps its child, dies of SIGINT (130)" {
    ctrl_c_while_spawning parent
}

@test "7_fork_vs_spawn: Ctrl-C to the whole process group: dies of SIGINT (130), no child left" {
    ctrl_c_while_spawning group
}

@test "7_fork_vs_spawn: bad input: one stderr line naming the option, exit 2, no stdout" {
    bad_input 7_fork_vs_spawn <<'EOF2'
-n 0
-n abc
-n 1.5
-m -1
-m 12abc
-m 99999999999999999999
--bogus
-x
-n
--memory
stray
EOF2
}

# ------------------------------------------------------------ run.sh

@test "run.sh: make run-01 runs every step in order, with a banner each, and succeeds" {
    export BIN TMPDIR=$BATS_TEST_TMPDIR # run.sh is given BIN, as by make
    run bounded 60 sh "$ROOT/01_process/run.sh" 3>&-
    assert_success
    local step steps=(1_fork_join 2_start_join 3_exit_codes 4_zombie 5_cpu_count
        6_ctrl_c_children 7_fork_vs_spawn many_copies.sh)
    for step in "${steps[@]}"; do
        assert_line "-- step $step --"
    done
    run grep -n -- '^-- step' <<<"$output"
    assert_equal "$(sed 's/^[0-9]*:-- step \(.*\) --$/\1/' <<<"$output" | tr '\n' ' ')" "${steps[*]} "
    assert_equal "$(ls -A "$BATS_TEST_TMPDIR")" ""
}

# ------------------------------------------------------------ Python mirrors

# The deterministic part of a run: pids become P; notes and timings go.
deterministic() {
    grep -E -e '^==' -e 'exitcode' -e 'state' -e 'is gone' -e 'CPU' -e 'default' \
             -e 'has exited' -e 'done:' -e 'orphan' -e 'gone,' <<<"$1" |
        sed -E 's/(pid |parent |shell |worker |is |now |\/proc\/|waitpid\(|kill\()[0-9]+/\1P/g; s/ +/ /g'
}

@test "python: each step's mirror prints the same deterministic results as the C" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local step c_out
    for step in 2_start_join 3_exit_codes 4_zombie 5_cpu_count 6_ctrl_c_children; do
        run bounded 60 "$BIN/$step" 3>&-
        assert_success
        c_out=$output
        run bounded 60 python3 "$ROOT/01_process/$step.py" 3>&-
        assert_success
        [ "$(deterministic "$output")" = "$(deterministic "$c_out")" ] ||
            fail "$step: C and Python differ: $(diff <(deterministic "$c_out") <(deterministic "$output"))"
    done
}

@test "python: 1_fork_join.py: three children, each joined by its pid" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 60 python3 "$ROOT/01_process/1_fork_join.py" 3>&-
    assert_success
    assert_equal "$(grep -c '\] hello; my parent is' <<<"$output")" 3
    assert_equal "$(grep -c 'exit code 0$' <<<"$output")" 3
}

@test "python: 7_fork_vs_spawn.py times fork, spawn and forkserver, best of 3" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 120 python3 "$ROOT/01_process/7_fork_vs_spawn.py" -n 2 -q 3>&-
    assert_success
    local method
    for method in fork spawn forkserver; do
        assert_line --regexp "Process, \"$method\" +[0-9.]+ µs per process \(best of 3 rounds\)$"
    done
    assert_line --regexp "spawn took [0-9.]+ x the time of fork \(.*\), forkserver [0-9.]+ x \(.*\)$"
}

@test "python: the mirrors refuse bad input like the C" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run --separate-stderr python3 "$ROOT/01_process/2_start_join.py" -j 0
    assert_equal "$status" 2
    assert_equal "$output" ""
    assert_regex "$stderr" "^2_start_join.py: -j: "
    run --separate-stderr python3 "$ROOT/01_process/7_fork_vs_spawn.py" -n abc
    assert_equal "$status" 2
    assert_regex "$stderr" "^7_fork_vs_spawn.py: -n: 'abc' is not a whole number"
}
