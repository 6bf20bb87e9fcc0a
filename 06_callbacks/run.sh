#!/bin/sh
# SPDX-License-Identifier: MIT
# make run-06: chapter 06's reading path, step by step.
# shellcheck disable=SC1091 # steps.sh is found at run time
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_callback_by_hand
step 2_callback_in_parent -q
step 3_error_callback
step 4_worker_killed -q || echo "(exit status $?: a worker was killed, as asked; the rest went on)"
step 5_progress_line -q
step 6_slow_callback
step 7_callback_or_queue
