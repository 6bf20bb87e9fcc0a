/* SPDX-License-Identifier: MIT */
/*
 * sync.h - multiprocessing's Lock, RLock, Semaphore, Event, Condition and
 * Barrier (Lib/multiprocessing/synchronize.py) for processes: each object
 * is one shared mapping made before fork, so every child inherits it.
 *
 * Built on a robust, process-shared pthread mutex and, for the waits, a
 * futex word (Linux) that a waker bumps: a process killed while it waits
 * leaves nothing behind. (A process-shared pthread_cond_t is not used: a
 * waiter killed inside pthread_cond_wait can leave glibc's bookkeeping
 * waiting for it for ever; queue.c says the same.)
 *
 * A holder killed while holding a Lock or an RLock does not wedge it: the
 * kernel marks the mutex (PTHREAD_MUTEX_ROBUST), the next acquire returns
 * SYNC_OWNER_DIED holding it, after pthread_mutex_consistent, and the lock
 * works again. The data it protects is as the dead holder left it: maybe
 * half-updated. Only the new holder can tell: check it (or rebuild it)
 * before releasing. Python's Lock is a semaphore (synchronize.py: SemLock
 * kind SEMAPHORE): a holder killed holding it keeps it for ever.
 * Timeouts are seconds: SYNC_FOREVER waits for ever, 0 only tries, other
 * negatives act as 0. A wait returns EINTR once interrupt.h's flag is set
 * (within 50 ms: waits are naps that look at it).
 */
#ifndef FORKLORE_SYNC_H
#define FORKLORE_SYNC_H

#include <stdbool.h>

#define SYNC_FOREVER    (-1.0)
#define SYNC_OWNER_DIED 1 /* acquired; the previous holder died holding it */

/* ---- Lock() and RLock()
 *     struct sync_lock *l = sync_lock_create(false);   // Lock(); true: RLock()
 *     if (sync_lock_acquire(l, SYNC_FOREVER) == SYNC_OWNER_DIED)
 *         repair(shared);                               // half-updated?
 *     shared->a++; shared->b++;                          // with l: ...
 *     sync_lock_release(l);
 */
struct sync_lock;
struct sync_lock *sync_lock_create(bool recursive); /* NULL with errno */
/* 0 or SYNC_OWNER_DIED: acquired. -1 with errno ETIMEDOUT, EINTR, or
 * EDEADLK (a Lock acquired again by its holder: Python's would hang). An
 * RLock counts its acquires; release it as often. */
int sync_lock_acquire(struct sync_lock *l, double timeout);
/* 0, or -1 with EPERM: not held by this process (Python: ValueError for a
 * Lock released unheld, AssertionError for an RLock not owned; a Python
 * Lock may be released by another process, this one may not). */
int sync_lock_release(struct sync_lock *l);
void sync_lock_destroy(struct sync_lock *l);

/* ---- Semaphore(value)
 *     struct sync_sem *s = sync_sem_create(2);          // two at a time
 *     sync_sem_acquire(s, SYNC_FOREVER); use(); sync_sem_release(s);
 * A semaphore has no owner (any process may release), so a unit taken by a
 * process that dies is not given back, as in Python; a process killed
 * inside acquire or release wedges nothing. */
struct sync_sem;
struct sync_sem *sync_sem_create(unsigned value);
int sync_sem_acquire(struct sync_sem *s, double timeout); /* 0; -1: ETIMEDOUT, EINTR */
void sync_sem_release(struct sync_sem *s);
unsigned sync_sem_value(struct sync_sem *s); /* get_value(): a snapshot */
void sync_sem_destroy(struct sync_sem *s);

/* ---- Event()
 *     struct sync_event *e = sync_event_create();
 *     // waiter: if (sync_event_wait(e, 5.0) == 1) go();   // e.wait(5)
 *     sync_event_set(e);                                    // e.set()
 */
struct sync_event;
struct sync_event *sync_event_create(void);
void sync_event_set(struct sync_event *e);
void sync_event_clear(struct sync_event *e);
bool sync_event_is_set(struct sync_event *e);
/* 1: set (True); 0: still clear at the timeout (False); -1 with EINTR. */
int sync_event_wait(struct sync_event *e, double timeout);
void sync_event_destroy(struct sync_event *e);

/* ---- Condition(lock)
 *     struct sync_cond *c = sync_cond_create(l);        // l: a Lock or RLock
 *     sync_lock_acquire(l, SYNC_FOREVER);                // with c:
 *     while (!ready(shared)) sync_cond_wait(c, SYNC_FOREVER);
 *     sync_lock_release(l);
 *     // the other side, holding l: make ready; sync_cond_notify_all(c);
 * wait releases the lock (every level of an RLock), sleeps, and takes it
 * again. It may return without a notify (a spurious wake-up, as POSIX
 * allows): wait in a loop on the condition, as Python's wait_for does.
 * notify never waits for a sleeper (Python's waits until the one it woke
 * is awake, for ever if that one was killed). */
struct sync_cond;
struct sync_cond *sync_cond_create(struct sync_lock *lock);
/* Holding the lock: 0 (woken, or spurious) or SYNC_OWNER_DIED (woken; the
 * lock's previous holder died), the lock held again; -1 with ETIMEDOUT or
 * EINTR, the lock held again; -1 with EPERM: the lock was not held. */
int sync_cond_wait(struct sync_cond *c, double timeout);
void sync_cond_notify(struct sync_cond *c, int n); /* wake n sleepers (notify(n)) */
void sync_cond_notify_all(struct sync_cond *c);
void sync_cond_destroy(struct sync_cond *c);

/* ---- Barrier(parties)
 *     struct sync_barrier *b = sync_barrier_create(3);
 *     int i = sync_barrier_wait(b, SYNC_FOREVER);       // in each of 3
 * wait returns the arrival index 0 .. parties-1 once all have arrived.
 * -1 with errno: EPIPE (broken: Python's BrokenBarrierError), ETIMEDOUT
 * (this wait timed out and broke the barrier, as Python's does), EINTR.
 * An arrival counts when it is made: a party killed while waiting does not
 * hold the others back, and the barrier is reused for the next round. A
 * party killed before arriving is never replaced: the others wait for
 * their timeout (as in Python). */
struct sync_barrier;
struct sync_barrier *sync_barrier_create(unsigned parties);
int sync_barrier_wait(struct sync_barrier *b, double timeout);
unsigned sync_barrier_waiting(struct sync_barrier *b); /* n_waiting: a snapshot */
void sync_barrier_abort(struct sync_barrier *b);       /* break it: waiters get EPIPE */
void sync_barrier_reset(struct sync_barrier *b);       /* whole again; waiters get EPIPE */
void sync_barrier_destroy(struct sync_barrier *b);

#endif
