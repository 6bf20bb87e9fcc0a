/* SPDX-License-Identifier: MIT */
/*
 * payload_bench.c - large items through the library against a bare stream:
 * the payload sweep of make bench (MB/s against item size).
 *
 * Usage: payload_bench first|repeat|queue|stream|write -s SIZE [-b BYTES] [--own] [--faults]
 *   first   one pool_map (1 worker, the automatic chunksize) of BYTES / SIZE
 *           items of SIZE bytes, each copied to its result: what a program
 *           that runs one map sees
 *   repeat  the same map twice in one pool; the second one's rate
 *   queue   a child queue_puts the items, the parent queue_gets them
 *   stream  the floor: the same bytes over a socket pair, in messages of
 *           SIZE or 64 KiB, whichever is larger (a stream needs no item
 *           boundaries), echoed back by the child (both ways at once)
 *   write   the floor under a first map: one memcpy of BYTES into the
 *           output array while a forked child still shares its pages, as
 *           the worker does during a first map (SIZE is not used)
 *
 * Prints MB/s each way (BYTES / seconds / 10^6). The caller's arrays are
 * allocated and written before the clock starts, in every mode: their first
 * touch belongs to the caller, not to what moves the bytes. They are written
 * before the fork (pool_create, or the stream's child), as a program fills
 * its arrays and then starts a pool: the output array's pages are then
 * shared with the child (copy-on-write), and the parent's first write to
 * each one in the timed part is a page fault and a 4 KiB copy, in the map
 * as in the bare stream. --own writes the output array again after the
 * fork, before the clock: its pages are then the parent's alone, as they
 * are in a repeated map. --faults also prints the parent's page faults in
 * the timed part (getrusage).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "pool.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

static bool own;    /* --own: the output array written after the fork */
static long faults; /* the parent's page faults in the timed part */

static long minor_faults(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0)
        die("getrusage");
    return u.ru_minflt;
}

static int copy_item(const void *arg, void *result, struct pool_task *task)
{
    memcpy(result, arg, *(const size_t *)task->udata);
    return 0;
}

static void reap(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) < 0 || wait_exitcode(status) != 0)
        die_msg("child %ld failed", (long)pid);
}

/* Map the items `maps` times in one pool; the last map's seconds. */
static double map_seconds(unsigned char *in, unsigned char *out, size_t size, size_t items,
                          int maps)
{
    struct pool *pool = pool_create(&(struct pool_options){.workers = 1, .task_udata = &size});
    if (pool == NULL)
        die("pool_create");
    if (own)
        memset(out, 0, items * size); /* after the fork: no page shared */
    double seconds = 0;
    for (int m = 0; m < maps; m++) {
        long f0 = minor_faults();
        double t0 = timing_now();
        if (pool_map(pool, copy_item, in, items, size, out, size, NULL) != 0)
            die_msg("pool_map: %s", pool_last_failure(pool)->message);
        seconds = timing_now() - t0;
        faults = minor_faults() - f0;
    }
    pool_close(pool);
    if (pool_join(pool) != 0)
        die("pool_join");
    pool_destroy(pool);
    return seconds;
}

/* fork() for the timed part of queue and stream: the clock (*t0) and the
 * page-fault count (*f0) start just before it; with --own the parent then
 * writes the output array again, untimed. */
static pid_t fork_timed(unsigned char *out, size_t bytes, double *t0, long *f0)
{
    fflush(stdout);
    *f0 = minor_faults();
    *t0 = timing_now();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (own && pid > 0) { /* after the fork: no page shared, and not timed */
        double t1 = timing_now();
        memset(out, 0, bytes);
        *t0 += timing_now() - t1, *f0 = minor_faults();
    }
    return pid;
}

static double queue_seconds(unsigned char *in, unsigned char *out, size_t size, size_t items)
{
    size_t slots = (16u << 20) / size; /* at most 16 MiB of slots */
    struct queue *q = queue_create(slots < 4 ? 4 : slots > 1024 ? 1024 : slots, size);
    if (q == NULL)
        die("queue_create");
    double t0;
    long f0;
    pid_t pid = fork_timed(out, items * size, &t0, &f0);
    if (pid == 0) {
        for (size_t i = 0; i < items; i++)
            if (queue_put(q, in + i * size, size, QUEUE_FOREVER) != 0)
                _exit(1);
        _exit(0);
    }
    for (size_t i = 0; i < items; i++)
        if (queue_get(q, out + i * size, size, QUEUE_FOREVER) != (ssize_t)size)
            die("queue_get");
    reap(pid);
    double seconds = timing_now() - t0;
    faults = minor_faults() - f0;
    queue_destroy(q);
    return seconds;
}

/* The parent's memcpy into its output array while a child that shares its
 * pages is alive: the copy-on-write every first write pays, with nothing
 * moved between processes. The child only waits for end of file. */
