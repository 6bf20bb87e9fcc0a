/* SPDX-License-Identifier: MIT */
/*
 * pipe.c - pipes between two processes (multiprocessing.Pipe), and the
 * deadlock you get by waiting for a writer before reading what it wrote.
 *
 * Usage: pipe [-n ROUND_TRIPS] [--timeout SECONDS]
 *
 * You will see four sections:
 *   == one-way pipe ==             a child writes lines, the parent reads to EOF;
 *   == two-way: socketpair ping-pong ==   a counter bounced back and forth,
 *                                  with round trips per second measured;
 *   == the pipe deadlock ==        a child writes more than the pipe holds
 *                                  while the parent waits for it to exit: it
 *                                  hangs until the timeout, then is killed;
 *   == the fix: drain before joining ==   the same child, read first: it ends.
 *
 * Ctrl-C or kill: the parent stops and reaps its child, then dies of the
 * signal (exit status 130 or 143).
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ (the pipe's capacity) is Linux-only */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h> /* FIONREAD: bytes waiting in the pipe */
#include <sys/prctl.h> /* PR_SET_PDEATHSIG: Linux-only, see start_child() */
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

struct options {
    long long round_trips; /* -n */
    double timeout;        /* --timeout: how long the deadlock may hang */
};

static void print_usage(void)
{
    printf("Usage: %s [-n ROUND_TRIPS] [--timeout SECONDS]\n"
           "Pipes and socket pairs between two processes (multiprocessing.Pipe),\n"
           "and the deadlock of joining a writer before reading.\n"
           "\n"
           "  -n N              ping-pong round trips (default 10000; 10K, 1e5 work)\n"
           "      --timeout S   how long to let the deadlock hang (default 1.0)\n"
           "  -h, --help        this text\n",
           report_program());
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.round_trips = 10000, .timeout = 1.0};
    enum { OPT_TIMEOUT = 256 };
    static const struct option longopts[] = {
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report getopt's complaints ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': o.round_trips = cli_parse_count("-n", optarg, 1, 100000000); break;
        case OPT_TIMEOUT: o.timeout = cli_parse_real("--timeout", optarg, 0.01, 60, 0); break;
        case 'h': print_usage(); exit(0);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default: usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    return o;
}

/* ------------------------------------------- Ctrl-C and your children */

/* Ctrl-C or SIGTERM arrived (interrupt_install() made it a flag), while
 * `pid` was running. Dying at once would leave it behind, a zombie nobody
 * reaps (see queue.c): SIGKILL it, reap it, then die of the same signal
 * (exit status 130 or 143). Pipes and sockets close with the process. */
static _Noreturn void stop_child_and_die(pid_t pid)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: stopping and reaping child %ld, then dying of "
           "%s\n",
           (long)getpid(), name, (long)pid, name);
    if (kill(pid, SIGKILL) != 0)
        warn_errno("kill");
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        continue; /* a second Ctrl-C: keep reaping */
    interrupt_exit();
}

/* Wherever the parent waits or loops with a child running: if a signal
 * came, stop here. */
static void check_interrupt(pid_t pid)
{
    if (interrupt_requested())
        stop_child_and_die(pid);
}

/* fork, and make the child die with us (see queue.c for the reasons). */
static pid_t start_child(void)
{
    if (interrupt_requested()) /* no new child after Ctrl-C */
        interrupt_exit();
    pid_t parent = getpid();
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* The default actions instead of the parent's flag-only handler:
         * the child has nothing to clean up, and a terminal's Ctrl-C (sent
         * to the whole process group) should end it at once. */
        if (signal(SIGINT, SIG_DFL) == SIG_ERR || signal(SIGTERM, SIG_DFL) == SIG_ERR ||
            signal(SIGHUP, SIG_DFL) == SIG_ERR)
            die("signal");
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
            die("prctl");
        if (getppid() != parent)
            _exit(1);
    }
    return pid;
}

