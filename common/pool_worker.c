/* SPDX-License-Identifier: MIT */
/*
 * pool_worker.c - the life of one pool worker process.
 *
 * A worker reads tasks from its socket, runs them, and writes back results,
 * until the parent says WIRE_EXIT (or it has run max_tasks tasks). It never
 * returns into the program that forked it: it ends with _exit(), which skips
 * atexit handlers and stdio buffers that belong to the parent's copy of the
 * program.
 */
#include "pool_internal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "timing.h"

/* How often a busy worker sends back what it has finished. */
#define ANSWER_EVERY_NS 1000000u

/* Exit codes a worker uses on its own (the parent reports them). */
enum { WORKER_EXIT_OK = 0, WORKER_EXIT_ORPHAN = 1, WORKER_EXIT_IO = 2 };

int pool_task_fail(struct pool_task *task, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(task->error, sizeof task->error, fmt, ap);
    va_end(ap);
    return -1;
}

/* Tie this process's life to the parent's. */
static void become_worker(const struct worker_setup *setup)
{
    /* Ctrl-C in a terminal signals the whole foreground process group: the
     * parent alone should decide what it means, so workers ignore it. */
    signal(SIGINT, SIG_IGN);
    /* The parent may catch SIGTERM to clean up; a worker has nothing to
     * clean, and pool_terminate() relies on SIGTERM ending it. */
    signal(SIGTERM, SIG_DFL);
    /* The parent blocked both around fork(); from here they may come. */
    sigprocmask(SIG_SETMASK, &setup->signal_mask, NULL);
    /* Ask the kernel to SIGKILL us when the parent dies... */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        _exit(WORKER_EXIT_ORPHAN);
    /* ...and check it has not died already, before that request was made:
     * then we were adopted by another process and no signal will come. */
    if (getppid() != setup->parent)
        _exit(WORKER_EXIT_ORPHAN);
    if (setup->initializer != NULL)
        setup->initializer(setup->index, setup->initializer_udata);
}

/* Run one chunk: fn over every item, results appended to `out`. */
static int run_task(const struct worker_setup *setup, const struct wire_task *task,
                    const unsigned char *args, struct wire_buffer *out)
{
    struct wire_scoreboard *board = &setup->board[setup->index];
    size_t result_bytes = task->count * task->result_size;
    size_t room =
        sizeof(struct wire_result) + wire_padded(result_bytes) + wire_padded(POOL_MESSAGE_MAX);
    if (wire_reserve(out, room) == NULL)
        return -1;
    /* The header is written last (when we know the outcome); results go
     * straight into the buffer that will be sent: no extra copy. */
    struct wire_result *header = (struct wire_result *)(out->data + out->end);
    unsigned char *results = (unsigned char *)(header + 1);
    memset(header, 0, sizeof *header);
    header->job_id = task->job_id;
    header->chunk = task->chunk;

    struct pool_task info = {.worker = setup->index, .udata = setup->task_udata};
    board->chunk = task->chunk;
    board->job_id = task->job_id;
    header->started_ns = timing_now_ns();
    for (uint64_t i = 0; i < task->count; i++) {
        info.index = task->first + i;
        board->item = info.index; /* so a crash names the exact item */
        info.error[0] = '\0';
        if (task->fn(args + i * task->arg_size, results + i * task->result_size, &info) != 0) {
            header->failed = 1;
            header->failed_index = info.index;
            break;
        }
    }
    header->finished_ns = timing_now_ns();
    board->job_id = 0;

    if (header->failed) {
        if (info.error[0] == '\0')
            snprintf(info.error, sizeof info.error, "the task function returned an error");
        header->payload = strlen(info.error) + 1;
        memcpy(results, info.error, header->payload);
    } else {
        header->payload = result_bytes;
    }
    /* Zero the padding too: bytes sent to another process should never be
     * whatever happened to be in memory. */
    memset(results + header->payload, 0, wire_padded(header->payload) - header->payload);
    out->end += sizeof *header + wire_padded(header->payload);
    return 0;
}

_Noreturn void pool_worker_main(const struct worker_setup *setup)
{
    become_worker(setup);
    struct wire_buffer in = {0}, out = {0};
    unsigned tasks_done = 0;
    /* Only a task or the initializer can have printed: a worker that ran
     * neither skips fflush(), whose locks would copy two pages (fork's
     * copy-on-write) and make a start + join measurably slower. */
    bool printed = setup->initializer != NULL;
    uint64_t last_answer_ns = timing_now_ns();
    for (;;) {
        /* Answer what we have before sleeping for more: the parent is
         * waiting for these results, and we are about to block. */
        if (wire_filled(&in) < sizeof(struct wire_task)) {
            if (printed)
                fflush(NULL); /* output a task printed, before it can be lost */
            if (wire_flush(setup->fd, &out) != 0)
                _exit(WORKER_EXIT_IO);
            last_answer_ns = timing_now_ns();
            if (setup->max_tasks > 0 && tasks_done >= setup->max_tasks)
                _exit(WORKER_EXIT_OK); /* retire: the parent forks anew */
        }
        while (wire_filled(&in) < sizeof(struct wire_task)) {
            ssize_t got = wire_fill(setup->fd, &in, sizeof(struct wire_task));
            if (got <= 0) /* parent gone (or PR_SET_PDEATHSIG coming) */
                _exit(got == 0 ? WORKER_EXIT_OK : WORKER_EXIT_IO);
        }
        struct wire_task task;
        memcpy(&task, in.data + in.start, sizeof task);
        if (task.kind == WIRE_EXIT) {
            if (printed)
                fflush(NULL);
            wire_flush(setup->fd, &out);
            _exit(WORKER_EXIT_OK);
        }
        size_t size = sizeof task + wire_padded(task.count * task.arg_size);
        if (wire_await(setup->fd, &in, size) != 0)
            _exit(WORKER_EXIT_IO);
        if (run_task(setup, &task, in.data + in.start + sizeof task, &out) != 0)
            _exit(WORKER_EXIT_IO);
        wire_consume(&in, size);
        tasks_done++;
        printed = true;
        /* Also answer every millisecond or so while more tasks wait: the
         * parent then sends more before this queue runs dry, instead of
         * after, and the worker never stands idle while the parent (which
         * may have to wait for a CPU) catches up. */
        uint64_t now = timing_now_ns();
        if (now - last_answer_ns >= ANSWER_EVERY_NS) {
            if (wire_flush(setup->fd, &out) != 0)
                _exit(WORKER_EXIT_IO);
            last_answer_ns = now;
        }
        if (setup->max_tasks > 0 && tasks_done >= setup->max_tasks)
            wire_consume(&in, wire_filled(&in)); /* nothing more is ours */
    }
}

/* In the new child, right after fork(): keep only our own end of our own
 * socket (the others belong to the parent and its other workers), then
 * live as a worker. */
_Noreturn void pool_worker_start(const struct pool *pool, int w, int fd, pid_t parent,
                                 const sigset_t *mask)
{
    for (int i = 0; i < pool->nworkers; i++)
        if (i != w && pool->workers[i].pid != 0)
            close(pool->workers[i].fd);
    struct worker_setup setup = {
        .index = w,
        .fd = fd,
        .parent = parent,
        .max_tasks = pool->options.max_tasks_per_worker,
        .board = pool->board,
        .initializer = pool->options.initializer,
        .initializer_udata = pool->options.initializer_udata,
        .task_udata = pool->options.task_udata,
        .signal_mask = *mask,
    };
    pool_worker_main(&setup);
}
