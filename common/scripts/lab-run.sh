#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lab-run.sh - how make lab (and make grade) runs a student's program: the
# exercise's checks call this script in its place (EXERCISE_BIN), and it runs
# the program, bounded, passing its output and exit status through. When the
# program crashes (SIGSEGV, SIGABRT, ...) or runs past LAB_TIMEOUT seconds,
# it notes that, with the number of the check that ran it, in LAB_EVENTS, so
# lab.sh can say so before any hint of that check.
#
# Usage: LAB_PROGRAM=path LAB_EVENTS=file [LAB_TIMEOUT=10] lab-run.sh ARGS...
# Signals a check sends on purpose (SIGTERM, SIGINT, SIGKILL) are no crash.
set -u
program=${LAB_PROGRAM:?LAB_PROGRAM names the program to run}
limit=${LAB_TIMEOUT:-10}
ulimit -c 0 2>/dev/null # a crash leaves no core file (and timeout says nothing of one)

note() {
    [ -n "${LAB_EVENTS:-}" ] && printf '%s\t%s\n' "${BATS_TEST_NUMBER:-0}" "$1" >>"$LAB_EVENTS"
    return 0
}

# timeout ends the program's whole process group, so a hung worker goes too;
# a program killed by a signal makes timeout die of the same signal. Only
# the program's stderr is kept: bash's own "Segmentation fault" line goes.
started=$SECONDS
{
    timeout -k 2 "$limit" "$program" "$@" 2>&8 8>&-
    status=$?
} 8>&2 2>/dev/null
# 137: killed by SIGKILL, by timeout's -k or by a check on purpose.
[ $status -eq 137 ] && [ $((SECONDS - started)) -ge "$limit" ] && status=124
case $status in
    124) note "timed out after $limit s"; exit 124 ;;
    132) note "crashed with SIGILL (illegal instruction)" ;;
    133) note "crashed with SIGTRAP (trace trap)" ;;
    134) note "crashed with SIGABRT (aborted: abort() or a failed assert)" ;;
    135) note "crashed with SIGBUS (bus error: a bad memory access)" ;;
    136) note "crashed with SIGFPE (arithmetic error: division by zero?)" ;;
    139) note "crashed with SIGSEGV (segmentation fault)" ;;
    152) note "used more CPU time than allowed (SIGXCPU): an endless loop?"; exit 124 ;;
    153) note "crashed with SIGXFSZ (wrote a file larger than allowed)" ;;
    159) note "crashed with SIGSYS (bad system call)" ;;
esac
exit $status
