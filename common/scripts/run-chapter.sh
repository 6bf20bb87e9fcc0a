#!/bin/sh
# SPDX-License-Identifier: MIT
# run-chapter.sh - run one chapter's demo with a banner (make run-NN).
#
# Usage: run-chapter.sh NN|NN_name|plots BUILD_DIR
# A chapter's demo is its run.sh if it has one, else its main program with
# default arguments. "plots" runs every chapter's plots.sh.
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
program=${chapter#*_}
if [ -f "$chapter/run.sh" ]; then
    sh "$chapter/run.sh"
elif [ -x "$BIN/$program" ]; then
    "$BIN/$program"
else
    echo "(this chapter is not written yet: see $chapter/README.md)"
fi
