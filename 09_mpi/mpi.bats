#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# run-tests: alone (mpirun starts ranks on every core: beside another test file, the ranks' output came interleaved mid-line)
# Tests of chapter 09, step by step: every rank says who it is (1), MPI_Bcast
# and MPI_Reduce give chapter 08's estimate (2, 3), bad input ends every rank
# with status 2 (no rank left waiting), --help, the cost of a reduce (4), the
# timed run of run.sh, the README of every step, the mpi4py mirrors. They
# skip, saying why, where MPI or the program is missing. Every mpirun is
# bounded: a rank waiting forever in a collective call fails the test.

setup() {
    load ../common/tests/helper
    README=$ROOT/09_mpi/README.md
    MPI_PI=$BIN/3_mpi_pi
    PI08=$BIN/4_pi_timed
    MPIRUN="sh $ROOT/09_mpi/mpirun.sh"
}

# Skip (saying why) where MPI or the program is missing.
need_mpi() {
    command -v mpirun >/dev/null ||
        skip "mpirun is not installed (make deps, or apt-get install openmpi-bin libopenmpi-dev)"
    [ -x "$MPI_PI" ] || skip "$MPI_PI is not built (the Makefile builds it only where mpicc exists)"
}

# The estimate column of a --csv run.
csv_estimate() { printf '%s\n' "$1" | awk -F, 'NR == 2 { print $4 }'; }

# The README's host name in place of this machine's, in $output.
readme_host() {
    local host
    host=$(readme_block "$README" "$1" | sed -n 's/.* host \([^) ]*\).*/\1/p' | head -n 1)
    output=$(sed -E "s/ host [^) ]+/ host $host/" <<<"$output")
}

@test "1_mpi_hello: one line per rank, each its own process, ranks 0 to R-1 of R" {
    need_mpi
    run bounded 30 $MPIRUN -np 3 "$BIN/1_mpi_hello" 3>&-
    assert_success
    assert_equal "${#lines[@]}" 3
    for r in 0 1 2; do
        assert_line --regexp "^\[rank $r of 3 pid [0-9]+\] hello from host [^ ]+$"
    done
    [ "$(sed -n 's/.* pid \([0-9]*\)\].*/\1/p' <<<"$output" | sort -u | wc -l)" -eq 3 ]
}

@test "README: the expected output of 1_mpi_hello matches" {
    need_mpi
    run bounded 30 $MPIRUN -np 2 "$BIN/1_mpi_hello" 3>&-
    assert_success
    readme_host hello
    readme_matches "$README" hello
}

@test "2_mpi_pi_reduce: 1, 2 and 3 ranks sum chapter 08's hits for 20M darts; each rank's hits add up" {
    need_mpi
    run bounded 60 "$PI08" -q -j 2 -n 20M 3>&-
    assert_success
    for ranks in 1 2 3; do
        run bounded 60 $MPIRUN -np $ranks "$BIN/2_mpi_pi_reduce" 3>&-
        assert_success
        assert_line --regexp "^\[rank 0 pid [0-9]+\] MPI_Reduce: 15707355 of 20000000 darts inside, from $ranks ranks?: pi ~ 3.1414710$"
        run awk '/blocks [0-9]+ to [0-9]+:/ { h += $(NF - 4); d += $(NF - 2); n++ } END { print n, h, d }' <<<"$output"
        assert_output "$ranks 15707355 20000000"
    done
}

@test "README: the expected output of 2_mpi_pi_reduce matches" {
    need_mpi
    run bounded 60 $MPIRUN -np 2 "$BIN/2_mpi_pi_reduce" 3>&-
    assert_success
    readme_matches "$README" reduce
}

@test "4_mpi_reduce_cost: the hits of 20M darts, a reduce and the work timed, the 10 % point" {
    need_mpi
    run bounded 60 $MPIRUN -np 2 "$BIN/4_mpi_reduce_cost" 3>&-
    assert_success
    assert_line --regexp '^\[rank 0 pid [0-9]+\] 20000000 darts on 2 ranks: 15707355 inside$'
    assert_line --regexp 'one MPI_Reduce of 8 bytes: [0-9.]+ us \(median of 101\); the work of one rank: [0-9.]+ s$'
    assert_line --regexp 'the reduce would cost 10 % of the work below about [0-9]+ darts per rank$'
    readme_matches "$README" cost
}

