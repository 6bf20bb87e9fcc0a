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

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

/* A piece of a chunk: items [offset, offset + count) of task. */
struct part {
    const struct wire_task *task;
    uint64_t offset, count;
    uint64_t started_ns; /* when the chunk started */
    bool last;           /* the chunk's last part */
};

/* The answer's payload is in place after its header: the results, or on
 * failure the error message, written over them. Zero the padding too:
 * bytes sent to another process should never be whatever happened to be
 * in memory. Returns the bytes the answer takes. */
static size_t seal_answer(struct wire_result *header, size_t result_bytes, char *error)
{
    unsigned char *payload = (unsigned char *)(header + 1);
    if (header->failed) {
        if (error[0] == '\0')
            snprintf(error, POOL_MESSAGE_MAX, "the task function returned an error");
        header->payload = strlen(error) + 1;
        memcpy(payload, error, header->payload);
    } else {
        header->payload = result_bytes;
    }
    memset(payload + header->payload, 0, wire_padded(header->payload) - header->payload);
    return sizeof *header + wire_padded(header->payload);
}

/* Run one part: fn over its items, whose arguments are at args. Its answer
 * (the results, or the error) is appended to `out`. 0, or -1 out of memory;
 * *failed says whether an item failed (then the answer is the last). */
static int run_part(const struct worker_setup *setup, const struct part *p,
                    const unsigned char *args, struct wire_buffer *out, bool *failed)
{
    const struct wire_task *task = p->task;
    struct wire_scoreboard *board = &setup->board[setup->index];
    size_t result_bytes = p->count * task->result_size;
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
    header->offset = p->offset;
    header->started_ns = p->started_ns;

    struct pool_task info = {.worker = setup->index, .udata = setup->task_udata};
    board->chunk = task->chunk;
    board->job_id = task->job_id;
    for (uint64_t i = 0; i < p->count; i++) {
        info.index = task->first + p->offset + i;
        board->item = info.index; /* so a crash names the exact item */
        info.error[0] = '\0';
        if (task->fn(args + i * task->arg_size, results + i * task->result_size, &info) != 0) {
            header->failed = 1;
            header->failed_index = info.index;
            break;
        }
    }
    header->finished_ns = timing_now_ns();
    header->more = !p->last && !header->failed;
    board->job_id = 0;
    *failed = header->failed;
    out->end += seal_answer(header, result_bytes, info.error);
    return 0;
}

/* A chunk too large to hold at once (WIRE_PART_BYTES): read a part's
 * arguments, run it, send its results, next part. After a failed item the
 * rest of the arguments is read and dropped: the next task follows them.
 * The task's header has been consumed. 0, or -1 (the parent is gone). */
static int run_streamed(const struct worker_setup *setup, const struct wire_task *task,
                        struct wire_buffer *in, struct wire_buffer *out)
{
    size_t item = task->arg_size > task->result_size ? task->arg_size : task->result_size;
    uint64_t per_part = item > 0 && item < WIRE_PART_BYTES ? WIRE_PART_BYTES / item : 1;
    struct part p = {.task = task, .started_ns = timing_now_ns()};
    bool failed = false;
    for (; p.offset < task->count; p.offset += p.count) {
        p.count = task->count - p.offset < per_part ? task->count - p.offset : per_part;
        p.last = p.offset + p.count == task->count;
        size_t bytes = p.count * task->arg_size;
        if (wire_await(setup->fd, in, bytes) != 0)
            return -1;
        if (!failed && (run_part(setup, &p, in->data + in->start, out, &failed) != 0 ||
                        wire_flush(setup->fd, out) != 0))
            return -1;
        wire_consume(in, bytes);
    }
    size_t padding = wire_padded(task->count * task->arg_size) - task->count * task->arg_size;
    if (wire_await(setup->fd, in, padding) != 0)
        return -1;
    wire_consume(in, padding);
    return 0;
}

/* Run one task (a chunk) whose header is at the front of `in`: whole, or
 * streamed in parts when it is large. 0, or -1 (out of memory, or the
 * parent is gone). */
static int run_task(const struct worker_setup *setup, const struct wire_task *task,
                    struct wire_buffer *in, struct wire_buffer *out)
{
    size_t args = task->count * task->arg_size, results = task->count * task->result_size;
    if (args > WIRE_PART_BYTES || results > WIRE_PART_BYTES) {
        wire_consume(in, sizeof *task);
        return run_streamed(setup, task, in, out);
    }
    size_t size = sizeof *task + wire_padded(args);
    if (wire_await(setup->fd, in, size) != 0)
        return -1;
    struct part whole = {.task = task, .count = task->count, .last = true};
    whole.started_ns = timing_now_ns();
    bool failed;
    if (run_part(setup, &whole, in->data + in->start + sizeof *task, out, &failed) != 0)
        return -1;
    wire_consume(in, size);
    return 0;
}

/* The first message, read into a header on the stack: a worker told to
 * exit before any task (a start + join) exits without allocating its
 * buffers or reading the clock, each a first touch of pages it shares with
 * the parent (fork's copy-on-write: a page fault, and a page copied, each).
 * A task's header goes into `in`, as if read there; returns the time it
 * came (the worker's first answer is due from then). */
static uint64_t first_message(const struct worker_setup *setup, struct wire_buffer *in)
{
    struct wire_task first = {0};
    size_t got = 0;
    if (setup->initializer != NULL)
        fflush(NULL); /* what it printed, before we block */
    while (got < sizeof first) {
        ssize_t n = recv(setup->fd, (char *)&first + got, sizeof first - got, 0);
        if (n <= 0 && !(n < 0 && errno == EINTR)) /* parent gone */
            _exit(n == 0 ? WORKER_EXIT_OK : WORKER_EXIT_IO);
        got += n > 0 ? (size_t)n : 0;
    }
    if (first.kind == WIRE_EXIT)
        _exit(WORKER_EXIT_OK);
    if (wire_append(in, &first, sizeof first) != 0)
        _exit(WORKER_EXIT_IO);
    return timing_now_ns();
}

/* Only a task or the initializer can have printed: a worker that ran
 * neither skips fflush(), whose locks would copy two pages (fork's
 * copy-on-write) and make a start + join measurably slower. */
_Noreturn void pool_worker_main(const struct worker_setup *setup)
{
    become_worker(setup);
    struct wire_buffer in = {0}, out = {0};
    unsigned tasks_done = 0;
    bool printed = setup->initializer != NULL; /* see above */
    uint64_t last_answer_ns = first_message(setup, &in);
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
        if (run_task(setup, &task, &in, &out) != 0)
            _exit(WORKER_EXIT_IO);
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
