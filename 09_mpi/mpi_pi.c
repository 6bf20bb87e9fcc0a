/* SPDX-License-Identifier: MIT */
/*
 * mpi_pi.c - chapter 08's Monte Carlo pi with MPI ranks instead of pool
 * workers: the same darts, the same blocks and streams, the same estimate,
 * but the processes may sit on different machines.
 *
 * Usage: mpirun -np R mpi_pi [-n DARTS] [--seed S] [--csv] [-q]
 *
 * Rank 0 parses the options and sends them to every rank with MPI_Bcast.
 * Each rank throws a contiguous range of the 100000-dart blocks (block k
 * draws from stream k, as in chapter 08), MPI_Reduce adds the hits up on
 * rank 0, and MPI_Gather brings each rank's report (pid, host from
 * MPI_Get_processor_name, blocks, time) to rank 0, which prints everything:
 * where each rank ran, what it threw, the estimate, its error, the time and
 * the darts per second. Bad input: rank 0 says so in one line, every rank
 * exits with status 2.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "rng.h"

/* The blocks of chapter 08: the same size, so the same streams. */
#define BLOCK_DARTS 100000u

/* At most 10^11 darts, as in chapter 08. */
#define MAX_DARTS 100000000000LL

struct options {
    long long darts;
    uint64_t seed;
    bool csv, quiet, help;
};

/* What each rank tells rank 0 after the work (MPI_Gather). Sent as bytes:
 * fine when every machine has the same byte order and struct layout, as in
 * any ordinary cluster; MPI's derived datatypes would convert otherwise. */
struct rank_report {
    char host[MPI_MAX_PROCESSOR_NAME];
    long pid;
    long long darts_received; /* -n as this rank got it from MPI_Bcast */
    uint64_t first_block, blocks, darts;
    double seconds;
};

/* The kernel of chapter 08, unchanged: count the darts inside the circle. */
static uint64_t throw_darts(struct rng *r, uint64_t darts)
{
    uint64_t hits = 0;
    for (uint64_t i = 0; i < darts; i++) {
        double x = rng_uniform(r);
        double y = rng_uniform(r);
        hits += x * x + y * y < 1.0;
    }
    return hits;
}

/* For qsort: ascending doubles. */
static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mpirun -np R %s [-n DARTS] [--seed S] [--csv] [-q]\n"
            "Estimate pi with DARTS random darts thrown by R MPI ranks.\n"
            "  -n DARTS     darts in all (default 100M; 1e9, 250M, 2G work)\n"
            "  --seed S     random seed (default 1); the estimate depends on\n"
            "               the seed and the darts only, never on R\n"
            "  --csv        print 'workers,darts,seconds,estimate,error' and\n"
            "               one line of values (chapter 08's columns; workers\n"
            "               holds the rank count)\n"
            "  -q, --quiet  print the summary line only\n"
            "  -h, --help   this text\n",
            report_program());
}

/* Run on rank 0 only. Bad input ends the process here, through cli.h or
 * usage_error (one line on stderr, exit 2): see release_other_ranks. */