@test "3_mpi_pi: --help prints usage on stdout (rank 0 only) and every rank exits 0" {
    need_mpi
    run --separate-stderr bounded 30 $MPIRUN -np 2 "$MPI_PI" --help 3>&-
    assert_success
    assert_line --index 0 --partial "Usage: 3_mpi_pi [-n DARTS]"
    assert_line --index 0 --partial "(run by mpirun -np R)"
    # printed once, by rank 0
    [ "$(grep -c '^Usage:' <<<"$output")" -eq 1 ]
    [ -z "$stderr" ]
}

@test "3_mpi_pi: 1 and 2 ranks give chapter 08's estimate for the same seed and darts" {
    need_mpi
    run bounded 30 "$PI08" --csv -j 2 -n 3.3M --seed 7 3>&-
    assert_success
    local expected; expected=$(csv_estimate "$output")
    for ranks in 1 2; do
        run bounded 30 $MPIRUN -np $ranks "$MPI_PI" --csv -n 3.3M --seed 7 3>&-
        assert_success
        assert_line --index 0 "workers,darts,seconds,estimate,error"
        assert_line --index 1 --regexp "^$ranks,3300000,"
        assert_equal "$(csv_estimate "$output")" "$expected"
    done
}

@test "3_mpi_pi: 3 ranks (more than the cores), and more ranks than blocks, still agree" {
    need_mpi
    run bounded 30 "$PI08" --csv -j 1 -n 250K --seed 3 3>&-
    local expected; expected=$(csv_estimate "$output")
    run bounded 30 $MPIRUN -np 3 "$MPI_PI" --csv -n 250K --seed 3 3>&-
    assert_success
    assert_equal "$(csv_estimate "$output")" "$expected"
    # 2 blocks (100000 + 100000 darts), 3 ranks: one rank has nothing to throw
    run bounded 30 "$PI08" -q -j 1 -n 200K 3>&-
    local summary; summary=$(sed -n 's/^[^:]*: \(pi ~ .*darts\) in .*/\1/p' <<<"$output")
    [ -n "$summary" ]
    run bounded 30 $MPIRUN -np 3 "$MPI_PI" -n 200K 3>&-
    assert_success
    assert_line --partial "rank 0 (pid"
    assert_line --regexp '\): got -n 200000; no blocks to throw$'
    assert_line --partial "3_mpi_pi: $summary in "
}

@test "3_mpi_pi: every rank reports its pid, host and share to rank 0; the shares add up" {
    need_mpi
    run bounded 30 $MPIRUN -np 2 "$MPI_PI" -n 1.5M 3>&-
    assert_success
    assert_line --index 0 --regexp '^\[rank 0 pid [0-9]+\] pi by Monte Carlo with MPI: 1500000 darts, 2 ranks, seed 1; 15 blocks of up to 100000 darts, block k from stream k$'
    assert_line --regexp '^\[rank 0 pid [0-9]+\] rank 0 \(pid [0-9]+ on host [^ ]+\): got -n 1500000; blocks 0 to 6, 700000 darts in '
    assert_line --regexp '^\[rank 0 pid [0-9]+\] rank 1 \(pid [0-9]+ on host [^ ]+\): got -n 1500000; blocks 7 to 14, 800000 darts in '
    # two different processes
    local pids; pids=$(sed -n 's/.*\] rank [0-9] (pid \([0-9]*\) on host.*/\1/p' <<<"$output" | sort -u | wc -l)
    [ "$pids" -eq 2 ]
}

