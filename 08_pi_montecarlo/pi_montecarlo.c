/* SPDX-License-Identifier: MIT */
/*
 * pi_montecarlo.c - an embarrassingly parallel job (Monte Carlo pi) split over
 * a pool of worker processes and timed, so speedup can be measured.
 *
 * Usage: pi_montecarlo [-j W] [-n DARTS] [--seed S] [--same-seed]
 *                      [--serial-fraction F] [--weak] [--csv] [-q]
 *
 * Darts land at random in the unit square; the fraction inside the quarter
 * circle x^2 + y^2 < 1 is pi/4. The darts are cut into blocks of 100000 and
 * block k draws from random stream k, so the estimate depends on the seed and
 * the dart count only, never on the worker count. The reader sees the plan,
 * how many blocks each worker threw, the estimate and its error measured in
 * standard errors, the time and the darts per second. --same-seed shows the
 * fork + RNG bug, --serial-fraction adds serial work for Amdahl's law, --weak
 * keeps the darts per worker constant, --csv prints one line for scripts.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"

/* Darts per block. Small enough that blocks even out over any worker count
 * (and that the Python mirror can throw a few), large enough that a block
 * (about a millisecond) dwarfs the cost of sending it to a worker. */
#define BLOCK_DARTS 100000u

/* At most 10^11 darts (10^6 blocks, 40 MB of block descriptions); that is
 * already ten minutes or so on one core. */
#define MAX_DARTS 100000000000LL

/* One task: where a block's random numbers start, and how many darts. The
 * generator state travels as bytes, which is fine: it is plain numbers. */
struct block {
    struct rng start;
    uint64_t darts;
};

struct options {
    int workers;
    long long darts; /* -n: total, or per worker with --weak */
    uint64_t seed;
    bool same_seed, weak, csv, quiet;
    double serial_fraction;
    long long crash_task; /* --crash-task K: block K kills its worker; -1 */
};

/* The kernel: count the darts that land inside the quarter circle.
 * noinline: the parent's serial darts (--serial-fraction) and the workers'
 * darts must run the very same machine code. Inlined into each caller, the
 * compiler makes two copies of the loop, and two copies need not run at the
 * same speed (where each loop falls in memory matters): the parent's were
 * a few per cent slower here, and F would not have been quite F. */
__attribute__((noinline)) static uint64_t throw_darts(struct rng *r, uint64_t darts)
{
    uint64_t hits = 0;
    for (uint64_t i = 0; i < darts; i++) {
        double x = rng_uniform(r);
        double y = rng_uniform(r);
        hits += x * x + y * y < 1.0;
    }
    return hits;
}

/* The task function, run in a worker: Python's  def throw(block): ... */
static int throw_block(const void *arg, void *result, struct pool_task *task)
{
    /* --crash-task K: the worker running block K dies as the OOM killer
     * would kill it. task->udata points to the option, in the copy of the
     * parent's memory that the worker got at fork. */
    const long long *crash_task = task->udata;
    if ((long long)task->index == *crash_task)
        raise(SIGKILL);
    struct block b = *(const struct block *)arg; /* a copy we may advance */
    *(uint64_t *)result = throw_darts(&b.start, b.darts);
    return 0;
}

/* Who threw what, collected in the parent as chunks complete. */
struct tally {
    const struct block *blocks;
    long *blocks_by_worker;
    uint64_t *darts_by_worker;
    pid_t *pid_by_worker;
};

