/* SPDX-License-Identifier: MIT */
/*
 * shm_tracker.c - the tracker process of shm_tracker.h.
 *
 * The socket is AF_UNIX SOCK_SEQPACKET: every send is one message that
 * arrives whole (owners and their children may send at the same time), and
 * a send to a tracker that is gone fails with EPIPE instead of raising
 * SIGPIPE (MSG_NOSIGNAL). Messages are "R/name" (register) and "U/name".
 */
#include "shm_tracker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_NAMES = 256 };

static int tracker_fd = -1; /* this process's end; forked children share it */

/* The tracker keeps nothing of its owner's but stderr and its socket, now
 * fd 3: an inherited pipe (a test harness's, say) held open by a process
 * that outlives the owner would make its reader wait. */
static void keep_only_stderr_and(int fd)
{
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
    }
    if (dup2(fd, 3) != 3)
        _exit(1);
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 4U, ~0U, 0) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    for (long i = 4; i < (max > 0 && max < 65536 ? max : 65536); i++)
        close((int)i);
}

static void tracker_main(int fd)
{
    static char names[MAX_NAMES][NAME_MAX + 1];
    char msg[NAME_MAX + 3];
    ssize_t len;
    while ((len = recv(fd, msg, sizeof msg - 1, 0)) != 0) {
        if (len < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        msg[len] = '\0';
        const char *name = msg + 2;
        int slot = -1;
        for (int i = 0; i < MAX_NAMES && slot < 0; i++)
            if (msg[0] == 'R' ? names[i][0] == '\0' : strcmp(names[i], name) == 0)
                slot = i;
        if (slot >= 0)
            snprintf(names[slot], sizeof names[slot], "%s", msg[0] == 'R' ? name : "");
    }
    /* Every owner is gone: what is still registered was never unlinked. */
    for (int i = 0; i < MAX_NAMES; i++)
        if (names[i][0] != '\0' && shm_unlink(names[i]) == 0)
            fprintf(stderr, "shm_tracker: unlinked %s: its owner ended without unlinking it\n",
                    names[i]);
    _exit(0);
}

/* Fork twice, so that the tracker is nobody's child to reap (its parent
 * exits at once, and init or a subreaper adopts it). */
static int start_tracker(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    fflush(NULL);
    pid_t middle = fork();
    if (middle == 0) {
        if (fork() == 0) {
            setsid(); /* out of the owner's process group */
            signal(SIGINT, SIG_IGN);
            signal(SIGTERM, SIG_IGN);
            keep_only_stderr_and(sv[1]);
            tracker_main(3);
        }
        _exit(0);
    }
    int saved = errno;
    close(sv[1]);
    if (middle < 0) {
        close(sv[0]);
        errno = saved;
        return -1;
    }
    waitpid(middle, NULL, 0);
    tracker_fd = sv[0];
    return 0;
}

static int tell_tracker(char what, const char *name)
{
    char msg[NAME_MAX + 3];
    if (strlen(name) > NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (tracker_fd < 0 && start_tracker() != 0)
        return -1;
    int len = snprintf(msg, sizeof msg, "%c/%s", what, name);
    if (send(tracker_fd, msg, (size_t)len, MSG_NOSIGNAL) != len)
        return -1;
    return 0;
}

int shm_tracker_register(const char *name)
{
    return tell_tracker('R', name);
}

int shm_tracker_unregister(const char *name)
{
    return tell_tracker('U', name);
}
