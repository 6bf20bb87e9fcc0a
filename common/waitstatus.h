/* SPDX-License-Identifier: MIT */
/*
 * waitstatus.h - decode what waitpid() says about how a child ended.
 *
 * A wait status packs "exited with code N" and "killed by signal S" into one
 * int; the W* macros unpack it. Python's Process.exitcode folds both into one
 * number: N for an exit, -S for a signal. These helpers give both forms:
 *
 *     int status;
 *     waitpid(pid, &status, 0);
 *     char text[64];
 *     printf("exitcode %d (%s)\n", wait_exitcode(status),
 *            wait_describe(status, text, sizeof text));
 *     // "exitcode -11 (killed by SIGSEGV)"
 */
#ifndef FORKLORE_WAITSTATUS_H
#define FORKLORE_WAITSTATUS_H

#include <stddef.h>

/* Python's exitcode: the exit code, or minus the number of the signal. */
int wait_exitcode(int status);

/* "exited with code 3", "exited normally" (code 0), "killed by SIGKILL",
 * "killed by SIGSEGV (core dumped)". Writes into buf and returns it. */
const char *wait_describe(int status, char *buf, size_t size);

/* "SIGKILL" for 9, "SIGSEGV" for 11, ... ; "signal 42" when it has no name
 * here. Writes into buf and returns it. */
const char *signal_name(int signo, char *buf, size_t size);

#endif
