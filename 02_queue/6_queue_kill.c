/* SPDX-License-Identifier: MIT */
/*
 * 6_queue_kill.c - a consumer dies mid-work (SIGKILL, as from the OOM killer
 * or kill -9: no chance to clean up): the others go on, the queue is not
 * corrupted, nothing hangs, and the parent says which item died with it.
 * Consumer 1 SIGKILLs itself a quarter into its share, holding an item.
 * Python: os.kill(os.getpid(), signal.SIGKILL) in the consumer.
 * Usage: 6_queue_kill [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS] [-q]
 * Look for: produced = finished by the survivors + by consumer 1 + lost.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "interrupt.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define MAX 64 /* consumers and producers at most, in this step */

struct item {
    int producer, seq;
};

/* Shared memory: what a consumer killed mid-work leaves behind. */
struct ledger {
    long long got[MAX];       /* [consumer]: items finished */
    bool fifo_broken[MAX];    /* [consumer]: each producer's items in order */
    atomic_long holding[MAX]; /* [consumer]: item id + 1 taken, not finished; 0: none */
    atomic_uchar done[];      /* [item id]: times finished (0 or 1, never 2) */
};

static long long producers = 2, workers = 2, items = 1000; /* -p, -j, -n */
static bool quiet;                                         /* -q */

static _Noreturn void producer(struct queue *work, int index)
{
    for (int seq = 0; seq < items; seq++)
        if (queue_put(work, &(struct item){index, seq}, sizeof(struct item), QUEUE_FOREVER) != 0)
            die("queue_put");
    _exit(0);
}

/* Step 5's consumer, plus the ledger and 0.2 ms of work per item. */
static _Noreturn void consumer(struct queue *work, struct ledger *l, int c)
{
    int last_seq[MAX];
    for (int p = 0; p < producers; p++)
        last_seq[p] = -1;
    struct item it;
    while (queue_get(work, &it, sizeof it, QUEUE_FOREVER) >= 0) {
        long id = (long)it.producer * items + it.seq;
        atomic_store(&l->holding[c], id + 1);
        l->fifo_broken[c] = l->fifo_broken[c] || it.seq <= last_seq[it.producer];
        last_seq[it.producer] = it.seq;
        if (c == 0 && l->got[0] == items * producers / (4LL * workers))
            raise(SIGKILL); /* a quarter into its share: no chance to clean up */
        timing_sleep(0.0002);
        atomic_fetch_add(&l->done[id], 1);
        l->got[c]++;
        atomic_store(&l->holding[c], 0);
    }
    if (errno != EPIPE)
        die("queue_get");
    _exit(0);
}

/* The ledger says what happened to every item. */
static bool account(struct ledger *l, long long total, long long survivors, bool fifo)
{
    long long once = 0, lost = 0; /* and the rest finished twice or more */
    printf("[parent %ld] lost with consumer 1 (taken, never finished):", (long)getpid());
    for (long long id = 0; id < total; id++) {
        once += l->done[id] == 1;
        if (l->done[id] == 0 && lost++ < 10)
            printf("%s producer %lld seq %lld", lost > 1 ? "," : "", id / items + 1, id % items);
    }
    printf(lost > 10 ? " ...\n" : lost == 0 ? " none\n" : "\n");
    bool ok = once + lost == total && fifo;
    printf("[parent %ld] produced %lld = finished by survivors %lld + finished by consumer 1 "
           "before it died %lld + lost %lld: %s\n",
           (long)getpid(), total, survivors, once - survivors, lost,
           ok ? "nothing corrupted, nothing twice" : "MISMATCH");
    return ok;
}

static bool run(struct crew *crew, struct queue *work, struct ledger *l)
{
    pid_t pids[2 * MAX];
    long me = (long)getpid();
    char how[64];
    for (int c = 0; c < workers + producers; c++)
        if ((pids[c] = crew_fork(crew)) == 0)
            c < workers ? consumer(work, l, c) : producer(work, c - (int)workers);
    for (int p = (int)workers; p < workers + producers; p++) /* survivors keep taking */
        if (wait_exitcode(crew_join(crew, pids[p], how, sizeof how)) != 0)
            die_msg("producer %lld %s", p - workers + 1, how);
    printf("[parent %ld] queue_close(): the consumers drain what is left, then get EPIPE\n", me);
    queue_close(work);
    crew_join(crew, pids[0], how, sizeof how); /* after the close: it may have lived */
    long held = atomic_load(&l->holding[0]) - 1;
    printf("[parent %ld] consumer 1 (pid %ld), SIGKILLed mid-work: %s\n", me, (long)pids[0], how);
    if (held >= 0)
        printf("[parent %ld] consumer 1 was holding item producer %ld seq %ld when it died\n", me,
               held / (long)items + 1, held % (long)items);
    long long survivors = 0;
    bool fifo = !l->fifo_broken[0];
    for (int c = 1; c < workers; c++) {
        if (wait_exitcode(crew_join(crew, pids[c], how, sizeof how)) != 0)
            die_msg("consumer %d %s", c + 1, how);
        survivors += l->got[c];
        fifo = fifo && !l->fifo_broken[c];
        if (!quiet)
            printf("[parent %ld] consumer %d (pid %ld) finished %lld items; FIFO per producer: %s; "
                   "%s\n",
                   me, c + 1, (long)pids[c], l->got[c], l->fifo_broken[c] ? "BROKEN" : "held", how);
    }
    printf("[parent %ld] the other consumers went on and finished %lld items; queue_recoveries() "
           "= %lu\n",
           me, survivors, queue_recoveries(work));
    return account(l, items * producers, survivors, fifo);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int most = pool_max_workers() < MAX ? pool_max_workers() : MAX; /* the fork-bomb guard */
    const struct flag flags[] = {
        {'p', FLAG_INT, "producers", "N", "producers (default 2)", 1, most, &producers},
        {'j', FLAG_INT, "workers", "N", "consumers (default 2; at least 2)", 2, most, &workers},
        FLAG_N(&items, 1, 10000000, "items each producer puts (default 1000)"),
        FLAG_QUIET(&quiet, "no line per consumer"),
        OPTS_END_EXITS("-j 4\n-q -n 10K", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "Consumer 1 is SIGKILLed mid-work: the others go on.", flags);
    interrupt_install(); /* Ctrl-C and SIGTERM: stop and reap every child (crew.h) */
    struct crew crew = crew_create((int)(producers + workers));
    size_t size = sizeof(struct ledger) + (size_t)(items * producers);
    struct queue *work = queue_create(64, sizeof(struct item));
    struct ledger *l = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (work == NULL || l == MAP_FAILED)
        die("queue_create or mmap"); /* mmap's memory is zeroed */
    printf("\n== robustness: consumer 1 is killed with SIGKILL mid-work ==\n");
    bool ok = run(&crew, work, l);
    crew_check(&crew);
    crew_destroy(&crew);
    munmap(l, size);
    queue_destroy(work);
    printf("\n[parent %ld] %s\n", (long)getpid(),
           ok ? "summary: every check held" : "summary: A CHECK FAILED");
    return ok ? 0 : 1;
}
