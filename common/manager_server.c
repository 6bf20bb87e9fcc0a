/* SPDX-License-Identifier: MIT */
/*
 * manager_server.c - the manager's server process (see manager.h): the
 * dict and the list, and the loop that answers requests.
 *
 * One thread, one poll() over the listening socket and every connection:
 * a request is read whole, done, and answered before the next is read, so
 * each request is atomic with no lock. (Python's Server runs a thread per
 * connection, Server.accepter -> handle_request -> serve_client, and the
 * GIL runs one dict method at a time: the same atomicity, per call.)
 * Sockets are non-blocking: a client that stops reading its replies has
 * its connection closed, and can never stall the others.
 */
#define _GNU_SOURCE /* accept4, struct ucred (SO_PEERCRED) */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "manager_internal.h"

struct blob {
    size_t size;
    char *data;
};

struct entry { /* a chain of the dict's hash table */
    struct entry *next;
    struct blob value;
    size_t key_size;
    char key[];
};

struct store {
    struct entry **buckets;
    size_t n_buckets, count; /* count: len(d) */
    struct blob *items;      /* the list */
    size_t length, capacity;
};

static size_t hash(const char *key, size_t size) /* FNV-1a */
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < size; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    return (size_t)h;
}

/* The link that points to key's entry, or to the NULL ending its chain. */
static struct entry **find(struct store *s, const char *key, size_t size)
{
    struct entry **link = &s->buckets[hash(key, size) % s->n_buckets];
    while (*link && ((*link)->key_size != size || memcmp((*link)->key, key, size) != 0))
        link = &(*link)->next;
    return link;
}

static int grow_table(struct store *s) /* double the buckets (16 at first) */
{
    size_t n = s->n_buckets ? 2 * s->n_buckets : 16;
    struct entry **old = s->buckets, **fresh = calloc(n, sizeof(struct entry *));
    if (fresh == NULL)
        return ENOMEM;
    size_t old_n = s->n_buckets;
    s->buckets = fresh, s->n_buckets = n;
    for (size_t b = 0; b < old_n; b++)
        for (struct entry *e = old[b], *next; e; e = next) {
            next = e->next;
            struct entry **link = find(s, e->key, e->key_size);
            e->next = NULL, *link = e;
        }
    free(old);
    return 0;
}

static int copy_blob(struct blob *b, const char *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (copy == NULL)
        return ENOMEM;
    memcpy(copy, data, size);
    free(b->data);
    b->data = copy, b->size = size;
    return 0;
}

static int dict_store(struct store *s, const char *key, size_t key_size, const char *v, size_t size)
{
    if ((s->count >= 2 * s->n_buckets) && grow_table(s) != 0 && s->n_buckets == 0)
        return ENOMEM; /* (a table that cannot grow still works, in longer chains) */
    struct entry **link = find(s, key, key_size);
    if (*link)
        return copy_blob(&(*link)->value, v, size);
    struct entry *e = calloc(1, sizeof *e + key_size);
    if (e == NULL || copy_blob(&e->value, v, size) != 0) {
        free(e);
        return ENOMEM;
    }
    memcpy(e->key, key, key_size);
    e->key_size = key_size, *link = e, s->count++;
    return 0;
}

/* d[k] = d.get(k, 0) + delta, the value being decimal text. */
static int dict_add_to(struct store *s, const char *key, size_t key_size, int64_t delta,
                       int64_t *sum)
{
    struct entry **link = s->n_buckets ? find(s, key, key_size) : NULL;
    long long old = 0;
    if (link && *link) {
        char text[24], *end;
        const struct blob *v = &(*link)->value;
        if (v->size == 0 || v->size >= sizeof text)
            return EINVAL;
        memcpy(text, v->data, v->size);
        text[v->size] = '\0';
        errno = 0;
        old = strtoll(text, &end, 10);
        if (*end != '\0' || text[0] == ' ' || errno != 0)
            return errno == ERANGE ? ERANGE : EINVAL;
    }
    long long result;
    if (__builtin_add_overflow(old, (long long)delta, &result))
        return ERANGE;
    char text[24];
    int n = snprintf(text, sizeof text, "%lld", result);
    *sum = result;
    return dict_store(s, key, key_size, text, (size_t)n);
}

static int dict_remove(struct store *s, const char *key, size_t key_size)
{
    struct entry **link = s->n_buckets ? find(s, key, key_size) : NULL;
    if (link == NULL || *link == NULL)
        return ENOENT;
    struct entry *e = *link;
    *link = e->next, s->count--;
    free(e->value.data);
    free(e);
    return 0;
}

static int list_push(struct store *s, const char *v, size_t size)
{
    if (s->length == s->capacity) {
        size_t n = s->capacity ? 2 * s->capacity : 16;
        struct blob *more = realloc(s->items, n * sizeof *more);
        if (more == NULL)
            return ENOMEM;
        memset(more + s->length, 0, (n - s->length) * sizeof *more); /* the new slots: empty */
        s->items = more, s->capacity = n;
    }
    int error = copy_blob(&s->items[s->length], v, size);
    s->length += error == 0;
    return error;
}

