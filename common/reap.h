/* SPDX-License-Identifier: MIT */
/*
 * reap.h - join one child by its pid, the Ctrl-C-safe way: chapter 01's step
 * 6 (6_ctrl_c_children.c) shows the mechanism in the open; later programs
 * that start children one at a time call this instead.
 *
 * With interrupt.h's handler installed, Ctrl-C or SIGTERM only sets a flag
 * and waitpid returns EINTR. reap_child() then stops the child (SIGKILL: it
 * cannot be caught, so the wait is sure to end), reaps it, says so on
 * stdout, and dies of the same signal (interrupt_exit), so the shell still
 * sees 130 or 143 and no orphan or zombie is left:
 *
 *     interrupt_install();
 *     pid_t pid = fork();          // ... the child _exits
 *     int status = reap_child(pid);   // p.join()
 */
#ifndef FORKLORE_REAP_H
#define FORKLORE_REAP_H

#include <sys/types.h>

/* waitpid(pid) until it has ended; returns its wait status. If a signal
 * came (before, during, or as it ended), stop and reap it, then die of it. */
int reap_child(pid_t pid);

/* No child to stop: if a signal came, print the same line and die of it. */
void reap_check_interrupt(void);

#endif
