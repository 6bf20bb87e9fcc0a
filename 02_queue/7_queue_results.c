/* SPDX-License-Identifier: MIT */
/*
 * 7_queue_results.c - only bytes cross a queue: a struct goes in (a name in a
 * char array, not a pointer), and results come back through a second queue.
 * Python: q.put(Job("bob", 2, 2.5)); results = [q.get() for _ in procs],
 * THEN p.join() for each (step 2: get before join).
 * Usage: 7_queue_results [-j WORKERS] [-q]
 * Look for: the worker greets each job by name from its own process; the
 * partial sums arrive in completion order and add up to the formula's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "interrupt.h"
#include "queue.h"
#include "report.h"
#include "waitstatus.h"

/* The name is an array inside the struct: a char * would be an address in
 * the sender's memory, meaningless in the receiver. */
struct job {
    char name[16];
    int id;
    double weight;
};

struct result {
    int worker;
    long pid;
    long long lo, hi;       /* the slice summed: lo..hi */
    unsigned long long sum; /* of k*k over the slice */
};

static long long workers = 2; /* -j */
static bool quiet;            /* -q */

/* Get, retrying after EINTR (nothing was taken) unless Ctrl-C came. */
static void get(struct crew *crew, struct queue *q, void *buf, size_t size)
{
    while (queue_get(q, buf, size, QUEUE_FOREVER) < 0)
        if (errno == EINTR)
            crew_check(crew);
        else
            die("queue_get");
}

static bool passing_a_struct(struct crew *crew)
{
    static const struct job jobs[] = {{"alice", 1, 0.5}, {"bob", 2, 2.5}, {"carol", 3, 1.25}};
    printf("\n== passing a struct ==\n");
    struct queue *q = queue_create(4, sizeof(struct job));
    if (q == NULL)
        die("queue_create");
    pid_t pid = crew_fork(crew);
    if (pid == 0) { /* the worker: get until the queue ends */
        struct job j;
        while (queue_get(q, &j, sizeof j, QUEUE_FOREVER) >= 0)
            if (!quiet)
                printf("[worker pid %ld] got job %d {name \"%s\", weight %.2f}: hello %s, from "
                       "process %ld (parent %ld)\n",
                       (long)getpid(), j.id, j.name, j.weight, j.name, (long)getpid(),
                       (long)getppid());
        _exit(errno == EPIPE ? 0 : 1);
    }
    printf("[parent %ld] putting 3 struct job (%zu bytes each, copied in), then queue_close()\n",
           (long)getpid(), sizeof(struct job));
    for (int i = 0; i < 3; i++)
        while (queue_put(q, &jobs[i], sizeof jobs[i], QUEUE_FOREVER) != 0)
            errno == EINTR ? crew_check(crew) : die("queue_put");
    queue_close(q);
    char how[64];
    int status = crew_join(crew, pid, how, sizeof how);
    printf("[parent %ld] worker %ld %s\n", (long)getpid(), (long)pid, how);
    queue_destroy(q);
    return wait_exitcode(status) == 0;
}

/* Python: q.put((w, sum(k*k for k in range(lo, hi + 1)))) */
static _Noreturn void summer(struct queue *results, int w, long long top)
{
    struct result r = {.worker = w,
                       .pid = (long)getpid(),
                       .lo = top * w / workers + 1,
                       .hi = top * (w + 1) / workers};
    for (long long k = r.lo; k <= r.hi; k++)
        r.sum += (unsigned long long)k * (unsigned long long)k;
    if (queue_put(results, &r, sizeof r, QUEUE_FOREVER) != 0)
        die("queue_put");
    _exit(0);
}

static bool returning_results(struct crew *crew)
{
    const long long top = 1000000; /* sum of k*k for k = 1..top */
    printf("\n== returning results through a queue ==\n");
    struct queue *results = queue_create((size_t)workers, sizeof(struct result));
    if (results == NULL)
        die("queue_create");
    pid_t pids[workers];
    struct result got[workers];
    int arrival[workers];
    memset(got, 0, sizeof got); /* (every slot is filled: one result per worker) */
    memset(arrival, 0, sizeof arrival);
    for (int w = 0; w < workers; w++)
        if ((pids[w] = crew_fork(crew)) == 0)
            summer(results, w, top);
    unsigned long long total = 0;
    for (int i = 0; i < workers; i++) { /* one get per worker: no end marker needed */
        struct result r;
        get(crew, results, &r, sizeof r);
        got[r.worker] = r; /* they arrive in completion order */
        arrival[i] = r.worker + 1;
        total += r.sum;
    }
    char how[64];
    bool ok = true;
    for (int w = 0; w < workers; w++) /* THEN join */
        ok = wait_exitcode(crew_join(crew, pids[w], how, sizeof how)) == 0 && ok;
    for (int w = 0; w < workers; w++)
        printf("[parent %ld] from worker %d (pid %ld): sum of k*k for k = %lld..%lld is %llu\n",
               (long)getpid(), w + 1, got[w].pid, got[w].lo, got[w].hi, got[w].sum);
    printf("[parent %ld] arrival order:", (long)getpid());
    for (int i = 0; i < workers; i++)
        printf(" %d", arrival[i]);
    unsigned long long n = (unsigned long long)top; /* n(n+1)(2n+1)/6, no overflow: */
    unsigned long long formula = n * (n + 1) / 2 * (2 * n + 1) / 3;
    printf(" (completion order: varies)\n[parent %ld] total %llu, by the formula n(n+1)(2n+1)/6: "
           "%llu: %s\n",
           (long)getpid(), total, formula, total == formula ? "match" : "MISMATCH");
    queue_destroy(results);
    return ok && total == formula;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "summing workers (default 2)"),
        FLAG_QUIET(&quiet, "no line per job"),
        OPTS_END_EXITS("-j 4\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, NULL, "A struct through a queue; results back through a queue.", flags);
    interrupt_install(); /* Ctrl-C and SIGTERM: stop and reap every child (crew.h) */
    struct crew crew = crew_create((int)workers);
    bool ok = passing_a_struct(&crew);
    ok = returning_results(&crew) && ok;
    crew_check(&crew);
    crew_destroy(&crew);
    printf("\n[parent %ld] %s\n", (long)getpid(),
           ok ? "summary: every check held" : "summary: A CHECK FAILED");
    return ok ? 0 : 1;
}
