# SPDX-License-Identifier: MIT
# shellcheck shell=sh disable=SC2034
# programs.sh - the programs of other chapters that chapter 10 runs, named in
# this one place (sourced by jobs.sh, the tests and run.sh). Each is a file
# in build/bin; the job scripts get the names through the environment.
PI_PROGRAM=4_pi_timed    # chapter 08: -j W -n DARTS --seed S --csv
CPU_PROGRAM=5_cpu_count   # chapter 01: the library's CPU counts and pool size
MPI_PROGRAM=3_mpi_pi      # chapter 09: -n DARTS --seed S --csv, one rank per task
