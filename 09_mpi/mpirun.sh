#!/bin/sh
# SPDX-License-Identifier: MIT
# mpirun.sh - mpirun with the flags that a run on THIS machine needs, kept in
# one place: run.sh, the tests and 08_pi_montecarlo/speedup.sh --mpi start
# their MPI jobs through it.
#
# Usage: sh 09_mpi/mpirun.sh -np R PROGRAM [ARGS...]
#
# Open MPI (detected with mpirun --version) gets:
#   --allow-run-as-root  when run as root (containers, CI): Open MPI refuses
#                        root otherwise
#   --oversubscribe      allow more ranks than cores (a sweep to 2 x cores)
#   --bind-to none       let the kernel place the ranks, as it places pool
#                        workers (Open MPI pins each rank to one core when
#                        there are at most 2; on a machine shared with other
#                        jobs that can pin a rank to the busiest core)
#   -q                   no multi-line banner when a rank exits non-zero: the
#                        program's own one-line message is enough
#   OMPI_MCA_btl=self,vader        ranks talk through shared memory only (one
#                                  machine: no probing of network cards)
#   OMPI_MCA_btl_vader_single_copy_mechanism=none   no process_vm_readv,
#                                  which containers often forbid (a warning)
#   PMIX_MCA_gds=hash              quiets a PMIx warning in some containers
# Each variable is set only if you have not set it yourself. MPICH's mpirun
# (Hydra) runs as root, oversubscribes and leaves binding to the kernel by
# default, so it needs none of this and gets the arguments unchanged.
set -eu

if ! command -v mpirun >/dev/null 2>&1; then
    echo "mpirun.sh: mpirun not found: run 'make deps', or" \
         "'sudo apt-get install openmpi-bin libopenmpi-dev'" >&2
    exit 127
fi

if mpirun --version 2>&1 | grep -q 'Open MPI'; then
    set -- --oversubscribe --bind-to none -q "$@"
    if [ "$(id -u)" = 0 ]; then
        set -- --allow-run-as-root "$@"
    fi
    export OMPI_MCA_btl="${OMPI_MCA_btl:-self,vader}"
    export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"
    export PMIX_MCA_gds="${PMIX_MCA_gds:-hash}"
fi
exec mpirun "$@"
