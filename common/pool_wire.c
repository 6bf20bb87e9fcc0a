/* SPDX-License-Identifier: MIT */
/* pool_wire.c - buffers and socket I/O for the pool; see pool_wire.h. */
#include "pool_wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "cpus.h"
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
 * other side, running on the other CPU, often answers within a few.
 * Bounded: a longer wait sleeps and costs no CPU. And only while there is
 * a CPU to spare: on a busy machine spinning would keep a CPU from the
 * other side (or from the work of others), and a busy CPU does not halt. */
enum { WIRE_SPIN_NS = 30000 };

/* A CPU to spare: no more processes runnable than CPUs? The kernel's
 * count, the 4th field of /proc/loadavg ("0.52 0.41 0.30 2/143 9876": 2
 * runnable, this one included), looked at every 20 ms at most. No /proc:
 * never spin. */
static bool cpu_to_spare(void)
{
    static uint64_t looked_ns;
    static bool spare;
    uint64_t now = timing_now_ns();
    if (looked_ns != 0 && now - looked_ns < 20000000)
        return spare;
    looked_ns = now;
    long running = 0;
    spare = cpus_load(NULL, &running) == 0 && running > 0 && running <= cpus_online();
    return spare;
}

/* recv() that spins (MSG_DONTWAIT) before it blocks. */
static ssize_t recv_spinning(int fd, void *dest, size_t n)
{
    if (!cpu_to_spare())
        return recv(fd, dest, n, 0);
    uint64_t start = timing_now_ns();
    for (;;) {
        ssize_t got = recv(fd, dest, n, MSG_DONTWAIT);
        if (got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return got;
        if (errno != EINTR && timing_now_ns() - start >= WIRE_SPIN_NS)
            return recv(fd, dest, n, 0);
    }
}

int wire_poll(struct pollfd *fds, nfds_t n, int ms)
{
    uint64_t start = timing_now_ns();
    while (ms != 0 && timing_now_ns() - start < WIRE_SPIN_NS && cpu_to_spare()) {
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
