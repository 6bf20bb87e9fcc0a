/* SPDX-License-Identifier: MIT */
/*
 * queue.c - a process-shared bounded FIFO; see queue.h for the contract.
 *
 * Layout: one MAP_SHARED mapping holding this header and then `capacity`
 * slots of (size, bytes). Two sides, each with a robust process-shared
 * mutex and a semaphore: putters lock theirs and move tail, getters lock
 * theirs and move head. A putter and a getter never wait for each other's
 * lock, and each side reads the other's position only when its last look
 * says full (or empty). With one lock for both, a producer and a consumer
 * running at once on two cores passed it, and its cache line, back and
 * forth on every message: 2 producers and 2 consumers on 2 cores moved
 * 2.3M messages/s then, 5.4M now (median of 15 paired runs). The
 * semaphores are doorbells that waiting processes sleep on (queue_nap.c).
 *
 * Why doorbells and not condition variables: a process killed while waiting
 * on a process-shared pthread condition variable can leave it unusable for
 * the others (glibc keeps per-waiter bookkeeping inside it). A semaphore is
 * only a counter, so a dead sleeper leaves nothing behind. A doorbell ring
 * means "look again", not "an item is yours": a waiter always re-checks the
 * ring under its side's lock, so a stray ring costs one extra look, never
 * an error.
 */
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "interrupt.h"
#include "queue_hook.h"
#include "queue_internal.h"

/* One side: the putters, or the getters. Each starts a cache line of its
 * own, so the two cores do not steal one line from each other. */
struct side {
    alignas(64) pthread_mutex_t lock; /* robust and process-shared */
    alignas(64) sem_t bell;           /* rung when this side may go on */
    atomic_uint waiting;              /* how many sleep on bell (may overcount
                                         after a sleeper was killed: harmless) */
    /* head and tail only ever grow (2^64 operations will not happen), and
     * count = tail - head: so a put commits with the one store `tail++` and a
     * get with the one store `head++`. A process killed between any two
     * instructions leaves either the old state or the new one, never half. */
    alignas(64) _Atomic size_t position; /* putters: tail, the next free;
                                            getters: head, the oldest */
    size_t seen;                         /* the other side's position, as this side last read it */
};

struct queue {
    struct side put;             /* bell rung when a slot frees, or on close */
    struct side get;             /* bell rung when an item arrives, or on close */
    alignas(64) size_t capacity; /* slots */
    size_t max_message;          /* bytes a slot can hold */
    size_t slot_size;            /* sizeof(size_t) + max_message, aligned */
    atomic_bool closed;          /* atomic: read without a lock */
    atomic_ulong recoveries;     /* locks taken over from a dead owner */
    size_t mapping_size;
    unsigned char slots[]; /* capacity * slot_size bytes */
};

void (*queue_test_hook)(enum queue_point point); /* tests only: queue_hook.h */

static void reached(enum queue_point point)
{
    if (queue_test_hook != NULL)
        queue_test_hook(point);
}

static unsigned char *slot_at(struct queue *q, size_t position)
{
    return q->slots + (position % q->capacity) * q->slot_size;
}

/* head first: tail only grows, so the count read is never below zero. A
 * caller holding one side's lock reads an exact count for that side: its
 * own position cannot move, and the other side's only moves its way. */
static size_t count_of(struct queue *q)
{
    size_t head = atomic_load_explicit(&q->get.position, memory_order_acquire);
    return atomic_load_explicit(&q->put.position, memory_order_acquire) - head;
}

/* Under the putters' lock: is the ring full? The getters' head is read
 * again only when the last one seen says full: each read of a line the
 * other core writes costs a transfer between the cores, and a ring with
 * room needs none. */
static bool full(struct queue *q)
{
    size_t tail = atomic_load_explicit(&q->put.position, memory_order_relaxed);
    if (tail - q->put.seen < q->capacity)
        return false;
    q->put.seen = atomic_load_explicit(&q->get.position, memory_order_acquire);
    return tail - q->put.seen == q->capacity;
}

