/* SPDX-License-Identifier: MIT */
/* report.c - error messages and exits; see report.h. */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one piece of process-wide state here: a program has one name. */
static const char *program_name = "forklore";

void report_set_program(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (argv0 && *argv0)
        program_name = slash ? slash + 1 : argv0;
}

const char *report_program(void)
{
    return program_name;
}

/* stdout is flushed first so that the error appears after what was printed. */
_Noreturn void die_code(const char *call, int code)
{
    fflush(stdout);
    fprintf(stderr, "%s: %s: %s\n", program_name, call, strerror(code));
    exit(EXIT_FAILURE);
}

_Noreturn void die(const char *call)
{
    die_code(call, errno);
}

_Noreturn void die_msg(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", program_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

void warn_errno(const char *call)
{
    int saved = errno;
    fflush(stdout);
    fprintf(stderr, "%s: %s: %s\n", program_name, call, strerror(saved));
    errno = saved;
}

_Noreturn void usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", program_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try '%s --help')\n", program_name);
    exit(EXIT_USAGE);
}
