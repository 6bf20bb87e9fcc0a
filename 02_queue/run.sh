#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - `make run-02`: producers and consumers, a consumer killed mid-work,
# what a queue call costs, then pipes and the pipe deadlock. BIN is set by
# the Makefile (the absolute path of build/bin).
set -e
"$BIN/queue"
"$BIN/queue" --kill-consumer
"$BIN/queue_cost"
"$BIN/pipe"
