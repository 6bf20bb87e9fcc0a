#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - chapter 01's demo (make run-01): the process program, then the
# same program-level parallelism from the shell.
set -e
here=$(dirname "$0")
"$BIN/process"
echo
sh "$here/many_copies.sh"
