/* SPDX-License-Identifier: MIT */
/*
 * 5_queue_workers.c - producers and consumers share one queue in shared
 * memory (common/queue.h); each item is taken by exactly one consumer.
 * Python: q = Queue(64); producers q.put((p, i)); consumers q.get().
 * Usage: 5_queue_workers [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS] [-q]
 * Look for: the counts add up, a shared ledger says every item was finished
 * exactly once, each consumer got each producer's items in the order they
 * were put; queue_close() ends the work: consumers drain, then get EPIPE.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "interrupt.h"
#include "queue.h"
#include "report.h"
#include "waitstatus.h"

/* One item: plain values, because the queue copies bytes (Python pickles). */
struct item {
    int producer, seq;
};

/* What a consumer leaves in shared memory (step 7 uses a queue instead). */
struct consumer_report {
    long long got;
    bool fifo_held;
};

static long long producers = 2, workers = 2, items = 1000; /* -p, -j, -n */
static bool quiet;                                         /* -q */

/* Python: for i in range(n): q.put((producer, i)) */
static _Noreturn void producer(struct queue *work, int index)
{
    for (int seq = 0; seq < items; seq++) {
        struct item it = {.producer = index, .seq = seq};
        if (queue_put(work, &it, sizeof it, QUEUE_FOREVER) != 0)
            die("queue_put");
    }
    _exit(0); /* exit code 0 is the producer's report: "all put" */
}

/* Python: while (item := q.get()) is not None: ... Here the end is queue_close():
 * closed and drained, get fails with EPIPE. done[id]: times item id was finished. */
static _Noreturn void consumer(struct queue *work, struct consumer_report *r, atomic_uchar *done)
{
    int last_seq[producers]; /* at most pool_max_workers() */
    for (int p = 0; p < producers; p++)
        last_seq[p] = -1;
    r->fifo_held = true;
    struct item it;
    while (queue_get(work, &it, sizeof it, QUEUE_FOREVER) >= 0) {
        /* One queue, one order: producer p's items come in the order p put them. */
        r->fifo_held = r->fifo_held && it.seq > last_seq[it.producer];
        last_seq[it.producer] = it.seq;
        r->got++;
        atomic_fetch_add(&done[(long)it.producer * items + it.seq], 1);
    }
    if (errno != EPIPE)
        die("queue_get");
    _exit(0);
}

/* Join the consumers; then their reports are complete. */
static long long join_consumers(struct crew *crew, struct consumer_report *got, pid_t *consumers,
                                bool *fifo)
{
    long long consumed = 0;
    char how[64];
    for (int c = 0; c < workers; c++) {
        if (wait_exitcode(crew_join(crew, consumers[c], how, sizeof how)) != 0)
            die_msg("consumer %d %s", c + 1, how);
        if (!quiet)
            printf("[parent %ld] consumer %d (pid %ld) reported: got %lld items, then EPIPE; "
                   "FIFO per producer: %s; %s\n",
                   (long)getpid(), c + 1, (long)consumers[c], got[c].got,
                   got[c].fifo_held ? "held" : "BROKEN", how);
        consumed += got[c].got;
        *fifo = *fifo && got[c].fifo_held;
    }
    return consumed;
}

static bool run(struct crew *crew)
{
    long long total = items * producers;
    struct queue *work = queue_create(64, sizeof(struct item)); /* Python: Queue(64) */
    /* Reports and ledger: MAP_SHARED, so children's writes reach the parent. */
    size_t size = (size_t)workers * sizeof(struct consumer_report) + (size_t)total;
    struct consumer_report *reports =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    atomic_uchar *done = (atomic_uchar *)(reports + workers);
    pid_t *pids = calloc((size_t)(workers + producers), sizeof *pids);
    if (work == NULL || reports == MAP_FAILED || pids == NULL)
        die("queue_create, mmap or calloc");
    printf("\n== producer/consumer: %lld producers, %lld consumers, %lld items each ==\n",
           producers, workers, items);
    printf("[parent %ld] queue_create(64 slots, %zu bytes each): shared memory, made before fork "
           "so every child shares it\n",
           (long)getpid(), sizeof(struct item));
    for (int c = 0; c < workers; c++) /* Python: Process(...).start() */
        if ((pids[c] = crew_fork(crew)) == 0)
            consumer(work, &reports[c], done);
    for (int p = 0; p < producers; p++)
        if ((pids[workers + p] = crew_fork(crew)) == 0)
            producer(work, p);
    char how[64];
    for (int p = 0; p < producers; p++) { /* a producer can always finish: */
        pid_t pid = pids[workers + p];    /* the consumers keep taking */
        if (wait_exitcode(crew_join(crew, pid, how, sizeof how)) != 0)
            die_msg("producer %d %s", p + 1, how);
        if (!quiet)
            printf("[parent %ld] joined producer %d (pid %ld): put %lld items, seq 0 to %lld, %s\n",
                   (long)getpid(), p + 1, (long)pid, items, items - 1, how);
    }
    printf("[parent %ld] queue_close(): the consumers drain what is left, then get EPIPE\n",
           (long)getpid());
    queue_close(work);
    bool fifo = true;
    long long consumed = join_consumers(crew, reports, pids, &fifo), once = 0;
    for (long long id = 0; id < total; id++)
        once += atomic_load(&done[id]) == 1; /* 0: lost, 2: twice */
    bool ok = consumed == total && once == total && fifo;
    printf("[parent %ld] produced %lld, consumed %lld, each exactly once: %s\n", (long)getpid(),
           total, consumed, ok ? "every item accounted for" : "MISMATCH");
    free(pids);
    munmap(reports, size);
    queue_destroy(work);
    return ok;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines leave in the order printed */
    const struct flag flags[] = {
        FLAG_PROCESSES('p', "producers", &producers, "producers (default 2)"),
        FLAG_WORKERS(&workers, "consumers (default 2)"),
        FLAG_N(&items, 1, 10000000, "items each producer puts (default 1000; 10K, 1e5 work)"),
        FLAG_QUIET(&quiet, "no line per process, only the totals"),
        OPTS_END_EXITS("-p 1 -j 4 -n 10K\n-q -n 1M", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "Producers and consumers over a queue in shared memory.", flags);
    interrupt_install(); /* Ctrl-C and SIGTERM: stop and reap every child (crew.h) */
    struct crew crew = crew_create((int)(producers + workers));
    bool ok = run(&crew);
    crew_check(&crew); /* a signal after the last wait still counts */
    crew_destroy(&crew);
    printf("\n[parent %ld] %s\n", (long)getpid(),
           ok ? "summary: every check held" : "summary: A CHECK FAILED");
    return ok ? 0 : 1;
}