static struct options parse_options(int argc, char **argv)
{
    struct options o = {.darts = 100000000, .seed = 1};
    enum { OPT_SEED = 256, OPT_CSV };
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"csv", no_argument, NULL, OPT_CSV},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report getopt's complaints ourselves, in one line */
    int c;
    while ((c = getopt_long(argc, argv, ":n:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': o.darts = cli_parse_count("-n", optarg, 1, MAX_DARTS); break;
        case OPT_SEED: o.seed = (uint64_t)cli_parse_int("--seed", optarg, 0, INT64_MAX); break;
        case OPT_CSV: o.csv = true; break;
        case 'q': o.quiet = true; break;
        case 'h': o.help = true; return o;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    return o;
}

/* The verdict rank 0 broadcasts first: go on, or stop with this status. */
#define VERDICT_GO (-1)
static bool verdict_sent;

/* cli.h's parsers end a bad command line with exit(2), which is right for
 * a lone program. Here the other ranks are already waiting in MPI_Bcast
 * for rank 0's verdict, and would wait forever. exit() runs the functions
 * registered with atexit() first, so rank 0 registers this one: if the
 * verdict was not sent yet, the process is leaving because the input was
 * bad, and the others are told so (then MPI is shut down properly). */
static void release_other_ranks(void)
{
    if (verdict_sent)
        return;
    verdict_sent = true;
    int verdict = EXIT_USAGE;
    MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    /* Every rank runs this same program (SPMD: single program, multiple
     * data); mpirun started R copies. MPI_Init connects them. Python:
     * from mpi4py import MPI (importing it initialises MPI). */
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);  /* comm.Get_rank() */
    MPI_Comm_size(MPI_COMM_WORLD, &ranks); /* comm.Get_size() */
    /* MPI calls need no checks here: MPI's default error handler,
     * MPI_ERRORS_ARE_FATAL, ends the whole job with a message when one
     * fails. */

    /* ---- rank 0 parses, everyone learns the verdict and the options --- */
    struct options o = {0};
    int verdict = VERDICT_GO;
    if (rank == 0) {
        if (atexit(release_other_ranks) != 0)
            die_msg("atexit: cannot register a function");
        o = parse_options(argc, argv); /* may end here: exit(2) */
        if (o.help) {
            usage(stdout);
            verdict = 0;
        }
    }
    /* The verdict goes first, before anything else collective: a rank that
     * waits in a collective call nobody else will make waits forever. */
    MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD);
    verdict_sent = true;
    if (verdict != VERDICT_GO) {
        MPI_Finalize();
        return verdict;
    }
    /* comm.bcast((darts, seed), root=0): the other ranks never saw a parsed
     * option; C says what it sends (type and count), Python pickles. */
    MPI_Bcast(&o.darts, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    MPI_Bcast(&o.seed, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);

    /* ---- this rank's share: a contiguous range of blocks -------------- */
    uint64_t total = (uint64_t)o.darts;
    uint64_t blocks = (total + BLOCK_DARTS - 1) / BLOCK_DARTS;
    uint64_t first = blocks * (uint64_t)rank / (uint64_t)ranks;
    uint64_t end = blocks * (uint64_t)(rank + 1) / (uint64_t)ranks;

    struct rank_report me = {.pid = (long)getpid(),
                             .darts_received = o.darts,
                             .first_block = first,
                             .blocks = end - first};
    /* Where this rank runs: MPI.Get_processor_name(), the host name. */
    int host_length;
    MPI_Get_processor_name(me.host, &host_length);

    /* Everyone starts the clock together: MPI_Barrier returns on a rank
     * only when every rank has entered it. comm.Barrier(); MPI.Wtime(). */
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();

    /* Block k draws from stream k: the seed jumped k times. Jump to this
     * rank's first block once, then once per block (chapter 08's parent did
     * the same walk over every block; each rank walks its own range). */
    struct rng stream;
    rng_seed(&stream, o.seed);
    for (uint64_t k = 0; k < first; k++)
        rng_jump(&stream);
    uint64_t hits = 0;
    for (uint64_t k = first; k < end; k++) {
        uint64_t darts = k + 1 < blocks ? BLOCK_DARTS : total - k * BLOCK_DARTS;
        struct rng block = stream; /* a copy the kernel may advance */
        hits += throw_darts(&block, darts);
        me.darts += darts;
        rng_jump(&stream);
    }
    me.seconds = MPI_Wtime() - t0;

    /* ---- the reduce: comm.reduce(hits, op=MPI.SUM, root=0) ------------ */
    uint64_t inside = 0;
    MPI_Reduce(&hits, &inside, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    /* On rank 0, the reduce returns once every rank's hits have arrived:
     * this is the time of the slowest rank, plus the reduce. */
    double seconds = MPI_Wtime() - t0;

    /* ---- who did what, where: comm.gather(report, root=0) ------------- */
    struct rank_report *reports = NULL;
    if (rank == 0) {
        reports = malloc((size_t)ranks * sizeof *reports);
        if (reports == NULL)
            die("malloc");
    }
    MPI_Gather(&me, (int)sizeof me, MPI_BYTE, reports, (int)sizeof me, MPI_BYTE, 0, MPI_COMM_WORLD);

    /* ---- the cost model: one reduce, next to the work ----------------- */
    /* Time more reduces of the same 8 bytes, each started together (after
     * a barrier), so that rank 0 can print what communication costs next
     * to what the work cost. The median, because on a busy machine a few
     * of them wait for a rank that lost its CPU. The sums are thrown away. */
    enum { REDUCE_ROUNDS = 101 };
    double reduce_times[REDUCE_ROUNDS];
    for (int i = 0; i < REDUCE_ROUNDS; i++) {
        uint64_t sink;
        MPI_Barrier(MPI_COMM_WORLD);
        double r0 = MPI_Wtime();
        MPI_Reduce(&hits, &sink, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        reduce_times[i] = MPI_Wtime() - r0;
    }
    qsort(reduce_times, REDUCE_ROUNDS, sizeof reduce_times[0], compare_doubles);
    double reduce_seconds = reduce_times[REDUCE_ROUNDS / 2];

    if (rank == 0) {
        double estimate = 4.0 * (double)inside / (double)total;
        double error = fabs(estimate - M_PI);
        /* As in chapter 08: one standard error of 4 x hits / darts. */
        double p = M_PI / 4;
        double std_error = 4.0 * sqrt(p * (1 - p) / (double)total);
        double rate = (double)total / seconds;
        const char *s = ranks == 1 ? "" : "s";
        if (o.csv) {
            printf("workers,darts,seconds,estimate,error\n");
            printf("%d,%" PRIu64 ",%.6f,%.10f,%.10f\n", ranks, total, seconds, estimate, error);
        } else if (!o.quiet) {
            printf("[rank 0 pid %ld] pi by Monte Carlo with MPI: %" PRIu64
                   " darts, %d rank%s, seed %" PRIu64 "\n",
                   me.pid, total, ranks, s, o.seed);
            printf("== broadcast ==\n");
            printf("[rank 0 pid %ld] parsed the options and sent them to "
                   "every rank with MPI_Bcast\n",
                   me.pid);
            printf("[rank 0 pid %ld] %" PRIu64 " block%s of up to %u darts; "
                   "block k draws from stream k (the seed jumped k times)\n",
                   me.pid, blocks, blocks == 1 ? "" : "s", BLOCK_DARTS);
            printf("== the ranks: where each ran (MPI_Get_processor_name), "
                   "what it threw ==\n");
            for (int r = 0; r < ranks; r++) {
                const struct rank_report *t = &reports[r];
                printf("[rank 0 pid %ld] rank %d (pid %ld on host %s): got "
                       "-n %lld; ",
                       me.pid, r, t->pid, t->host, t->darts_received);
                if (t->blocks == 0) /* more ranks than blocks */
                    printf("no blocks to throw\n");
                else if (t->blocks == 1)
                    printf("block %" PRIu64 ", %" PRIu64 " darts in %.3f s\n", t->first_block,
                           t->darts, t->seconds);
                else
                    printf("blocks %" PRIu64 " to %" PRIu64 ", %" PRIu64 " darts in %.3f s\n",
                           t->first_block, t->first_block + t->blocks - 1, t->darts, t->seconds);
            }
            printf("== result (MPI_Reduce summed the hits on rank 0) ==\n");
            printf("[rank 0 pid %ld] %" PRIu64 " of %" PRIu64 " darts inside: "
                   "pi ~ %.7f\n",
                   me.pid, inside, total, estimate);
            printf("[rank 0 pid %ld] error %.7f = %.2f standard errors (one "
                   "standard error: %.7f)\n",
                   me.pid, error, error / std_error, std_error);
            printf("[rank 0 pid %ld] %.3f s, %.1f million darts/s with %d "
                   "rank%s\n",
                   me.pid, seconds, rate / 1e6, ranks, s);
            /* The reduce is worth it while it is small next to the work of
             * one rank: at 10 % of it, efficiency is down to about 0.9. */
            double rank_rate = rate / ranks; /* darts/s of one rank */
            printf("== cost model: communication against work ==\n");
            printf("[rank 0 pid %ld] one MPI_Reduce of 8 bytes: %.1f us (median "
                   "of %d); the work of one rank: %.3f s\n",
                   me.pid, reduce_seconds * 1e6, REDUCE_ROUNDS, seconds);
            printf("[rank 0 pid %ld] the reduce would cost 10 %% of the work "
                   "below about %.0f darts per rank\n",
                   me.pid, 10 * reduce_seconds * rank_rate);
        }
        if (!o.csv)
            printf("%s: pi ~ %.7f (error %.7f) from %" PRIu64 " darts in %.3f s "
                   "with %d rank%s\n",
                   report_program(), estimate, error, total, seconds, ranks, s);
        free(reports);
    }

    /* Every rank: MPI_Finalize, then leave (mpi4py does this at exit).
     * The barrier first lines the ranks up, so that none tears down its
     * shared memory while another is still finishing the last reduce: Open
     * MPI 4.1 has been seen to crash in MPI_Finalize without it (once in
     * about a hundred runs here; open-mpi/ompi issue 10313). */
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
