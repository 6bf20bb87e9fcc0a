#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - make run-07: chapter 07's reading path, step by step.
# shellcheck source=common/scripts/steps.sh
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_shared_counter_race
step 2_shared_counter_lock
step 3_shared_counter_atomic
step 4_false_sharing
step 5_zero_copy_array
step 6_named_segment
step 7_manager_server
# The extra step after step 7: a real Manager, its dict and list (common/manager.h).
step manager_dict
step 8_server_vs_shared_memory
# The extra step after step 8: Lock, RLock, Semaphore, Event, Condition, Barrier.
step sync_primitives
