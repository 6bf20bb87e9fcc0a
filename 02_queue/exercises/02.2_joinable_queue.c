/* SPDX-License-Identifier: MIT */
/*
 * 02.2_joinable_queue.c - exercise: build multiprocessing.JoinableQueue,
 * task_done() and join(), on top of common/queue.h.
 *
 * Usage: 02.2_joinable_queue [-j WORKERS] [--tasks T] [--task-ms MS]
 *
 * Workers are started once and stay alive: they take tasks, work (MS
 * milliseconds each), and call task_done() after each one. The parent runs
 * two rounds: put T tasks, then join() the QUEUE (not the processes): it
 * must return exactly when every task put so far is done, while the
 * workers are still alive, ready for the next round. Your part: jq_put(),
 * jq_task_done() and jq_join(). The parent prints, after each join(), how
 * many tasks were finished at that moment: it must be all of them.
 */
#include <errno.h>
#include <getopt.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

struct task {
    int id;
};

/* The joinable queue: a queue plus a count of unfinished tasks, all in
 * shared memory made before fork, so every process sees the same count. */
struct jqueue {
    struct queue *q;
    atomic_long unfinished; /* put, and not yet task_done() */
    sem_t all_done;         /* for jq_join() to sleep on */
};

/* What the workers leave for the parent to read (shared memory too). */
struct board {
    atomic_long finished;  /* tasks finished so far, by all workers */
    long long result[200]; /* result[id] = id * id, written by a worker */
};

static struct jqueue *jq_create(size_t capacity)
{
    struct jqueue *jq =
        mmap(NULL, sizeof *jq, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (jq == MAP_FAILED)
        die("mmap");
    jq->q = queue_create(capacity, sizeof(struct task));
    if (jq->q == NULL)
        die("queue_create");
    atomic_init(&jq->unfinished, 0);
    if (sem_init(&jq->all_done, 1, 0) != 0) /* 1: shared between processes */
        die("sem_init");
    return jq;
}

static void jq_destroy(struct jqueue *jq)
{
    queue_destroy(jq->q);
    sem_destroy(&jq->all_done);
    if (munmap(jq, sizeof *jq) != 0)
        die("munmap");
}

/*
 * Python: q.put(task). Put the task on jq->q (queue_put, QUEUE_FOREVER) and
 * count it as unfinished. Returns what queue_put returns.
 */
static int jq_put(struct jqueue *jq, const struct task *task)
{
#ifdef SOLUTION
    /* Count it BEFORE it is on the queue: a fast worker may take it and
     * call task_done() before queue_put even returns here, and the count
     * must never drop to 0 while a task is still out. */
    atomic_fetch_add(&jq->unfinished, 1);
    int rc = queue_put(jq->q, task, sizeof *task, QUEUE_FOREVER);
    if (rc != 0) {
        int saved = errno;
        atomic_fetch_sub(&jq->unfinished, 1); /* it was never put */
        errno = saved;
    }
    return rc;
#else
    /* TODO: count the task in jq->unfinished (atomic_fetch_add), and put
     * it. In which order, so that a fast worker's task_done() can never see
     * the count drop to 0 while this task is still out? */
    return queue_put(jq->q, task, sizeof *task, QUEUE_FOREVER);
#endif
}

/*
 * Python: q.task_done(), called by a worker after each task it got.
 * Count one task as finished; when none is left unfinished, wake jq_join().
 * Called more often than tasks were put: die_msg("task_done() called too
 * many times"), as Python raises ValueError.
 */
static void jq_task_done(struct jqueue *jq)
{
#ifdef SOLUTION
    long before = atomic_fetch_sub(&jq->unfinished, 1);
    if (before <= 0)
        die_msg("task_done() called too many times");
    if (before == 1 && sem_post(&jq->all_done) != 0) /* that was the last */
        die("sem_post");
#else
    /* TODO: take one off jq->unfinished (atomic_fetch_sub returns the value
     * BEFORE); if that was the last unfinished task, sem_post the
     * semaphore jq_join() sleeps on. */
    (void)jq;
#endif
}

/*
 * Python: q.join(). Return once every task put so far has been
 * task_done()'d (at once if there is none). Sleep, do not spin.
 */
static void jq_join(struct jqueue *jq)
{
#ifdef SOLUTION
    /* A loop, not one sem_wait: a post may be stale (the count touched 0
     * earlier, between two of our puts, or in a round we did not wait for),
     * so after each wake-up look at the count itself again. */
    while (atomic_load(&jq->unfinished) > 0) {
        if (sem_wait(&jq->all_done) != 0 && errno != EINTR)
            die("sem_wait");
    }
#else
    /* TODO: while some task is unfinished, sleep on jq->all_done
     * (sem_wait; EINTR: try again). Why a loop and not a single sem_wait?
     * Think of a count that touched 0 before the last put. */
    (void)jq;
#endif
}

/* ---------------------------------------------- scaffolding: given */

static _Noreturn void worker(struct jqueue *jq, struct board *board, double task_seconds)
{
    struct task t;
    long done = 0;
    for (;;) {
        if (queue_get(jq->q, &t, sizeof t, QUEUE_FOREVER) < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EPIPE) /* queue_close(): no more rounds */
                break;
            die("queue_get");
        }
        timing_sleep(task_seconds); /* the work */
        board->result[t.id] = (long long)t.id * t.id;
        atomic_fetch_add(&board->finished, 1);
        done++;
        jq_task_done(jq);
    }
    _exit(done > 255 ? 255 : (int)done); /* how many, as the exit code */
}

