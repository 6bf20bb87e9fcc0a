#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - chapter 10's reading path (make run-10), one banner per step, on a
# Slurm cluster: the one that answers sinfo if there is one, else the private
# one of cluster.sh, started here and stopped again at the end. Without Slurm
# it says so in one line, and what to run (exit 0: nothing else needs it).
# shellcheck source=../common/scripts/steps.sh disable=SC1091
. "$(dirname "$0")/../common/scripts/steps.sh"
cluster="sh $STEPS_HERE/cluster.sh"

if timeout 10 sinfo -h >/dev/null 2>&1; then
    echo "A Slurm cluster answers (sinfo): the steps run on it."
elif FORKLORE_SLURM_DIR="" $cluster status >/dev/null 2>&1; then
    echo "The private cluster of cluster.sh is up: the steps run on it."
elif ! PATH=$PATH:/usr/sbin command -v slurmctld >/dev/null 2>&1 ||
     ! PATH=$PATH:/usr/sbin command -v munged >/dev/null 2>&1; then
    echo "chapter 10 skipped: Slurm is not installed (slurmctld, munged): run 'make deps' as root, then 'make run-10'"
    exit 0
else
    FORKLORE_SLURM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/forklore-slurm.XXXXXX")
    export FORKLORE_SLURM_DIR SLURM_CONF="$FORKLORE_SLURM_DIR/slurm.conf"
    trap '$cluster down >/dev/null' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    step_script cluster.sh up
fi
step_script 1_job_array.sh
step_script 2_combine.sh
step_script 3_mpi_under_slurm.sh
step_script 4_cpus_per_task.sh
step_script 5_what_happened.sh
