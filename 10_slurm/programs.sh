# SPDX-License-Identifier: MIT
# shellcheck shell=sh disable=SC2034
# programs.sh - the programs of other chapters that chapter 10 runs, named in
# this one place (sourced by jobs.sh, the tests and run.sh). Each is a file
# in build/bin; the job scripts get the names through the environment.
PI_PROGRAM=pi_montecarlo # chapter 08: -j W -n DARTS --seed S --csv
MPI_PROGRAM=mpi_pi       # chapter 09: -n DARTS --seed S --csv, one rank per task
