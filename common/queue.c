/* SPDX-License-Identifier: MIT */
/*
 * queue.c - a process-shared bounded FIFO; see queue.h for the contract.
 *
 * Layout: one MAP_SHARED mapping holding this header and then `capacity`
 * slots of (size, bytes). A robust process-shared mutex guards head/tail;
 * two semaphores are doorbells that waiting processes sleep on.
 *
 * Why doorbells and not condition variables: a process killed while waiting
 * on a process-shared pthread condition variable can leave it unusable for
 * the others (glibc keeps per-waiter bookkeeping inside it). A semaphore is
 * only a counter, so a dead sleeper leaves nothing behind. A doorbell ring
 * means "look again", not "an item is yours": a waiter always re-checks the
 * ring under the lock, so a stray ring costs one extra look, never an error.
 */
#include "queue.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "interrupt.h"
#include "queue_hook.h"
#include "queue_internal.h"

struct queue {
    pthread_mutex_t lock;     /* robust and process-shared */
    sem_t can_get;            /* rung when an item arrives or on close */
    sem_t can_put;            /* rung when a slot frees or on close */
    unsigned waiting_getters; /* how many sleep on can_get (may overcount
                                 after a sleeper was killed: harmless) */
    unsigned waiting_putters;
    size_t capacity;    /* slots */
    size_t max_message; /* bytes a slot can hold */
    size_t slot_size;   /* sizeof(size_t) + max_message, aligned */
    /* head and tail only ever grow (2^64 operations will not happen), and
     * count = tail - head: so a put commits with the one store `tail++` and a
     * get with the one store `head++`. A process killed between any two
     * instructions leaves either the old state or the new one, never half. */
    _Atomic size_t head;      /* position of the oldest message */
    _Atomic size_t tail;      /* position the next message goes to */
    atomic_bool closed;       /* atomic: read without the lock while spinning */
    unsigned long recoveries; /* locks taken over from a dead owner */
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

static size_t count_of(struct queue *q)
{
    return atomic_load_explicit(&q->tail, memory_order_acquire) -
           atomic_load_explicit(&q->head, memory_order_acquire);
}

/* A single release store: everything written before it (the message bytes)
 * is visible to whoever sees the new position. */
static void advance(_Atomic size_t *position)
{
    size_t now = atomic_load_explicit(position, memory_order_relaxed);
    atomic_store_explicit(position, now + 1, memory_order_release);
}

/* Ring a doorbell for sleepers, but only if no ring is pending already: one
 * ring wakes one sleeper, and a woken process that leaves more behind (items
 * still queued, slots still free) passes the ring on. Ringing on every put
 * while someone sleeps would cost a futex system call per message, as much
 * as a pipe's write. */
static void ring_once(sem_t *bell, unsigned waiting)
{
    int pending;
    if (waiting > 0 && sem_getvalue(bell, &pending) == 0 && pending <= 0)
        sem_post(bell);
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
static void recover_from_dead_owner(struct queue *q)
{
    q->recoveries++;
    if (q->waiting_getters > 0)
        sem_post(&q->can_get);
    if (q->waiting_putters > 0)
        sem_post(&q->can_put);
    pthread_mutex_consistent(&q->lock);
}

static int lock_queue(struct queue *q)
{
    /* The lock is held for a copy of one message: a few dozen nanoseconds.
     * A robust mutex does not spin by itself, so a process that finds it
     * taken would sleep in the kernel and be woken again, costing far more
     * than the wait. Try a few times first. */
    int rc = EBUSY;
    for (int i = 0; i < 100 && rc == EBUSY; i++)
        rc = pthread_mutex_trylock(&q->lock);
    if (rc == EBUSY)
        rc = pthread_mutex_lock(&q->lock);
    if (rc == EOWNERDEAD) {
        recover_from_dead_owner(q);
        rc = 0;
    }
    return rc;
}

static void unlock_queue(struct queue *q)
{
    pthread_mutex_unlock(&q->lock);
}

/* Only QUEUE_FOREVER waits forever. Any other timeout that is not positive
 * (negative, or NaN) has run out already: only try, as Python's
 * SemLock.acquire does, which makes a negative timeout 0. */
static double effective_timeout(double timeout)
{
    return timeout == QUEUE_FOREVER || timeout > 0 ? timeout : 0;
}

/* sem_timedwait takes an absolute CLOCK_REALTIME deadline. Only a positive
 * timeout needs one: for the others (wait forever, only try) there is no
 * clock call, which would otherwise cost every put and get. */
static struct timespec deadline_after(double timeout)
{
    struct timespec ts = {0};
    if (timeout <= 0)
        return ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double whole = floor(timeout);
    ts.tv_sec += (time_t)whole;
    ts.tv_nsec += (long)((timeout - whole) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Every wait is done in naps this long, and after each nap the waiter looks
 * at the queue again, under the lock. A ring is only a hint: the process
 * that took it may be killed before it takes the item (or the slot) the ring
 * was for, or while it holds the lock, which no one recovers until someone
 * locks it again. Without the look after a nap, another waiter would sleep
 * forever beside that item. The look also notices interrupt.h's flag: a
 * Ctrl-C handled just before sem_wait went to sleep interrupts nothing. */
#define NAP_SECONDS 0.05

static bool earlier(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Sleep until the doorbell rings or a nap has passed. Returns 0 (rung),
 * EAGAIN (a nap passed: look again), ETIMEDOUT (the caller's deadline has passed) or EINTR: a
 * signal handler ran (Ctrl-C, say), and the caller should get the chance to act. */
static int nap_on(sem_t *bell, double timeout, const struct timespec *deadline)
{
    if (timeout == QUEUE_FOREVER && interrupt_requested())
        return EINTR;
    struct timespec nap = deadline_after(NAP_SECONDS);
    bool last_nap = timeout != QUEUE_FOREVER && !earlier(&nap, deadline);
    if (sem_timedwait(bell, last_nap ? deadline : &nap) == 0) {
        reached(QUEUE_WOKEN);
        return 0;
    }
    if (errno != ETIMEDOUT)
        return errno;
    return last_nap ? ETIMEDOUT : EAGAIN;
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

/* Sleep on a doorbell for one nap, the lock released meanwhile. `waiting`
 * is the counter that tells the other side to ring. Returns 0 (the caller
 * looks again, under the lock), ETIMEDOUT or EINTR. */
static int wait_for_doorbell(struct queue *q, sem_t *bell, unsigned *waiting, double timeout,
                             const struct timespec *deadline)
{
    if (timeout == 0)
        return ETIMEDOUT;
    bool want_item = bell == &q->can_get;
    unlock_queue(q);
    spin_until_ready(q, want_item);
    int rc = lock_queue(q);
    /* Look again under the lock: what arrived after the last look of the
     * spin rang no doorbell (nobody was registered as waiting yet). */
    if (rc != 0 || ready(q, want_item))
        return rc; /* the caller looks again, under the lock */
    /* The condition we wait for is false right now and we hold the lock, so
     * any ring still pending is stale: clear it, or we would wake for it. */
    while (sem_trywait(bell) == 0)
        ;
    (*waiting)++;
    unlock_queue(q);
    reached(QUEUE_ASLEEP);
    int err = nap_on(bell, timeout, deadline);
    rc = lock_queue(q);
    (*waiting)--;
    if (err == EAGAIN) {
        note_rescue(q, bell, want_item);
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

/* The robust process-shared lock and the two doorbells; 0 or an error
 * code, with nothing left initialised on failure. */
static int init_sync(struct queue *q)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(&q->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0)
        return rc;
    /* sem_init's second argument 1 means "shared between processes". */
    if (sem_init(&q->can_get, 1, 0) != 0) {
        rc = errno;
    } else if (sem_init(&q->can_put, 1, 0) != 0) {
        rc = errno;
        sem_destroy(&q->can_get);
    }
    if (rc != 0)
        pthread_mutex_destroy(&q->lock);
    return rc;
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
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    atomic_init(&q->closed, false);
    q->capacity = capacity;
    q->max_message = max_message;
    q->slot_size = slot_size;
    q->mapping_size = mapping_size;
    int rc = init_sync(q);
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
    timeout = effective_timeout(timeout);
    struct timespec deadline = deadline_after(timeout);
    int rc = lock_queue(q);
    while (rc == 0 && !q->closed && count_of(q) == q->capacity)
        rc = wait_for_doorbell(q, &q->can_put, &q->waiting_putters, timeout, &deadline);
    if (rc == 0 && q->closed)
        rc = EPIPE;
    if (rc == 0) {
        unsigned char *slot = slot_at(q, atomic_load(&q->tail));
        memcpy(slot, &size, sizeof size);
        reached(QUEUE_COPYING_IN);
        memcpy(slot + sizeof size, message, size);
        /* The commit, one release store: until here the put left no trace,
         * and a process killed before it leaves the ring as it was. */
        advance(&q->tail);
        ring_once(&q->can_get, q->waiting_getters);
        if (count_of(q) < q->capacity) /* room left: pass the ring on */
            ring_once(&q->can_put, q->waiting_putters);
    }
    unlock_queue(q);
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
    timeout = effective_timeout(timeout);
    struct timespec deadline = deadline_after(timeout);
    size_t size = 0;
    int rc = lock_queue(q);
    while (rc == 0 && !q->closed && count_of(q) == 0)
        rc = wait_for_doorbell(q, &q->can_get, &q->waiting_getters, timeout, &deadline);
    if (rc == 0 && count_of(q) == 0) {
        rc = EPIPE;            /* closed and drained: end of queue */
        sem_post(&q->can_get); /* pass the news on to the next sleeper */
    }
    if (rc == 0) {
        unsigned char *slot = slot_at(q, atomic_load(&q->head));
        memcpy(&size, slot, sizeof size);
        if (size > buf_size) {
            rc = EMSGSIZE;
        } else {
            reached(QUEUE_COPYING_OUT);
            memcpy(buf, slot + sizeof size, size);
            if (taken != NULL)
                atomic_fetch_add(taken, 1);
            advance(&q->head); /* the commit: until here, no trace */
            ring_once(&q->can_put, q->waiting_putters);
            if (count_of(q) > 0) /* items left: pass the ring on */
                ring_once(&q->can_get, q->waiting_getters);
        }
    }
    unlock_queue(q);
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
    if (lock_queue(q) != 0)
        return;
    atomic_store(&q->closed, true);
    /* Wake every sleeper; each one re-checks and sees the news. */
    for (unsigned i = 0; i < q->waiting_getters; i++)
        sem_post(&q->can_get);
    for (unsigned i = 0; i < q->waiting_putters; i++)
        sem_post(&q->can_put);
    unlock_queue(q);
}

size_t queue_size(struct queue *q)
{
    size_t n = 0;
    if (lock_queue(q) == 0) {
        n = count_of(q);
        unlock_queue(q);
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

unsigned long queue_recoveries(struct queue *q)
{
    unsigned long n = 0;
    if (lock_queue(q) == 0) {
        n = q->recoveries;
        unlock_queue(q);
    }
    return n;
}

void queue_destroy(struct queue *q)
{
    if (q == NULL)
        return;
    sem_destroy(&q->can_put);
    sem_destroy(&q->can_get);
    pthread_mutex_destroy(&q->lock);
    munmap(q, q->mapping_size);
}