/* Under the getters' lock: is the ring empty? The same, for the tail. */
static bool empty(struct queue *q)
{
    size_t head = atomic_load_explicit(&q->get.position, memory_order_relaxed);
    if (q->get.seen != head)
        return false;
    q->get.seen = atomic_load_explicit(&q->put.position, memory_order_acquire);
    return q->get.seen == head;
}

/* A single release store: everything written before it (the message bytes)
 * is visible to whoever sees the new position. The fence after it pairs
 * with the one in wait_for_doorbell: either the committer sees the other
 * side's sleeper counted, or the sleeper sees the commit. */
static void advance(_Atomic size_t *position)
{
    size_t now = atomic_load_explicit(position, memory_order_relaxed);
    atomic_store_explicit(position, now + 1, memory_order_release);
    atomic_thread_fence(memory_order_seq_cst);
}

/* Ring a doorbell for sleepers, but only if no ring is pending already: one
 * ring wakes one sleeper, and a woken process that leaves more behind (items
 * still queued, slots still free) passes the ring on. Ringing on every put
 * while someone sleeps would cost a futex system call per message, as much
 * as a pipe's write. */
static void ring_once(struct side *s)
{
    int pending;
    if (atomic_load(&s->waiting) > 0 && sem_getvalue(&s->bell, &pending) == 0 && pending <= 0)
        sem_post(&s->bell);
}

/* Before sleeping, look a few thousand times (some microseconds) whether
 * the other side is about to deliver: with producer and consumer on two
 * cores, the next message usually arrives sooner than a sleep and a wake-up
 * would take (tens of microseconds each). Bounded, so an idle consumer
 * still ends up asleep and costs no CPU. */
enum { SPIN_LOOKS = 4000 };

/* Is what the caller waits for there (an item, a free slot), or closed? */
static bool ready(struct queue *q, bool want_item)
{
    size_t count = count_of(q);
    return atomic_load_explicit(&q->closed, memory_order_relaxed) ||
           (want_item ? count > 0 : count < q->capacity);
}

static void spin_until_ready(struct queue *q, bool want_item)
{
    for (int i = 0; i < SPIN_LOOKS && !ready(q, want_item); i++)
        ;
}

/* The previous owner died holding the lock. Every operation commits in its
 * last step, so the ring is consistent; it may have died after committing
 * but before ringing a doorbell, so ring both once for whoever waits. */
static void recover_from_dead_owner(struct queue *q, struct side *s)
{
    atomic_fetch_add(&q->recoveries, 1);
    if (atomic_load(&q->get.waiting) > 0)
        sem_post(&q->get.bell);
    if (atomic_load(&q->put.waiting) > 0)
        sem_post(&q->put.bell);
    pthread_mutex_consistent(&s->lock);
}

static int lock_side(struct queue *q, struct side *s)
{
    /* The lock is held for a copy of one message: a few dozen nanoseconds.
     * A robust mutex does not spin by itself, so a process that finds it
     * taken would sleep in the kernel and be woken again, costing far more
     * than the wait. Try a few times first. */
    int rc = EBUSY;
    for (int i = 0; i < 100 && rc == EBUSY; i++)
        rc = pthread_mutex_trylock(&s->lock);
    if (rc == EBUSY)
        rc = pthread_mutex_lock(&s->lock);
    if (rc == EOWNERDEAD) {
        recover_from_dead_owner(q, s);
        rc = 0;
    }
    return rc;
}

static void unlock_side(struct side *s)
{
    pthread_mutex_unlock(&s->lock);
}

/* A nap ended without a ring, yet what the waiter waits for is there and no
 * ring is pending: the ring was taken by a process that died, or lost. The
 * look after the nap rescued the waiter; tests count these. */
static void note_rescue(struct queue *q, sem_t *bell, bool want_item)
{
    int pending;
    if (ready(q, want_item) && sem_getvalue(bell, &pending) == 0 && pending <= 0)
        reached(QUEUE_RESCUED);
}

/* Sleep on side s's doorbell for one nap, its lock released meanwhile.
 * Returns 0 (the caller looks again, under the lock), ETIMEDOUT or EINTR. */
