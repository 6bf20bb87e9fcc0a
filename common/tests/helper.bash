# SPDX-License-Identifier: MIT
# helper.bash - shared by every .bats file: `load "$ROOT/common/tests/helper"`.
# Loads bats-support and bats-assert, and defines BIN, TEST_BIN and helpers.

for _lib_dir in /usr/lib/bats /usr/local/lib /usr/lib /opt/homebrew/lib \
                "${BATS_LIB_PATH:-/nonexistent}"; do
    if [ -f "$_lib_dir/bats-support/load.bash" ] &&
       [ -f "$_lib_dir/bats-assert/load.bash" ]; then
        load "$_lib_dir/bats-support/load.bash"
        load "$_lib_dir/bats-assert/load.bash"
        break
    fi
done

bats_require_minimum_version 1.5.0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Python's own buffering, whatever the caller's environment says: with
# PYTHONUNBUFFERED=1 print() writes a line's text and its newline apart, and
# the lines of processes sharing a pipe (a Pool's workers, MPI ranks) come
# out interleaved mid-line; the tests compare whole lines.
unset PYTHONUNBUFFERED
BUILD=${BUILD:-$ROOT/build}
export BIN=$BUILD/bin
export TEST_BIN=$BUILD/test

# Every program under test that forks is bounded, so a hang fails the test.
# Usage: bounded SECONDS command...   (SIGKILL if SIGTERM is not enough)
bounded() {
    local seconds=$1
    shift
    timeout -k 2 "$seconds" "$@"
}

# Wait (up to $2 whole seconds, times FORKLORE_TIME_SCALE) until the
# command $1 succeeds: a test waits for an event, not a fixed time.
wait_until() {
    local tries=$((${2} * 20 * ${FORKLORE_TIME_SCALE:-1})) i
    for ((i = 0; i < tries; i++)); do
        eval "$1" && return 0
        sleep 0.05
    done
    eval "$1"
}

# Every process, one a line: PID STATE PPID PGRP SESSION UTIME STIME (from
# /proc/PID/stat, in one pass). Each file is read in awk's BEGIN: a process
# that ended after the glob is skipped (read as main input, mawk would stop
# at the first file it cannot open, and every process after it would be
# missed: on a busy machine, children "not there" and leftovers "gone").
proc_stats() {
    awk 'BEGIN {
        for (i = 1; i < ARGC; i++) {
            if ((getline line < ARGV[i]) <= 0)
                continue
            close(ARGV[i])
            sub(/^.*\) /, "", line) # after "pid (name) ": the name may hold ") "
            split(line, f, " ")
            split(ARGV[i], d, "/")
            print d[3], f[1], f[2], f[3], f[4], f[12], f[13]
        }
    }' /proc/[0-9]*/stat 2>/dev/null || true
}

# The pids of the processes whose parent is $1 (none when all were reaped).
children_of() {
    proc_stats | awk -v p="$1" '$3 == p { print $1 }'
}

# The children of $1 that have had CPU time: started and at work.
children_at_work() {
    proc_stats | awk -v p="$1" '$3 == p && $6 + $7 > 0 { print $1 }'
}

# The CPU time process $1 has had so far, in clock ticks (0 when gone).
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# The processes of session $1 (a program started with setsid and all it
# forked, zombies and orphans included).
session_members() {
    proc_stats | awk -v s="$1" '$5 == s { print $1 }'
}

# Is process $1 gone (or a zombie nobody has reaped yet)?
process_gone() {
    [ -r "/proc/$1/stat" ] || return 0
    local state
    state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 0
    [ -z "$state" ] || [ "$state" = Z ]
}

# help_and_refusals [--one-line] COMMAND_LINE...: an exercise's command line:
# $EX --help prints its usage, exit 0; each COMMAND_LINE (split into words)
# is refused: exit 2, nothing on stdout (with --one-line: and one line on
# stderr).
help_and_refusals() {
    local one_line=0 bad
    [ "$1" != --one-line ] || { one_line=1; shift; }
    run bounded 10 "$EX" --help 3>&-
    assert_success
    assert_line --partial "Usage:"
    for bad in "$@"; do
        # shellcheck disable=SC2086 # one command line, split into its words
        run --separate-stderr bounded 10 "$EX" $bad 3>&-
        [ "$status" -eq 2 ] || fail "$bad: status $status, expected 2"
        [ -z "$output" ] || fail "$bad: something on stdout"
        [ $one_line = 0 ] || [ "$(wc -l <<<"$stderr")" -eq 1 ] || fail "$bad: not one line on stderr"
    done
}

# usage_and_refusals [--try-help] NAME COMMAND_LINE...: a chapter program's
# command line: build/bin/NAME --help prints "Usage: NAME", exit 0; each
# COMMAND_LINE (split into words) is refused: exit 2, nothing on stdout, one
# line on stderr (with --try-help: "NAME: ... (try 'NAME --help')").
usage_and_refusals() {
    local try_help=0 name args
    [ "$1" != --try-help ] || { try_help=1; shift; }
    name=$1
    shift
    run --separate-stderr "$BIN/$name" --help
    assert_success
    assert_line --partial "Usage: $name"
    for args in "$@"; do
        # shellcheck disable=SC2086 # one command line, split into its words
        run --separate-stderr "$BIN/$name" $args
        [ "$status" -eq 2 ] && [ -z "$output" ] || { echo "$args: status $status"; return 1; }
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
        [ $try_help = 0 ] || [[ "$stderr" == "$name: "*"(try '$name --help')" ]]
    done
}

