#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Chapter 10 without a cluster: bad input to every script and program (one
# line on stderr, exit 2, nothing on stdout), --help, a step with no cluster
# to talk to, the block thrower against chapter 08, the CPU counts in C and
# Python under taskset.

setup() {
    load ../common/tests/helper
    load slurm_tests
}

STEPS="1_job_array.sh 2_combine.sh 3_mpi_under_slurm.sh 4_cpus_per_task.sh 5_what_happened.sh"

@test "every step script: bad input is one line on stderr, exit 2, nothing on stdout" {
    local script args
    for script in $STEPS; do
        for args in "--bogus" "-n" "-n abc" "--tasks 0" "--tasks 100" "--seed 1M" "stray"; do
            # shellcheck disable=SC2086 # args is split into words on purpose
            run --separate-stderr bounded 10 sh "$CHAPTER/$script" $args 3>&-
            [ "$status" -eq 2 ] || { echo "$script $args: status $status"; return 1; }
            [ -z "$output" ] || { echo "$script $args: stdout '$output'"; return 1; }
            [ "${#stderr_lines[@]}" -eq 1 ] || { echo "$script $args: '$stderr'"; return 1; }
        done
    done
}

@test "every step script: --help prints its usage on stdout, exit 0" {
    local script
    for script in $STEPS; do
        run --separate-stderr bounded 10 sh "$CHAPTER/$script" --help 3>&-
        assert_success
        assert_line --partial "Usage: sh 10_slurm/$script"
        [ -z "$stderr" ]
    done
}

@test "cluster.sh: no command, or an unknown one: one line on stderr, exit 2" {
    local args
    for args in "" "sideways" "up down"; do
        # shellcheck disable=SC2086 # args is split into words on purpose
        run --separate-stderr bounded 10 sh "$CHAPTER/cluster.sh" $args 3>&-
        [ "$status" -eq 2 ] && [ -z "$output" ] && [ "${#stderr_lines[@]}" -eq 1 ]
    done
}

@test "a step with no cluster to talk to says so and how to start one, exit 1" {
    FORKLORE_SLURM_DIR=$BATS_TEST_TMPDIR/none SLURM_CONF=$BATS_TEST_TMPDIR/none.conf \
        run --separate-stderr bounded 30 sh "$CHAPTER/1_job_array.sh" 3>&-
    assert_failure 1
    [[ "$stderr" == *"no Slurm cluster answers (sinfo)"*"cluster.sh up"* ]]
}

@test "slurm_pi_blocks: bad input is one line on stderr, exit 2" {
    local args
    for args in "" "1" "4 4" "-1 4" "0 0" "x 4" "0 4 5" "-n 0 0 1" "--seed -1 0 1" "--bogus 0 1"; do
        # shellcheck disable=SC2086 # args is split into words on purpose
        run --separate-stderr bounded 10 "$BIN/slurm_pi_blocks" $args
        [ "$status" -eq 2 ] && [ -z "$output" ] && [ "${#stderr_lines[@]}" -eq 1 ] ||
            { echo "slurm_pi_blocks $args: status $status, '$output' '$stderr'"; return 1; }
    done
}

# The estimate column of chapter 08's --csv run.
csv_estimate() { awk -F, 'NR == 2 { print $4 }'; }

@test "slurm_pi_blocks: the tasks' hits add up to chapter 08's estimate, bit for bit" {
    # Uneven splits included: 33 blocks over 4 tasks, a last partial block.
    local darts tasks seed task sum hits expected got
    for case in "3.3M 4 7" "2050000 3 1" "40M 4 1"; do
        read -r darts tasks seed <<<"$case"
        sum=0
        for ((task = 0; task < tasks; task++)); do
            hits=$("$BIN/slurm_pi_blocks" -n "$darts" --seed "$seed" "$task" "$tasks" |
                sed 's/.* hits=//')
            sum=$((sum + hits))
        done
        got=$(awk -v h="$sum" -v d="$(numfmt --from=si "${darts}")" 'BEGIN { printf "%.10f", 4 * h / d }')
        expected=$(bounded 60 "$BIN/$PI_PROGRAM" -j "$tasks" -n "$darts" --seed "$seed" --csv 3>&- | csv_estimate)
        # Different hits would differ by 4/darts > 1e-10: %.10f tells them apart.
        [ "$got" = "$expected" ] || { echo "$case: $got, chapter 08 $expected"; return 1; }
    done
}

@test "slurm_cpus and slurm_cpus.py count the same CPUs under taskset -c 0" {
    command -v taskset >/dev/null || skip "taskset is not installed"
    command -v python3 >/dev/null || skip "python3 is not installed"
    local c py
    c=$(taskset -c 0 "$BIN/slurm_cpus" | sed 's/pid [0-9]*//' | head -n 3)
    py=$(taskset -c 0 python3 "$CHAPTER/slurm_cpus.py" | sed 's/pid [0-9]*//' | head -n 3)
    [ "$c" = "$py" ]
    [[ "$c" == *"usable CPUs (affinity, os.process_cpu_count()): 1"* ]]
}
