#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lab.sh - make lab EX=03.1: build the student's version of an exercise from
# handouts/ and run that exercise's checks, each as pass/fail with a hint.
# Never shows the solution. Exit 0 only when every check passes.
set -u
cd "$(dirname "$0")/../.." || exit 1
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
chapter=${source%%/*}
name=$(basename "$source" .c)
handout=${HANDOUTS:-handouts}/$chapter/$name.c
if [ ! -f "$handout" ]; then
    echo "lab: $handout does not exist yet: run 'make handouts' first, then edit it" >&2
    exit 2
fi
mkdir -p "$build/lab"
binary=$build/lab/$name
echo "== building your $handout"
# CFLAGS and LDFLAGS as for make (the library must be built the same way).
# shellcheck disable=SC2086 # flags are lists of words
if ! ${CC:-cc} -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -std=c11 \
    -Wall -Wextra -Wpedantic ${CFLAGS:--O2 -g} "$handout" "$build/lib/libcommon.a" \
    ${LDFLAGS:-} -lm -pthread -o "$binary"; then
    echo "lab $ex: it does not compile yet: fix the errors above" >&2
    exit 1
fi
echo "== checking exercise $ex ($name)"
EXERCISE_BIN=$(realpath "$binary") BUILD=$(realpath "$build") \
    bats --formatter pretty "${source%.c}.bats"
status=$?
if [ $status -eq 0 ]; then
    echo "lab $ex: every check passes. Well done."
else
    echo "lab $ex: some checks fail; read each hint above, change your code, run 'make lab EX=$ex' again."
fi
exit $status
