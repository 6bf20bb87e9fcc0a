/* SPDX-License-Identifier: MIT */
/*
 * 1_mpi_hello.c - an MPI job is R copies of one program, started by a
 * launcher; each copy (a rank) learns its number and the rank count.
 *
 * Python: from mpi4py import MPI
 *         comm = MPI.COMM_WORLD
 *         print(comm.Get_rank(), comm.Get_size(), MPI.Get_processor_name())
 * Usage: mpirun -np R 1_mpi_hello     (or sh 09_mpi/mpirun.sh -np 2 ...)
 * Look for: one line per rank, each with its own pid, in any order: nobody
 * forked them, mpirun started R separate programs.
 */
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    /* Connect to the other ranks. MPI calls need no checks here: the
     * default error handler, MPI_ERRORS_ARE_FATAL, aborts the whole job. */
    MPI_Init(&argc, &argv);
    int rank, ranks, length;
    char host[MPI_MAX_PROCESSOR_NAME];
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);  /* comm.Get_rank() */
    MPI_Comm_size(MPI_COMM_WORLD, &ranks); /* comm.Get_size() */
    MPI_Get_processor_name(host, &length); /* the machine this rank runs on */
    printf("[rank %d of %d pid %ld] hello from host %s\n", rank, ranks, (long)getpid(), host);
    MPI_Finalize(); /* mpi4py calls it at exit */
    return 0;
}
