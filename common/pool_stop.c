/* SPDX-License-Identifier: MIT */
/*
 * pool_stop.c - how a pool stops: Ctrl-C, pool_terminate(), pool_destroy(),
 * and the goodbye pool_join() sends (chapter 05 stops a pool early;
 * chapter 01 shows Ctrl-C on bare processes).
 *
 * Ctrl-C in a terminal signals the whole process group. Workers ignore
 * SIGINT, so only the parent decides; with interrupt.h, a waiting pool
 * call returns EINTR and the program calls pool_terminate(), which asks
 * with SIGTERM, insists with SIGKILL, and reaps every worker.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "pool_internal.h"
#include "timing.h"

/* pool_terminate(): how long SIGTERM gets before SIGKILL. */
#define TERMINATE_GRACE_SECONDS 0.2

/* Block SIGINT and SIGTERM across fork(): one landing between fork() and
 * the child's signal(SIGINT, SIG_IGN) would kill the new worker. The
 * child unblocks them once its dispositions are set, the parent right
 * after fork(). */
void stop_block_signals(sigset_t *saved)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, saved);
}

/* SIGINT/SIGTERM noticed through interrupt.h (even during a callback):
 * errno EINTR, and the waiting call hands control back to the program. */
bool stop_interrupted(void)
{
    if (!interrupt_requested())
        return false;
    errno = EINTR;
    return true;
}

/* interrupt.h's self-pipe in *fd, so that poll() wakes for a signal that
 * arrives just before it starts to sleep. How many slots it used. */
int stop_watch_interrupt(struct pollfd *fd)
{
    if (interrupt_fd() < 0)
        return 0;
    *fd = (struct pollfd){.fd = interrupt_fd(), .events = POLLIN};
    return 1;
}

/* No worker is left to wait for: every unfinished task fails. */
int stop_no_workers(struct pool *pool)
{
    struct pool_failure gone = {.cause = POOL_TERMINATED, .worker = -1};
    snprintf(gone.message, sizeof gone.message, "the pool has no workers");
    job_fail_all(pool, pool->broken ? &pool->why_broken : &gone, true);
    pool->terminate_requested = false; /* nothing left to terminate */
    return 0;
}

/* Send signo to every worker still running. */
static void signal_workers(struct pool *pool, int signo)
{
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            kill(pool->workers[w].pid, signo);
}

/* The worker has ended, or is about to: reap it, close its socket, forget
 * its pid. */
static void forget_worker(struct worker *wk)
{
    int status;
    death_reap(wk->pid, &status);
    close(wk->fd);
    wk->pid = 0;
}

/* Reap every worker, waiting for each to end. */
static void reap_all_workers(struct pool *pool)
{
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            forget_worker(&pool->workers[w]);
}

/* Reap the workers that have already ended; return how many still run. */
static int reap_ended_workers(struct pool *pool)
{
    int alive = 0;
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0)
            continue;
        if (waitpid(wk->pid, NULL, WNOHANG) == wk->pid) {
            close(wk->fd);
            wk->pid = 0;
        } else {
            alive++;
        }
    }
    return alive;
}

/* Read and drop what the worker still sends until it has exited: one
 * blocked writing a result nobody reads would otherwise never exit. A
 * worker that owes us nothing (no chunk in flight: every result it wrote
 * has been read) has nothing to write, so we wait for its exit alone. That
 * is one wake-up: watching the socket too wakes us twice, once for the end
 * of file its exit causes and again for the exit itself. */
static void drain_and_reap(struct worker *wk)
{
    if (wk->count == 0) {
        forget_worker(wk);
        return;
    }
    unsigned char sink[256]; /* small: a fresh stack page is a copy-on-write fault */
    struct pollfd ready = {.fd = wk->fd, .events = POLLIN};
    pid_t ended;
    while ((ended = waitpid(wk->pid, NULL, WNOHANG)) == 0 || (ended < 0 && errno == EINTR)) {
        if (poll(&ready, 1, 10) > 0 && recv(wk->fd, sink, sizeof sink, MSG_DONTWAIT) == 0) {
            forget_worker(wk); /* end of file: it has closed its end */
            return;
        }
    }
    close(wk->fd);
    wk->pid = 0;
}

void stop_workers(struct pool *pool)
{
    pool->stopping = true;
    struct wire_task bye = {.kind = WIRE_EXIT};
    for (int w = 0; w < pool->nworkers; w++) {
        struct worker *wk = &pool->workers[w];
        if (wk->pid == 0)
            continue;
        /* An explicit goodbye, not just closing the socket: a worker of
         * another pool may hold a copy of our end, so EOF might never come.
         * Sent straight from here when nothing else waits to go (a pool
         * that never sent anything then allocates no send buffer). */
        int sent;
        if (wire_filled(&wk->out) == 0)
            sent = wire_send_direct(wk->fd, &bye, sizeof bye, NULL, 0);
        else if (wire_append(&wk->out, &bye, sizeof bye) == 0)
            sent = wire_flush(wk->fd, &wk->out);
        else
            sent = -1;
        if (sent != 0)
            kill(wk->pid, SIGKILL);
    }
    for (int w = 0; w < pool->nworkers; w++)
        if (pool->workers[w].pid != 0)
            drain_and_reap(&pool->workers[w]);
}

void pool_terminate(struct pool *pool)
{
    pool->closed = true;
    if (pool->in_callback) {
        /* Called from a callback: the pool is in the middle of handling a
         * result. Finish that first; pump() terminates right after. */
        pool->terminate_requested = true;
        return;
    }
    pool->stopping = true;
    /* Give SIGTERM a moment: ask, nap, ask again, for at most the grace
     * period; then SIGKILL whoever is left. Every worker is reaped. */
    signal_workers(pool, SIGTERM);
    double deadline = timing_now() + TERMINATE_GRACE_SECONDS;
    while (reap_ended_workers(pool) > 0 && timing_now() < deadline)
        timing_sleep(0.002);
    signal_workers(pool, SIGKILL);
    reap_all_workers(pool);
    for (int w = 0; w < pool->nworkers; w++) { /* nothing is in flight now */
        struct worker *wk = &pool->workers[w];
        for (size_t i = 0; i < wk->count; i++)
            wk->sent[(wk->head + i) % PIPELINE_MAX].job->inflight--;
        pipeline_forget(wk);
    }
    struct pool_failure f = {.cause = POOL_TERMINATED, .worker = -1};
    snprintf(f.message, sizeof f.message, "the pool was terminated");
    job_fail_all(pool, &f, false);
}

void pool_destroy(struct pool *pool)
{
    if (pool == NULL)
        return;
    int saved = errno;         /* pool_create() reports the error that stopped it */
    if (pool->workers == NULL) /* pool_create() failed early */
        pool->nworkers = 0;
    for (int w = 0; w < pool->nworkers; w++) {
        if (pool->workers[w].pid != 0) {
            pool_terminate(pool);
            break;
        }
    }
    struct pool_async *next;
    for (struct pool_async *job = pool->first_job; job != NULL; job = next) {
        next = job->next;
        job_free(job);
    }
    for (int w = 0; w < pool->nworkers; w++) {
        wire_free(&pool->workers[w].in);
        wire_free(&pool->workers[w].out);
    }
    if (pool->board != NULL)
        death_scoreboard_free(pool->board, pool->options.workers);
    free(pool->polled);
    free(pool->workers);
    free(pool);
    errno = saved;
}
