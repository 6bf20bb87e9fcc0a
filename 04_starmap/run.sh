#!/bin/sh
# SPDX-License-Identifier: MIT
# make run-04: the chapter's reading path, step by step.
# shellcheck disable=SC1091 # common/scripts/steps.sh, found at run time
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_args_by_hand
step 2_starmap_pairs -j 2
step 3_parallel_for -j 2
step 4_task_cost -j 2
step 5_keep_fed
# Step 6 fails on purpose (exit status 1): say so, and go on.
step 6_crashed_task -j 2 || echo "(exit status $?: the call failed, as it should)"
step 7_map_async_callbacks -j 2
