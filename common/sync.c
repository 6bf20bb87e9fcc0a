/* SPDX-License-Identifier: MIT */
/*
 * sync.c - Lock, RLock, Semaphore, Event, Condition, Barrier across
 * processes; see sync.h for the contract.
 *
 * Every object is one MAP_SHARED mapping. A Lock or RLock is a robust
 * process-shared mutex (error-checking or recursive) plus who holds it and
 * how often. The others keep their state under a small robust mutex, the
 * guard, held for a few instructions, and wait on a futex word, `seq`: a
 * waiter reads it under the guard, lets go, and sleeps while it is
 * unchanged; a waker bumps it and wakes sleepers. The kernel keeps the
 * sleepers' list, so a killed sleeper leaves nothing in ours. Each change
 * under a guard is a single store or is made good by the next process that
 * takes the guard (the barrier's count), so a process killed holding a
 * guard leaves a state the others can use.
 */
#include "sync.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "interrupt.h"
#include "timing.h"

#define NAP 0.05 /* seconds: every wait looks at interrupt.h's flag this often */

struct sync_lock {
    pthread_mutex_t mutex; /* robust, process-shared */
    pid_t owner;           /* the holder, 0 if none: set and cleared by it */
    unsigned depth;        /* its acquires not yet released (RLock) */
};

struct gate { /* the guard and the futex word of the other objects */
    pthread_mutex_t guard;
    _Atomic uint32_t seq;
};

struct sync_sem {
    struct gate g;
    unsigned value;
};

struct sync_event {
    struct gate g;
    bool flag;
};

struct sync_cond {
    struct sync_lock *lock; /* the same address in every forked process */
    _Atomic uint32_t seq;
};

struct sync_barrier {
    struct gate g;           /* seq: the round; it changes when a round ends */
    unsigned parties, count; /* count: arrived in this round */
    bool broken;
    uint32_t broken_round; /* the round that ended broken, not tripped */
};

/* ---- the pieces */

static void *shared(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* A robust, process-shared mutex of `type`; 0 or an error code. */
static int mutex_init(pthread_mutex_t *m, int type)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutexattr_settype(&attr, type);
    if (rc == 0)
        rc = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc;
}

/* A mapping of `size` bytes starting with a mutex of `type`; NULL, errno. */
static void *make(size_t size, int type)
{
    pthread_mutex_t *m = shared(size);
    int rc = m == NULL ? errno : mutex_init(m, type);
    if (rc != 0 && m != NULL)
        munmap(m, size);
    errno = rc;
    return rc ? NULL : m;
}

/* The time left until `deadline` (seconds on timing_now), at most a nap;
 * SYNC_FOREVER: a nap. 0 when the time is up. */
static double nap_left(double timeout, double deadline)
{
    if (timeout == SYNC_FOREVER)
        return NAP;
    double left = deadline - timing_now();
    return left <= 0 ? 0 : fmin(left, NAP);
}

static double deadline_of(double *timeout)
{
    if (*timeout != SYNC_FOREVER && !(*timeout > 0))
        *timeout = 0; /* only try */
    return timing_now() + (*timeout > 0 ? *timeout : 0);
}

/* Lock m within the timeout. 0, or EOWNERDEAD (locked, made consistent),
 * or ETIMEDOUT, EINTR (only if `interruptible`), EDEADLK (not locked). */
static int take(pthread_mutex_t *m, double timeout, bool interruptible)
{
    double deadline = deadline_of(&timeout);
    int rc = pthread_mutex_trylock(m);
    while (rc == EBUSY || rc == ETIMEDOUT) {
        double left = nap_left(timeout, deadline);
        if (left <= 0)
            return ETIMEDOUT;
        if (interruptible && interrupt_requested())
            return EINTR;
        struct timespec until = timing_realtime_after(left);
        rc = pthread_mutex_timedlock(m, &until);
    }
    if (rc == EOWNERDEAD) /* the kernel saw its holder die: take it over */
        return pthread_mutex_consistent(m) == 0 ? EOWNERDEAD : ENOTRECOVERABLE;
    return rc;
}

/* The guard, for a few instructions: never given up on. */
static void enter(struct gate *g)
{
    take(&g->guard, SYNC_FOREVER, false); /* held for instructions: no need to give up */
}

static void leave(struct gate *g)
{
    pthread_mutex_unlock(&g->guard);
}

/* Sleep while *seq == seen, for at most `left` seconds. */
static void sleep_on(_Atomic uint32_t *seq, uint32_t seen, double left)
{
    struct timespec rel = {(time_t)left, (long)((left - floor(left)) * 1e9)};
    syscall(SYS_futex, (uint32_t *)seq, FUTEX_WAIT, seen, &rel, NULL, 0);
}