static int join_child(pid_t pid, char *how, size_t size)
{
    int status;
    for (;;) {
        check_interrupt(pid);
        if (waitpid(pid, &status, 0) == pid)
            break;
        if (errno != EINTR) /* EINTR: a signal came; the check sees it */
            die("waitpid");
    }
    if (interrupt_requested()) /* it may have died of a group's Ctrl-C */
        interrupt_exit();
    wait_describe(status, how, size);
    return status;
}

/* write() may write less than asked (a signal, a full socket buffer):
 * loop until everything went out. Returns true when all is out, false if
 * Ctrl-C or SIGTERM came (only the parent catches them): then EINTR, or
 * any error, since a child killed by the same Ctrl-C breaks the channel. */
static bool write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0) {
            if (interrupt_requested())
                return false;
            if (errno == EINTR)
                continue;
            die("write");
        }
        p += n;
        size -= (size_t)n;
    }
    return true;
}

/* read() exactly `size` bytes: 1 when done, 0 at end of file, -1 if
 * Ctrl-C or SIGTERM came (as above: a group's Ctrl-C kills the child too,
 * and the read may fail with ECONNRESET before it could return EINTR). */
static int read_all(int fd, void *data, size_t size)
{
    char *p = data;
    while (size > 0) {
        ssize_t n = read(fd, p, size);
        if (n < 0) {
            if (interrupt_requested())
                return -1;
            if (errno == EINTR)
                continue;
            die("read");
        }
        if (n == 0)
            return 0;
        p += n;
        size -= (size_t)n;
    }
    return 1;
}

/* ------------------------------------------------------------ one-way pipe */

/* Python: r, w = Pipe(duplex=False); the child w.send()s, the parent
 * r.recv()s until EOFError. */
static void one_way_pipe(void)
{
    printf("\n== one-way pipe ==\n");
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    printf("[parent %ld] pipe(): fd %d is the read end, fd %d the write end; "
           "fork copies both\n",
           (long)getpid(), fds[0], fds[1]);
    pid_t pid = start_child();
    if (pid == 0) {
        close(fds[0]); /* the child only writes */
        char line[80];
        for (int i = 1; i <= 3; i++) {
            int len = snprintf(line, sizeof line, "message %d from pid %ld\n", i, (long)getpid());
            write_all(fds[1], line, (size_t)len);
        }
        printf("[child pid %ld] wrote 3 lines, exiting (which closes its "
               "write end)\n",
               (long)getpid());
        fflush(stdout);
        _exit(0);
    }
    /* Close our own copy of the write end, or read() would never return 0:
     * end of file means "no process holds a write end any more". */
    if (close(fds[1]) != 0)
        die("close");
    char buf[512];
    size_t used = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + used, sizeof buf - 1 - used)) != 0) {
        if (n < 0) {
            check_interrupt(pid); /* EINTR: Ctrl-C or SIGTERM came */
            if (errno == EINTR)
                continue;
            die("read");
        }
        used += (size_t)n;
        if (used == sizeof buf - 1)
            die_msg("one-way pipe: more than %zu bytes", used);
    }
    buf[used] = '\0';
    int lines = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        printf("[parent %ld] read \"%s\"\n", (long)getpid(), line);
        lines++;
    }
    printf("[parent %ld] read() returned 0 after %zu bytes (%d lines): end of "
           "file, every write end is closed\n",
           (long)getpid(), used, lines);
    close(fds[0]);
    char how[64];
    join_child(pid, how, sizeof how);
    printf("[parent %ld] child %ld %s\n", (long)getpid(), (long)pid, how);
}

/* ---------------------------------------------------------- two-way channel */

/* Python: a, b = Pipe() (duplex=True, a socket pair underneath on Unix).
 * The parent sends a counter, the child sends back counter + 1. */
