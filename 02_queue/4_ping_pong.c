/* SPDX-License-Identifier: MIT */
/*
 * 4_ping_pong.c - a two-way channel, and what one message costs: the parent
 * sends a counter, the child sends back counter + 1, N times. Python:
 * a, b = Pipe() (duplex: a socket pair on Unix); a.send(x); a.recv().
 *
 * Usage: 4_ping_pong [-n ROUND_TRIPS] [-q]
 *
 * Look for: the time of one round trip (two writes, two reads, two
 * wake-ups), over a socketpair (Python's Pipe()) and over two one-way pipes
 * (Pipe(duplex=False) twice), each the best of 3 runs; the verdict says
 * whether the difference is larger than the noise. Ctrl-C: see crew.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crew.h"
#include "opts.h"
#include "interrupt.h"
#include "report.h"
#include "timing.h"
#include "verdict.h"

#define RUNS 3 /* best of */

/* One ping-pong run: the channel's two ends for each side, and what came
 * back. A socketpair is one descriptor per side, two pipes are two. */
struct run {
    struct crew *crew;
    long long round_trips;
    bool sockets;     /* socketpair, or two pipes */
    uint64_t counter; /* as it came back on the last round trip */
    int failures;     /* runs whose child did not exit normally */
};

/* Exactly `size` bytes, or false: end of file, an error, or Ctrl-C. */
static bool move_all(int fd, void *data, size_t size, bool writing)
{
    char *p = data;
    while (size > 0) {
        ssize_t n = writing ? write(fd, p, size) : read(fd, p, size);
        if (n <= 0 && (n == 0 || errno != EINTR || interrupt_requested()))
            return false;
        p += n > 0 ? n : 0;
        size -= n > 0 ? (size_t)n : 0;
    }
    return true;
}

/* The child: send back v + 1 until the parent closes its end. */
static _Noreturn void bouncer(int in, int out)
{
    uint64_t v;
    while (move_all(in, &v, sizeof v, false)) {
        v++;
        if (!move_all(out, &v, sizeof v, true))
            die("write");
    }
    _exit(0);
}

/* One run, timed from the first send to the last answer. */
static double one_run(void *udata)
{
    struct run *r = udata;
    int a[2], b[2]; /* socketpair: a only; pipes: a parent->child, b back */
    if (r->sockets ? socketpair(AF_UNIX, SOCK_STREAM, 0, a) != 0 : pipe(a) != 0 || pipe(b) != 0)
        die(r->sockets ? "socketpair" : "pipe");
    int to_child = r->sockets ? a[0] : a[1], from_child = r->sockets ? a[0] : b[0];
    int child_in = r->sockets ? a[1] : a[0], child_out = r->sockets ? a[1] : b[1];
    pid_t pid = crew_fork(r->crew);
    if (pid == 0) {
        close(to_child);   /* fork copied the parent's ends: close them, or */
        close(from_child); /* the child would never see end of file */
        bouncer(child_in, child_out);
    }
    close(child_in);
    close(child_out);
    uint64_t counter = 0;
    double t0 = timing_now();
    for (long long i = 0; i < r->round_trips; i++) {
        crew_check(r->crew); /* a signal between two calls interrupted neither */
        if (!move_all(to_child, &counter, sizeof counter, true) ||
            !move_all(from_child, &counter, sizeof counter, false)) {
            crew_check(r->crew); /* the child died of a group's Ctrl-C */
            die_msg("ping-pong: the child closed its end early");
        }
    }
    double seconds = timing_now() - t0;
    close(to_child); /* the child's read() now returns 0: it exits */
    if (!r->sockets)
        close(from_child);
    char how[64];
    r->failures += crew_join(r->crew, pid, how, sizeof how) != 0;
    r->counter = counter;
    return seconds;
}

static double measure(struct run *r, const char *name)
{
    double best = verdict_best_of(RUNS, one_run, r);
    printf("[parent %ld] %s: %lld round trips in %.3f s (best of %d): %.0f round trips/s, "
           "%.1f us each\n",
           (long)getpid(), name, r->round_trips, best, RUNS, (double)r->round_trips / best,
           best / (double)r->round_trips * 1e6);
    return best;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct {
        long long items;
        bool quiet;
    } f = {.items = 10000};
    const struct flag flags[] = {
        {'n', FLAG_COUNT, NULL, "N", "round trips per run (default 10000; 10K, 1e5 work)", 1,
         100000000, &f.items},
        {'q', FLAG_SWITCH, "quiet", NULL, "no explanation lines, only the measurements", 0, 0,
         &f.quiet},
        OPTS_END_EXITS("-n 100K\n-q", OPTS_EXITS_INTERRUPT),
    };
    opts_parse(argc, argv, "[-n ROUND_TRIPS] [-q]",
               "Ping-pong between two processes: a socketpair (Pipe()) and two pipes.", flags);
    interrupt_install(); /* Ctrl-C and SIGTERM now only set a flag */
    struct crew crew = crew_create(1);
    printf("\n== ping-pong: %lld round trips, an 8-byte counter each way ==\n", f.items);
    struct run sock = {.crew = &crew, .round_trips = f.items, .sockets = true};
    struct run pipes = {.crew = &crew, .round_trips = f.items, .sockets = false};
    double s = measure(&sock, "socketpair (Pipe())");
    double p = measure(&pipes, "two pipes (Pipe(duplex=False) x 2)");
    bool ok = sock.counter == (uint64_t)f.items && pipes.counter == (uint64_t)f.items &&
              sock.failures + pipes.failures == 0;
    printf("[parent %ld] the counter came back as %llu: %s; every child exited normally: %s\n",
           (long)getpid(), (unsigned long long)sock.counter,
           ok ? "every message arrived, in order" : "MISMATCH", ok ? "yes" : "NO");
    printf("[parent %ld] two pipes vs socketpair: %s\n", (long)getpid(),
           verdict_compare(s, p, "two pipes are faster", "the socketpair is faster"));
    char tag[40];
    snprintf(tag, sizeof tag, "[parent %ld] ", (long)getpid());
    verdict_print_busy(stdout, tag); /* a busy machine is named */
    if (!f.quiet)
        printf("[parent %ld] a pipe has two ends: enough for one writer and one reader; "
               "several of either need a queue (step 5)\n",
               (long)getpid());
    crew_check(&crew);
    crew_destroy(&crew);
    printf("\n[parent %ld] summary: %s\n", (long)getpid(),
           ok ? "every round trip came back, in order" : "A ROUND TRIP WENT WRONG");
    return ok ? 0 : 1;
}
