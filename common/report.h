/* SPDX-License-Identifier: MIT */
/*
 * report.h - one way to report errors, shared by every program.
 *
 * Every system call is checked where it is made; when one fails the program
 * says which call failed and why, on one line of stderr, and exits non-zero:
 *
 *     pid_t pid = fork();
 *     if (pid < 0)
 *         die("fork");          // "pool_map: fork: Resource temporarily
 * unavailable"
 *
 * pthread functions return their error code instead of setting errno:
 *
 *     int rc = pthread_mutex_lock(&m);
 *     if (rc != 0)
 *         die_code("pthread_mutex_lock", rc);
 *
 * Bad command-line input is the user's mistake, not the program's: it gets
 * one line naming the problem plus a hint, and exit status 2.
 */
#ifndef FORKLORE_REPORT_H
#define FORKLORE_REPORT_H

/* Exit status for bad command-line input (the convention of getopt tools). */
#define EXIT_USAGE 2

/* Remember the program's name (basename of argv[0]) for every message. */
void report_set_program(const char *argv0);

/* The name set above, or "forklore" if none was set. */
const char *report_program(void);

/* These never return. Each says so twice: C11's _Noreturn for compilers,
 * and the GNU attribute, which is what cppcheck 2.10 understands (without
 * it, it reports a null pointer after every `if (p == NULL) die(...)`). */
#define REPORT_NORETURN __attribute__((noreturn))

/* "<program>: <call>: <strerror(errno)>" on stderr, then exit(1). */
_Noreturn void die(const char *call) REPORT_NORETURN;

/* Same, for functions that return an error code (pthread_*). */
_Noreturn void die_code(const char *call, int code) REPORT_NORETURN;

/* "<program>: <message>" on stderr, then exit(1). printf-style. */
_Noreturn void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2))) REPORT_NORETURN;

/* "<program>: <call>: <strerror(errno)>" on stderr; execution goes on. */
void warn_errno(const char *call);

/* "<program>: <message> (try '<program> --help')" on stderr, exit 2. */
_Noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2))) REPORT_NORETURN;

#endif