static void ping_pong(const struct options *o)
{
    printf("\n== two-way: socketpair ping-pong ==\n");
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    pid_t pid = start_child();
    if (pid == 0) {
        close(sv[0]);
        uint64_t v;
        while (read_all(sv[1], &v, sizeof v) == 1) { /* until the parent closes */
            v++;
            write_all(sv[1], &v, sizeof v);
        }
        _exit(0);
    }
    close(sv[1]);
    uint64_t counter = 0;
    double t0 = timing_now();
    for (long long i = 0; i < o->round_trips; i++) {
        uint64_t back;
        /* Every round trip: a signal that came between two system calls
         * interrupted neither. */
        check_interrupt(pid);
        if (!write_all(sv[0], &counter, sizeof counter))
            stop_child_and_die(pid);
        int got = read_all(sv[0], &back, sizeof back);
        if (got < 0)
            stop_child_and_die(pid);
        if (got == 0) {
            check_interrupt(pid); /* it died of a group's Ctrl-C */
            die_msg("ping-pong: the child closed its end early");
        }
        counter = back;
    }
    double seconds = timing_now() - t0;
    close(sv[0]); /* the child's read() now returns 0: it exits */
    char how[64];
    join_child(pid, how, sizeof how);
    printf("[parent %ld] %lld round trips in %.3f s: %.0f round trips/s, "
           "%.1f us each (varies: measured)\n",
           (long)getpid(), o->round_trips, seconds, (double)o->round_trips / seconds,
           seconds / (double)o->round_trips * 1e6);
    printf("[parent %ld] the counter came back as %llu: %s; child %s\n", (long)getpid(),
           (unsigned long long)counter,
           counter == (uint64_t)o->round_trips ? "every message arrived, in order" : "MISMATCH",
           how);
    printf("[parent %ld] a pipe has two ends: enough for one writer and one "
           "reader; several of either need a queue (queue.c)\n",
           (long)getpid());
}

/* ----------------------------------------------------------- the deadlock */

/* A child that writes `size` bytes into the pipe, then exits. */
static pid_t start_writer(int fds[2], size_t size)
{
    pid_t pid = start_child();
    if (pid == 0) {
        close(fds[0]);
        char *data = calloc(size, 1);
        if (data == NULL)
            die("calloc");
        printf("[child pid %ld] writing %zu bytes, then exiting\n", (long)getpid(), size);
        fflush(stdout);
        write_all(fds[1], data, size); /* blocks while the pipe is full */
        printf("[child pid %ld] wrote all %zu bytes, exiting\n", (long)getpid(), size);
        free(data);
        fflush(stdout);
        _exit(0);
    }
    if (close(fds[1]) != 0)
        die("close");
    return pid;
}

/* waitpid with a timeout: sleep in sigtimedwait for SIGCHLD (blocked, so
 * that it waits to be collected here instead of running a handler).
 * Returns 1 with the status when the child ended, 0 on timeout. */
static int wait_with_timeout(pid_t pid, double timeout, int *status)
{
    double deadline = timing_now() + timeout;
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r < 0)
            die("waitpid");
        if (r == pid)
            return 1;
        double left = deadline - timing_now();
        if (left <= 0)
            return 0;
        struct timespec ts = {.tv_sec = (time_t)left,
                              .tv_nsec = (long)((left - (double)(time_t)left) * 1e9)};
        /* Any SIGCHLD (even a stale one) just means "look again". EINTR:
         * Ctrl-C or SIGTERM ran the handler, which the check sees. */
        if (sigtimedwait(&chld, NULL, &ts) < 0 && errno != EAGAIN && errno != EINTR)
            die("sigtimedwait");
        check_interrupt(pid);
    }
}

/* The state letter of a process: R running, S sleeping, Z zombie. */
static char process_state(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return '?';
    char state = '?';
    if (fgets(line, sizeof line, f) != NULL) {
        char *paren = strrchr(line, ')'); /* the name may hold spaces */
        if (paren != NULL && paren[1] == ' ')
            state = paren[2];
    }
    fclose(f);
    return state;
}

