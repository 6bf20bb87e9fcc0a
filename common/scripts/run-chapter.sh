#!/bin/sh
# SPDX-License-Identifier: MIT
# run-chapter.sh - run one chapter's demo with a banner (make run-NN).
#
# Usage: run-chapter.sh NN|NN_name|plots BUILD_DIR
# A chapter's demo is its run.sh if it has one (most source
# common/scripts/steps.sh and run their reading path step by step), else
# every numbered program (N_name.c) in order, with a banner each.
# "plots" runs every chapter's plots.sh.
set -u
which=$1
build=$2
BIN=$(cd "$build/bin" 2>/dev/null && pwd) || BIN="$build/bin"
export BIN

if [ "$which" = plots ]; then
    status=0
    for script in [0-9][0-9]_*/plots.sh; do
        [ -f "$script" ] || continue
        echo "== plots: $script"
        sh "$script" || status=1
    done
    exit $status
fi

chapter=""
for dir in [0-9][0-9]_*/; do
    dir=${dir%/}
    case $dir in
        "$which" | "$which"_*) chapter=$dir; break ;;
    esac
done
if [ -z "$chapter" ]; then
    echo "run-$which: no chapter folder matches '$which' (try make help)" >&2
    exit 2
fi

title=$(sed -n '1s/^# *//p' "$chapter/README.md" 2>/dev/null)
printf '\n========================================================================\n'
printf ' %s: %s\n' "$chapter" "${title:-}"
printf '========================================================================\n'
if [ -f "$chapter/run.sh" ]; then
    exec sh "$chapter/run.sh"
fi
ran=0
# The numbered sources in numeric order (2_ before 10_); names have no spaces.
for source in $(cd "$chapter" && printf '%s\n' [0-9]*_*.c | sort -n); do
    [ -f "$chapter/$source" ] || continue
    program=${source%.c}
    printf '\n-- step %s --\n' "$program"
    "$BIN/$program" || exit 1
    ran=1
done
if [ $ran = 0 ]; then
    program=${chapter#*_}
    if [ -x "$BIN/$program" ]; then
        "$BIN/$program"
    else
        echo "(this chapter is not written yet: see $chapter/README.md)"
    fi
fi