static void wake(_Atomic uint32_t *seq, int n)
{
    atomic_fetch_add(seq, 1);
    syscall(SYS_futex, (uint32_t *)seq, FUTEX_WAKE, n, NULL, NULL, 0);
}

/* Holding g's guard: let go, sleep until seq moves or a nap passes, take
 * the guard again. 0 (look again), ETIMEDOUT or EINTR. */
static int nap(struct gate *g, double timeout, double deadline)
{
    double left = nap_left(timeout, deadline);
    if (left <= 0)
        return ETIMEDOUT;
    if (interrupt_requested())
        return EINTR;
    uint32_t seen = atomic_load(&g->seq);
    leave(g);
    sleep_on(&g->seq, seen, left);
    enter(g);
    return 0;
}

/* ---- Lock and RLock */

struct sync_lock *sync_lock_create(bool recursive)
{
    return make(sizeof(struct sync_lock),
                recursive ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_ERRORCHECK);
}

int sync_lock_acquire(struct sync_lock *l, double timeout)
{
    int rc = take(&l->mutex, timeout, true);
    if (rc != 0 && rc != EOWNERDEAD) {
        errno = rc;
        return -1;
    }
    if (rc == EOWNERDEAD)
        l->depth = 0; /* the dead holder's count goes with it */
    l->owner = getpid();
    l->depth++;
    return rc == EOWNERDEAD ? SYNC_OWNER_DIED : 0;
}

int sync_lock_release(struct sync_lock *l)
{
    if (l->owner != getpid() || l->depth == 0) {
        errno = EPERM;
        return -1;
    }
    if (--l->depth == 0)
        l->owner = 0;
    pthread_mutex_unlock(&l->mutex);
    return 0;
}

void sync_lock_destroy(struct sync_lock *l)
{
    if (l == NULL)
        return;
    pthread_mutex_destroy(&l->mutex); /* EBUSY if held: unmapped all the same */
    munmap(l, sizeof *l);
}

/* ---- Semaphore */

struct sync_sem *sync_sem_create(unsigned value)
{
    struct sync_sem *s = make(sizeof *s, PTHREAD_MUTEX_NORMAL);
    if (s != NULL)
        s->value = value;
    return s;
}

int sync_sem_acquire(struct sync_sem *s, double timeout)
{
    double deadline = deadline_of(&timeout);
    int rc = 0;
    enter(&s->g);
    while (rc == 0 && s->value == 0)
        rc = nap(&s->g, timeout, deadline);
    if (rc == 0 || (rc == ETIMEDOUT && s->value > 0)) {
        s->value--; /* one store: the unit is taken or not */
        rc = 0;
    }
    leave(&s->g);
    errno = rc;
    return rc ? -1 : 0;
}

void sync_sem_release(struct sync_sem *s)
{
    enter(&s->g);
    s->value++;
    leave(&s->g);
    wake(&s->g.seq, 1);
}

unsigned sync_sem_value(struct sync_sem *s)
{
    enter(&s->g);
    unsigned v = s->value;
    leave(&s->g);
    return v;
}

void sync_sem_destroy(struct sync_sem *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->g.guard); /* EBUSY if held: unmapped all the same */
    munmap(s, sizeof *s);
}

/* ---- Event */

struct sync_event *sync_event_create(void)
{
    return make(sizeof(struct sync_event), PTHREAD_MUTEX_NORMAL);
}

void sync_event_set(struct sync_event *e)
{
    enter(&e->g);
    e->flag = true;
    leave(&e->g);
    wake(&e->g.seq, INT_MAX);
}

void sync_event_clear(struct sync_event *e)
{
    enter(&e->g);
    e->flag = false;
    leave(&e->g);
}

bool sync_event_is_set(struct sync_event *e)
{
    enter(&e->g);
    bool flag = e->flag;
    leave(&e->g);
    return flag;
}

int sync_event_wait(struct sync_event *e, double timeout)
{
    double deadline = deadline_of(&timeout);
    int rc = 0;
    enter(&e->g);
    while (rc == 0 && !e->flag)
        rc = nap(&e->g, timeout, deadline);
    bool flag = e->flag;
    leave(&e->g);
    if (rc == EINTR && !flag) {
        errno = EINTR;
        return -1;
    }
    return flag ? 1 : 0;
}

void sync_event_destroy(struct sync_event *e)
{
    if (e == NULL)
        return;
    pthread_mutex_destroy(&e->g.guard); /* EBUSY if held: unmapped all the same */
    munmap(e, sizeof *e);
}

