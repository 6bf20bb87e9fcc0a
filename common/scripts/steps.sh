# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# steps.sh - sourced by a chapter's run.sh: run the chapter's reading path,
# one banner per step, so `make run-NN` shows where each program begins.
#
#   . "$(dirname "$0")/../common/scripts/steps.sh"
#   step 1_fork                 # $BIN/1_fork with no arguments
#   step 3_chunksize -n 100000  # arguments are passed on
#   step_script many_copies.sh  # a shell script of the chapter
#
# BIN is the absolute path of build/bin (set by run-chapter.sh).
set -eu
STEPS_HERE=$(cd "$(dirname "$0")" && pwd)
STEPS_BIN=${BIN:-$STEPS_HERE/../build/bin}

step_banner() {
    printf '\n-- step %s --\n' "$*"
}

# step PROGRAM [ARGS...]: banner, then run build/bin/PROGRAM.
step() {
    program=$1
    shift
    step_banner "$program${*:+ $*}"
    "$STEPS_BIN/$program" "$@"
}

# step_script SCRIPT [ARGS...]: banner, then run the chapter's SCRIPT with sh.
step_script() {
    script=$1
    shift
    step_banner "$script${*:+ $*}"
    sh "$STEPS_HERE/$script" "$@"
}
