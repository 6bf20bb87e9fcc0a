#!/bin/sh
# SPDX-License-Identifier: MIT
# make run-03: the chapter's reading path, step by step.
# shellcheck disable=SC1091 # common/scripts/steps.sh, found at run time
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_map_by_hand
step 2_map_cube
step 3_chunk_trace
step 4_chunksize_sweep
step 5_uneven_schedule
step 6_word_count
step 7_map_speedup
# Step 8 fails on purpose (exit status 1): say so, and go on.
step 8_crashed_map || echo "(exit status $?: the map failed, as it should)"
# The extra step after step 8: imap and imap_unordered.
step imap_stream
