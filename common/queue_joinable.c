/* SPDX-License-Identifier: MIT */
/*
 * queue_joinable.c - multiprocessing.JoinableQueue on common/queue.h:
 * task_done() and join(), robust when a consumer dies holding an item (see
 * queue.h for the contract). Python's side: JoinableQueue in
 * Lib/multiprocessing/queues.py (an _unfinished_tasks semaphore and a
 * condition; a killed consumer leaves its count behind for ever).
 *
 * Beside the queue, a second shared mapping holds the count of unfinished
 * items and one record per busy process (putting, or holding items got
 * and not yet done), guarded by a robust process-shared mutex held for a
 * few instructions at a time. The verdict of loss is taken under that
 * lock: the queue is empty and no busy process is alive, so no item can
 * still be marked done; whatever is unfinished is lost.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "interrupt.h"
#include "queue_internal.h"
#include "timing.h"

struct holder {
    pid_t pid;                   /* 0: a free record */
    unsigned long long start;    /* its start time: a reused pid differs */
    bool putting;                /* inside joinable_put */
    _Atomic unsigned long taken; /* got, by queue_get_counting */
    unsigned long done;          /* marked done by this process */
};

struct joinable {
    struct queue *queue;
    pthread_mutex_t lock;     /* robust, process-shared */
    unsigned long unfinished; /* put and not yet done */
    unsigned long lost;       /* counted lost by join */
    pid_t last_dead;          /* a dead holder behind the last loss */
    struct holder holders[JOINABLE_PROCESSES];
};

/* The start time of pid (field 22 of /proc/PID/stat), 0 if it is gone or
 * a zombie: a process that can no longer mark anything done. */
static unsigned long long start_time(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    bool read = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    char *p = read ? strrchr(line, ')') : NULL; /* the name may hold spaces */
    if (p == NULL || p[1] != ' ')
        return 0;
    char state = p[2]; /* field 3; then on to field 22 */
    for (int field = 3; field <= 22 && p != NULL; field++)
        p = strchr(p + 1, ' ');
    unsigned long long start = p ? strtoull(p + 1, NULL, 10) : 0;
    return state == 'Z' || state == 'X' ? 0 : start;
}

static bool alive(const struct holder *h)
{
    return h->pid != 0 && start_time(h->pid) == h->start;
}

static int lock(struct joinable *jq)
{
    int rc = pthread_mutex_lock(&jq->lock);
    if (rc == EOWNERDEAD) /* every change under it is one store: consistent */
        rc = pthread_mutex_consistent(&jq->lock);
    return rc;
}

/* The start time of this process, read once per process. */
static unsigned long long my_start(void)
{
    static pid_t pid;
    static unsigned long long start;
    if (pid != getpid()) { /* first call, or a child forked since */
        pid = getpid();
        start = start_time(pid);
    }
    return start;
}

static struct holder *take(struct holder *h)
{
    h->pid = getpid();
    h->start = my_start();
    h->putting = false;
    h->taken = h->done = 0;
    return h;
}

/* This process's record, made if need be (from a free or a dead one). */
static struct holder *mine(struct joinable *jq)
{
    struct holder *hs = jq->holders;
    for (int i = 0; i < JOINABLE_PROCESSES; i++)
        if (hs[i].pid == getpid() && hs[i].start == my_start())
            return &hs[i];
    for (int i = 0; i < JOINABLE_PROCESSES; i++)
        if (hs[i].pid == 0)
            return take(&hs[i]);
    for (int i = 0; i < JOINABLE_PROCESSES; i++)
        if (!alive(&hs[i]))
            return take(&hs[i]);
    return NULL;
}

/* An idle record is given back, so records count only busy processes. */
static void release_if_idle(struct holder *h)
{
    if (!h->putting && h->taken <= h->done)
        h->pid = 0;
}

