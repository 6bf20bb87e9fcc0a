#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lab.sh - make lab EX=03.1: build the student's version of an exercise from
# handouts/ and run that exercise's checks, each as pass/fail with a hint.
# Never shows the solution. Exit 0 only when every check passes.
#
# The build treats the project's warnings as errors (a missing #include stops
# it with the compiler's own message); only the unused-parameter and
# unused-function warnings are off, since untouched stubs have both. A
# header beside the exercise's source (07's named_segment.h) is found there.
# The checks run the program through lab-run.sh, so a crash or a hang is
# named, with the check it happened in, before that check's hints. Colour only on a
# terminal, and never when NO_COLOR is set.
#
# Environment: HANDOUTS (default handouts), LAB_TIMEOUT (seconds one run of
# the program may take, default 10), LAB_RESULT (a file that receives one
# line "PASSED TOTAL VERDICT", for make grade), CC, CFLAGS, LDFLAGS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
ex=${1:-}
build=${2:-build}
if [ -z "$ex" ]; then
    echo "usage: make lab EX=NN.K   (e.g. make lab EX=03.1; the exercises:" \
        "make handouts, then ls handouts/*/)" >&2
    exit 2
fi
mapfile -t sources < <(ls [0-9][0-9]_*/exercises/"$ex"_*.c 2>/dev/null)
if [ ${#sources[@]} -ne 1 ]; then
    echo "lab: no exercise $ex (they are named like 03.1: see the chapter READMEs)" >&2
    exit 2
fi
source=${sources[0]}
checks=${source%.c}.bats
chapter=${source%%/*}
name=$(basename "$source" .c)
handout=${HANDOUTS:-handouts}/$chapter/$name.c
if [ ! -f "$handout" ]; then
    echo "lab: $handout does not exist yet: run 'make handouts' first, then edit it" >&2
    exit 2
fi
# shellcheck disable=SC1091 # bats-path.sh is found at run time, beside this script
. "$here/bats-path.sh"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    red=$'\e[31m' green=$'\e[32m' bold=$'\e[1m' off=$'\e[0m' cc_colour=-fdiagnostics-color=auto
else
    red="" green="" bold="" off="" cc_colour=-fdiagnostics-color=never
fi
total=$(bats --count "$checks" 2>/dev/null) || total=0
result() { [ -z "${LAB_RESULT:-}" ] || printf '%s %s %s\n' "$1" "$total" "$2" >"$LAB_RESULT"; }

mkdir -p "$build/lab"
binary=$build/lab/$name
echo "== building your $handout"
# CFLAGS and LDFLAGS as for make (the library must be built the same way).
# shellcheck disable=SC2086 # flags are lists of words
if ! ${CC:-cc} -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -I"$(dirname "$source")" -std=c11 \
    -Wall -Wextra -Wpedantic -Werror -Werror=implicit-function-declaration \
    -Wno-unused-parameter -Wno-unused-function "$cc_colour" \
    ${CFLAGS:--O2 -g} "$handout" "$build/lib/libcommon.a" \
    ${LDFLAGS:-} -lm -pthread -o "$binary"; then
    echo "${red}lab $ex: it does not compile yet: fix the errors above${off}" >&2
    result 0 "does not compile"
    exit 1
fi

echo "== checking exercise $ex ($name)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
events=$work/events
: >"$events"
# Print bats's TAP as a student reads it: each check passed or failed, and
# under a failed one first what happened to the program, then its hints.
show() {
    local line n quote=0
    while IFS= read -r line; do
        # bats quotes the failing command (`fail "..."' failed), maybe over
        # several lines: the hint itself follows, so the quote is left out.
        if [ $quote = 1 ] || [[ $line == "#   \`"* ]]; then
            [[ $line == *"' failed" ]] && quote=0 || quote=1
            continue
        fi
        case $line in
            "ok "*)
                n=${line#ok }
                printf ' %s✓%s %s\n' "$green" "$off" "${n#* }" ;;
            "not ok "*)
                n=${line#not ok }
                printf ' %s✗ %s%s\n' "$red" "${n#* }" "$off"
                awk -F '\t' -v n="${n%% *}" -v t="${n#* }" \
                    '$1 == n && !seen[$2]++ { printf "   %syour program %s in test \"%s\"%s\n", b, $2, t, o }' \
                    b="$bold" o="$off" "$events" ;;
            # where in the .bats file it failed: the check's name says enough
            "# (in test file "* | "# (from function "* | "#  in test file "*) ;;
            "# "*) printf '   %s\n' "${line#\# }" ;;
        esac
    done
}
EXERCISE_BIN=$here/lab-run.sh LAB_PROGRAM=$(realpath "$binary") LAB_EVENTS=$events \
    BUILD=$(realpath "$build") bats --tap "$checks" 2>&1 | tee "$work/tap" | show
status=${PIPESTATUS[0]}
passed=$(grep -c '^ok ' "$work/tap")

if [ "$status" -eq 0 ]; then
    echo "${green}lab $ex: every check passes. Well done.${off}"
    result "$passed" ok
    exit 0
fi
first=$(awk -F '\t' 'NR == 1 { print $2 }' "$events")
first_test=$(awk -F '\t' 'NR == 1 { print $1 }' "$events")
first_test=$(sed -n "s/^not ok $first_test //p" "$work/tap")
case $first in
    "timed out"* | *SIGXCPU*) verdict="timed out" ;;
    "crashed with "*) verdict=${first#crashed with }; verdict="crashed (${verdict%% *})" ;;
    *) verdict=wrong ;;
esac
echo "${red}lab $ex: $passed of $total checks pass.${off}"
if [ -n "$first" ]; then
    echo "${bold}lab $ex: your program $first${first_test:+ in test \"$first_test\"}: fix that first.${off}"
fi
echo "lab $ex: read each hint above, change your code, run 'make lab EX=$ex' again."
result "$passed" "$verdict"
exit 1