# mirror_lines_match COUNT KEEP DIR/PROGRAM [ARGS...]: run build/bin/PROGRAM
# and its Python mirror DIR/PROGRAM.py with ARGS; of the lines each prints
# as "[parent PID] ...", the ones that match KEEP (an extended regular
# expression, the prefix removed) must be COUNT lines, the same on both
# sides. Skips without python3.
mirror_lines_match() {
    local count=$1 keep=$2 path=$3 pick='s/^\[parent [0-9]+\] //p' c_out py_out
    shift 3
    command -v python3 >/dev/null || skip "python3 is not installed"
    c_out=$(bounded 30 "$BIN/${path##*/}" "$@" 3>&- | sed -nE "$pick" | grep -E "$keep")
    py_out=$(bounded 60 python3 "$ROOT/$path.py" "$@" 3>&- | sed -nE "$pick" | grep -E "$keep")
    [ "$(printf '%s\n' "$c_out" | wc -l)" -eq "$count" ] ||
        fail "${path##*/}: $(printf '%s\n' "$c_out" | wc -l) lines match '$keep', not $count: $c_out"
    [ "$c_out" = "$py_out" ] || { diff <(echo "$c_out") <(echo "$py_out"); return 1; }
}

# shm_left_since BEFORE: the /dev/shm names new since BEFORE (an earlier
# `ls /dev/shm | sort`) that no live process owns. A name ending in -PID
# whose process is alive belongs to a test running beside this one; a name
# whose owner just died is given 2 s to go (a tracker may still unlink it).
shm_left_since() {
    local before=$1 tries=40 left
    while left=$(comm -13 <(printf '%s\n' "$before") <(ls /dev/shm 2>/dev/null | sort) |
        while read -r f; do
            p=${f##*-}
            [[ $p =~ ^[0-9]+$ ]] && [ -d "/proc/$p" ] || echo "$f"
        done) && [ -n "$left" ] && [ $((tries -= 1)) -gt 0 ]; do
        sleep 0.05
    done
    printf '%s' "$left"
}

# sigint_to PID WHO: Ctrl-C to a program started with setsid: SIGINT to PID
# alone (WHO=parent) or to its whole process group (WHO=group, as a
# terminal sends it); it must end within 5 s, dying of SIGINT (status 130).
sigint_to() {
    local pid=$1 who=$2 i status=0
    if [ "$who" = group ]; then kill -INT -- -"$pid"; else kill -INT "$pid"; fi
    for i in $(seq 100); do
        process_gone "$pid" && break
        sleep 0.05
    done
    process_gone "$pid" || { kill -KILL -- -"$pid"; fail "still running 5 s after SIGINT"; }
    wait "$pid" || status=$?
    assert_equal "$status" 130
}

# The ```-fenced block that follows the line "<!-- expected-output: NAME -->"
# in a README.
readme_block() {
    local readme=$1 name=$2
    awk -v name="$name" '
        $0 ~ "<!-- expected-output: " name " -->" { armed = 1; next }
        armed && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }
    ' "$readme"
}

# Does $output (from `run`) match the README's expected-output block NAME?
# Both sides are normalised: every number becomes N and runs of spaces one
# space, so pids, timings and column widths may differ while every word,
# label and line must be there. A line "..." in the README stands for any
# number of lines (output whose length or order varies, e.g. interleaving).
# On a mismatch it prints both sides, normalised, for the test log.
readme_matches() {
    local readme=$1 name=$2 expected
    expected=$(readme_block "$readme" "$name")
    if [ -z "$expected" ]; then
        echo "no expected-output block named '$name' in $readme" >&2
        return 1
    fi
    local normalise='{ gsub(/[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/, "N"); gsub(/[ \t]+/, " "); sub(/ $/, ""); print }'
    local want got
    want=$(printf '%s\n' "$expected" | awk "$normalise")
    got=$(printf '%s\n' "$output" | awk "$normalise")
    if awk -v want="$want" -v got="$got" '
        BEGIN {
            nw = split(want, w, "\n"); ng = split(got, g, "\n")
            # m[i, j]: want[i..] matches got[j..]
            for (i = nw + 1; i >= 1; i--)
                for (j = ng + 1; j >= 1; j--) {
                    if (i > nw) m[i, j] = (j > ng)
                    else if (w[i] == "...") m[i, j] = m[i + 1, j] || (j <= ng && m[i, j + 1])
                    else m[i, j] = (j <= ng && w[i] == g[j] && m[i + 1, j + 1])
                }
            exit !m[1, 1]
        }'; then
        return 0
    fi
    echo "README block '$name' no longer matches the program's output." >&2
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
    return 1
}