struct joinable *joinable_create(size_t capacity, size_t max_message)
{
    struct joinable *jq =
        mmap(NULL, sizeof *jq, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (jq == MAP_FAILED)
        return NULL;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    int rc = pthread_mutex_init(&jq->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc == 0 && (jq->queue = queue_create(capacity, max_message)) == NULL) {
        rc = errno;
        pthread_mutex_destroy(&jq->lock);
    }
    if (rc != 0) {
        munmap(jq, sizeof *jq);
        errno = rc;
        return NULL;
    }
    return jq;
}

int joinable_put(struct joinable *jq, const void *message, size_t size, double timeout)
{
    int rc = lock(jq);
    struct holder *h = rc == 0 ? mine(jq) : NULL;
    if (h != NULL) {
        h->putting = true;
        jq->unfinished++; /* before the put: join never misses it */
    }
    if (rc == 0)
        pthread_mutex_unlock(&jq->lock);
    if (h == NULL) {
        errno = rc ? rc : EAGAIN;
        return -1;
    }
    int put = queue_put(jq->queue, message, size, timeout);
    int saved = errno;
    if (lock(jq) == 0) {
        jq->unfinished -= put != 0; /* it was not put after all */
        h->putting = false;
        release_if_idle(h);
        pthread_mutex_unlock(&jq->lock);
    }
    errno = saved;
    return put;
}

ssize_t joinable_get(struct joinable *jq, void *buf, size_t buf_size, double timeout)
{
    int rc = lock(jq);
    struct holder *h = rc == 0 ? mine(jq) : NULL;
    if (rc == 0)
        pthread_mutex_unlock(&jq->lock);
    if (h == NULL) {
        errno = rc ? rc : EAGAIN;
        return -1;
    }
    ssize_t n = queue_get_counting(jq->queue, buf, buf_size, timeout, &h->taken);
    if (n < 0) {
        int saved = errno;
        if (lock(jq) == 0) {
            release_if_idle(h);
            pthread_mutex_unlock(&jq->lock);
        }
        errno = saved;
    }
    return n;
}

int joinable_task_done(struct joinable *jq)
{
    int rc = lock(jq);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    if (jq->unfinished == 0) {
        rc = EINVAL; /* ValueError: task_done() called too many times */
    } else {
        jq->unfinished--;
        struct holder *h = mine(jq);
        if (h != NULL && h->done < h->taken)
            h->done++;
        if (h != NULL)
            release_if_idle(h);
    }
    pthread_mutex_unlock(&jq->lock);
    errno = rc;
    return rc ? -1 : 0;
}

/* Under the lock: 0 when all is done, EOWNERDEAD when what is left is lost
 * (and counted so), EAGAIN when someone alive may still finish it. */
static int verdict(struct joinable *jq)
{
    if (jq->unfinished == 0)
        return 0;
    if (!queue_empty(jq->queue))
        return EAGAIN;
    for (int i = 0; i < JOINABLE_PROCESSES; i++) { /* first decide: nothing freed yet */
        struct holder *h = &jq->holders[i];
        if (h->pid != 0 && (h->putting || h->taken > h->done) && alive(h))
            return EAGAIN;
    }
    pid_t dead = 0; /* then, lost for sure: name a dead holder, free the dead's records */
    for (int i = 0; i < JOINABLE_PROCESSES; i++) {
        struct holder *h = &jq->holders[i];
        if (h->pid != 0 && (h->putting || h->taken > h->done))
            dead = h->pid;
        if (h->pid != 0 && !alive(h))
            h->pid = 0; /* its record is free again */
    }
    jq->lost += jq->unfinished;
    jq->unfinished = 0;
    jq->last_dead = dead;
    return EOWNERDEAD;
}

/* Waits in naps of 5 ms: a join is rare, and a nap is cheaper than the
 * bookkeeping a doorbell would add to every task_done. */
int joinable_join(struct joinable *jq, double timeout)
{
    double deadline = timing_now() + (timeout > 0 ? timeout : 0);
    for (;;) {
        int rc = lock(jq);
        if (rc == 0) {
            rc = verdict(jq);
            pthread_mutex_unlock(&jq->lock);
        }
        if (rc == 0)
            return 0;
        if (rc == EAGAIN && interrupt_requested())
            rc = EINTR;
        else if (rc == EAGAIN && timeout != QUEUE_FOREVER && timing_now() >= deadline)
            rc = ETIMEDOUT;
        if (rc != EAGAIN) {
            errno = rc;
            return -1;
        }
        timing_sleep(0.005);
    }
}

unsigned long joinable_lost(struct joinable *jq, pid_t *pid)
{
    unsigned long n = 0;
    if (lock(jq) == 0) {
        n = jq->lost;
        if (pid != NULL)
            *pid = jq->last_dead;
        pthread_mutex_unlock(&jq->lock);
    }
    return n;
}

struct queue *joinable_queue(struct joinable *jq)
{
    return jq->queue;
}

void joinable_destroy(struct joinable *jq)
{
    if (jq == NULL)
        return;
    queue_destroy(jq->queue);
    pthread_mutex_destroy(&jq->lock);
    munmap(jq, sizeof *jq);
}