static void store_free(struct store *s)
{
    for (size_t b = 0; b < s->n_buckets; b++)
        for (struct entry *e = s->buckets[b], *next; e; e = next)
            next = e->next, free(e->value.data), free(e);
    for (size_t i = 0; i < s->length; i++)
        free(s->items[i].data);
    free(s->buckets);
    free(s->items);
}

/* Do one request; fill the reply, point *out at a value to send back. */
static void dispatch(struct store *s, const struct manager_request *q, const char *key,
                     struct manager_reply *r, const struct blob **out)
{
    const char *value = key + q->key_size;
    struct entry **link = NULL;
    if (q->op == MANAGER_GET && s->n_buckets && *(link = find(s, key, q->key_size)))
        *out = &(*link)->value;
    else if (q->op == MANAGER_GET)
        r->error = ENOENT;
    else if (q->op == MANAGER_SET)
        r->error = dict_store(s, key, q->key_size, value, q->value_size);
    else if (q->op == MANAGER_DELETE)
        r->error = dict_remove(s, key, q->key_size);
    else if (q->op == MANAGER_ADD)
        r->error = dict_add_to(s, key, q->key_size, q->number, &r->number);
    else if (q->op == MANAGER_APPEND && (r->error = list_push(s, value, q->value_size)) == 0)
        r->number = (int64_t)s->length;
    else if (q->op == MANAGER_LIST_GET) {
        int64_t i = q->number < 0 ? q->number + (int64_t)s->length : q->number;
        if (i >= 0 && i < (int64_t)s->length)
            *out = &s->items[i];
        else
            r->error = ERANGE;
    }
    if (q->op == MANAGER_DICT_LEN)
        r->number = (int64_t)s->count;
    else if (q->op == MANAGER_LIST_LEN)
        r->number = (int64_t)s->length;
    else if (q->op < MANAGER_GET || q->op > MANAGER_SHUTDOWN)
        r->error = EINVAL;
}

/* Read one request from fd and answer it: 0 (go on), 1 (shut down), -1
 * (close this connection: the client is gone, or broke the protocol). */
static int serve_one(struct store *s, int fd, char *request)
{
    ssize_t n = recv(fd, request, MANAGER_MESSAGE_MAX, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    struct manager_request q;
    if (n < (ssize_t)sizeof q) /* end of file (0), an error, or garbage */
        return -1;
    memcpy(&q, request, sizeof q);
    if (q.key_size > MANAGER_KEY_MAX || q.value_size > MANAGER_VALUE_MAX ||
        (size_t)n != sizeof q + q.key_size + q.value_size)
        return -1;
    struct manager_reply r = {.seq = q.seq};
    const struct blob *out = NULL;
    dispatch(s, &q, request + sizeof q, &r, &out);
    r.value_size = out ? (uint32_t)out->size : 0;
    struct iovec iov[2] = {{&r, sizeof r}, {out ? out->data : NULL, r.value_size}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    if (sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) /* EPIPE: a client killed */
        return -1;
    return q.op == MANAGER_SHUTDOWN ? 1 : 0;
}

struct conns {
    struct pollfd *fds; /* [0]: the listening socket, [1]: the creator's pidfd */
    size_t n, capacity;
};

static void accept_one(struct conns *c)
{
    int fd = accept4(c->fds[0].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) { /* EMFILE: stop listening until a connection closes */
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
            c->fds[0].events = 0;
        return;
    }
    struct ucred peer;
    socklen_t size = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.uid != getuid()) {
        close(fd); /* another user's process: refused */
        return;
    }
    if (c->n == c->capacity) {
        struct pollfd *more = realloc(c->fds, 2 * c->capacity * sizeof *more);
        if (more == NULL) {
            close(fd);
            return;
        }
        c->fds = more, c->capacity *= 2;
    }
    c->fds[c->n++] = (struct pollfd){.fd = fd, .events = POLLIN};
}

_Noreturn void manager_serve(int listener, int creator, pid_t creator_pid)
{
    static char request[MANAGER_MESSAGE_MAX]; /* static: 64 KiB is not for the stack */
    struct store s = {0};
    struct conns c = {malloc(16 * sizeof *c.fds), 2, 16};
    if (c.fds == NULL)
        _exit(1);
    c.fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
    c.fds[1] = (struct pollfd){.fd = creator, .events = POLLIN}; /* readable: it ended */
    bool stop = false;
    while (!stop) {
        if (poll(c.fds, c.n, creator >= 0 ? -1 : 100) < 0 && errno != EINTR)
            _exit(1);
        /* the creator is gone: so are we (a negative fd: poll skips it) */
        stop = c.fds[1].revents != 0 || (creator < 0 && !manager_alive(creator_pid));
        for (size_t i = c.n; !stop && i-- > 2;) { /* backwards: the last fills a gap */
            int done = c.fds[i].revents ? serve_one(&s, c.fds[i].fd, request) : 0;
            stop = done == 1;
            if (done < 0) {
                close(c.fds[i].fd);
                c.fds[i] = c.fds[--c.n];
                c.fds[0].events = POLLIN; /* room again, if accept4 had none */
            }
        }
        if (!stop && (c.fds[0].revents & POLLIN))
            accept_one(&c);
    }
    store_free(&s);
    for (size_t i = 0; i < c.n; i++)
        close(c.fds[i].fd);
    free(c.fds);
    _exit(0);
}
