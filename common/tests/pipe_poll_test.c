/* SPDX-License-Identifier: MIT */
/*
 * pipe_poll_test.c - unit tests of pipe_poll.h (Connection.poll), modelled
 * on CPython's test_multiprocessing (_TestConnection.test_poll_eintr,
 * test_connection's poll with and without a timeout, poll at end of file).
 * Usage: pipe_poll_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "interrupt.h"
#include "pipe_poll.h"
#include "timing.h"

/* An empty pipe, its writer open: 0 at once for 0 and negative timeouts,
 * 0 after the timeout for a positive one. */
static void pipe_poll_empty_times_out(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    double t0 = timing_now();
    CHECK_EQ(pipe_poll(fds[0], 0.0), 0);
    CHECK_EQ(pipe_poll(fds[0], -0.5), 0);
    CHECK_EQ(pipe_poll(fds[0], NAN), 0);
    CHECK_FASTER_THAN(timing_now() - t0, 0.5);
    t0 = timing_now();
    CHECK_EQ(pipe_poll(fds[0], 0.15), 0);
    double waited = timing_now() - t0;
    CHECK(waited >= 0.14);
    CHECK_FASTER_THAN(waited, 2.0);
    close(fds[0]);
    close(fds[1]);
}

/* Data there: 1, as often as asked; poll reads nothing. */
static void pipe_poll_sees_data_without_reading(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_EQ(write(fds[1], "abc", 3), 3);
    CHECK_EQ(pipe_poll(fds[0], 0.0), 1);
    CHECK_EQ(pipe_poll(fds[0], PIPE_FOREVER), 1);
    char buf[8];
    CHECK_EQ(read(fds[0], buf, sizeof buf), 3);
    CHECK_EQ(pipe_poll(fds[0], 0.0), 0);
    close(fds[0]);
    close(fds[1]);
}

/* Every write end closed: 1 (a read would not block), and the read says
 * end of file; the same for a socket pair (Python's Pipe()). */
static void pipe_poll_end_of_file(void)
{
    int fds[2], sv[2];
    CHECK(pipe(fds) == 0);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    close(fds[1]);
    close(sv[1]);
    char buf[8];
    for (int i = 0; i < 2; i++) {
        int fd = i == 0 ? fds[0] : sv[0];
        CHECK_EQ(pipe_poll(fd, 0.0), 1);
        CHECK_EQ(pipe_poll(fd, PIPE_FOREVER), 1);
        CHECK_EQ(read(fd, buf, sizeof buf), 0);
        close(fd);
    }
}

/* A child writes after 200 ms: poll(for ever) and poll(10 s) return 1 when
 * it does, not at their timeout. */
static void pipe_poll_wakes_when_data_comes(void)
{
    for (int forever = 0; forever <= 1; forever++) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            timing_sleep(0.2);
            _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
        }
        double t0 = timing_now();
        CHECK_EQ(pipe_poll(fds[0], forever ? PIPE_FOREVER : 10.0), 1);
        double waited = timing_now() - t0;
        CHECK(waited >= 0.15);
        CHECK_FASTER_THAN(waited, 5.0);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
        close(fds[0]);
        close(fds[1]);
    }
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* A signal handler that runs during the wait: -1 with EINTR, long before
 * the timeout; waiting for ever with interrupt.h's flag set: EINTR at once. */
static void pipe_poll_interrupted(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval in_100ms = {.it_value = {.tv_usec = 100000}};
    CHECK(setitimer(ITIMER_REAL, &in_100ms, NULL) == 0);
    double t0 = timing_now();
    CHECK_EQ(pipe_poll(fds[0], 10.0), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_FASTER_THAN(timing_now() - t0, 5.0);
    interrupt_install();
    CHECK_EQ(raise(SIGTERM), 0); /* handled now: only the flag is set */
    t0 = timing_now();
    CHECK_EQ(pipe_poll(fds[0], PIPE_FOREVER), -1);
    CHECK_EQ(errno, EINTR);
    CHECK_FASTER_THAN(timing_now() - t0, 1.0);
    close(fds[0]);
    close(fds[1]);
}

/* A descriptor that is not open: -1 with EBADF, at once. */
static void pipe_poll_bad_descriptor(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ(pipe_poll(fds[0], 1.0), -1);
    CHECK_EQ(errno, EBADF);
}

CHECK_MAIN({"pipe_poll_empty_times_out", pipe_poll_empty_times_out},
           {"pipe_poll_sees_data_without_reading", pipe_poll_sees_data_without_reading},
           {"pipe_poll_end_of_file", pipe_poll_end_of_file},
           {"pipe_poll_wakes_when_data_comes", pipe_poll_wakes_when_data_comes},
           {"pipe_poll_interrupted", pipe_poll_interrupted},
           {"pipe_poll_bad_descriptor", pipe_poll_bad_descriptor})