static const char usage_text[] =
    "Usage: 02.2_joinable_queue [-j WORKERS] [--tasks T] [--task-ms MS]\n"
    "Two rounds of tasks; after each, join() the queue while the workers live on.\n"
    "\n"
    "  -j, --workers N   worker processes (default 2)\n"
    "      --tasks T     tasks per round (default 20, at most 100)\n"
    "      --task-ms MS  milliseconds each task takes (default 10)\n"
    "  -h, --help        this text\n";

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    int workers = 2;
    long long tasks = 20, task_ms = 10;
    enum { OPT_TASKS = 256, OPT_MS };
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"tasks", required_argument, NULL, OPT_TASKS},
        {"task-ms", required_argument, NULL, OPT_MS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case OPT_TASKS: tasks = cli_parse_int("--tasks", optarg, 1, 100); break;
        case OPT_MS: task_ms = cli_parse_int("--task-ms", optarg, 0, 2000); break;
        case 'h': fputs(usage_text, stdout); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default: usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    long self = (long)getpid();

    struct jqueue *jq = jq_create(4);
    struct board *board =
        mmap(NULL, sizeof *board, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (board == MAP_FAILED)
        die("mmap");
    static pid_t *pids; /* static: the children's copies stay reachable */
    pids = calloc((size_t)workers, sizeof *pids);
    if (pids == NULL)
        die("calloc");
    for (int w = 0; w < workers; w++) {
        fflush(stdout);
        if ((pids[w] = fork()) < 0)
            die("fork");
        if (pids[w] == 0)
            worker(jq, board, (double)task_ms / 1000.0);
    }
    printf("[parent %ld] %d workers started once; tasks of %lld ms\n", self, workers, task_ms);

    bool ok = true;
    int next_id = 0;
    for (int round = 1; round <= 2; round++) {
        for (int i = 0; i < tasks; i++) {
            struct task t = {.id = next_id++};
            if (jq_put(jq, &t) != 0)
                die("queue_put");
        }
        printf("[parent %ld] round %d: put %lld tasks, calling join()\n", self, round, tasks);
        jq_join(jq);
        long finished = atomic_load(&board->finished);
        int alive = 0;
        for (int w = 0; w < workers; w++)
            alive += waitpid(pids[w], NULL, WNOHANG) == 0; /* 0: still running */
        printf("[parent %ld] round %d: join() returned: %ld of %d tasks "
               "finished; workers still alive: %d of %d\n",
               self, round, finished, next_id, alive, workers);
        ok = ok && finished == next_id && alive == workers;
    }

    queue_close(jq->q);
    long by_workers = 0;
    for (int w = 0; w < workers; w++) {
        int status;
        while (waitpid(pids[w], &status, 0) < 0)
            if (errno != EINTR)
                die("waitpid");
        by_workers += wait_exitcode(status) >= 0 ? wait_exitcode(status) : 0;
    }
    bool right = true;
    for (int id = 0; id < next_id; id++)
        right = right && board->result[id] == (long long)id * id;
    printf("[parent %ld] queue_close(): the workers got EPIPE and exited, "
           "having done %ld tasks in all; every result right: %s\n",
           self, by_workers, right ? "yes" : "NO");
    ok = ok && right && by_workers == next_id;
    printf("[parent %ld] summary: %s\n", self,
           ok ? "join() waited for every task, and only for the tasks"
              : "JOIN DID NOT WAIT FOR EVERY TASK");
    free(pids);
    munmap(board, sizeof *board);
    jq_destroy(jq);
    return ok ? 0 : 1;
}
