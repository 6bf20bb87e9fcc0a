/* SPDX-License-Identifier: MIT */
/*
 * 8_queue_cost.c - what one queue call costs: a producer sends N numbers to
 * the parent one per put, then 10, 100 and 1000 per put. Each call takes the
 * lock, copies, and may wake the other side: a fixed cost per call, which a
 * batch shares among its items. Python: q.put(i) versus q.put(list_of_1000).
 * Usage: 8_queue_cost [-n ITEMS] [-q]
 * Look for: the table (each row the best of 3 runs), that every number
 * arrived once and in order, and the verdict on 1000 per put versus 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "interrupt.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"
#include "waitstatus.h"

#define MAX_BATCH 1000
#define RUNS      3 /* best of */

struct row {
    struct crew *crew;
    long long items;
    int batch;
    bool all_arrived; /* in every run so far */
};

/* Python: q.put(i) for each i, or q.put(batch) */
static _Noreturn void producer(struct queue *q, const struct row *r)
{
    uint64_t msg[MAX_BATCH];
    for (long long next = 0; next < r->items;) {
        int n = 0;
        while (n < r->batch && next < r->items)
            msg[n++] = (uint64_t)next++;
        if (queue_put(q, msg, (size_t)n * sizeof msg[0], QUEUE_FOREVER) != 0)
            die("queue_put");
    }
    _exit(0);
}

/* One run: seconds until the last number arrived (a fork included, a
 * fraction of a millisecond that only the fastest rows notice). */
static double one_run(void *udata)
{
    struct row *r = udata;
    struct queue *q = queue_create(64, (size_t)r->batch * sizeof(uint64_t));
    if (q == NULL)
        die("queue_create");
    double t0 = timing_now();
    pid_t pid = crew_fork(r->crew);
    if (pid == 0)
        producer(q, r);
    uint64_t msg[MAX_BATCH], expect = 0;
    bool in_order = true;
    while (expect < (uint64_t)r->items) {
        /* Every time round: while items wait, queue_get never sleeps, so a
         * signal interrupts nothing. */
        crew_check(r->crew);
        ssize_t size = queue_get(q, msg, sizeof msg, QUEUE_FOREVER);
        if (size < 0 && errno != EINTR)
            die("queue_get");
        for (ssize_t i = 0; i < size / (ssize_t)sizeof msg[0]; i++)
            in_order = in_order && msg[i] == expect++;
    }
    double seconds = timing_now() - t0;
    char how[64];
    if (wait_exitcode(crew_join(r->crew, pid, how, sizeof how)) != 0)
        die_msg("producer %s", how);
    queue_destroy(q);
    r->all_arrived = r->all_arrived && in_order && expect == (uint64_t)r->items;
    return seconds;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct {
        long long items;
        bool quiet;
    } f = {.items = 100000};
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "N", "items per row (default 100000; 100K, 1e6 work)", 1, 100000000,
         &f.items},
        {'q', FLAG_SWITCH, "quiet", NULL, "no closing explanation", 0, 0, &f.quiet},
        OPTS_END_EXITS("-n 1M\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-n ITEMS] [-q]",
               "Items per second through a queue: one item per put versus batches.", flags);
    interrupt_install(); /* Ctrl-C and SIGTERM: stop and reap the producer (crew.h) */
    struct crew crew = crew_create(1);
    static const int batches[] = {1, 10, 100, MAX_BATCH};
    printf("\n== the cost of a queue call: %lld items, 1 producer -> the parent, best of %d ==\n",
           f.items, RUNS);
    printf("%10s %10s %10s %12s %10s\n", "items/put", "puts", "seconds", "items/s", "ns/item");
    double first = 0, last = 0;
    bool all_arrived = true;
    for (int b = 0; b < 4; b++) {
        struct row r = {.crew = &crew, .items = f.items, .batch = batches[b], .all_arrived = true};
        double s = verdict_best_of(RUNS, one_run, &r);
        all_arrived = all_arrived && r.all_arrived;
        printf("%10d %10lld %10.3f %12.0f %10.0f%s\n", r.batch, (f.items + r.batch - 1) / r.batch,
               s, (double)f.items / s, s / (double)f.items * 1e9,
               r.all_arrived ? "" : "  MISSING OR OUT OF ORDER");
        first = b == 0 ? s : first;
        last = s;
    }
    long me = (long)getpid();
    if (all_arrived)
        printf("[parent %ld] every row: all %lld items arrived once, in order\n", me, f.items);
    printf("[parent %ld] %d items per put vs 1: %.1f times the speed: %s\n", me, MAX_BATCH,
           first / last, verdict_compare(first, last, "batching is faster", "batching is slower"));
    char tag[40];
    snprintf(tag, sizeof tag, "[parent %ld] ", me);
    verdict_print_busy(stdout, tag); /* a busy machine is named */
    if (!f.quiet)
        printf("[parent %ld] a call has a fixed cost: send fewer, bigger messages\n", me);
    crew_check(&crew);
    crew_destroy(&crew);
    printf("\n[parent %ld] summary: %s\n", me,
           all_arrived ? "every row delivered every item" : "A ROW LOST ITEMS");
    return all_arrived ? 0 : 1;
}