/* ---- Condition */

struct sync_cond *sync_cond_create(struct sync_lock *lock)
{
    struct sync_cond *c = shared(sizeof *c);
    if (c != NULL)
        c->lock = lock;
    return c;
}

/* Wait until seq moves from `seen`: 0, ETIMEDOUT or EINTR. */
static int sleep_until_moved(struct sync_cond *c, uint32_t seen, double timeout)
{
    double deadline = deadline_of(&timeout);
    while (atomic_load(&c->seq) == seen) {
        double left = nap_left(timeout, deadline);
        if (left <= 0)
            return ETIMEDOUT;
        if (interrupt_requested())
            return EINTR;
        sleep_on(&c->seq, seen, left);
    }
    return 0;
}

int sync_cond_wait(struct sync_cond *c, double timeout)
{
    struct sync_lock *l = c->lock;
    if (l->owner != getpid() || l->depth == 0) {
        errno = EPERM;
        return -1;
    }
    uint32_t seen = atomic_load(&c->seq); /* under the lock: no notify is missed */
    unsigned depth = l->depth;
    l->depth = 0;
    l->owner = 0;
    for (unsigned i = 0; i < depth; i++) /* every level of an RLock */
        pthread_mutex_unlock(&l->mutex);
    int rc = sleep_until_moved(c, seen, timeout);
    bool died = false;
    for (unsigned i = 0; i < depth; i++)
        died |= take(&l->mutex, SYNC_FOREVER, false) == EOWNERDEAD;
    l->owner = getpid();
    l->depth = depth;
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return died ? SYNC_OWNER_DIED : 0;
}

void sync_cond_notify(struct sync_cond *c, int n)
{
    wake(&c->seq, n);
}

void sync_cond_notify_all(struct sync_cond *c)
{
    wake(&c->seq, INT_MAX);
}

void sync_cond_destroy(struct sync_cond *c)
{
    if (c != NULL)
        munmap(c, sizeof *c);
}

/* ---- Barrier */

struct sync_barrier *sync_barrier_create(unsigned parties)
{
    if (parties == 0) {
        errno = EINVAL;
        return NULL;
    }
    struct sync_barrier *b = make(sizeof *b, PTHREAD_MUTEX_NORMAL);
    if (b != NULL) {
        b->parties = parties;
        b->broken_round = UINT32_MAX; /* no round broken yet */
    }
    return b;
}

/* Guard held: end this round as broken; its waiters get EPIPE. */
static void break_round(struct sync_barrier *b)
{
    b->broken_round = atomic_load(&b->g.seq);
    wake(&b->g.seq, INT_MAX);
    b->count = 0;
}

int sync_barrier_wait(struct sync_barrier *b, double timeout)
{
    double deadline = deadline_of(&timeout);
    enter(&b->g);
    if (b->count >= b->parties) /* a last arrival killed before it reset the count */
        b->count = 0;
    uint32_t round = atomic_load(&b->g.seq);
    int rc = b->broken ? EPIPE : 0;
    unsigned index = b->count;
    if (rc == 0 && ++b->count == b->parties) { /* the last: the round ends */
        wake(&b->g.seq, INT_MAX);              /* first the round, then the count */
        b->count = 0;
    }
    while (rc == 0 && atomic_load(&b->g.seq) == round && !b->broken)
        rc = nap(&b->g, timeout, deadline);
    bool tripped = atomic_load(&b->g.seq) != round && b->broken_round != round;
    if (!tripped && (rc == ETIMEDOUT || rc == EINTR)) {
        b->broken = true; /* as Python: a wait that fails breaks the barrier */
        break_round(b);
    } else if (!tripped) {
        rc = EPIPE;
    }
    leave(&b->g);
    errno = rc;
    return tripped ? (int)index : -1;
}

unsigned sync_barrier_waiting(struct sync_barrier *b)
{
    enter(&b->g);
    unsigned n = b->count < b->parties ? b->count : 0;
    leave(&b->g);
    return n;
}

void sync_barrier_abort(struct sync_barrier *b)
{
    enter(&b->g);
    b->broken = true;
    break_round(b);
    leave(&b->g);
}

void sync_barrier_reset(struct sync_barrier *b)
{
    enter(&b->g);
    if (b->count > 0)
        break_round(b);
    b->broken = false;
    leave(&b->g);
}

void sync_barrier_destroy(struct sync_barrier *b)
{
    if (b == NULL)
        return;
    pthread_mutex_destroy(&b->g.guard); /* EBUSY if held: unmapped all the same */
    munmap(b, sizeof *b);
}