static int wait_for_doorbell(struct queue *q, struct side *s, double timeout,
                             const struct timespec *deadline)
{
    if (timeout == 0)
        return ETIMEDOUT;
    bool want_item = s == &q->get;
    unlock_side(s);
    spin_until_ready(q, want_item);
    int rc = lock_side(q, s);
    if (rc != 0 || ready(q, want_item))
        return rc; /* the caller looks again, under the lock */
    /* Nothing is there right now, so a ring still pending is stale: clear
     * it, or we would wake for it. Then count ourselves as waiting, and
     * look once more: the other side commits and then looks at `waiting`
     * (advance()), we count and then look at the ring, and the fences
     * between make sure at least one of the two sees the other. */
    while (sem_trywait(&s->bell) == 0)
        ;
    atomic_fetch_add(&s->waiting, 1);
    atomic_thread_fence(memory_order_seq_cst);
    int err = 0;
    if (!ready(q, want_item)) {
        unlock_side(s);
        reached(QUEUE_ASLEEP);
        err = queue_nap(&s->bell, timeout, deadline);
        if (err == 0)
            reached(QUEUE_WOKEN);
        rc = lock_side(q, s);
    }
    atomic_fetch_sub(&s->waiting, 1);
    if (err == EAGAIN) {
        note_rescue(q, &s->bell, want_item);
        err = 0;
    }
    if (err == ETIMEDOUT && ready(q, want_item))
        err = 0; /* it came as the time ran out: take it */
    return rc != 0 ? rc : err;
}

/* The bytes of one slot and of the whole mapping, or 0 when a size is zero
 * or a product would overflow size_t (checked before it is computed). */
static size_t mapping_size_for(size_t capacity, size_t max_message, size_t *slot_size)
{
    const size_t align = sizeof(size_t);
    if (capacity == 0 || max_message == 0 || max_message > SIZE_MAX - 2 * align)
        return 0;
    *slot_size = (sizeof(size_t) + max_message + align - 1) / align * align;
    if (capacity > (SIZE_MAX - sizeof(struct queue)) / *slot_size)
        return 0;
    return sizeof(struct queue) + capacity * *slot_size;
}

/* One side's robust process-shared lock and doorbell; 0 or an error code,
 * with nothing left initialised on failure. */
static int init_side(struct side *s)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(&s->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0)
        return rc;
    /* sem_init's second argument 1 means "shared between processes". */
    if (sem_init(&s->bell, 1, 0) != 0) {
        rc = errno;
        pthread_mutex_destroy(&s->lock);
    }
    atomic_init(&s->waiting, 0);
    atomic_init(&s->position, 0);
    return rc;
}

static void destroy_side(struct side *s)
{
    sem_destroy(&s->bell);
    pthread_mutex_destroy(&s->lock);
}

