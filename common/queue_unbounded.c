/* SPDX-License-Identifier: MIT */
/*
 * queue_unbounded.c - Queue() with no maxsize; see queue_unbounded.h.
 *
 * Two mappings. The header (anonymous, MAP_SHARED, made before fork) holds
 * the lock, the doorbell and two descriptors of the ring; `current` says
 * which one is the queue. The ring is a region of a memfd that every
 * process maps for itself, and maps again when the ring has moved.
 *
 * The commit: an operation copies the current descriptor, changes the copy
 * (tail, head, count, or a whole new ring), writes it to the other slot and
 * then flips `current`, one store. A process killed before the flip leaves
 * the queue exactly as it was; the bytes it wrote are outside what the
 * current descriptor covers.
 *
 * Records are (size, bytes), the bytes padded to 8: a size never wraps
 * around the end of the ring, the bytes may (copied in two parts).
 */
#define _GNU_SOURCE /* memfd_create, fallocate (Linux) */
#include "queue_unbounded.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "interrupt.h"
#include "timing.h"

#define FIRST_RING ((size_t)64 * 1024) /* bytes: a power of two, whole pages */

struct ring {          /* one descriptor */
    off_t base;        /* where the ring starts in the memfd */
    size_t capacity;   /* its bytes */
    size_t head, tail; /* byte positions, only growing; offset = position % capacity */
    size_t items;
};

struct header {
    pthread_mutex_t lock; /* robust, process-shared */
    sem_t can_get;        /* the doorbell: rung when an item comes, or on close */
    unsigned waiting;     /* getters asleep on it (may overcount after a kill) */
    struct ring rings[2];
    _Atomic unsigned current; /* rings[current] is the queue: the commit */
    atomic_bool closed;
};

struct unbounded { /* per process: each forked child has its own copy */
    struct header *h;
    int fd;               /* the memfd, inherited across fork */
    unsigned char *view;  /* this process's mapping of a ring */
    off_t view_base;      /* which ring it maps */
    size_t view_capacity; /* and its size */
};

static size_t record_size(size_t size)
{
    return sizeof(size_t) + (size + 7) / 8 * 8;
}

static int lock(struct unbounded *q)
{
    int rc = pthread_mutex_lock(&q->h->lock);
    if (rc == EOWNERDEAD) { /* its owner died: nothing was committed half */
        if (q->h->waiting > 0)
            sem_post(&q->h->can_get); /* it may have died before ringing */
        rc = pthread_mutex_consistent(&q->h->lock);
    }
    return rc == 0 ? 0 : ENOTRECOVERABLE; /* not locked */
}

static void unlock(struct unbounded *q)
{
    pthread_mutex_unlock(&q->h->lock);
}

static struct ring now(struct unbounded *q)
{
    return q->h->rings[atomic_load(&q->h->current)];
}

static void commit(struct unbounded *q, const struct ring *next)
{
    unsigned other = 1 - atomic_load(&q->h->current);
    q->h->rings[other] = *next;
    atomic_store(&q->h->current, other); /* the one store */
}

/* Map ring r in this process, unless it is the one mapped already. */
static int see(struct unbounded *q, const struct ring *r)
{
    if (q->view != NULL && q->view_base == r->base && q->view_capacity == r->capacity)
        return 0;
    void *view = mmap(NULL, r->capacity, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd, r->base);
    if (view == MAP_FAILED)
        return ENOMEM;
    if (q->view != NULL)
        munmap(q->view, q->view_capacity);
    q->view = view;
    q->view_base = r->base;
    q->view_capacity = r->capacity;
    return 0;
}

/* Copy n bytes between `at` (a position in ring `view` of `capacity`) and
 * `bytes`, in two parts where the ring wraps around. */
static void copy_ring(unsigned char *view, size_t capacity, size_t at, void *bytes, size_t n,
                      bool into_ring)
{
    size_t offset = at % capacity, first = n < capacity - offset ? n : capacity - offset;
    unsigned char *b = bytes;
    if (into_ring) {
        memcpy(view + offset, b, first);
        memcpy(view, b + first, n - first);
    } else {
        memcpy(b, view + offset, first);
        memcpy(b + first, view, n - first);
    }
}

/* A ring large enough for `need` more bytes, after the current one in the
 * file; its pages reserved first, the items copied over, then committed.
 * 0, or ENOMEM with nothing changed. */
static int grow(struct unbounded *q, struct ring *r, size_t need)
{
    size_t used = r->tail - r->head, capacity = r->capacity;
    while (capacity - used < need) {
        if (capacity > SIZE_MAX / 4)
            return ENOMEM;
        capacity *= 2;
    }
    struct ring next = {.base = r->base + (off_t)r->capacity, .capacity = capacity, .tail = used};
    next.items = r->items;
    if (see(q, r) != 0) /* the items are copied from this process's view of r */
        return ENOMEM;
    unsigned char *old = q->view;
    size_t old_capacity = q->view_capacity;
    q->view = NULL; /* see() maps the new ring and keeps the old mapped */
    if (posix_fallocate(q->fd, next.base, (off_t)capacity) != 0 || see(q, &next) != 0) {
        /* ENOSPC, EFBIG, ENOMEM: no memory for it. Give back what part of
         * it was reserved; the current ring is untouched. */
        fallocate(q->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, next.base, (off_t)capacity);
        q->view = old;
        return ENOMEM;
    }
    copy_ring(old, old_capacity, r->head, q->view, used, false);
    munmap(old, old_capacity);
    commit(q, &next);
    /* Give back the old rings' memory (and any a killed grower left). */
    fallocate(q->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, next.base);
    *r = next;
    return 0;
}

