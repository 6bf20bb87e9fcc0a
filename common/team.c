/* SPDX-License-Identifier: MIT */
/* team.c - forked workers that start together, and their shared memory;
 * see team.h. */
/* _GNU_SOURCE: sched_setaffinity and the CPU_* macros (pinning workers to
 * different CPUs so that races and false sharing show) are Linux extensions. */
#define _GNU_SOURCE
#include "team.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"
#include "waitstatus.h"

int team_max_workers(void)
{
    int most = pool_max_workers();
    return most < TEAM_MAX - 1 ? most : TEAM_MAX - 1;
}

void *team_map_shared(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    return p;
}

void team_unmap(void *p, size_t size)
{
    if (munmap(p, size) != 0)
        die("munmap");
}

void team_write_all(int fd, const void *buf, size_t size)
{
    const char *p = buf;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("write");
        p += n;
        size -= (size_t)n;
    }
}

/* Pin the calling process to the worker-th usable CPU (nothing to do when
 * only one CPU is usable). */
static void pin_to_cpu(int worker)
{
    cpu_set_t usable;
    CPU_ZERO(&usable);
    if (sched_getaffinity(0, sizeof usable, &usable) != 0)
        die("sched_getaffinity");
    int count = CPU_COUNT(&usable);
    int want = worker % (count > 0 ? count : 1);
    for (int cpu = 0; count >= 2 && cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &usable) || want-- > 0)
            continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0)
            die("sched_setaffinity");
        return;
    }
}

void team_print_busy(void)
{
    char tag[32];
    snprintf(tag, sizeof tag, "[parent %ld] ", (long)getpid());
    verdict_print_busy(stdout, tag);
}

_Noreturn void team_die_of_signal(void)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: dying of %s\n", (long)getpid(), name, name);
    fflush(stdout);
    interrupt_exit();
}

_Noreturn void team_abort(struct team *t)
{
    for (int i = 0; i < t->count; i++)
        if (t->pids[i] > 0)
            kill(t->pids[i], SIGKILL);
    for (int i = 0; i < t->count; i++)
        if (t->pids[i] > 0)
            while (waitpid(t->pids[i], NULL, 0) < 0 && errno == EINTR)
                ;
    team_die_of_signal();
}

/* In the child: get ready, wait at the gate, work, _exit. */
static _Noreturn void worker_run(int w, int gate[2], int ready[2], team_fn *fn, void *udata,
                                 bool pin)
{
    /* A worker creates nothing that needs cleaning: Ctrl-C and SIGTERM end
     * it as usual (the parent's flag-setting handler was inherited). */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    /* Our copy of the gate's write end would keep the gate shut forever. */
    if (close(gate[1]) != 0 || close(ready[0]) != 0)
        die("close");
    if (pin)
        pin_to_cpu(w);
    char byte = 'r';
    team_write_all(ready[1], &byte, 1);
    if (close(ready[1]) != 0)
        die("close");
    if (read(gate[0], &byte, 1) < 0)
        die("read");
    fn(w, udata);
    fflush(stdout);
    _exit(0); /* not exit(): no atexit handlers, no stdio flushed twice */
}

/* Wait until `count` ready bytes came; a signal aborts the team. */
static void wait_ready(struct team *t, int fd, int count)
{
    for (int got = 0; got < count;) {
        char bytes[64];
        ssize_t n = read(fd, bytes, sizeof bytes);
        if ((n < 0 && errno == EINTR) || n == 0) {
            if (interrupt_requested()) /* n == 0: the workers got it too */
                team_abort(t);
            if (n == 0)
                die_msg("a worker ended before the start");
            continue;
        }
        if (n < 0)
            die("read");
        got += (int)n;
    }
}

void team_start(struct team *t, int count, team_fn *fn, void *udata, bool pin)
{
    int gate[2], ready[2];
    if (count < 1 || count >= TEAM_MAX)
        die_msg("team_start: %d workers (1 to %d)", count, TEAM_MAX - 1);
    if (pipe(gate) != 0 || pipe(ready) != 0)
        die("pipe");
    t->count = 0;
    for (int w = 0; w < count; w++) {
        if (interrupt_requested()) /* no new worker after Ctrl-C */
            team_abort(t);
        fflush(stdout); /* or the child would print our buffer again */
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            worker_run(w, gate, ready, fn, udata, pin);
        t->pids[t->count++] = pid;
    }
    if (close(gate[0]) != 0 || close(ready[1]) != 0)
        die("close");
    wait_ready(t, ready[0], count);
    if (close(ready[0]) != 0)
        die("close");
    t->started = timing_now();
    if (close(gate[1]) != 0) /* open the gate: every worker reads EOF */
        die("close");
}

void team_add(struct team *t, pid_t pid)
{
    if (t->count >= TEAM_MAX)
        die_msg("team_add: the team is full");
    t->pids[t->count++] = pid;
}

double team_join(struct team *t)
{
    for (int i = 0; i < t->count; i++) {
        int status;
        while (waitpid(t->pids[i], &status, 0) < 0) {
            if (errno != EINTR)
                die("waitpid");
            if (interrupt_requested())
                team_abort(t);
        }
        pid_t pid = t->pids[i];
        t->pids[i] = 0;
        /* A terminal's Ctrl-C signals the whole process group: this worker
         * may have died of the same SIGINT. Not a failure to report. */
        if (interrupt_requested())
            team_abort(t);
        if (wait_exitcode(status) != 0) {
            char text[64];
            die_msg("worker %d (pid %ld) %s", i, (long)pid,
                    wait_describe(status, text, sizeof text));
        }
    }
    return timing_now() - t->started;
}
