#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# run-tests: alone (a private Slurm cluster: no other test file runs beside it)
# Chapter 10's steps against a private cluster started once for this file:
# the array, the combine equal to chapter 08 bit for bit, MPI under srun,
# the CPU counts under --cpus-per-task=1, a failed task cancelling the
# combine, a job cut off by the timeout, the README's outputs. Skips, saying
# why, where Slurm is not installed.

# Each step runs once here; the tests read the saved output (saved NAME).
setup_file() {
    load ../common/tests/helper
    load slurm_tests
    local why; why=$(slurm_missing)
    [ -z "$why" ] || skip "$why"
    export CLUSTER_DIR=$BATS_FILE_TMPDIR/cluster FORKLORE_SLURM_WORK=$BATS_FILE_TMPDIR
    cluster_up "$CLUSTER_DIR" >"$BATS_FILE_TMPDIR/up.out" 2>&1 || {
        cat "$BATS_FILE_TMPDIR/up.out" "$CLUSTER_DIR"/*.log >&3 2>/dev/null
        return 1
    }
    local name rc
    local -A runs=(
        [array]="1_job_array.sh" [combine]="2_combine.sh"
        [uneven]="2_combine.sh -n 3.3M --tasks 3 --seed 7" [mpi]="3_mpi_under_slurm.sh"
        [cpus]="4_cpus_per_task.sh" [failed]="5_what_happened.sh"
    )
    for name in "${!runs[@]}"; do
        rc=0
        # shellcheck disable=SC2086 # the command is split into words on purpose
        bounded 150 sh "$CHAPTER"/${runs[$name]} >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- || rc=$?
        echo "$rc" >"$BATS_FILE_TMPDIR/$name.status"
    done
}

teardown_file() {
    load ../common/tests/helper
    load slurm_tests
    [ ! -d "$CLUSTER_DIR" ] || cluster_down
}

setup() {
    load ../common/tests/helper
    load slurm_tests
    README=$CHAPTER/README.md
    export PATH=$PATH:/usr/sbin FORKLORE_SLURM_DIR=$CLUSTER_DIR SLURM_CONF=$CLUSTER_DIR/slurm.conf
}

saved() {
    output=$(cat "$BATS_FILE_TMPDIR/$1.out")
    status=$(cat "$BATS_FILE_TMPDIR/$1.status")
    mapfile -t lines <<<"$output"
}

# Chapter 08's estimate (the --csv column) for -j TASKS -n DARTS --seed S.
chapter08() {
    bounded 60 "$BIN/$PI_PROGRAM" -j "$1" -n "$2" --seed "$3" --csv 3>&- | awk -F, 'NR == 2 { print $4 }'
}

@test "step 1: an array of 4 tasks, each COMPLETED, each its own file and block range" {
    saved array
    assert_success
    [ "$(grep -c '^\[job [0-9]*_[0-3]\] COMPLETED, exit code 0:0' <<<"$output")" -eq 4 ]
    assert_line --regexp '^counts/task-0.txt: task=0 tasks=4 seed=1 blocks=0-99 darts=10000000 hits=[0-9]+$'
    assert_line --regexp '^counts/task-3.txt: task=3 tasks=4 seed=1 blocks=300-399 darts=10000000 hits=[0-9]+$'
}

@test "step 2: the combine job's estimate equals chapter 08's, bit for bit" {
    saved combine
    assert_success
    assert_line --regexp '^\[queue\] job [0-9]+: PENDING \(reason: Dependency\)$'
    local slurm; slurm=$(awk '/^combine:/ { print $NF }' <<<"$output")
    [ -n "$slurm" ]
    [ "$slurm" = "$(chapter08 2 40M 1)" ]
    assert_line "[compare] the same estimate: the blocks, not the machines, choose the darts"
}

@test "step 2: uneven shares (33 blocks over 3 tasks) still equal chapter 08" {
    saved uneven
    assert_success
    local slurm; slurm=$(awk '/^combine:/ { print $NF }' <<<"$output")
    [ "$slurm" = "$(chapter08 3 3.3M 7)" ]
}

@test "step 3: MPI under srun --mpi=pmix gives chapter 08's estimate" {
    [ -x "$BIN/$MPI_PROGRAM" ] || skip "$BIN/$MPI_PROGRAM is not built (no mpicc: make deps)"
    saved mpi
    assert_success
    local mpi; mpi=$(awk -F, '/^2,40000000,/ { print $4 }' <<<"$output")
    [ -n "$mpi" ]
    [ "$mpi" = "$(chapter08 2 40M 1)" ]
}

@test "step 4: granted 1 CPU, the affinity count says 1 and the online count says the node's" {
    saved cpus
    assert_success
    assert_line --regexp '^\[job pid [0-9]+\] SLURM_CPUS_PER_TASK: 1$'
    assert_line --regexp "^\[job pid [0-9]+\] online CPUs \(sysconf, os.cpu_count\(\)\): $(nproc --all)\$"
    assert_line --regexp '^\[job pid [0-9]+\] usable CPUs \(affinity, os.process_cpu_count\(\)\): 1$'
    # chapter 01's step, run in the same job: the library's own count
    assert_line --regexp '^\[parent [0-9]+\] workers for a CPU-bound pool \(cpus_for_pool\): +1$'
    assert_line --regexp "^\[parent [0-9]+\] Python's Pool\(\) default, up to 3.12 \(os.cpu_count\(\)\): +$(nproc --all)\$"
}

@test "step 5: a failed task (exit 3) gets the combine job cancelled, and the script says so" {
    saved failed
    assert_success
    assert_line --regexp '^\[job [0-9]+_1\] FAILED, exit code 3:0, elapsed [0-9:]+, reason NonZeroExitCode$'
    assert_line --regexp '^\[job [0-9]+\] CANCELLED, exit code 0:0, elapsed [0-9:]+, reason DependencyNeverSatisfied$'
    assert_line --regexp '^ *[0-9]+ +pi-combine +PENDING +Dependency$'
    assert_line --regexp '^\[jobcomp\] job [0-9]+_1 pi-flaky: FAILED, exit code 3:0, from '
    assert_line --regexp '^\[verdict\] task 1 failed, so afterok:[0-9]+ can never be met: Slurm cancelled job [0-9]+$'
}

@test "a job that outlives FORKLORE_JOB_TIMEOUT is cancelled and reported with its state" {
    # 4 tasks of 2.5G darts each: far more than the 1 s allowed.
    FORKLORE_JOB_TIMEOUT=1 run bounded 60 sh "$CHAPTER/1_job_array.sh" -n 10G 3>&-
    assert_failure 1
    assert_line --regexp '^1_job_array.sh: job [0-9]+ has not ended after 1 s: cancelling it$'
    # (tasks not yet split out of a pending array show as one line, job 16_0-3)
    assert_line --regexp '^\[job [0-9]+_[0-9]+(-[0-9]+)?\] (PENDING|RUNNING|CANCELLED|COMPLETING)'
    # ... and nothing of it stays in the queue.
    local tries=100
    until [ -z "$(squeue -h)" ]; do
        tries=$((tries - 1)); [ $tries -gt 0 ]; sleep 0.2
    done
}

@test "README: each step's output block matches a real run" {
    local name
    for name in array combine mpi cpus failed; do
        # step 3's program may not be built (no mpicc; make check's sanitizer build)
        [ "$name" != mpi ] || [ -x "$BIN/$MPI_PROGRAM" ] || continue
        saved "$name"
        readme_matches "$README" "$name"
    done
}
