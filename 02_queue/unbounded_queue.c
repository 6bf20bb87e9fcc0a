/* SPDX-License-Identifier: MIT */
/*
 * unbounded_queue.c - chapter 02's second extra step: Queue() with no
 * maxsize (common/queue_unbounded.h). A put never waits, so what is put and
 * not yet got piles up in memory; when memory runs out, the put that needed
 * more fails, and everything put before it is still there.
 *
 *     q = Queue()                      # no maxsize
 *     for i in range(n): q.put(i)      # a producer, nobody getting: never waits
 *     [q.get() for _ in range(n)]      # then all of them, in order
 *     # memory runs out: MemoryError in the producer's put
 *
 * Usage: unbounded_queue [-n N] [--limit-mib M]
 * Look for: the producer ends before anyone gets; the queue's ring doubles
 * as items pile up; with memory limited to M MiB a put fails with ENOMEM
 * and every item put before it comes out, in order.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crew.h"
#include "interrupt.h"
#include "opts.h"
#include "queue_unbounded.h"
#include "report.h"

/* The producer: put 0, 1, 2, ... up to n (or until a put fails), never a
 * get; say how far it got and what the ring became. Exit 0, or 1 if a put
 * failed for another reason than ENOMEM. */
static void produce(struct unbounded *q, long n)
{
    long me = (long)getpid();
    size_t first = unbounded_bytes(q);
    long i = 0;
    while (i < n && unbounded_put(q, &i, sizeof i) == 0) /* q.put(i) */
        i++;
    int err = i < n ? errno : 0;
    printf("[producer %ld] put %ld items, nobody getting; the ring grew from %zu KiB to %zu KiB\n",
           me, i, first / 1024, unbounded_bytes(q) / 1024);
    if (err != 0)
        printf("[producer %ld] put number %ld failed: %s (%s)\n", me, i + 1,
               err == ENOMEM ? "ENOMEM" : "error", strerror(err));
    fflush(stdout);
    _exit(err == 0 || err == ENOMEM ? 0 : 1);
}

/* Fork the producer (`limit` > 0: its file-size limit in bytes first) and
 * wait for it to end. Ctrl-C or SIGTERM meanwhile: crew_join SIGKILLs and
 * reaps it, then dies of the signal (crew.h). */
static void start_producer(struct unbounded *q, long n, rlim_t limit)
{
    struct crew crew = crew_create(1);
    pid_t pid = crew_fork(&crew); /* flushes stdout first */
    if (pid > 0) {                /* the parent gets nothing until the producer has ended */
        char how[64];
        int status = crew_join(&crew, pid, how, sizeof how);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            die_msg("the producer %s", how);
        crew_destroy(&crew);
        return;
    }
    /* The ring is a memfd that grows by fallocate: RLIMIT_FSIZE caps it,
     * a stand-in for the machine's memory running out. Over the limit the
     * kernel sends SIGXFSZ (its default: die) and fails the call (EFBIG);
     * ignored, the put sees the failure and says ENOMEM. */
    struct rlimit r = {limit, limit};
    if (limit > 0 && (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &r) != 0)) {
        perror("setrlimit");
        _exit(1);
    }
    produce(q, n);
}

/* q.get() until the queue is empty: every item must be the next number. */
static void drain(struct unbounded *q, const char *what)
{
    long expected = 0, x;
    while (!unbounded_empty(q) && !interrupt_requested()) {
        if (unbounded_get(q, &x, sizeof x, QUEUE_FOREVER) != (ssize_t)sizeof x)
            die("unbounded_get");
        if (x != expected)
            die_msg("item %ld came where %ld was expected", x, expected);
        expected++;
    }
    if (interrupt_requested()) /* Ctrl-C, SIGTERM: no child left to reap */
        interrupt_exit();
    printf("[parent %ld] then got %ld items, 0 .. %ld in order: %s\n", (long)getpid(), expected,
           expected - 1, what);
}

static void round_of(long n, long limit_mib)
{
    struct unbounded *q = unbounded_create(); /* q = Queue() */
    if (q == NULL)
        die("unbounded_create");
    start_producer(q, n, (rlim_t)limit_mib * 1024 * 1024);
    drain(q, limit_mib > 0 ? "nothing put before the failure was lost" : "all of them");
    unbounded_destroy(q);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long n = 100000, limit_mib = 4;
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "N",
         "items the first producer puts (default 100000; 16 bytes each)", 1, 10000000, &n},
        {0, FLAG_INT, "limit-mib", "M", "the second producer's memory limit (default 4)", 1, 256,
         &limit_mib},
        OPTS_END("\n-n 1M\n--limit-mib 16"),
    };
    opts_parse(argc, argv, "[-n N] [--limit-mib M]",
               "Queue() with no maxsize: puts never wait, memory grows, then runs out.", flags);
    long me = (long)getpid();
    interrupt_install(); /* Ctrl-C, SIGTERM: a flag (interrupt.h) */
    printf("[parent %ld] a producer puts %lld items into q = Queue(); nobody gets until it "
           "has ended\n",
           me, n);
    round_of((long)n, 0);
    printf("[parent %ld] again, the producer's memory limited to %lld MiB, putting until a put "
           "fails\n",
           me, limit_mib);
    round_of(LONG_MAX, (long)limit_mib);
    return 0;
}