static int the_deadlock(const struct options *o)
{
    printf("\n== the pipe deadlock ==\n");
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    int capacity = fcntl(fds[0], F_GETPIPE_SZ);
    if (capacity < 0)
        die("fcntl F_GETPIPE_SZ");
    size_t size = 2 * (size_t)capacity;
    printf("[parent %ld] pipe capacity (fcntl F_GETPIPE_SZ): %d bytes; the "
           "child will write %zu\n",
           (long)getpid(), capacity, size);

    /* Block SIGCHLD before fork so that its arrival waits for sigtimedwait. */
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, &old) != 0)
        die("sigprocmask");

    /* The mistake: Python's p.join() before conn.recv() / q.get(). */
    printf("[parent %ld] will wait for the child to exit BEFORE reading "
           "(timeout %.1f s)\n",
           (long)getpid(), o->timeout);
    pid_t pid = start_writer(fds, size);
    int status;
    int ended = wait_with_timeout(pid, o->timeout, &status);
    int hung = !ended;
    if (hung) {
        int queued = 0;
        if (ioctl(fds[0], FIONREAD, &queued) != 0)
            die("ioctl FIONREAD");
        printf("[parent %ld] timed out: child %ld is still alive (state %c), "
               "the pipe holds %d of %d bytes: it waits for us to read, we "
               "wait for it to exit\n",
               (long)getpid(), (long)pid, process_state(pid), queued, capacity);
        /* Clean up: a hung child must not outlive the demo. */
        if (kill(pid, SIGKILL) != 0)
            die("kill");
        char how[64];
        join_child(pid, how, sizeof how);
        printf("[parent %ld] deadlock: sent SIGKILL, child %ld %s\n", (long)getpid(), (long)pid,
               how);
    } else {
        printf("[parent %ld] no deadlock: the child ended (its data fitted?)\n", (long)getpid());
    }
    close(fds[0]);
    if (sigprocmask(SIG_SETMASK, &old, NULL) != 0)
        die("sigprocmask");
    return hung;
}

/* Python: data = conn.recv() (or q.get()) first, p.join() after. */
static int the_fix(void)
{
    printf("\n== the fix: drain before joining ==\n");
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    int capacity = fcntl(fds[0], F_GETPIPE_SZ);
    if (capacity < 0)
        die("fcntl F_GETPIPE_SZ");
    size_t size = 2 * (size_t)capacity;
    double t0 = timing_now();
    pid_t pid = start_writer(fds, size);
    char buf[4096];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) != 0) {
        if (n < 0) {
            check_interrupt(pid); /* EINTR: Ctrl-C or SIGTERM came */
            if (errno == EINTR)
                continue;
            die("read");
        }
        total += (size_t)n;
    }
    close(fds[0]);
    char how[64];
    int status = join_child(pid, how, sizeof how);
    printf("[parent %ld] read %zu bytes until end of file, THEN waited: child "
           "%ld %s, after %.3f s\n",
           (long)getpid(), total, (long)pid, how, timing_now() - t0);
    printf("[parent %ld] Python's Queue has the same trap: a process that put "
           "items won't exit until they are taken; get them before join()\n",
           (long)getpid());
    return total == size && wait_exitcode(status) == 0;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    /* Line-buffered even into a pipe: lines leave in the order printed. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct options o = parse_options(argc, argv);
    /* Ctrl-C and SIGTERM only set a flag from here on: blocking calls return
     * EINTR and the parent stops and reaps its child before it dies. */
    interrupt_install();

    one_way_pipe();
    ping_pong(&o);
    int hung = the_deadlock(&o);
    int fixed = the_fix();
    if (interrupt_requested()) /* a signal after the last wait still counts */
        interrupt_exit();
    printf("\n[parent %ld] summary: join before reading %s; drain before "
           "joining %s\n",
           (long)getpid(), hung ? "hung" : "did NOT hang", fixed ? "finished" : "FAILED");
    return hung && fixed ? 0 : 1;
}
