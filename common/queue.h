/* SPDX-License-Identifier: MIT */
/*
 * queue.h - a bounded FIFO that any number of processes can put to and get
 * from: the C counterpart of multiprocessing.Queue.
 *
 * The queue lives in shared memory (mmap MAP_SHARED) created *before* fork, so
 * every child inherits it at the same address. Messages are copied in and out
 * (as Python pickles them), each up to a maximum size fixed at creation.
 *
 *     struct queue *q = queue_create(64, sizeof(struct item));   // parent
 *     if (fork() == 0) {                                          // producer
 *         queue_put(q, &item, sizeof item, QUEUE_FOREVER);
 *         _exit(0);
 *     }
 *     struct item got;
 *     ssize_t n = queue_get(q, &got, sizeof got, 1.0);            // wait 1 s
 *     ...
 *     queue_destroy(q);                         // parent, after reaping all
 *
 * End of work: queue_close() lets consumers drain what is left; after that
 * queue_get() fails with errno EPIPE ("end of queue"), the counterpart of a
 * sentinel (None) put once per consumer.
 *
 * A killed process does not wedge the queue: its two locks (one taken by
 * putters, one by getters, so a put never waits for a get to let go of a
 * lock) are robust mutexes (the next process to lock one learns that its
 * owner died and takes over), every
 * operation changes the ring only in its last step (so a half-done put or
 * get leaves no trace), and waiting uses semaphores, which a dead waiter
 * cannot block. A waiter also looks at the queue again after every nap of
 * 50 ms: if the process that took a wake-up is killed before it takes the
 * item (or the free slot), or while it holds the lock, the others find the
 * item within a nap instead of sleeping beside it. What a process killed
 * mid-get had already taken is lost with it, exactly as with any consumer
 * that dies holding an item.
 */
#ifndef FORKLORE_QUEUE_H
#define FORKLORE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct queue;

/* Timeouts are in seconds: QUEUE_FOREVER blocks, 0 only tries. Only
 * QUEUE_FOREVER waits forever: any other negative timeout (or NaN) has run
 * out already and acts as 0, as a negative timeout does in Python's
 * multiprocessing (a wait that would block fails at once with ETIMEDOUT). */
#define QUEUE_FOREVER (-1.0)

/* A queue holding at most `capacity` messages of at most `max_message` bytes
 * each. Returns NULL with errno set, and nothing created: EINVAL for a zero
 * size or sizes whose product (capacity x slot) does not fit in size_t,
 * ENOMEM for a queue too large to map, or the error of mmap,
 * pthread_mutex_init, sem_init. */
struct queue *queue_create(size_t capacity, size_t max_message);

/* Copy `size` bytes in at the tail; waits while the queue is full.
 * Returns 0, or -1 with errno ETIMEDOUT (still full when the timeout ran
 * out), EPIPE (the queue is closed), EMSGSIZE (size > max_message: any
 * size_t is checked before use), EINTR (a signal handler ran while it
 * waited, or, waiting forever, interrupt.h's flag was set: nothing was put). */
int queue_put(struct queue *q, const void *message, size_t size, double timeout);

/* Copy the message at the head into buf; waits while the queue is empty.
 * buf_size may be any size_t (only the message's own size is copied).
 * Returns the message's size, or -1 with errno ETIMEDOUT (still empty when
 * the timeout ran out), EPIPE (closed and drained: end of queue), EMSGSIZE
 * (buf is smaller than the message, which stays in the queue), EINTR (a
 * signal handler ran while it waited, or, waiting forever, interrupt.h's
 * flag was set: nothing was taken). */
ssize_t queue_get(struct queue *q, void *buf, size_t buf_size, double timeout);

/* No more puts: waiting producers fail with EPIPE, consumers drain what is
 * left and then get EPIPE. Any process may close; closing twice is fine. */
void queue_close(struct queue *q);

/* A snapshot, stale as soon as it is returned (as in Python: approximate). */
size_t queue_size(struct queue *q);
bool queue_empty(struct queue *q);
bool queue_full(struct queue *q);

/* How many times a process found a lock's previous owner dead and
 * recovered the queue (0 unless someone was killed inside an operation). */
unsigned long queue_recoveries(struct queue *q);

/* Release the queue. Call once, in the creator, when no other process uses
 * it any more (children simply exit: their mapping goes with them). */
void queue_destroy(struct queue *q);

/* ------------------------------------------------------------------ */
/* JoinableQueue: task_done() and join()                               */
/* ------------------------------------------------------------------ */

/*
 * multiprocessing.JoinableQueue (Lib/multiprocessing/queues.py): a queue
 * that counts the items put and not yet marked done, so that a producer
 * can wait until every item has been processed.
 *
 *     struct joinable *jq = joinable_create(64, sizeof(struct job)); // parent
 *     // consumers:  joinable_get(jq, &job, sizeof job, QUEUE_FOREVER);
 *     //             work(&job); joinable_task_done(jq);
 *     joinable_put(jq, &job, sizeof job, QUEUE_FOREVER);              // producer
 *     if (joinable_join(jq, QUEUE_FOREVER) != 0 && errno == EOWNERDEAD)
 *         printf("%lu items lost\n", joinable_lost(jq, NULL));
 *
 * A consumer killed between get and task_done does not make join wait for
 * ever (Python's would). Each process that is putting, getting, or holds
 * items it got and has not marked done is registered, with its pid and
 * start time. join notices when the queue is empty and no registered
 * process that could still mark an item done is alive: the items still
 * unfinished then were taken (or being put) by processes that died. join
 * counts them as lost, corrects the count to 0, and returns -1 with errno
 * EOWNERDEAD; joinable_lost() says how many and a pid that died. Liveness
 * is read from /proc/PID/stat (Linux). A consumer that gives its item to
 * another process to finish stays registered until it dies or marks one
 * done itself, which only delays a verdict of loss, never a wrong one.
 */
struct joinable;

/* Like queue_create(), plus the counts; NULL with errno (as queue_create). */
struct joinable *joinable_create(size_t capacity, size_t max_message);

/* JoinableQueue.put: queue_put(), and one more unfinished item. Errors as
 * queue_put(), and EAGAIN when JOINABLE_PROCESSES processes are busy. */
int joinable_put(struct joinable *jq, const void *message, size_t size, double timeout);

/* JoinableQueue.get: queue_get(); the caller owes one task_done. */
ssize_t joinable_get(struct joinable *jq, void *buf, size_t buf_size, double timeout);

/* JoinableQueue.task_done(): one item finished. -1 with EINVAL when more
 * are marked done than were put (Python's ValueError). */
int joinable_task_done(struct joinable *jq);

/* JoinableQueue.join(): wait until every item put is done. 0; or -1 with
 * errno ETIMEDOUT, EINTR (interrupt.h's flag), or EOWNERDEAD (see above:
 * the count was corrected, the loss is in joinable_lost()). */
int joinable_join(struct joinable *jq, double timeout);

/* Items counted as lost so far; *pid (may be NULL): the last dead holder. */
unsigned long joinable_lost(struct joinable *jq, pid_t *pid);

/* The queue underneath, for queue_close, queue_size, queue_empty, ... */
struct queue *joinable_queue(struct joinable *jq);

/* As queue_destroy(), in the creator, once no other process uses it. */
void joinable_destroy(struct joinable *jq);

/* At most this many processes may be putting, getting or holding items at
 * the same time. */
#define JOINABLE_PROCESSES 64

#endif
