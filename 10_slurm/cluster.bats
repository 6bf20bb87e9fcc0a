#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# run-tests: alone (a private Slurm cluster: no other test file runs beside it)
# cluster.sh: up gives an idle node that runs a job, status tells up from
# down, down leaves no process and no file. Skips, saying why, where Slurm
# is not installed.

setup_file() {
    load ../common/tests/helper
    load slurm_tests
    local why; why=$(slurm_missing)
    [ -z "$why" ] || skip "$why"
    export CLUSTER_DIR=$BATS_FILE_TMPDIR/cluster
}

setup() {
    load ../common/tests/helper
    load slurm_tests
    [ -z "$(slurm_missing)" ] || skip "$(slurm_missing)"
    export PATH=$PATH:/usr/sbin FORKLORE_SLURM_DIR=$CLUSTER_DIR SLURM_CONF=$CLUSTER_DIR/slurm.conf
}

# Whatever a failed test left running is stopped here.
teardown_file() {
    load ../common/tests/helper
    load slurm_tests
    [ ! -d "$CLUSTER_DIR" ] || cluster_down
}

@test "cluster.sh status: not up before up (exit 1)" {
    run bounded 20 sh "$CHAPTER/cluster.sh" status 3>&-
    assert_failure 1
    assert_output --partial "not up"
}

@test "cluster.sh up: one idle node with this machine's CPUs, and a job runs on it" {
    run cluster_up "$CLUSTER_DIR"
    assert_success
    assert_line --partial "up: 1 node"
    run bounded 20 sinfo -h -o '%T %c' 3>&-
    assert_output "idle $(nproc --all)"
    run bounded 30 srun --time=1 echo hello from a job 3>&-
    assert_success
    assert_output "hello from a job"
}

@test "cluster.sh up again: already up, the same cluster" {
    run cluster_up "$CLUSTER_DIR"
    assert_success
    assert_output --partial "already up"
}

@test "cluster.sh status: up (exit 0) with the node listed" {
    run bounded 20 sh "$CHAPTER/cluster.sh" status 3>&-
    assert_success
    assert_line --partial "up ($CLUSTER_DIR/slurm.conf)"
    assert_line --regexp "debug.* idle "
}

@test "cluster.sh down: a running job is stopped; no process and no file remain" {
    # A job still running when the cluster goes down.
    run bounded 20 sbatch --parsable --time=1 --output=/dev/null --wrap 'sleep 300' 3>&-
    assert_success
    local job=$output
    local tries=100
    until [ "$(squeue -h -j "$job" -o %T)" = RUNNING ]; do
        tries=$((tries - 1)); [ $tries -gt 0 ]; sleep 0.2
    done
    [ -n "$(cluster_processes "$CLUSTER_DIR")" ]
    run cluster_down
    assert_success
    assert_output --partial "down: daemons stopped"
    [ ! -e "$CLUSTER_DIR" ]
    run cluster_processes "$CLUSTER_DIR"
    assert_output ""
}

@test "cluster.sh down when not up: says so, exit 0" {
    run cluster_down
    assert_success
    assert_output --partial "not up"
}
