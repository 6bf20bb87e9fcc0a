#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - chapter 01's reading path (make run-01): each step in README order,
# then the same program-level parallelism from the shell.
# shellcheck disable=SC1091 # steps.sh is found at run time, beside the chapters
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_fork_join
step 2_start_join
step 3_exit_codes
step 4_zombie
step 5_cpu_count
step 6_ctrl_c_children
step 7_fork_vs_spawn
step_script many_copies.sh
