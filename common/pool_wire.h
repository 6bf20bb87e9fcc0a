/* SPDX-License-Identifier: MIT */
/*
 * pool_wire.h - internal to the pool: what travels between the parent and a
 * worker, and the buffers that batch it.
 *
 * Both ends are the same program (fork), so messages are plain structs.
 * Every message is padded to a multiple of WIRE_ALIGN bytes, so that the
 * argument and result bytes inside a buffer are aligned for any type a task
 * function may cast them to.
 *
 * Batching: a socket call costs a microsecond or more and waking a sleeping
 * process tens of microseconds, far more than a small task. So the parent
 * queues several tasks per worker and sends them with one call, and a
 * worker answers everything it has read with one call. With chunksize 1 the
 * cost per task is then a few copies, not a round trip.
 */
#ifndef FORKLORE_POOL_WIRE_H
#define FORKLORE_POOL_WIRE_H

#include <stdalign.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "pool.h"

#define WIRE_ALIGN 16

enum wire_kind {
    WIRE_TASK = 1, /* run fn over `count` items */
    WIRE_EXIT = 2, /* finish: the worker exits with status 0 */
};

/* Parent -> worker; followed by count x arg_size argument bytes. */
struct wire_task {
    uint32_t kind;
    uint32_t padding;
    uint64_t job_id;
    uint64_t chunk;  /* chunk number within the job */
    pool_task_fn fn; /* same address in every process: see pool.h */
    uint64_t first;  /* index of the first item */
    uint64_t count;
    uint64_t arg_size;
    uint64_t result_size;
};

/* Worker -> parent; followed by `payload` bytes: the error message (when
 * the task failed) or the results of items [offset, offset + payload /
 * result_size) of the chunk. A large chunk is answered in parts, one per
 * WIRE_PART_BYTES or so as the worker goes (more = 1), the last with more
 * = 0: the chunk is done when that one comes. */
struct wire_result {
    uint64_t job_id;
    uint64_t chunk;
    uint64_t failed_index; /* the item whose function returned non-zero */
    uint64_t started_ns;   /* CLOCK_MONOTONIC, the same clock everywhere */
    uint64_t finished_ns;
    uint64_t payload; /* bytes that follow (before padding) */
    int32_t failed;   /* 0: success */
    uint32_t more;    /* 1: a part, more of this chunk follows */
    uint64_t offset;  /* the part's first item, counted from the chunk's */
};

/* A worker streams a chunk whose arguments or results pass this size: it
 * reads the arguments of a part, runs them, sends their results, and goes
 * on with the next part, so its buffers stay about this size whatever the
 * chunk's (a fresh buffer per chunk faults in every page: slow, and
 * memory that grows with the chunk). */
#define WIRE_PART_BYTES ((size_t)256 * 1024)

/* Headers keep what follows them aligned. */
_Static_assert(sizeof(struct wire_task) % WIRE_ALIGN == 0, "wire_task size");
_Static_assert(sizeof(struct wire_result) % WIRE_ALIGN == 0, "wire_result size");

/* Rounded up to WIRE_ALIGN: the size a message of n bytes occupies. */
static inline size_t wire_padded(size_t n)
{
    return (n + WIRE_ALIGN - 1) / WIRE_ALIGN * WIRE_ALIGN;
}

/* A byte buffer: data[start, end) is filled, the rest is free. */
struct wire_buffer {
    unsigned char *data;
    size_t start, end, capacity;
};

/* Room for n more bytes at the end; returns a pointer to it or NULL
 * (ENOMEM). The buffer's bytes may move: re-take pointers into it. */
unsigned char *wire_reserve(struct wire_buffer *b, size_t n);

/* Append n bytes (padded); -1 on ENOMEM. */
int wire_append(struct wire_buffer *b, const void *bytes, size_t n);

/* Bytes filled. */
static inline size_t wire_filled(const struct wire_buffer *b)
{
    return b->end - b->start;
}

/* Drop n bytes from the front. */
void wire_consume(struct wire_buffer *b, size_t n);

/* Send everything filled; blocks until done. 0, or -1 with errno (EPIPE or
 * ECONNRESET when the other end is gone). Never raises SIGPIPE. */
int wire_flush(int fd, struct wire_buffer *b);

/* Send header and body as one message, straight from where they are (no
 * copy into a buffer), followed by the padding; blocks until done. */
int wire_send_direct(int fd, const void *header, size_t header_size, const void *body,
                     size_t body_size);

/* Read exactly n bytes into dest, bypassing any buffer. 0, or -1 (errno
 * set; EPIPE for end of file before n bytes). */
int wire_recv_exact(int fd, void *dest, size_t n);

/* poll(), but when it would wait (ms != 0) and the machine has a CPU to
 * spare, it first looks without waiting for up to 30 us (pool_wire.c says
 * why). */
int wire_poll(struct pollfd *fds, nfds_t n, int ms);

/* One read of whatever has arrived (blocking while nothing has, after the
 * same look as wire_poll's), with room for at least `want` filled bytes.
 * Returns bytes read, 0 at end of file, -1 with errno. */
ssize_t wire_fill(int fd, struct wire_buffer *b, size_t want);

/* Fill until at least n bytes are filled: 0, or -1 (end of file or an
 * error: the other end is gone). */
int wire_await(int fd, struct wire_buffer *b, size_t n);

void wire_free(struct wire_buffer *b);

/*
 * The scoreboard: one cache line per worker in shared memory, written by the
 * worker as it goes and read by the parent when the worker dies, to name the
 * exact item it was running. Each worker writes only its own line.
 */
struct wire_scoreboard {
    alignas(64) volatile uint64_t job_id; /* 0: between tasks */
    volatile uint64_t chunk;
    volatile uint64_t item;
};

/* Everything a new worker process needs to know. */
struct worker_setup {
    int index;          /* 0 .. workers-1 */
    int fd;             /* its end of the socket pair */
    pid_t parent;       /* to check that the parent is still there */
    unsigned max_tasks; /* exit after this many tasks; 0: never */
    struct wire_scoreboard *board;
    void (*initializer)(int worker, void *udata);
    void *initializer_udata;
    void *task_udata;
    sigset_t signal_mask; /* to restore once dispositions are set */
};

/* The worker's whole life. Never returns: it ends with _exit(). */
_Noreturn void pool_worker_main(const struct worker_setup *setup);

#endif