@test "3_mpi_pi: bad input: rank 0 says so in one line, all ranks exit 2, nothing hangs" {
    need_mpi
    for args in "-n 0" "-n -1" "-n abc" "-n 12abc" "-n 99999999999999999999" "--seed x" \
                "--unknown" "-j 2" "stray"; do
        # shellcheck disable=SC2086
        run --separate-stderr bounded 30 $MPIRUN -np 3 "$MPI_PI" $args 3>&-
        assert_equal "$status" 2
        [ -z "$output" ]
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
        [[ $stderr == "3_mpi_pi: "*"(try '3_mpi_pi --help')" ]]
    done
    run --separate-stderr bounded 30 $MPIRUN -np 2 "$MPI_PI" -n "" 3>&-
    assert_equal "$status" 2
    [[ $stderr == "3_mpi_pi: invalid value '' for -n: not a number"* ]]
    run --separate-stderr bounded 30 $MPIRUN -np 2 "$MPI_PI" -n 3>&-
    assert_equal "$status" 2
    [[ $stderr == "3_mpi_pi: option '-n' needs a value"* ]]
    [ -z "$output" ]
}

@test "3_mpi_pi: no rank is left behind after bad input" {
    need_mpi
    run bounded 30 $MPIRUN -np 3 "$MPI_PI" -n 0 3>&-
    assert_equal "$status" 2
    # mpirun returned, so its ranks are gone; check no 3_mpi_pi of ours remains
    run pgrep -f -- "$MPI_PI -n 0"
    assert_failure
}

@test "README: the expected output of 3_mpi_pi with 2 ranks matches" {
    need_mpi
    run bounded 60 $MPIRUN -np 2 "$MPI_PI" -n 20M 3>&-
    assert_success
    # The host name is the machine's: put the README's in its place.
    local host
    host=$(readme_block "$README" run | sed -n 's/.* on host \([^)]*\)).*/\1/p' | head -n 1)
    output=$(sed "s/ on host [^)]*)/ on host $host)/" <<<"$output")
    readme_matches "$README" run
}

@test "README: the expected --csv output matches" {
    need_mpi
    run bounded 30 $MPIRUN -np 2 "$MPI_PI" --csv -n 1M 3>&-
    assert_success
    readme_matches "$README" csv
}

@test "README: the expected bad-input output matches" {
    need_mpi
    run bounded 30 sh -c "$MPIRUN -np 2 $MPI_PI -n 12abc 2>&1; echo \"exit status \$?\"" 3>&-
    readme_matches "$README" bad-input
}

@test "run.sh: says how to get MPI when 3_mpi_pi is missing, exit 0" {
    run bounded 30 env BIN="$BATS_TEST_TMPDIR" sh "$ROOT/09_mpi/run.sh" 3>&-
    assert_success
    assert_line --partial "make deps"
    assert_line --partial "sudo apt-get install openmpi-bin libopenmpi-dev"
}

@test "run.sh: every step, then 1 and 2 ranks best of 3, the same estimate, a speedup and a verdict" {
    need_mpi
    run bounded 90 env BIN="$BIN" DARTS=20M sh "$ROOT/09_mpi/run.sh" 3>&-
    assert_success
    for step in 1_mpi_hello 2_mpi_pi_reduce "3_mpi_pi -n 20M" 4_mpi_reduce_cost; do
        assert_line -- "-- step mpirun -np 2 $step --"
    done
    assert_line --regexp '^1 rank : [0-9.]+ s, 2 ranks: [0-9.]+ s \(best of 3 each\), pi ~ 3\.[0-9]{7} with both$'
    assert_line --regexp '^speedup [0-9.]+, parallel efficiency [0-9.]+ \(1.00 is perfect\): (2 ranks are faster|2 ranks are slower|too close to call on this machine)$'
    assert_line "the same estimate with 1 and 2 ranks: the blocks, not the ranks, choose the darts"
}