struct unbounded *unbounded_create(void)
{
    struct unbounded *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    q->fd = memfd_create("forklore-queue", MFD_CLOEXEC);
    q->h = mmap(NULL, sizeof *q->h, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int rc = q->fd < 0 || q->h == MAP_FAILED ? errno : 0;
    struct ring first = {.capacity = FIRST_RING};
    if (rc == 0)
        rc = posix_fallocate(q->fd, 0, FIRST_RING);
    if (rc == 0)
        rc = see(q, &first);
    pthread_mutexattr_t attr;
    if (rc == 0 && (rc = pthread_mutexattr_init(&attr)) == 0) {
        pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
        rc = pthread_mutex_init(&q->h->lock, &attr);
        pthread_mutexattr_destroy(&attr);
        if (rc == 0 && sem_init(&q->h->can_get, 1, 0) != 0) {
            rc = errno;
            pthread_mutex_destroy(&q->h->lock);
        }
    }
    if (rc != 0) {
        if (q->view != NULL)
            munmap(q->view, q->view_capacity);
        if (q->h != MAP_FAILED)
            munmap(q->h, sizeof *q->h);
        if (q->fd >= 0)
            close(q->fd);
        free(q);
        errno = rc;
        return NULL;
    }
    q->h->rings[0] = first;
    return q;
}

int unbounded_put(struct unbounded *q, const void *message, size_t size)
{
    if (size > SIZE_MAX / 4) {
        errno = ENOMEM;
        return -1;
    }
    size_t need = record_size(size);
    int rc = lock(q);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    struct ring r = now(q);
    if (atomic_load(&q->h->closed))
        rc = EPIPE;
    if (rc == 0 && r.capacity - (r.tail - r.head) < need)
        rc = grow(q, &r, need);
    if (rc == 0)
        rc = see(q, &r);
    if (rc == 0) {
        copy_ring(q->view, r.capacity, r.tail, &size, sizeof size, true);
        copy_ring(q->view, r.capacity, r.tail + sizeof size, (void *)message, size, true);
        r.tail += need;
        r.items++;
        commit(q, &r);
        int pending;
        if (q->h->waiting > 0 && sem_getvalue(&q->h->can_get, &pending) == 0 && pending <= 0)
            sem_post(&q->h->can_get);
    }
    unlock(q);
    errno = rc;
    return rc ? -1 : 0;
}

/* Sleep on the doorbell for at most a nap of 50 ms (the lock released),
 * then take the lock again: 0 (look again), ETIMEDOUT or EINTR. A ring
 * taken by a getter that was then killed is made up for by the nap. */
static int nap(struct unbounded *q, double timeout, double deadline)
{
    bool forever = timeout == QUEUE_FOREVER;
    double left = forever ? 0.05 : deadline - timing_now();
    if (left <= 0)
        return ETIMEDOUT;
    if (forever && interrupt_requested())
        return EINTR;
    q->h->waiting++;
    unlock(q);
    struct timespec until = timing_realtime_after(left < 0.05 ? left : 0.05);
    int err = sem_timedwait(&q->h->can_get, &until) == 0 || errno == ETIMEDOUT ? 0 : errno;
    int rc = lock(q);
    if (rc != 0)
        return rc; /* ENOTRECOVERABLE: not locked */
    q->h->waiting--;
    return err;
}

ssize_t unbounded_get(struct unbounded *q, void *buf, size_t buf_size, double timeout)
{
    if (!(timeout > 0) && timeout != QUEUE_FOREVER)
        timeout = 0; /* only look, as Python does with a negative timeout */
    double deadline = timing_now() + (timeout > 0 ? timeout : 0);
    size_t size = 0;
    int rc = lock(q);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    while (rc == 0 && now(q).items == 0 && !atomic_load(&q->h->closed))
        rc = nap(q, timeout, deadline);
    if (rc == ENOTRECOVERABLE) {
        errno = rc;
        return -1;
    }
    struct ring r = now(q);
    if (rc == 0 && r.items == 0) {
        rc = EPIPE;               /* closed and drained */
        sem_post(&q->h->can_get); /* pass the news on */
    }
    if (rc == 0)
        rc = see(q, &r);
    if (rc == 0) {
        copy_ring(q->view, r.capacity, r.head, &size, sizeof size, false);
        if (size > buf_size)
            rc = EMSGSIZE;
    }
    if (rc == 0) {
        copy_ring(q->view, r.capacity, r.head + sizeof size, buf, size, false);
        r.head += record_size(size);
        r.items--;
        commit(q, &r);
        if (r.items > 0 && q->h->waiting > 0) /* more left: pass the ring on */
            sem_post(&q->h->can_get);
    }
    unlock(q);
    errno = rc;
    return rc ? -1 : (ssize_t)size;
}

void unbounded_close(struct unbounded *q)
{
    if (lock(q) != 0)
        return;
    atomic_store(&q->h->closed, true);
    for (unsigned i = 0; i < q->h->waiting; i++)
        sem_post(&q->h->can_get);
    unlock(q);
}

size_t unbounded_size(struct unbounded *q)
{
    size_t n = 0;
    if (lock(q) == 0) {
        n = now(q).items;
        unlock(q);
    }
    return n;
}

bool unbounded_empty(struct unbounded *q)
{
    return unbounded_size(q) == 0;
}

size_t unbounded_bytes(struct unbounded *q)
{
    size_t n = 0;
    if (lock(q) == 0) {
        n = now(q).capacity;
        unlock(q);
    }
    return n;
}

void unbounded_destroy(struct unbounded *q)
{
    if (q == NULL)
        return;
    sem_destroy(&q->h->can_get);
    pthread_mutex_destroy(&q->h->lock);
    munmap(q->h, sizeof *q->h);
    if (q->view != NULL)
        munmap(q->view, q->view_capacity);
    close(q->fd);
    free(q);
}