# Every verdict a timed program may print (common/verdict.h's "too close to
# call" and each program's own two), as one extended regular expression.
VERDICT_PHRASES='too close to call on this machine'
VERDICT_PHRASES+='|fork \+ exec faster|posix_spawn faster|fork faster'
VERDICT_PHRASES+='|two pipes are faster|the socketpair is faster|batching is (faster|slower)'
VERDICT_PHRASES+='|bigger chunks are faster|chunksize 1 is faster|the fastest beat Python.s rule'
VERDICT_PHRASES+='|Python.s rule is faster|Python.s rule was the fastest|chunksize 1 was (faster|slower)'
VERDICT_PHRASES+='|one chunk each left a straggler|no straggler showed this time'
VERDICT_PHRASES+='|(faster|slower) than the loop|(faster|slower) than serial'
VERDICT_PHRASES+='|looking keeps the workers fed|looking costs more than it gains'
VERDICT_PHRASES+='|apply_async is (faster|slower)|the pool is (faster|slower)'
VERDICT_PHRASES+='|the pool is cheaper than the pipe|the pool costs more than the bare pipe'
VERDICT_PHRASES+='|the slow callback cost time|the slow callback run was faster'
VERDICT_PHRASES+='|the queue is faster|the callback is faster'
VERDICT_PHRASES+='|(shared memory|padding|partial counts|dict_add|yours) (is|are) (faster|slower)'
VERDICT_PHRASES+='|the atomic is (faster|slower)|2 ranks are (faster|slower)'
# Lines a timed program prints on some runs only, as the load decides: the
# busy note, and many_copies.sh's speedup above the CPUs.
LOAD_NOTES='this machine is busy|is the load changing between runs, not the work'

# readme_matches for a timed program: a README block shows one real run, so
# every verdict of VERDICT_PHRASES is made alike on both sides and the
# LOAD_NOTES lines are left out of both. Whether the verdict printed is the
# one its numbers support is for verdict_follows to check.
# Usage: readme_matches_any_verdict README NAME   (reads $output)
readme_matches_any_verdict() {
    local readme=$1 name=$2 tmp
    tmp=$(mktemp "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/README.XXXXXX")
    sed -E "s/($VERDICT_PHRASES)/VERDICT/g" "$readme" | grep -Ev "$LOAD_NOTES" >"$tmp"
    local got
    got=$(printf '%s\n' "$output" | grep -Ev "$LOAD_NOTES" | sed -E "s/($VERDICT_PHRASES)/VERDICT/g")
    local output=$got # for readme_matches; the caller's $output stays as it was
    readme_matches "$tmp" "$name"
}

# Does VERDICT say what the printed times A and B support, as
# verdict_compare(A, B, B_WINS, A_WINS) decides it: B_WINS when B is more
# than the margin below A, A_WINS when more than the margin above, else "too
# close to call on this machine"? The margin is 5 %, or SPREAD percent when
# that is larger (verdict_compare_pair: the runs' own spread). Each number
# stands for every value its printed digits round to (0.127 for 0.1265 to
# 0.1275): near the margin the program, comparing unrounded times, may have
# said either. A and B may be a ratio and 1 (a speedup A / B). On a
# mismatch it says why, for the test log.
# Usage: verdict_follows VERDICT B_WINS A_WINS A B [SPREAD]
verdict_follows() {
    local verdict=$1 b_wins=$2 a_wins=$3 a=$4 b=$5 spread=${6:-0} side
    case $verdict in
        "$b_wins") side=b ;;
        "$a_wins") side=a ;;
        "too close to call on this machine") side=close ;;
        *) echo "'$verdict' is none of '$b_wins', '$a_wins', too close to call" >&2; return 1 ;;
    esac
    awk -v side="$side" -v a="$a" -v b="$b" -v spread="$spread" '
        function half(x) { return index(x, ".") ? 0.5 / 10 ^ (length(x) - index(x, ".")) : 0.5 }
        function max(x, y) { return x > y ? x : y }
        BEGIN {
            if (a !~ /^[0-9]+(\.[0-9]+)?$/ || b !~ /^[0-9]+(\.[0-9]+)?$/ || spread !~ /^[0-9]+(\.[0-9]+)?$/) {
                print "not numbers: " a ", " b ", spread " spread > "/dev/stderr"; exit 1
            }
            # b == 1 exactly when A is a ratio
            alo = a - half(a); ahi = a + half(a)
            blo = b == "1" ? 1 : b - half(b); bhi = b == "1" ? 1 : b + half(b)
            mlo = max(0.05, (spread - (spread > 0 ? half(spread) : 0)) / 100)
            mhi = max(0.05, (spread + (spread > 0 ? half(spread) : 0)) / 100)
            if (side == "b") ok = blo < ahi * (1 - mlo)
            else if (side == "a") ok = bhi > alo * (1 + mlo)
            else ok = blo <= ahi * (1 + mhi) && bhi >= alo * (1 - mhi)
            if (!ok) print "times " a " and " b ", margin " mlo "-" mhi ": not " side > "/dev/stderr"
            exit !ok
        }'
}
