/* SPDX-License-Identifier: MIT */
/*
 * crew.h - the children a parent started and has not reaped yet, so that
 * Ctrl-C or kill never leaves one behind (chapter 02 shows why).
 *
 * A parent that simply dies of Ctrl-C leaves its children running (a
 * consumer blocked in queue_get waits for ever) or as zombies nobody reaps.
 * With a crew, after interrupt_install(), SIGINT and SIGTERM only set a
 * flag; crew_check() (called wherever the parent waits or loops) then
 * SIGKILLs every child still in the crew, reaps each one by pid, and dies
 * of the same signal: the shell sees 130 or 143, as without a handler.
 *
 *     interrupt_install();
 *     struct crew crew = crew_create(4);
 *     pid_t pid = crew_fork(&crew);          // 0 in the child
 *     if (pid == 0) { work(); _exit(0); }
 *     char how[64];
 *     crew_join(&crew, pid, how, sizeof how);  // "exited normally"
 *     crew_destroy(&crew);
 */
#ifndef FORKLORE_CREW_H
#define FORKLORE_CREW_H

#include <stddef.h>
#include <sys/types.h>

struct crew {
    pid_t *live; /* started, not reaped yet */
    int count, max;
};

/* Room for `max` children at once; dies if out of memory. */
struct crew crew_create(int max);

/* fork() with what every child needs: stdout flushed first (or the child
 * would print the parent's buffer again); in the child the default actions
 * for SIGINT/SIGTERM/SIGHUP (it has nothing to clean up, a terminal's Ctrl-C
 * ends it at once) and PR_SET_PDEATHSIG (Linux: killed if the parent dies
 * of SIGKILL or a crash, which no handler sees). Returns 0 in the child (its
 * copy of the crew is released), the pid in the parent; stops and dies
 * instead if a signal came, and dies with a message if fork fails. */
pid_t crew_fork(struct crew *crew);

/* Process.join(): wait for `pid` by pid, then describe how it ended into
 * `how` (see waitstatus.h). Returns the wait status. A signal meanwhile, or
 * a child that died of a group's Ctrl-C: stop and die (crew_check). */
int crew_join(struct crew *crew, pid_t pid, char *how, size_t size);

/* The child was reaped some other way: forget it. */
void crew_forget(struct crew *crew, pid_t pid);

/* If Ctrl-C or SIGTERM came: stop, reap, and die of it. */
void crew_check(struct crew *crew);

/* Print "[parent P] SIGINT: stopping and reaping N children (pid ...),
 * then dying of SIGINT", SIGKILL and reap every child, die of the signal. */
_Noreturn void crew_stop_and_die(struct crew *crew) __attribute__((noreturn));

void crew_destroy(struct crew *crew);

#endif
