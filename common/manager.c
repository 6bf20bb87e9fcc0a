/* SPDX-License-Identifier: MIT */
/*
 * manager.c - Manager().dict() and .list(): starting and stopping the
 * server, and the clients' calls; see manager.h. The server itself is in
 * manager_server.c.
 */
#define _GNU_SOURCE /* SYS_pidfd_open, SYS_pidfd_send_signal (Linux) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "manager_internal.h"
#include "timing.h"

struct manager {
    pid_t server, creator;
    int pidfd;                  /* the server's (pidfd_open, Linux 5.3) */
    struct sockaddr_un address; /* abstract: sun_path[0] is '\0' */
    socklen_t address_size;
};

struct manager_conn {
    int fd;
    pid_t owner;
    uint32_t seq;
    char reply[sizeof(struct manager_reply) + MANAGER_VALUE_MAX];
};

/* In the server, just forked: out of the creator's session (a terminal's
 * Ctrl-C is the creator's to handle), keep only stderr, the listening
 * socket (as fd 3) and the creator's pidfd (fd 4): an inherited pipe held
 * by the server would keep its reader waiting for an end of file. */
static _Noreturn void become_server(int listener, int creator, pid_t creator_pid)
{
    setsid();
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) != 0 || dup2(null, 1) != 1 || dup2(listener, 3) != 3 ||
        (creator >= 0 && dup2(creator, 4) != 4))
        _exit(1);
    creator = creator >= 0 ? 4 : -1;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 5U, ~0U, 0) == 0)
        manager_serve(3, creator, creator_pid);
#endif
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = 5; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
        close((int)fd);
    manager_serve(3, creator, creator_pid);
}

/* Fork twice, so that the server is nobody's child to reap (as
 * shm_tracker.c's tracker): its parent exits at once, and init adopts it.
 * The server's pid comes back on a pipe; 0 or -1. */
static int fork_server(struct manager *m, int listener)
{
    /* (no pidfds under valgrind 3.19: -1, and the server looks at /proc) */
    int creator = (int)syscall(SYS_pidfd_open, getpid(), 0), report[2] = {-1, -1}, status;
    if (pipe(report) != 0)
        return -1;
    fflush(NULL);
    pid_t middle = fork();
    if (middle == 0) {
        pid_t server = fork();
        if (server == 0)
            become_server(listener, creator, m->creator);
        _exit(write(report[1], &server, sizeof server) == sizeof server && server > 0 ? 0 : 1);
    }
    if (creator >= 0)
        close(creator);
    close(report[1]);
    bool ok = middle > 0 && waitpid(middle, &status, 0) == middle && status == 0 &&
              read(report[0], &m->server, sizeof m->server) == sizeof m->server;
    close(report[0]);
    /* a pidfd to SIGKILL it by in manager_shutdown: never another process */
    m->pidfd = ok ? (int)syscall(SYS_pidfd_open, m->server, 0) : -1;
    return ok ? 0 : -1;
}

