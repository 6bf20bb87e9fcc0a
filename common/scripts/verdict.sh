# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# verdict.sh - common/verdict.h's rule for shell scripts: compare the best of
# several runs, conclude only past a 5 % margin, and name a busy machine.
# Sourced:   . "$top/common/scripts/verdict.sh"
#
#   verdict_compare 0.40 0.21 "2 ranks are faster" "2 ranks are slower"
#       -> 2 ranks are faster   (or "too close to call on this machine")
#   verdict_busy_note           -> "this machine is busy (load 3.02 on 2
#                                  CPUs): timings unreliable", or nothing

# verdict_compare A B B_WINS A_WINS: times in seconds, smaller is better.
verdict_compare() {
    awk -v a="$1" -v b="$2" -v bw="$3" -v aw="$4" 'BEGIN {
        if (b < a * (1 - 0.05)) print bw
        else if (b > a * (1 + 0.05)) print aw
        else print "too close to call on this machine"
    }'
}

# verdict_busy_note: the note when the one-minute load average is at least
# the usable CPUs (affinity: nproc), as verdict_busy() in C; else nothing.
verdict_busy_note() {
    [ -r /proc/loadavg ] || return 0
    awk -v cpus="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)" '
        { if ($1 >= cpus) printf "this machine is busy (load %.2f on %d CPU%s): timings unreliable\n",
                                 $1, cpus, cpus == 1 ? "" : "s" }' /proc/loadavg
}
