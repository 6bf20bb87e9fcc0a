/* SPDX-License-Identifier: MIT */
/* waitstatus.c - wait status decoding; see waitstatus.h. */
#include "waitstatus.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

/* POSIX names the signals but gives no portable way to print the names, so
 * the ones a student will meet are listed here. */
static const struct {
    int number;
    const char *name;
} signal_names[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},     {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},     {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"}, {SIGCHLD, "SIGCHLD"},
    {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"},     {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"},
    {SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"},       {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
    {SIGSYS, "SIGSYS"},   {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"},
};

const char *signal_name(int signo, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++) {
        if (signal_names[i].number == signo) {
            snprintf(buf, size, "%s", signal_names[i].name);
            return buf;
        }
    }
    snprintf(buf, size, "signal %d", signo);
    return buf;
}

int wait_exitcode(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return 0; /* stopped or continued: not an ending */
}

const char *wait_describe(int status, char *buf, size_t size)
{
    char name[32];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        snprintf(buf, size, "exited normally");
    else if (WIFEXITED(status))
        snprintf(buf, size, "exited with code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by %s%s", signal_name(WTERMSIG(status), name, sizeof name),
                 WCOREDUMP(status) ? " (core dumped)" : "");
    else
        snprintf(buf, size, "stopped or continued (status 0x%x)", status);
    return buf;
}