static void count_chunk(const struct pool_chunk *chunk, void *udata)
{
    struct tally *t = udata;
    for (size_t i = chunk->first; i < chunk->first + chunk->count; i++)
        t->darts_by_worker[chunk->worker] += t->blocks[i].darts;
    t->blocks_by_worker[chunk->worker] += (long)chunk->count;
    t->pid_by_worker[chunk->worker] = chunk->pid;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-j W] [-n DARTS] [--seed S] [--same-seed]\n"
            "          [--serial-fraction F] [--weak] [--csv] [-q]\n"
            "Estimate pi with DARTS random darts thrown by W worker processes.\n"
            "  -j, --workers W          worker processes (default: usable CPUs)\n"
            "  -n DARTS                 darts in all (default 100M; 1e9, 250M, 2G "
            "work)\n"
            "      --seed S             random seed (default 1)\n"
            "      --same-seed          the fork + RNG bug: every worker the same "
            "stream\n"
            "      --serial-fraction F  add serial work in the parent: fraction F\n"
            "                           (0 <= F < 1) of the 1-worker run\n"
            "      --weak               -n is darts per worker (weak scaling)\n"
            "      --csv                print "
            "'workers,darts,seconds,estimate,error'\n"
            "                           and one line of values\n"
            "      --crash-task K       block K kills its worker with SIGKILL "
            "(exit 1)\n"
            "  -q, --quiet              print the summary line only\n"
            "  -h, --help               this text\n",
            report_program());
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {
        .workers = cpus_for_pool(), .darts = 100000000, .seed = 1, .crash_task = -1};
    enum { OPT_SEED = 256, OPT_SAME_SEED, OPT_SERIAL, OPT_WEAK, OPT_CSV, OPT_CRASH };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"same-seed", no_argument, NULL, OPT_SAME_SEED},
        {"serial-fraction", required_argument, NULL, OPT_SERIAL},
        {"weak", no_argument, NULL, OPT_WEAK},
        {"csv", no_argument, NULL, OPT_CSV},
        {"crash-task", required_argument, NULL, OPT_CRASH},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report getopt's complaints ourselves, in one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': o.workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': o.darts = cli_parse_count("-n", optarg, 1, MAX_DARTS); break;
        case OPT_SEED: o.seed = (uint64_t)cli_parse_int("--seed", optarg, 0, INT64_MAX); break;
        case OPT_SAME_SEED: o.same_seed = true; break;
        case OPT_SERIAL:
            o.serial_fraction = cli_parse_real("--serial-fraction", optarg, 0.0, 1.0, 1);
            break;
        case OPT_WEAK: o.weak = true; break;
        case OPT_CSV: o.csv = true; break;
        case OPT_CRASH: o.crash_task = cli_parse_int("--crash-task", optarg, 0, MAX_DARTS); break;
        case 'q': o.quiet = true; break;
        case 'h': usage(stdout); exit(0);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (o.weak && o.darts * o.workers > MAX_DARTS)
        usage_error("--weak: %lld darts x %d workers is more than %lld", o.darts, o.workers,
                    MAX_DARTS);
    return o;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct options o = parse_options(argc, argv);
    bool narrate = !o.quiet && !o.csv;
    long me = (long)getpid();

    /* Strong scaling: the same job, shared by more workers. Weak scaling
     * (Gustafson): each worker brings its own -n darts, so the job grows. */
    uint64_t total = (uint64_t)o.darts * (o.weak ? (uint64_t)o.workers : 1u);

    /* ---- the plan: which darts come from which random stream ---------- */
    size_t tasks;
    struct block *blocks;
    double jump_seconds = 0;
    if (!o.same_seed) {
        /* Block k starts at stream k: the seed jumped k times (2^128 steps
         * each), so no two blocks ever share a number. Jumping once per
         * block as we go costs one jump per block (rng_stream(seed, k) from
         * scratch would cost k jumps, k^2/2 in all). */
        tasks = (size_t)((total + BLOCK_DARTS - 1) / BLOCK_DARTS);
        blocks = malloc(tasks * sizeof *blocks);
        if (blocks == NULL)
            die("malloc");
        struct rng r;
        rng_seed(&r, o.seed);
        double t0 = timing_now();
        for (size_t k = 0; k < tasks; k++) {
            blocks[k].start = r;
            blocks[k].darts = k + 1 < tasks ? BLOCK_DARTS : total - (uint64_t)k * BLOCK_DARTS;
            rng_jump(&r);
        }
        jump_seconds = timing_now() - t0;
    } else {
        /* The bug: one generator, seeded once, then copied into every
         * worker, as fork copies a seeded generator (NumPy's global one, or
         * random.seed(S) in each worker). One share per worker, the naive
         * split, and every share starts from the very same state. */
        tasks = (size_t)o.workers;
        blocks = malloc(tasks * sizeof *blocks);
        if (blocks == NULL)
            die("malloc");
        for (size_t w = 0; w < tasks; w++) {
            rng_seed(&blocks[w].start, o.seed);
            blocks[w].darts = total / tasks + (w < total % tasks);
        }
    }
    /* Checked before anything is printed: bad input leaves stdout empty. */
    if (o.crash_task >= (long long)tasks)
        usage_error("--crash-task: %lld is out of range (0 to %zu: there are "
                    "%zu blocks)",
                    o.crash_task, tasks - 1, tasks);

    /* Serial work for Amdahl's law: the parent throws darts alone, as many
     * as make fraction F of a 1-worker run (F/(1-F) x the darts that one
     * worker throws). Darts, not a timed spin, so that the ratio holds on
     * any machine and under any load. The result is discarded. */
    uint64_t serial_darts =
        (uint64_t)llround(o.serial_fraction / (1.0 - o.serial_fraction) * (double)o.darts);

    if (narrate) {
        printf("[parent %ld] pi by Monte Carlo: %" PRIu64 " darts, %d worker%s, "
               "seed %" PRIu64 "%s\n",
               me, total, o.workers, o.workers == 1 ? "" : "s", o.seed,
               o.weak ? " (weak scaling: -n darts per worker)" : "");
        printf("== plan ==\n");
        if (!o.same_seed) {
            printf("[parent %ld] %zu block%s of up to %u darts; block k draws "
                   "from stream k (the seed jumped k times)\n",
                   me, tasks, tasks == 1 ? "" : "s", BLOCK_DARTS);
            printf("[parent %ld] %zu jumps of 2^128 steps took %.3f ms "
                   "(%.2f us each)\n",
                   me, tasks, jump_seconds * 1e3, jump_seconds * 1e6 / (double)tasks);
            printf("[parent %ld] so the estimate depends on the seed and the "
                   "darts, not on -j\n",
                   me);
        } else {
            printf("[parent %ld] --same-seed: %zu share%s, every one starting "
                   "from the same generator state\n",
                   me, tasks, tasks == 1 ? "" : "s");
            printf("[parent %ld] (the fork + RNG bug: each worker throws the "
                   "same darts as the others)\n",
                   me);
        }
        if (serial_darts > 0)
            printf("[parent %ld] --serial-fraction %g: the parent throws %" PRIu64
                   " dart%s alone first\n",
                   me, o.serial_fraction, serial_darts, serial_darts == 1 ? "" : "s");
    }

    /* ---- Pool(W).map(throw, blocks), timed ---------------------------- */
    /* Ctrl-C or kill: the map returns EINTR, and we stop and reap the
     * workers before dying of the signal (no zombie, no orphan). */
    interrupt_install();
    fflush(stdout); /* the workers are forked with a copy of the buffer */
    struct pool *pool =
        pool_create(&(struct pool_options){.workers = o.workers, .task_udata = &o.crash_task});
    if (pool == NULL)
        die("pool_create");
    uint64_t *hits = malloc(tasks * sizeof *hits);
    long *blocks_by_worker = calloc((size_t)o.workers, sizeof(long));
    uint64_t *darts_by_worker = calloc((size_t)o.workers, sizeof(uint64_t));
    pid_t *pid_by_worker = calloc((size_t)o.workers, sizeof(pid_t));
    if (!hits || !blocks_by_worker || !darts_by_worker || !pid_by_worker)
        die("malloc");
    struct tally tally = {blocks, blocks_by_worker, darts_by_worker, pid_by_worker};

    double t0 = timing_now();
    if (serial_darts > 0) {
        struct rng serial;
        rng_seed(&serial, o.seed ^ 0x5e71a1u);
        /* volatile: a result nobody reads lets the compiler drop the
         * arithmetic that makes it (x * x + y * y < 1), and the parent's
         * darts would then cost 13 % less than a worker's: F would not be
         * F. A classic benchmarking trap. */
        volatile uint64_t discarded = throw_darts(&serial, serial_darts);
        (void)discarded;
    }
    /* chunksize 1: each block is a task of its own, so the workers stay
     * evenly loaded even when the worker count does not divide the blocks;
     * the pool batches the small messages. */
    if (pool_map(pool, throw_block, blocks, tasks, sizeof *blocks, hits, sizeof *hits,
                 &(struct pool_map_options){
                     .chunksize = 1, .on_chunk = count_chunk, .udata = &tally}) != 0) {
        bool interrupted = interrupt_requested();
        if (!interrupted)
            fprintf(stderr, "%s: map failed: %s\n", report_program(),
                    pool_last_failure(pool)->message);
        pool_terminate(pool); /* every worker stopped and reaped */
        pool_destroy(pool);
        free(pid_by_worker);
        free(darts_by_worker);
        free(blocks_by_worker);
        free(hits);
        free(blocks);
        if (interrupted)
            interrupt_exit(); /* dies of SIGINT/SIGTERM: status 130/143 */
        return 1;
    }
    double seconds = timing_now() - t0;
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);

    /* ---- the serial reduce: sum(hits) --------------------------------- */
    uint64_t inside = 0;
    for (size_t k = 0; k < tasks; k++)
        inside += hits[k];
    double estimate = 4.0 * (double)inside / (double)total;
    double error = fabs(estimate - M_PI);
    /* A dart is inside with probability p = pi/4, so the estimate 4 x
     * hits/darts has standard deviation 4 sqrt(p (1 - p) / darts). */
    double p = M_PI / 4;
    double std_error = 4.0 * sqrt(p * (1 - p) / (double)total);
    double rate = (double)total / seconds;

    if (o.csv) {
        printf("workers,darts,seconds,estimate,error\n");
        printf("%d,%" PRIu64 ",%.6f,%.10f,%.10f\n", o.workers, total, seconds, estimate, error);
    } else if (narrate) {
        printf("== throwing ==\n");
        for (int w = 0; w < o.workers; w++)
            printf("[parent %ld] worker %d (pid %ld): %ld block%s, %" PRIu64 " darts\n", me, w,
                   (long)pid_by_worker[w], blocks_by_worker[w], blocks_by_worker[w] == 1 ? "" : "s",
                   darts_by_worker[w]);
        printf("== result ==\n");
        printf("[parent %ld] %" PRIu64 " of %" PRIu64 " darts inside: "
               "pi ~ %.7f\n",
               me, inside, total, estimate);
        printf("[parent %ld] error %.7f = %.2f standard errors (one standard "
               "error: %.7f)\n",
               me, error, error / std_error, std_error);
        if (o.same_seed && o.workers > 1)
            printf("[parent %ld] but only %" PRIu64 " of those darts were "
                   "different: the error of %" PRIu64 " darts\n",
                   me, blocks[0].darts, blocks[0].darts);
        printf("[parent %ld] %.3f s, %.1f million darts/s with %d worker%s\n", me, seconds,
               rate / 1e6, o.workers, o.workers == 1 ? "" : "s");
    }
    if (!o.csv)
        printf("%s: pi ~ %.7f (error %.7f) from %" PRIu64 " darts in %.3f s "
               "with %d worker%s%s\n",
               report_program(), estimate, error, total, seconds, o.workers,
               o.workers == 1 ? "" : "s", o.same_seed ? " (--same-seed)" : "");

    free(pid_by_worker);
    free(darts_by_worker);
    free(blocks_by_worker);
    free(hits);
    free(blocks);
    return 0;
}
