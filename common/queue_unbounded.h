/* SPDX-License-Identifier: MIT */
/*
 * queue_unbounded.h - multiprocessing.Queue() with no maxsize: a queue
 * whose put never waits for room. Any number of processes forked after
 * unbounded_create() put and get; messages are bytes of any size.
 *
 *     struct unbounded *q = unbounded_create();          // parent, before fork
 *     unbounded_put(q, &item, sizeof item);              // never blocks
 *     ssize_t n = unbounded_get(q, &item, sizeof item, QUEUE_FOREVER);
 *     unbounded_close(q);                                // no more puts
 *     unbounded_destroy(q);                              // parent, at the end
 *
 * What it costs: memory. Nothing makes a producer wait for its consumers,
 * so what is put and not yet got piles up. The items live in one shared
 * segment (a memfd, Linux), a ring of 64 KiB at first. A put that does not
 * fit doubles it: the producer reserves a ring twice as large in the same
 * file, copies the items over, and switches every process to it with one
 * store; each process maps the new ring the next time it takes the lock.
 * The old ring's memory is given back (a hole punched in the file); a ring
 * never shrinks, so the memory held is the most ever waiting, rounded up to
 * a power of two (unbounded_bytes()).
 *
 * When memory runs out: the new ring's pages are reserved (fallocate)
 * before anything is copied, so a put that cannot grow the ring fails with
 * ENOMEM and changes nothing: every item already put is still there, in
 * order, and gets go on. (The kernel's OOM killer may still pick a process
 * first: no program can prevent that.)
 *
 * Python's (Lib/multiprocessing/queues.py): Queue() is bounded by
 * SEM_VALUE_MAX (2^31 - 1 items on Linux); put() appends the object to a
 * buffer in the putting process, and a feeder thread writes it to a pipe
 * of 64 KiB. What the pipe cannot hold waits in the producer's memory: if
 * that process is killed, those items are lost, and when its memory runs
 * out put() raises MemoryError (or the OOM killer strikes). Here every item
 * is in the shared ring once put returns: a producer killed right after
 * loses nothing.
 *
 * Robust as queue.h: a robust lock, and every operation commits in one
 * store (the index of the ring's descriptor), so a process killed at any
 * point leaves the queue as it was before or after its operation.
 */
#ifndef FORKLORE_QUEUE_UNBOUNDED_H
#define FORKLORE_QUEUE_UNBOUNDED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "queue.h" /* QUEUE_FOREVER */

struct unbounded;

/* An empty queue; NULL with errno (memfd_create, mmap, fallocate, ...). */
struct unbounded *unbounded_create(void);

/* Queue.put(obj): copy `size` bytes in. Never waits for room. 0; or -1
 * with errno ENOMEM (no memory for a larger ring: nothing was put, nothing
 * lost), EPIPE (closed). */
int unbounded_put(struct unbounded *q, const void *message, size_t size);

/* Queue.get(timeout): as queue_get() in queue.h: the message's size; or -1
 * with errno ETIMEDOUT, EPIPE (closed and drained), EMSGSIZE (buf too
 * small: the message stays), EINTR. */
ssize_t unbounded_get(struct unbounded *q, void *buf, size_t buf_size, double timeout);

/* No more puts; consumers drain, then get EPIPE. */
void unbounded_close(struct unbounded *q);

/* Snapshots (Queue.qsize(), empty()); Queue.full() is always False. */
size_t unbounded_size(struct unbounded *q);
bool unbounded_empty(struct unbounded *q);

/* The bytes the ring holds now (a power of two, at least 64 KiB). */
size_t unbounded_bytes(struct unbounded *q);

/* In the creator, once no other process uses it. */
void unbounded_destroy(struct unbounded *q);

#endif
