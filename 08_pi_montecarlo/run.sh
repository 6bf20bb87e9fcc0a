#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - chapter 08's reading path (make run-08), one banner per step:
# pi by hand, the fork + RNG bug, block streams (the same estimate for any
# worker count), the timed run, then a quick speedup sweep with its plot.
# shellcheck source=../common/scripts/steps.sh disable=SC1091
. "$(dirname "$0")/../common/scripts/steps.sh"
step 1_pi_by_hand
for w in 1 2 4; do
    step 2_same_seed -q --weak -j $w -n 5M
done
for w in 1 2 3; do
    step 3_block_streams -q -j $w -n 20M
done
step 3_block_streams -j 2 -n 20M
step 4_pi_timed -n 100M
step 4_pi_timed -q -n 100M --serial-fraction 0.2
# the sweep, a little smaller than its default: run-all stays quick
BIN=$STEPS_BIN DARTS=${DARTS:-40M} step_script speedup.sh
