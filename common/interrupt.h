/* SPDX-License-Identifier: MIT */
/*
 * interrupt.h - Ctrl-C (SIGINT) and kill (SIGTERM) done right: notice, clean
 * up, then die of the same signal.
 *
 * A signal handler may do almost nothing safely, so this one only sets a
 * flag. Blocking calls (poll, sem_wait, the pool's waits, queue_get) then
 * return -1 with errno EINTR, the program sees the flag, removes what it
 * created (temporary files, /dev/shm names, its pool), and calls
 * interrupt_exit(), which re-raises the signal with its default action, so
 * the shell sees "killed by SIGINT" (status 130), as without a handler.
 *
 *     interrupt_install();
 *     while (work_left()) {
 *         if (pool_map(...) != 0 && interrupt_requested())
 *             break;
 *     }
 *     if (interrupt_requested()) {
 *         cleanup();
 *         interrupt_exit();
 *     }
 */
#ifndef FORKLORE_INTERRUPT_H
#define FORKLORE_INTERRUPT_H

#include <stdbool.h>

/* Catch SIGINT, SIGTERM and SIGHUP. Without SA_RESTART, so that blocking
 * calls are interrupted instead of silently restarted. */
void interrupt_install(void);

/* Has one of those signals arrived? */
bool interrupt_requested(void);

/* Which one (0 if none). */
int interrupt_signal(void);

/* A file descriptor that becomes readable when one of those signals
 * arrives (a self-pipe), for programs that sleep in poll(); -1 before
 * interrupt_install(). The pool watches it: its waits return EINTR. */
int interrupt_fd(void);

/* Restore the default action and raise the signal that arrived: the
 * process dies of it. Call after cleaning up. */
_Noreturn void interrupt_exit(void) __attribute__((noreturn)); /* see report.h */

#endif
