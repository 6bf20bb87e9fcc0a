# SPDX-License-Identifier: MIT
# interrupt.bash - loaded by pipes.bats and queues.bats: Ctrl-C on the parent,
# and the two checks both files make of every step: a refused command line,
# and no process of a step left behind.

# refused NAME ARGS...: a usage error: exit 2, nothing on stdout, one line on
# stderr naming NAME.
refused() {
    local name=$1
    shift
    run --separate-stderr bounded 10 "$BIN/$name" "$@" 3>&-
    assert_failure 2
    assert_output ""
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ $stderr == *"try '$name --help'"* ]]
}

# nothing_left NAME: no process of this program is left (children die or are
# reaped).
nothing_left() {
    ! pgrep -f "^$BIN/$1( |$)" >/dev/null
}

# sigint_parent_alone N PROGRAM ARGS...: start PROGRAM, wait until its N
# children are at work, then send SIGINT to the parent alone (`kill -INT`,
# not a terminal's Ctrl-C, which reaches the whole process group, children
# included). It must die of SIGINT (exit status 130) and leave none of its
# children behind: not running (an orphan), not a zombie (nobody would reap
# it: pid 1 does not, on some machines). Output in $BATS_TEST_TMPDIR/out.
sigint_parent_alone() {
    local want=$1 program=$2 out=$BATS_TEST_TMPDIR/out
    shift 2
    # Without job control bash starts background jobs with SIGINT ignored
    # (and a program inherits that); env --default-signal undoes it.
    env --default-signal=INT "$BIN/$program" "$@" >"$out" 2>&1 3>&- &
    local pid=$! kids="" at_work=0 i
    # The event: all N children exist and each has had CPU time. Bounded
    # generously (30 s, times FORKLORE_TIME_SCALE): a loaded machine, ASan.
    for ((i = 0; i < 300 * ${FORKLORE_TIME_SCALE:-1}; i++)); do
        process_gone "$pid" && break
        at_work=$(children_at_work "$pid" | wc -l)
        [ "$at_work" -ge "$want" ] && break
        sleep 0.1
    done
    kids=$(children_of "$pid")
    if process_gone "$pid" || [ "$at_work" -lt "$want" ]; then
        # shellcheck disable=SC2086 # one pid a word
        kill -KILL "$pid" $kids 2>/dev/null || true
        wait "$pid" || true
        fail "$program $* had $at_work of its $want children at work when the signal was due"
    fi
    kill -INT "$pid"
    for i in $(seq 100); do # bounded: at most 10 s
        process_gone "$pid" && break
        sleep 0.1
    done
    if ! process_gone "$pid"; then
        kill -KILL "$pid"
        wait "$pid" || true
        fail "$program: still running 10 s after SIGINT"
    fi
    local status=0
    wait "$pid" || status=$?
    [ "$status" -eq 130 ] || fail "$program: exit $status after SIGINT, not 130: $(tail -n 3 "$out")"
    local kid
    for kid in $kids; do
        if [ -e "/proc/$kid" ]; then
            fail "$program: child $kid left behind (state $(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$kid/stat" 2>/dev/null))"
        fi
    done
    grep -q "SIGINT: stopping and reaping" "$out" || fail "$program: no 'stopping and reaping' line"
}
