#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - `make run-02`: the chapter's reading path, step by step: a pipe,
# the pipe deadlock and its fix, ping-pong, a shared queue with producers and
# consumers, a consumer killed mid-work, structs and results, the cost of a
# queue call; then JoinableQueue and Queue() with no maxsize. BIN is set by
# the Makefile (the absolute path of build/bin).
# shellcheck disable=SC1091 # steps.sh is sourced from the chapter folder
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_pipe_fifo
step 2_pipe_deadlock
step 3_pipe_drain
step 4_ping_pong
step 5_queue_workers
step 6_queue_kill
step 7_queue_results
step 8_queue_cost
# The extra steps after step 8: JoinableQueue, then an unbounded queue.
step joinable_kill
# And Queue() with no maxsize.
step unbounded_queue