@test "speedup.sh --mpi: chapter 08's sweep adds a series of MPI ranks with the same estimates" {
    need_mpi
    local out=$BATS_TEST_TMPDIR/results
    # one run per point (MAX_REPEATS=1: no point is measured again)
    run bounded 120 env BIN="$BIN" OUT="$out" DARTS=300K REPEATS=1 MAX_REPEATS=1 MAX_WORKERS=2 \
        sh "$ROOT/08_pi_montecarlo/speedup.sh" --mpi 3>&-
    assert_success
    assert_line "== the same darts with MPI ranks instead of pool workers (09_mpi/3_mpi_pi) =="
    run awk -F, 'NR > 1 { printf "%s ", $1 }' "$out/speedup-mpi.csv"
    assert_output "1 2 "
    # every run of either kind, pool or MPI, found the same estimate
    run awk -F, 'NR > 1 && $1 != "serial" && $1 != "weak" { print $6 }' "$out/runs.csv"
    [ "$(sort -u <<<"$output" | wc -l)" -eq 1 ]
    [ "$(wc -l <<<"$output")" -eq 4 ]
    if command -v gnuplot >/dev/null; then
        [ -s "$out/speedup.png" ]
    fi
}

@test "speedup.sh: an unknown argument is refused with exit 2" {
    run --separate-stderr bounded 30 env BIN="$BIN" sh "$ROOT/08_pi_montecarlo/speedup.sh" --bogus 3>&-
    assert_equal "$status" 2
    [[ $stderr == *"unknown argument '--bogus'"* ]]
}

# An interpreter that has mpi4py: python3, or the system's (pyenv may shadow it).
mpi4py_python() {
    local py
    for py in python3 /usr/bin/python3; do
        if command -v "$py" >/dev/null && "$py" -c 'import mpi4py' 2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
    return 1
}

@test "3_mpi_pi.py: the mpi4py mirror prints the same hits and estimate as C" {
    need_mpi
    local py; py=$(mpi4py_python) || skip "mpi4py is not installed (apt-get install python3-mpi4py)"
    local deterministic='/darts inside|standard errors|^== |no blocks|got -n/ { sub(/^\[rank 0 pid [0-9]+\] /, ""); sub(/\(pid [0-9]+ on host [^)]*\)/, ""); sub(/ in [0-9.]+ s$/, ""); print }'
    run bounded 30 $MPIRUN -np 3 "$MPI_PI" -n 150K --seed 3 3>&-
    assert_success
    local c; c=$(awk "$deterministic" <<<"$output")
    run bounded 120 $MPIRUN -np 3 "$py" "$ROOT/09_mpi/3_mpi_pi.py" -n 150K --seed 3 3>&-
    assert_success
    assert_equal "$(awk "$deterministic" <<<"$output")" "$c"
    # bad input: one line, every rank exits 2
    run --separate-stderr bounded 60 $MPIRUN -np 2 "$py" "$ROOT/09_mpi/3_mpi_pi.py" -n 12abc 3>&-
    assert_equal "$status" 2
    [ -z "$output" ]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "1, 2 and 4 .py: the mpi4py mirrors of the other steps" {
    need_mpi
    local py; py=$(mpi4py_python) || skip "mpi4py is not installed (apt-get install python3-mpi4py)"
    run bounded 60 $MPIRUN -np 2 "$py" "$ROOT/09_mpi/1_mpi_hello.py" 3>&-
    assert_success
    assert_line --regexp '^\[rank 1 of 2 pid [0-9]+\] hello from host [^ ]+$'
    # step 2 throws 500K darts: the hits of the C program for 500K
    run bounded 30 $MPIRUN -np 2 "$MPI_PI" -n 500K 3>&-
    local inside; inside=$(sed -n 's/.*\] \([0-9]*\) of 500000 darts inside.*/\1/p' <<<"$output")
    [ -n "$inside" ]
    run bounded 120 $MPIRUN -np 2 "$py" "$ROOT/09_mpi/2_mpi_pi_reduce.py" 3>&-
    assert_success
    assert_line --regexp "MPI_Reduce: $inside of 500000 darts inside, from 2 ranks: pi ~ "
    run bounded 120 $MPIRUN -np 2 "$py" "$ROOT/09_mpi/4_mpi_reduce_cost.py" 3>&-
    assert_success
    assert_line --regexp "500000 darts on 2 ranks: $inside inside$"
    assert_line --regexp 'the reduce would cost 10 % of the work below about [0-9]+ darts per rank$'
}
