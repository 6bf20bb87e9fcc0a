/* SPDX-License-Identifier: MIT */
/*
 * 02.2_joinable_queue.c - exercise: multiprocessing.JoinableQueue's task_done()
 * and join() on common/queue.h. Yours: jq_put, jq_task_done and jq_join.
 * Usage: 02.2_joinable_queue [-j WORKERS] [--tasks T] [--task-ms MS]
 * Look for: after each join(), every task finished, every worker still alive.
 */
#include <errno.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "queue.h"
#include "report.h"
#include "timing.h"

/* The joinable queue, in shared memory made before fork: one count for all. */
struct jqueue {
    struct queue *q;        /* of task ids */
    atomic_long unfinished; /* put, and not yet task_done() */
    sem_t all_done;         /* for jq_join() to sleep on */
};

/* Python: q.put(task). Returns what queue_put returns. */
static int jq_put(struct jqueue *jq, int task)
{
#ifdef SOLUTION
    atomic_fetch_add(&jq->unfinished, 1); /* first: a worker may be done before the put returns */
    return queue_put(jq->q, &task, sizeof task, QUEUE_FOREVER);
#else
    /* TODO: count the task in jq->unfinished too (atomic_fetch_add): before or
     * after the put, so that the count never drops to 0 while a task is out? */
    return queue_put(jq->q, &task, sizeof task, QUEUE_FOREVER);
#endif
}

/* Python: q.task_done(), called by a worker after each task. */
static void jq_task_done(struct jqueue *jq)
{
#ifdef SOLUTION
    long before = atomic_fetch_sub(&jq->unfinished, 1);
    if (before <= 0) /* Python raises ValueError */
        die_msg("task_done() called too many times");
    if (before == 1 && sem_post(&jq->all_done) != 0) /* that was the last */
        die("sem_post");
#else
    /* TODO: one fewer in jq->unfinished (atomic_fetch_sub returns the count
     * BEFORE); after the last, sem_post(&jq->all_done); too many: die_msg(). */
    (void)jq;
#endif
}

/* Python: q.join(): sleep (do not spin) until every task put so far is done. */
static void jq_join(struct jqueue *jq)
{
#ifdef SOLUTION
    while (atomic_load(&jq->unfinished) > 0) /* a loop: a post may be stale */
        if (sem_wait(&jq->all_done) != 0 && errno != EINTR)
            die("sem_wait");
#else
    /* TODO: while a task is unfinished, sem_wait(&jq->all_done) (EINTR: again).
     * Why a loop, not one sem_wait? Think of a count that touched 0 before. */
    (void)jq;
#endif
}

/* ---------------------------------------------- scaffolding: given */
static long long workers = 2, tasks = 20, task_ms = 10;

struct shared { /* mmap'ed before fork: the workers write, the parent reads */
    struct jqueue jq;
    atomic_long finished;  /* tasks finished so far, counted apart from jq */
    long long result[200]; /* result[id] = id * id, written by a worker */
};
static struct shared *sh;

static _Noreturn void worker(void)
{
    for (int id; queue_get(sh->jq.q, &id, sizeof id, QUEUE_FOREVER) >= 0;) {
        timing_sleep((double)task_ms / 1000.0); /* the work */
        sh->result[id] = (long long)id * id;
        atomic_fetch_add(&sh->finished, 1);
        jq_task_done(&sh->jq);
    }
    if (errno != EPIPE) /* EPIPE: queue_close(), no more rounds */
        die("queue_get");
    _exit(0);
}

/* Put the round's tasks, join() the queue, then look (WNOHANG: 0 while a child runs). */
static bool run_round(const pid_t *pids, int round, int *put)
{
    for (int i = 0; i < tasks; i++)
        if (jq_put(&sh->jq, (*put)++) != 0)
            die("queue_put");
    printf("[parent %ld] round %d: put %lld tasks, calling join()\n", (long)getpid(), round, tasks);
    jq_join(&sh->jq);
    long finished = atomic_load(&sh->finished);
    int alive = 0;
    for (int w = 0; w < workers; w++)
        alive += waitpid(pids[w], NULL, WNOHANG) == 0;
    printf("[parent %ld] round %d: join() returned: %ld of %d tasks finished; workers still "
           "alive: %d of %lld\n",
           (long)getpid(), round, finished, *put, alive, workers);
    return finished == *put && alive == workers;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct flag flags[] = {
        FLAG_WORKERS(&workers, "workers (default 2)"),
        {'n', FLAG_INT, "tasks", "N", "tasks per round (default 20, at most 100)", 1, 100, &tasks},
        {0, FLAG_INT, "task-ms", "MS", "ms each task takes (default 10)", 0, 2000, &task_ms},
        OPTS_END("-j 4 -n 50\n--task-ms 0"),
    };
    opts_parse(argc, argv, NULL,
               "Two rounds of tasks; after each, join() the queue; the workers live on.", flags);
    struct crew crew = crew_create((int)workers); /* no Ctrl-C handler: dying is right here */
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED || (sh->jq.q = queue_create(4, sizeof(int))) == NULL ||
        sem_init(&sh->jq.all_done, 1, 0) != 0) /* 1: shared between processes */
        die("mmap, queue_create or sem_init");
    pid_t pids[workers];
    for (int w = 0; w < workers; w++)
        if ((pids[w] = crew_fork(&crew)) == 0)
            worker();
    printf("[parent %ld] %lld workers started once; tasks of %lld ms\n", (long)getpid(), workers,
           task_ms);
    bool ok = true;
    int put = 0;
    for (int round = 1; round <= 2; round++)
        ok = run_round(pids, round, &put) && ok;
    queue_close(sh->jq.q); /* the workers get EPIPE and exit(0) */
    char how[64];
    for (int w = 0; w < workers; w++)
        ok = crew_join(&crew, pids[w], how, sizeof how) == 0 && ok; /* 0: exit(0) */
    bool right = true;
    for (int id = 0; id < put; id++)
        right = right && sh->result[id] == (long long)id * id;
    printf("[parent %ld] queue_close(): the workers got EPIPE and exited, having done %ld tasks "
           "in all; every result right: %s\n",
           (long)getpid(), atomic_load(&sh->finished), right ? "yes" : "NO");
    ok = ok && right;
    printf("[parent %ld] summary: %s\n", (long)getpid(),
           ok ? "join() waited for every task, and only for the tasks"
              : "JOIN DID NOT WAIT FOR EVERY TASK");
    crew_destroy(&crew);
    queue_destroy(sh->jq.q);
    sem_destroy(&sh->jq.all_done);
    munmap(sh, sizeof *sh);
    return ok ? 0 : 1;
}