struct manager *manager_start(void)
{
    struct manager *m = calloc(1, sizeof *m);
    struct sockaddr_un any = {.sun_family = AF_UNIX};
    int fd = -1, saved;
    /* bind with the family alone: Linux picks a free abstract name */
    if (m == NULL || (fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0 ||
        bind(fd, (struct sockaddr *)&any, sizeof any.sun_family) != 0 || listen(fd, SOMAXCONN) != 0)
        goto fail;
    m->address_size = sizeof m->address;
    m->creator = getpid();
    if (getsockname(fd, (struct sockaddr *)&m->address, &m->address_size) != 0 ||
        fork_server(m, fd) != 0)
        goto fail;
    close(fd); /* the server's now: it listens from the start, no race */
    return m;
fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    free(m);
    errno = saved;
    return NULL;
}

pid_t manager_pid(const struct manager *m)
{
    return m->server;
}

struct manager_conn *manager_connect(const struct manager *m)
{
    struct manager_conn *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    c->owner = getpid(), c->seq = 0;
    int error = c->fd < 0 ? errno : 0;
    while (!error && connect(c->fd, (const struct sockaddr *)&m->address, m->address_size) != 0)
        if (errno != EINTR || interrupt_requested())
            error = errno;
    if (error) {
        if (c->fd >= 0)
            close(c->fd);
        free(c);
        errno = error;
        return NULL;
    }
    return c;
}

void manager_disconnect(struct manager_conn *c)
{
    if (c != NULL)
        close(c->fd); /* the server sees end of file, and forgets it */
    free(c);
}

static int failed(int error)
{
    errno = error == ECONNRESET || error == ENOTCONN || error == ECONNREFUSED ? EPIPE : error;
    return -1;
}

/* One round trip: send the request, wait for its reply (skipping a late
 * one to an earlier call). 0 with *r filled, its value in c->reply after
 * it; -1 with errno (the reply's, or EPIPE: the server is gone). */
static int call(struct manager_conn *c, struct manager_request q, const char *key,
                const void *value, struct manager_reply *r)
{
    if (c->owner != getpid())
        return failed(EBADF); /* inherited through fork: see manager.h */
    if ((key && strlen(key) > MANAGER_KEY_MAX) || q.value_size > MANAGER_VALUE_MAX)
        return failed(EINVAL);
    q.key_size = key ? (uint32_t)strlen(key) : 0, q.seq = ++c->seq;
    struct iovec iov[3] = {
        {&q, sizeof q}, {(void *)key, q.key_size}, {(void *)value, q.value_size}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 3};
    while (sendmsg(c->fd, &msg, MSG_NOSIGNAL) < 0) /* one message: all of it or nothing */
        if (errno != EINTR || interrupt_requested())
            return failed(errno);
    for (;;) {
        ssize_t n = recv(c->fd, c->reply, sizeof c->reply, 0);
        if (n == 0)
            return failed(EPIPE); /* end of file: the server died, or stopped */
        if (n < 0 && (errno != EINTR || interrupt_requested()))
            return failed(errno);
        if (n < 0)
            continue; /* EINTR, and no Ctrl-C: wait on */
        if (n < (ssize_t)sizeof *r)
            return failed(EPROTO);
        memcpy(r, c->reply, sizeof *r);
        if (r->seq != c->seq)
            continue;
        if ((size_t)n != sizeof *r + r->value_size)
            return failed(EPROTO);
        return r->error ? failed(r->error) : 0;
    }
}

/* The reply's value into the caller's buffer: its size, or -1. */
static ssize_t copy_value(struct manager_conn *c, const struct manager_reply *r, void *buf,
                          size_t size)
{
    if (r->value_size > size)
        return failed(EMSGSIZE);
    memcpy(buf, c->reply + sizeof *r, r->value_size);
    return (ssize_t)r->value_size;
}

ssize_t dict_get(struct manager_conn *c, const char *key, void *buf, size_t size)
{
    struct manager_reply r;
    if (call(c, (struct manager_request){.op = MANAGER_GET}, key, NULL, &r) != 0)
        return -1;
    return copy_value(c, &r, buf, size);
}

int dict_set(struct manager_conn *c, const char *key, const void *value, size_t size)
{
    struct manager_reply r;
    if (size > MANAGER_VALUE_MAX)
        return failed(EINVAL);
    return call(c, (struct manager_request){.op = MANAGER_SET, .value_size = (uint32_t)size}, key,
                value, &r);
}

int dict_delete(struct manager_conn *c, const char *key)
{
    struct manager_reply r;
    return call(c, (struct manager_request){.op = MANAGER_DELETE}, key, NULL, &r);
}

ssize_t dict_len(struct manager_conn *c)
{
    struct manager_reply r;
    if (call(c, (struct manager_request){.op = MANAGER_DICT_LEN}, NULL, NULL, &r) != 0)
        return -1;
    return (ssize_t)r.number;
}

int dict_add(struct manager_conn *c, const char *key, long long delta, long long *result)
{
    struct manager_reply r;
    if (call(c, (struct manager_request){.op = MANAGER_ADD, .number = delta}, key, NULL, &r) != 0)
        return -1;
    if (result != NULL)
        *result = (long long)r.number;
    return 0;
}

ssize_t list_append(struct manager_conn *c, const void *value, size_t size)
{
    struct manager_reply r;
    if (size > MANAGER_VALUE_MAX)
        return failed(EINVAL);
    if (call(c, (struct manager_request){.op = MANAGER_APPEND, .value_size = (uint32_t)size}, NULL,
             value, &r) != 0)
        return -1;
    return (ssize_t)r.number;
}

ssize_t list_get(struct manager_conn *c, long index, void *buf, size_t size)
{
    struct manager_reply r;
    if (call(c, (struct manager_request){.op = MANAGER_LIST_GET, .number = index}, NULL, NULL,
             &r) != 0)
        return -1;
    return copy_value(c, &r, buf, size);
}

ssize_t list_len(struct manager_conn *c)
{
    struct manager_reply r;
    if (call(c, (struct manager_request){.op = MANAGER_LIST_LEN}, NULL, NULL, &r) != 0)
        return -1;
    return (ssize_t)r.number;
}

bool manager_alive(pid_t pid)
{
    char path[64], state = 'Z';
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f != NULL && fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
        state = 'Z';
    if (f != NULL)
        fclose(f);
    return state != 'Z';
}

/* Whether the server has exited, or does within `milliseconds`. */
static bool ends_within(const struct manager *m, int milliseconds)
{
    struct pollfd p = {.fd = m->pidfd, .events = POLLIN}; /* readable: it has exited */
    int ready = 0;
    while (m->pidfd >= 0 && (ready = poll(&p, 1, milliseconds)) < 0 && errno == EINTR)
        continue;
    if (m->pidfd >= 0)
        return ready > 0;
    double end = timing_now() + milliseconds / 1000.0;
    while (manager_alive(m->server) && timing_now() < end)
        timing_sleep(0.002);
    return !manager_alive(m->server);
}

int manager_shutdown(struct manager *m)
{
    if (m == NULL || getpid() != m->creator) {
        errno = EPERM;
        return -1;
    }
    int result = 0;
    struct manager_conn *c = manager_connect(m);
    struct manager_request q = {.op = MANAGER_SHUTDOWN};
    if (c == NULL || send(c->fd, &q, sizeof q, MSG_NOSIGNAL) != (ssize_t)sizeof q)
        result = -1; /* it was gone already */
    /* Python: join(timeout=shutdown_timeout), 1.0 s; then terminate, kill */
    if (!ends_within(m, result ? 0 : 1000)) {
        if (m->pidfd >= 0)
            syscall(SYS_pidfd_send_signal, m->pidfd, SIGKILL, NULL, 0);
        else
            kill(m->server, SIGKILL);
        ends_within(m, 1000);
    }
    manager_disconnect(c);
    if (m->pidfd >= 0)
        close(m->pidfd);
    free(m);
    errno = result ? EPIPE : 0;
    return result;
}
