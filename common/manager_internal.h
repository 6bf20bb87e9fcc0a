/* SPDX-License-Identifier: MIT */
/*
 * manager_internal.h - between manager.c (the clients' side) and
 * manager_server.c (the server): what travels on a connection.
 *
 * A request is one SOCK_SEQPACKET message: the header, then key_size bytes
 * of key, then value_size bytes of value. A reply: its header, then
 * value_size bytes. The reply carries the request's seq, so that a client
 * can skip a reply to a call it gave up waiting for (EINTR).
 */
#ifndef FORKLORE_MANAGER_INTERNAL_H
#define FORKLORE_MANAGER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "manager.h"

enum manager_op {
    MANAGER_GET = 1,  /* d[key] */
    MANAGER_SET,      /* d[key] = value */
    MANAGER_DELETE,   /* del d[key] */
    MANAGER_DICT_LEN, /* len(d) */
    MANAGER_ADD,      /* d[key] = d.get(key, 0) + number, in the server */
    MANAGER_APPEND,   /* l.append(value) */
    MANAGER_LIST_GET, /* l[number] */
    MANAGER_LIST_LEN, /* len(l) */
    MANAGER_SHUTDOWN, /* reply, then exit */
};

struct manager_request {
    uint32_t op, seq, key_size, value_size;
    int64_t number;
};

struct manager_reply {
    uint32_t seq;
    int32_t error; /* 0, or an errno value: the call returns -1 with it */
    uint32_t value_size, unused;
    int64_t number; /* a length, or dict_add's result */
};

#define MANAGER_MESSAGE_MAX (sizeof(struct manager_request) + MANAGER_KEY_MAX + MANAGER_VALUE_MAX)

/* The server's life, in the forked process: serve on `listener` until a
 * MANAGER_SHUTDOWN request (then _exit(0)) or until the process that
 * started it ends: `creator`, its pidfd, becomes readable; without one
 * (-1), the server looks every 100 ms whether creator_pid is alive. */
_Noreturn void manager_serve(int listener, int creator, pid_t creator_pid)
    __attribute__((noreturn));

/* Does pid exist, and is it no zombie? (/proc/PID/stat) */
bool manager_alive(pid_t pid);

#endif
