/* SPDX-License-Identifier: MIT */
/*
 * 3_mpi_pi.c - the whole job with MPI: rank 0 alone reads the command line
 * and tells every rank to go on or stop (a collective nobody else calls
 * hangs the job), the ranks throw their blocks on one clock (MPI_Barrier,
 * MPI_Wtime), MPI_Reduce sums the hits, and MPI_Gather brings each rank's
 * report (pid, host, blocks, time) to rank 0, the only rank that prints.
 *
 * Python: reports = comm.gather((os.getpid(), MPI.Get_processor_name(), ...))
 * Usage: mpirun -np R 3_mpi_pi [-n DARTS] [--seed S] [--csv] [-q]
 * Look for: chapter 08's estimate for the same seed and darts, with any R;
 * one line per rank, never interleaved; bad input ends every rank with 2.
 */
#include <inttypes.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#include "mpi_blocks.h"
#include "mpi_options.h"
#include "verdict.h"

/* What each rank tells rank 0 (MPI_Gather), as bytes: fine while every
 * machine lays it out the same (MPI's derived datatypes convert otherwise). */
struct rank_report {
    char host[MPI_MAX_PROCESSOR_NAME];
    long pid;
    long long darts_received; /* -n as this rank got it from MPI_Bcast */
    struct share share;
    double seconds;
};

#define VERDICT_GO (-1) /* the first broadcast: go on, or stop with a status */
static bool verdict_sent;

/* opts.h ends bad input with exit(2), --help with exit(0): right for a lone
 * program, but here the other ranks already wait in MPI_Bcast for rank 0's
 * verdict. exit() runs the on_exit() functions first, with the status, so
 * rank 0 registers this one: if no verdict was sent yet, the others get the
 * status rank 0 leaves with (glibc's on_exit: atexit's gets no status). */
static void release_other_ranks(int status, void *unused)
{
    (void)unused;
    if (verdict_sent)
        return;
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
}

/* Every rank returns the options, or leaves with rank 0's exit status. */
static struct options agree_on_options(int argc, char **argv, int rank)
{
    struct options o = {0};
    int verdict = VERDICT_GO;
    if (rank == 0) {
        if (on_exit(release_other_ranks, NULL) != 0)
            die_msg("on_exit: cannot register a function");
        o = parse_options(argc, argv); /* may end here: exit(2), or exit(0) for --help */
    }
    MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD); /* before anything else */
    verdict_sent = true;
    if (verdict != VERDICT_GO) {
        MPI_Finalize();
        exit(verdict);
    }
    MPI_Bcast(&o.darts, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD); /* comm.bcast(...) */
    MPI_Bcast(&o.seed, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    return o;
}

static void print_reports(const struct rank_report *reports, int ranks)
{
    printf("== the ranks: where each ran (MPI_Get_processor_name), what it threw ==\n");
    for (int r = 0; r < ranks; r++) {
        const struct rank_report *t = &reports[r];
        const struct share *s = &t->share;
        printf("[rank 0 pid %ld] rank %d (pid %ld on host %s): got -n %lld; ", (long)getpid(), r,
               t->pid, t->host, t->darts_received);
        if (s->blocks == 0) /* more ranks than blocks */
            printf("no blocks to throw\n");
        else if (s->blocks == 1)
            printf("block %" PRIu64 ", %" PRIu64 " darts in %.3f s\n", s->first, s->darts,
                   t->seconds);
        else
            printf("blocks %" PRIu64 " to %" PRIu64 ", %" PRIu64 " darts in %.3f s\n", s->first,
                   s->first + s->blocks - 1, s->darts, t->seconds);
    }
}

static void print_result(const struct options *o, uint64_t inside, double seconds, int ranks)
{
    uint64_t total = (uint64_t)o->darts;
    double estimate = 4.0 * (double)inside / (double)total, error = fabs(estimate - M_PI);
    double std_error = 4.0 * sqrt(M_PI / 4 * (1 - M_PI / 4) / (double)total); /* as in 08 */
    const char *s = ranks == 1 ? "" : "s";
    long me = (long)getpid();
    if (o->csv) {
        printf("workers,darts,seconds,estimate,error\n");
        printf("%d,%" PRIu64 ",%.6f,%.10f,%.10f\n", ranks, total, seconds, estimate, error);
        return;
    }
    if (!o->quiet) {
        printf("== result (MPI_Reduce summed the hits on rank 0) ==\n");
        printf("[rank 0 pid %ld] %" PRIu64 " of %" PRIu64 " darts inside: pi ~ %.7f\n", me, inside,
               total, estimate);
        printf("[rank 0 pid %ld] error %.7f = %.2f standard errors (one standard error: %.7f)\n",
               me, error, error / std_error, std_error);
        printf("[rank 0 pid %ld] %.3f s, %.1f million darts/s with %d rank%s\n", me, seconds,
               (double)total / seconds / 1e6, ranks, s);
        verdict_print_busy(stdout, "[rank 0] ");
    }
    printf("%s: pi ~ %.7f (error %.7f) from %" PRIu64 " darts in %.3f s with %d rank%s\n",
           report_program(), estimate, error, total, seconds, ranks, s);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    struct options o = agree_on_options(argc, argv, rank);

    struct rank_report me = {.pid = (long)getpid(), .darts_received = o.darts};
    me.share = share_of((uint64_t)o.darts, rank, ranks);
    MPI_Get_processor_name(me.host, &(int){0});
    MPI_Barrier(MPI_COMM_WORLD); /* everyone starts the clock together */
    double t0 = MPI_Wtime();
    uint64_t hits = throw_share(&me.share, o.seed), inside = 0;
    me.seconds = MPI_Wtime() - t0;
    MPI_Reduce(&hits, &inside, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    double seconds = MPI_Wtime() - t0; /* on rank 0: the slowest rank, + the reduce */

    struct rank_report *reports = NULL;
    if (rank == 0 && (reports = malloc((size_t)ranks * sizeof *reports)) == NULL)
        die("malloc");
    MPI_Gather(&me, (int)sizeof me, MPI_BYTE, reports, (int)sizeof me, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        if (!o.csv && !o.quiet) {
            printf(
                "[rank 0 pid %ld] pi by Monte Carlo with MPI: %lld darts, %d rank%s, seed %" PRIu64
                "; %" PRIu64 " blocks of up to %u darts, block k from stream k\n",
                me.pid, o.darts, ranks, ranks == 1 ? "" : "s", o.seed, me.share.all_blocks,
                BLOCK_DARTS);
            print_reports(reports, ranks);
        }
        print_result(&o, inside, seconds, ranks);
        free(reports);
    }
    /* Line up first: Open MPI 4.1 has crashed in MPI_Finalize when one rank
     * tore down its shared memory mid-reduce (ompi issue 10313). */
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
