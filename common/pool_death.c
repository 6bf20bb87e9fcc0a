/* SPDX-License-Identifier: MIT */
/*
 * pool_death.c - a task that fails, a worker that dies, and its
 * replacement (chapter 05 shows them; chapter 03's --crash-task too).
 *
 * The library's promise, which Python's Pool does not keep: a dead worker
 * never hangs the parent. The parent notices the death as end of file on
 * the worker's socket (the kernel closes a dead process's sockets), reaps
 * it, fails the task it was running, sends the chunks queued behind it to
 * other workers, and forks a replacement.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool_internal.h"
#include "waitstatus.h"

/* The scoreboard: a line of shared memory per worker, where the worker
 * notes the item it is running, so that the parent can name it if the
 * worker dies. Mapped before the workers are forked, to be shared. NULL
 * with errno on failure.
 *
 * A destroyed pool's board is kept for the next pool of this process:
 * mapping and unmapping shared memory costs about 12 us (the kernel makes
 * and frees a tmpfs file each time), a tenth of a whole process start +
 * join. Its workers are all reaped by then, so nobody writes to it any
 * more. One spare, no lock: a pool belongs to one thread. */
static struct {
    void *board;
    size_t bytes; /* whole pages */
    pid_t owner;  /* a child inherits the variable, not the right to reuse */
} spare;

static size_t board_bytes(int workers)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = (size_t)workers * sizeof(struct wire_scoreboard);
    return (bytes + page - 1) / page * page;
}

struct wire_scoreboard *death_scoreboard(int workers)
{
    size_t bytes = board_bytes(workers);
    if (spare.board != NULL && spare.bytes >= bytes && spare.owner == getpid()) {
        void *board = spare.board;
        spare.board = NULL;
        return memset(board, 0, bytes); /* as fresh as a new mapping */
    }
    void *board = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return board == MAP_FAILED ? NULL : board;
}

void death_scoreboard_free(struct wire_scoreboard *board, int workers)
{
    size_t bytes = board_bytes(workers);
    pid_t me = getpid();
    if (spare.board != NULL && spare.owner == me && spare.bytes >= bytes) {
        munmap(board, bytes); /* the spare serves as many workers */
        return;
    }
    if (spare.board != NULL)
        munmap(spare.board, spare.bytes); /* ours, or our parent's copy */
    spare.board = board, spare.bytes = bytes, spare.owner = me;
}

void death_reap(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) { /* cannot happen for our own child */
            *status = 0;
            return;
        }
    }
}

/* A task function returned non-zero: its message came back as payload. */
void death_task_failed(struct pool_async *job, int w, const struct wire_result *r,
                       const char *message)
{
    struct pool_failure f = {.cause = POOL_TASK_ERROR,
                             .index = r->failed_index,
                             .worker = w,
                             .pid = job->pool->workers[w].pid};
    snprintf(f.message, sizeof f.message, "task %zu failed: %s", (size_t)r->failed_index, message);
    job_fail(job, &f, true);
}

/* How the worker ended, in f's cause, signal or exit code, and message. */
static void describe_death(struct pool_failure *f, int status)
{
    char how[64];
    if (WIFSIGNALED(status)) {
        f->cause = POOL_WORKER_KILLED;
        f->signal = WTERMSIG(status);
    } else {
        f->cause = POOL_WORKER_EXITED;
        f->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    snprintf(f->message, sizeof f->message, "task %zu failed: worker %d (pid %ld) %s%s", f->index,
             f->worker, (long)f->pid, WIFSIGNALED(status) ? "was " : "",
             wait_describe(status, how, sizeof how));
}

/* Slot w's processes keep dying before their first task: leave it empty.
 * When no slot is left, every task the pool cannot run fails, now and
 * later, with the cause of the last death. */
static void give_up_slot(struct pool *pool, int w, pid_t pid, int status)
{
    struct pool_failure *f = &pool->why_broken;
    char how[64];
    *f = (struct pool_failure){.worker = w, .pid = pid};
    describe_death(f, status);
    snprintf(f->message, sizeof f->message, "%s (worker %d, pid %ld, %s, %d times in a row)",
             pool->options.initializer ? "the initializer keeps failing"
                                       : "workers keep dying before their first task",
             w, (long)pid, wait_describe(status, how, sizeof how), POOL_START_FAILURES);
    for (int i = 0; i < pool->nworkers; i++)
        if (pool->workers[i].pid != 0)
            return; /* others carry on */
    pool->broken = true;
    job_fail_all(pool, f, true);
}

/* The chunks the dead worker held. The scoreboard names the one it was
 * running: that task fails. Chunks before it had finished, but their
 * results died unsent in its buffer; those and the ones after it go to
 * other workers. */
static void settle_lost_chunks(struct pool *pool, int w, pid_t pid, int status)
{
    struct worker *wk = &pool->workers[w];
    struct wire_scoreboard *board = &pool->board[w];
    for (size_t i = 0; i < wk->count; i++) {
        struct inflight *slot = &wk->sent[(wk->head + i) % PIPELINE_MAX];
        struct pool_async *job = slot->job;
        job->inflight--;
        bool running_this = board->job_id == job->id && board->chunk == slot->chunk;
        job_pin(job);
        if (running_this && job->state == JOB_RUNNING) {
            struct pool_failure f = {.worker = w, .pid = pid, .index = board->item};
            describe_death(&f, status);
            job_fail(job, &f, true);
        } else if (job->state == JOB_RUNNING) {
            job_resend(pool, job, slot->chunk);
        }
        job_unpin(job);
    }
    pipeline_forget(wk);
}

/* A worker's socket reached end of file: the process is gone. */
void death_worker_gone(struct pool *pool, int w)
{
    struct worker *wk = &pool->workers[w];
    int status;
    pid_t pid = wk->pid;
    death_reap(pid, &status);
    close(wk->fd);
    wk->pid = 0;
    bool died_in_task = pool->board[w].job_id != 0;
    bool retired = wk->count == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                   pool->options.max_tasks_per_worker > 0 &&
                   wk->tasks_done >= pool->options.max_tasks_per_worker;
    if (retired)
        pool->stats.workers_retired++;
    else if (!pool->stopping)
        pool->stats.workers_lost++;
    settle_lost_chunks(pool, w, pid, status);
    pool->board[w].job_id = 0;
    if (pool->stopping)
        return;
    /* A worker that dies before running anything (a crashing initializer,
     * say) would be replaced for ever: a slot is given up after a few. */
    bool died_starting = !died_in_task && wk->tasks_done == 0 && !retired;
    wk->start_failures = died_starting ? wk->start_failures + 1 : 0;
    if (wk->start_failures >= POOL_START_FAILURES) {
        give_up_slot(pool, w, pid, status);
    } else if (pool_spawn_worker(pool, w) != 0) {
        struct pool_failure f = {.cause = POOL_WORKER_EXITED, .worker = w};
        snprintf(f.message, sizeof f.message, "cannot start a worker: %s", strerror(errno));
        pool->stopping = true; /* no more replacements */
        job_fail_all(pool, &f, true);
    }
}
