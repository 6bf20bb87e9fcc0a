/* SPDX-License-Identifier: MIT */
/* pool_wire.c - buffers and socket I/O for the pool; see pool_wire.h. */
#include "pool_wire.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "timing.h"

/* Buffers start at, and reads ask for, at least this much. */
static const size_t WIRE_CHUNK = 65536;

unsigned char *wire_reserve(struct wire_buffer *b, size_t n)
{
    if (b->capacity - b->end >= n)
        return b->data + b->end;
    /* Slide the filled bytes to the front before growing. */
    size_t filled = wire_filled(b);
    if (b->start > 0) {
        memmove(b->data, b->data + b->start, filled);
        b->start = 0;
        b->end = filled;
        if (b->capacity - b->end >= n)
            return b->data + b->end;
    }
    if (n > SIZE_MAX / 4 - filled) { /* doubling would overflow */
        errno = ENOMEM;
        return NULL;
    }
    size_t capacity = b->capacity ? b->capacity : WIRE_CHUNK;
    while (capacity - filled < n)
        capacity *= 2;
    unsigned char *data = realloc(b->data, capacity);
    if (data == NULL)
        return NULL;
    b->data = data;
    b->capacity = capacity;
    return b->data + b->end;
}

int wire_append(struct wire_buffer *b, const void *bytes, size_t n)
{
    size_t padded = wire_padded(n);
    unsigned char *p = wire_reserve(b, padded);
    if (p == NULL)
        return -1;
    memcpy(p, bytes, n);
    memset(p + n, 0, padded - n);
    b->end += padded;
    return 0;
}

void wire_consume(struct wire_buffer *b, size_t n)
{
    b->start += n;
    if (b->start == b->end)
        b->start = b->end = 0;
}

int wire_flush(int fd, struct wire_buffer *b)
{
    while (wire_filled(b) > 0) {
        /* MSG_NOSIGNAL: if the other end is gone, fail with EPIPE instead
         * of killing this process with SIGPIPE. */
        ssize_t sent = send(fd, b->data + b->start, wire_filled(b), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        wire_consume(b, (size_t)sent);
    }
    return 0;
}

int wire_send_direct(int fd, const void *header, size_t header_size, const void *body,
                     size_t body_size)
{
    static const unsigned char zeros[WIRE_ALIGN];
    struct iovec iov[3] = {
        {.iov_base = (void *)header, .iov_len = header_size},
        {.iov_base = (void *)body, .iov_len = body_size},
        {.iov_base = (void *)zeros, .iov_len = wire_padded(body_size) - body_size},
    };
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 3};
    size_t left = header_size + wire_padded(body_size);
    while (left > 0) {
        ssize_t sent = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        left -= (size_t)sent;
        /* Step past what went out: whole parts, then into the next one. */
        while (msg.msg_iovlen > 0 && (size_t)sent >= msg.msg_iov->iov_len) {
            sent -= (ssize_t)msg.msg_iov->iov_len;
            msg.msg_iov++;
            msg.msg_iovlen--;
        }
        if (msg.msg_iovlen > 0) {
            msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base + sent;
            msg.msg_iov->iov_len -= (size_t)sent;
        }
    }
    return 0;
}

int wire_recv_exact(int fd, void *dest, size_t n)
{
    unsigned char *p = dest;
    while (n > 0) {
        ssize_t got = recv(fd, p, n, MSG_WAITALL);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                errno = EPIPE;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

/* Before sleeping for an answer, look for it without blocking for a few
 * microseconds. A process that sleeps hands its CPU back, and an idle
 * virtual CPU halts: waking it for the answer costs an interrupt between
 * CPUs and a return from the hypervisor, tens of microseconds, while the
 * other side often answers within a few. Bounded: a longer wait sleeps and
 * costs no CPU. */
#ifndef WIRE_SPIN_NS
#define WIRE_SPIN_NS 30000
#endif

/* Has the spin that started at *start (0: not yet) run out? */
static bool spin_over(uint64_t *start)
{
    uint64_t now = timing_now_ns();
    if (*start == 0)
        *start = now;
    else
        sched_yield(); /* the other side may be waiting for this CPU */
    return now - *start >= WIRE_SPIN_NS;
}

/* recv() that spins (MSG_DONTWAIT) before it blocks. */
static ssize_t recv_spinning(int fd, void *dest, size_t n)
{
    uint64_t start = 0;
    for (;;) {
        ssize_t got = recv(fd, dest, n, MSG_DONTWAIT);
        if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return got;
        if (errno != EINTR && spin_over(&start))
            return recv(fd, dest, n, 0);
    }
}

int wire_poll(struct pollfd *fds, nfds_t n, int ms)
{
    uint64_t start = 0;
    while (ms != 0 && !spin_over(&start)) {
        int ready = poll(fds, n, 0);
        if (ready != 0)
            return ready; /* something to read, or an error (EINTR) */
    }
    return poll(fds, n, ms);
}

ssize_t wire_fill(int fd, struct wire_buffer *b, size_t want)
{
    size_t room = want > WIRE_CHUNK ? want : WIRE_CHUNK;
    if (wire_reserve(b, room) == NULL)
        return -1;
    for (;;) {
        ssize_t got = recv_spinning(fd, b->data + b->end, b->capacity - b->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got > 0)
            b->end += (size_t)got;
        return got;
    }
}

int wire_await(int fd, struct wire_buffer *b, size_t n)
{
    while (wire_filled(b) < n)
        if (wire_fill(fd, b, n - wire_filled(b)) <= 0)
            return -1;
    return 0;
}

void wire_free(struct wire_buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->start = b->end = b->capacity = 0;
}