struct queue *queue_create(size_t capacity, size_t max_message)
{
    size_t slot_size = 0;
    size_t mapping_size = mapping_size_for(capacity, max_message, &slot_size);
    if (mapping_size == 0) {
        errno = EINVAL;
        return NULL;
    }
    /* MAP_SHARED | MAP_ANONYMOUS: memory that fork() shares instead of
     * copying; every child sees the same queue at the same address. */
    struct queue *q =
        mmap(NULL, mapping_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return NULL; /* errno ENOMEM for a size too large to map */
    /* A fresh anonymous mapping is all zeros; the atomics are set properly. */
    atomic_init(&q->closed, false);
    atomic_init(&q->recoveries, 0);
    q->capacity = capacity;
    q->max_message = max_message;
    q->slot_size = slot_size;
    q->mapping_size = mapping_size;
    int rc = init_side(&q->put);
    if (rc == 0 && (rc = init_side(&q->get)) != 0)
        destroy_side(&q->put);
    if (rc != 0) {
        munmap(q, mapping_size);
        errno = rc;
        return NULL;
    }
    return q;
}

int queue_put(struct queue *q, const void *message, size_t size, double timeout)
{
    if (size > q->max_message) {
        errno = EMSGSIZE;
        return -1;
    }
    timeout = queue_effective_timeout(timeout);
    struct timespec deadline = queue_deadline_after(timeout);
    /* Only putters take this lock; close takes it too, so no put is half
     * done when the queue closes. */
    int rc = lock_side(q, &q->put);
    while (rc == 0 && !q->closed && full(q))
        rc = wait_for_doorbell(q, &q->put, timeout, &deadline);
    if (rc == 0 && q->closed)
        rc = EPIPE;
    if (rc == 0) {
        unsigned char *slot = slot_at(q, atomic_load(&q->put.position));
        memcpy(slot, &size, sizeof size);
        reached(QUEUE_COPYING_IN);
        memcpy(slot + sizeof size, message, size);
        /* The commit, one release store: until here the put left no trace,
         * and a process killed before it leaves the ring as it was. */
        advance(&q->put.position);
        ring_once(&q->get);
        if (!full(q)) /* room left: pass the ring on */
            ring_once(&q->put);
    }
    unlock_side(&q->put);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return 0;
}

/* queue_get(), and, for a JoinableQueue (queue_joinable.c), one more item
 * counted in *taken under the lock just before the commit: a process
 * killed in between leaves the item in the ring and a count that only
 * says it was busy, never an item taken and not counted. */
ssize_t queue_get_counting(struct queue *q, void *buf, size_t buf_size, double timeout,
                           _Atomic unsigned long *taken)
{
    timeout = queue_effective_timeout(timeout);
    struct timespec deadline = queue_deadline_after(timeout);
    size_t size = 0;
    int rc = lock_side(q, &q->get); /* only getters take this lock */
    while (rc == 0 && !q->closed && empty(q))
        rc = wait_for_doorbell(q, &q->get, timeout, &deadline);
    if (rc == 0 && empty(q)) {
        rc = EPIPE;             /* closed and drained: end of queue */
        sem_post(&q->get.bell); /* pass the news on to the next sleeper */
    }
    if (rc == 0) {
        unsigned char *slot = slot_at(q, atomic_load(&q->get.position));
        memcpy(&size, slot, sizeof size);
        if (size > buf_size) {
            rc = EMSGSIZE;
        } else {
            reached(QUEUE_COPYING_OUT);
            memcpy(buf, slot + sizeof size, size);
            if (taken != NULL)
                atomic_fetch_add(taken, 1);
            advance(&q->get.position); /* the commit: until here, no trace */
            ring_once(&q->put);
            if (!empty(q)) /* items left: pass the ring on */
                ring_once(&q->get);
        }
    }
    unlock_side(&q->get);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return (ssize_t)size;
}

ssize_t queue_get(struct queue *q, void *buf, size_t buf_size, double timeout)
{
    return queue_get_counting(q, buf, buf_size, timeout, NULL);
}

void queue_close(struct queue *q)
{
    if (lock_side(q, &q->put) != 0) /* no put half done; none after this */
        return;
    atomic_store(&q->closed, true);
    /* Wake every sleeper; each one re-checks and sees the news. */
    for (unsigned i = atomic_load(&q->get.waiting); i > 0; i--)
        sem_post(&q->get.bell);
    for (unsigned i = atomic_load(&q->put.waiting); i > 0; i--)
        sem_post(&q->put.bell);
    unlock_side(&q->put);
}

/* Under the getters' lock head stands still, so the count is exact there. */
size_t queue_size(struct queue *q)
{
    size_t n = 0;
    if (lock_side(q, &q->get) == 0) {
        n = count_of(q);
        unlock_side(&q->get);
    }
    return n;
}

bool queue_empty(struct queue *q)
{
    return queue_size(q) == 0;
}

bool queue_full(struct queue *q)
{
    return queue_size(q) == q->capacity;
}

/* Locking each side first takes over from a dead owner not yet noticed. */
unsigned long queue_recoveries(struct queue *q)
{
    struct side *sides[] = {&q->put, &q->get};
    for (int i = 0; i < 2; i++)
        if (lock_side(q, sides[i]) == 0)
            unlock_side(sides[i]);
    return atomic_load(&q->recoveries);
}

void queue_destroy(struct queue *q)
{
    if (q == NULL)
        return;
    destroy_side(&q->put);
    destroy_side(&q->get);
    munmap(q, q->mapping_size);
}
