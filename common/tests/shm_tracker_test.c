/* SPDX-License-Identifier: MIT */
/*
 * shm_tracker_test.c - unit tests of common/shm_tracker: a named segment
 * does not outlive its owner, even a SIGKILLed one.
 * Usage: shm_tracker_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "shm_tracker.h"
#include "timing.h"

/* Only proves that nothing hung: generous for a busy machine. */
#define NO_HANG 10.0

static void segment_name(char *name, size_t size, const char *what)
{
    snprintf(name, size, "/forklore-tracker-%s-%ld", what, (long)getpid());
}

static bool segment_exists(const char *name)
{
    int fd = shm_open(name, O_RDONLY, 0);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

static void create_segment(const char *name)
{
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0)
        _exit(2);
    close(fd);
}

/* Wait for the event (the name is gone), up to a generous bound. */
static bool gone_within(const char *name, double seconds)
{
    double deadline = timing_now() + seconds * check_time_scale();
    while (segment_exists(name)) {
        if (timing_now() > deadline)
            return false;
        timing_sleep(0.005);
    }
    return true;
}

/* Fork an owner that creates and registers `kept` (and `dropped`, then
 * unregistered), tells the parent through a pipe, and then waits (stop) or
 * exits without unlinking anything. */
static pid_t start_owner(const char *kept, const char *dropped, bool stop)
{
    int ready[2];
    CHECK(pipe(ready) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        create_segment(kept);
        if (shm_tracker_register(kept) != 0)
            _exit(3);
        if (dropped != NULL) {
            create_segment(dropped);
            if (shm_tracker_register(dropped) != 0 || shm_tracker_unregister(dropped) != 0)
                _exit(3);
        }
        if (write(ready[1], "r", 1) != 1)
            _exit(4);
        if (stop)
            sleep(60); /* until SIGKILLed; bounded, so nothing outlives a broken run */
        _exit(0);
    }
    close(ready[1]);
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1); /* registered (or it died: 0) */
    close(ready[0]);
    return pid;
}

static void owner_sigkilled_leaves_nothing(void)
{
    char name[64];
    segment_name(name, sizeof name, "killed");
    pid_t owner = start_owner(name, NULL, true);
    CHECK(segment_exists(name));
    CHECK(kill(owner, SIGKILL) == 0);
    int status;
    CHECK(waitpid(owner, &status, 0) == owner);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    bool gone = gone_within(name, NO_HANG);
    if (!gone)
        shm_unlink(name); /* leave /dev/shm clean even when failing */
    CHECK(gone);
}

static void unregistered_names_are_kept(void)
{
    char kept[64], dropped[64];
    segment_name(kept, sizeof kept, "leaked");
    segment_name(dropped, sizeof dropped, "unregistered");
    pid_t owner = start_owner(kept, dropped, false);
    int status;
    CHECK(waitpid(owner, &status, 0) == owner);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    bool gone = gone_within(kept, NO_HANG); /* registered, never unlinked */
    bool still_there = segment_exists(dropped);
    shm_unlink(kept);
    shm_unlink(dropped);
    CHECK(gone);
    CHECK(still_there); /* unregistered: the tracker leaves it alone */
}

static void overlong_names_are_refused(void)
{
    char name[400];
    memset(name, 'x', sizeof name - 1);
    name[0] = '/';
    name[sizeof name - 1] = '\0';
    errno = 0;
    CHECK_EQ(shm_tracker_register(name), -1);
    CHECK_EQ(errno, ENAMETOOLONG);
}

CHECK_MAIN({"owner_sigkilled_leaves_nothing", owner_sigkilled_leaves_nothing},
           {"unregistered_names_are_kept", unregistered_names_are_kept},
           {"overlong_names_are_refused", overlong_names_are_refused})