static double write_seconds(unsigned char *in, unsigned char *out, size_t bytes)
{
    int hold[2];
    if (pipe(hold) != 0)
        die("pipe");
    double t0;
    long f0;
    pid_t pid = fork_timed(out, bytes, &t0, &f0);
    if (pid == 0) {
        char c;
        close(hold[1]);
        _exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
    }
    t0 = timing_now(), f0 = minor_faults(); /* the fork is not the write */
    memcpy(out, in, bytes);
    double seconds = timing_now() - t0;
    faults = minor_faults() - f0;
    close(hold[1]);
    close(hold[0]);
    reap(pid);
    return seconds;
}

/* The child: read what comes into one buffer of SIZE, send it back. */
static _Noreturn void echo(int fd, size_t size)
{
    unsigned char *buf = malloc(size);
    ssize_t got = -1;
    while (buf != NULL && (got = recv(fd, buf, size, 0)) > 0)
        for (ssize_t sent = 0, n; sent < got; sent += n)
            if ((n = send(fd, buf + sent, (size_t)(got - sent), 0)) < 0)
                _exit(1);
    _exit(buf != NULL && got == 0 ? 0 : 1);
}

static double stream_seconds(unsigned char *in, unsigned char *out, size_t size, size_t bytes)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    double t0;
    long f0;
    pid_t pid = fork_timed(out, bytes, &t0, &f0);
    if (size < 65536)
        size = 65536;
    if (pid == 0) {
        close(sv[0]);
        echo(sv[1], size);
    }
    close(sv[1]);
    size_t sent = 0, got = 0;
    while (got < bytes) { /* send and receive at once: nobody blocks for ever */
        struct pollfd p = {.fd = sv[0], .events = POLLIN | (sent < bytes ? POLLOUT : 0)};
        if (poll(&p, 1, -1) < 0)
            die("poll");
        ssize_t n;
        if ((p.revents & POLLOUT) && sent < bytes) {
            size_t len = bytes - sent < size ? bytes - sent : size;
            if ((n = send(sv[0], in + sent, len, MSG_DONTWAIT)) < 0 && errno != EAGAIN)
                die("send");
            sent += n > 0 ? (size_t)n : 0;
            if (sent == bytes)
                shutdown(sv[0], SHUT_WR); /* the child's end of file */
        }
        if ((p.revents & (POLLIN | POLLHUP)) &&
            (n = recv(sv[0], out + got, bytes - got, MSG_DONTWAIT)) > 0)
            got += (size_t)n;
    }
    reap(pid);
    double seconds = timing_now() - t0;
    faults = minor_faults() - f0;
    close(sv[0]);
    return seconds;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long size = 65536, bytes = 64LL << 20;
    const char *mode = NULL;
    bool print_faults = false;
    const struct flag flags[] = {
        {0, FLAG_ARG, "MODE", NULL, "first, repeat, queue, stream or write", 0, 0, &mode},
        {'s', FLAG_COUNT, "size", "SIZE", "bytes per item (8 to 64M)", 8, 64LL << 20, &size},
        {'b', FLAG_COUNT, "bytes", "BYTES", "bytes in all (default 64M)", 8, 4LL << 30, &bytes},
        {0, FLAG_SWITCH, "own", NULL, "write the output array after the fork", 0, 0, &own},
        {0, FLAG_SWITCH, "faults", NULL, "also print the parent's page faults", 0, 0,
         &print_faults},
        OPTS_END("first -s 64K\nstream -s 1M -b 256M\nfirst -s 64K --own --faults\n"
                 "write --faults"),
    };
    opts_parse(argc, argv, "MODE -s SIZE [-b BYTES] [--own] [--faults]",
               "One map, queue, bare stream (MODE first, repeat, queue, stream) or bare\n"
               "memcpy into shared pages (write) of large items, MB/s each way.",
               flags);
    size_t items = bytes < size ? 1 : (size_t)(bytes / size), total = items * (size_t)size;
    unsigned char *in = malloc(total), *out = malloc(total);
    if (in == NULL || out == NULL)
        die("malloc");
    for (size_t i = 0; i < total; i++)
        in[i] = (unsigned char)(i * 7 + 1);
    memset(out, 0, total);
    double seconds;
    if (strcmp(mode, "first") == 0 || strcmp(mode, "repeat") == 0)
        seconds = map_seconds(in, out, (size_t)size, items, mode[0] == 'f' ? 1 : 2);
    else if (strcmp(mode, "queue") == 0)
        seconds = queue_seconds(in, out, (size_t)size, items);
    else if (strcmp(mode, "stream") == 0)
        seconds = stream_seconds(in, out, (size_t)size, total);
    else if (strcmp(mode, "write") == 0)
        seconds = write_seconds(in, out, total);
    else
        usage_error("unknown mode '%s'", mode);
    if (memcmp(in, out, total) != 0)
        die_msg("%s: the bytes that came back differ from those sent", mode);
    printf("%.0f", (double)total / seconds / 1e6);
    if (print_faults)
        printf(" %ld", faults);
    printf("\n");
    free(in);
    free(out);
    return 0;
}
