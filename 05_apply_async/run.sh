#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - chapter 05's reading path (make run-05), one banner per step.
# shellcheck source=../common/scripts/steps.sh disable=SC1091
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_async_by_hand
step 2_apply_vs_async
step 3_completion_order
step 4_get_timeout
step 5_heterogeneous
step 6_data_science
step 7_errors_crash
step 7_errors_crash --crash-task 5 || true # exits 1: a worker was lost
step 8_round_trip
