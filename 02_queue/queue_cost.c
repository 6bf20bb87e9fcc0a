/* SPDX-License-Identifier: MIT */
/*
 * queue_cost.c - what one queue call costs: items per second sent one per
 * put versus many per put (why the lessons say "call the queue rarely").
 *
 * Usage: queue_cost [-n ITEMS]
 *
 * A producer process sends ITEMS numbers to the parent through a queue, once
 * one number per put, then 10, 100 and 1000 numbers per put. You will see a
 * table: puts made, seconds, items per second and nanoseconds per item for
 * each batch size, and that every number arrived once, in order. The
 * timings vary from run to run and machine to machine; the shape does not.
 *
 * Ctrl-C or kill: the parent stops and reaps the producer, then dies of the
 * signal (exit status 130 or 143).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h> /* PR_SET_PDEATHSIG: Linux-only, see queue.c */
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define MAX_BATCH 1000

static void print_usage(void)
{
    printf("Usage: %s [-n ITEMS]\n"
           "Items per second through a queue: one item per put versus batches.\n"
           "\n"
           "  -n N         items to send per row (default 100000; 100K, 1e6 work)\n"
           "  -h, --help   this text\n",
           report_program());
}

static long long parse_options(int argc, char **argv)
{
    long long items = 100000;
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report getopt's complaints ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': items = cli_parse_count("-n", optarg, 1, 100000000); break;
        case 'h': print_usage(); exit(0);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default: usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    return items;
}

/* Ctrl-C or SIGTERM arrived (interrupt_install() made it a flag). Dying at
 * once would leave the producer behind, a zombie nobody reaps (see queue.c):
 * SIGKILL it, reap it, then die of the same signal (exit status 130 or 143).
 * The queue is an anonymous mapping: nothing to remove by name. */
static _Noreturn void stop_producer_and_die(pid_t pid)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: stopping and reaping the producer (pid %ld), "
           "then dying of %s\n",
           (long)getpid(), name, (long)pid, name);
    if (kill(pid, SIGKILL) != 0)
        warn_errno("kill");
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        continue; /* a second Ctrl-C: keep reaping */
    interrupt_exit();
}

/* Send `items` numbers 0, 1, 2, ... in messages of up to `batch` numbers;
 * return the seconds it took until the last one was received, or a negative
 * number if anything arrived missing or out of order. */
static double one_row(long long items, int batch)
{
    struct queue *q = queue_create(64, (size_t)batch * sizeof(uint64_t));
    if (q == NULL)
        die("queue_create");
    pid_t parent = getpid();
    /* The clock includes starting the producer (a fork: a fraction of a
     * millisecond), which only the fastest rows notice. */
    double t0 = timing_now();
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* The parent's flag-only handler was copied by fork; the producer
         * has nothing to clean up, so a terminal's Ctrl-C (sent to the whole
         * process group) may end it at once, as usual. */
        if (signal(SIGINT, SIG_DFL) == SIG_ERR || signal(SIGTERM, SIG_DFL) == SIG_ERR ||
            signal(SIGHUP, SIG_DFL) == SIG_ERR)
            die("signal");
        /* The producer dies with the parent, not blocked on a full queue. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
            die("prctl");
        if (getppid() != parent)
            _exit(1);
        /* Python: q.put(i) for each i, or q.put(list_of_batch) */
        uint64_t msg[MAX_BATCH];
        for (long long next = 0; next < items;) {
            int n = 0;
            while (n < batch && next < items)
                msg[n++] = (uint64_t)next++;
            if (queue_put(q, msg, (size_t)n * sizeof msg[0], QUEUE_FOREVER) != 0)
                die("queue_put");
        }
        _exit(0);
    }
    /* The parent is the consumer: get until every number is in. */
    uint64_t msg[MAX_BATCH];
    uint64_t expect = 0;
    bool in_order = true;
    while (expect < (uint64_t)items) {
        /* Every time round, not only on EINTR: while items are waiting,
         * queue_get never sleeps, so a signal interrupts nothing. */
        if (interrupt_requested())
            stop_producer_and_die(pid);
        ssize_t size = queue_get(q, msg, sizeof msg, QUEUE_FOREVER);
        if (size < 0 && errno == EINTR)
            continue; /* nothing was taken; the check above stops us */
        if (size < 0)
            die("queue_get");
        for (size_t i = 0; i < (size_t)size / sizeof msg[0]; i++)
            in_order = in_order && msg[i] == expect++;
    }
    double seconds = timing_now() - t0;
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
        if (interrupt_requested())
            stop_producer_and_die(pid);
    }
    if (interrupt_requested()) /* it may have died of a group's Ctrl-C */
        interrupt_exit();
    if (wait_exitcode(status) != 0) {
        char how[64];
        die_msg("producer %s", wait_describe(status, how, sizeof how));
    }
    queue_destroy(q);
    return in_order && expect == (uint64_t)items ? seconds : -1;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    long long items = parse_options(argc, argv);
    /* Ctrl-C and SIGTERM only set a flag from here on: the parent stops and
     * reaps the producer before it dies (stop_producer_and_die). */
    interrupt_install();
    static const int batches[] = {1, 10, 100, MAX_BATCH};
    int rows = (int)(sizeof batches / sizeof batches[0]);

    printf("\n== the cost of a queue call: %lld items, 1 producer -> the "
           "parent ==\n",
           items);
    printf("%10s %10s %10s %12s %10s\n", "items/put", "puts", "seconds", "items/s", "ns/item");
    double first = 0, last = 0;
    bool all_arrived = true;
    for (int r = 0; r < rows; r++) {
        if (interrupt_requested()) /* between rows: no child is running */
            interrupt_exit();
        double s = one_row(items, batches[r]);
        if (s < 0) {
            all_arrived = false;
            printf("%10d  MISSING OR OUT OF ORDER\n", batches[r]);
            continue;
        }
        long long puts = (items + batches[r] - 1) / batches[r];
        printf("%10d %10lld %10.3f %12.0f %10.0f\n", batches[r], puts, s, (double)items / s,
               s / (double)items * 1e9);
        if (r == 0)
            first = s;
        last = s;
    }
    if (all_arrived)
        printf("[parent %ld] every row: all %lld items arrived once, in order\n", (long)getpid(),
               items);
    if (first > 0 && last > 0)
        printf("[parent %ld] %d items per put was %.1f times faster than one "
               "per put (measured: varies)\n",
               (long)getpid(), MAX_BATCH, first / last);
    if (interrupt_requested())
        interrupt_exit();
    printf("\n[parent %ld] summary: %s\n", (long)getpid(),
           all_arrived ? "every row delivered every item" : "A ROW LOST ITEMS");
    return all_arrived ? 0 : 1;
}
