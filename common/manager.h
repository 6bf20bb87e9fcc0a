/* SPDX-License-Identifier: MIT */
/*
 * manager.h - multiprocessing's Manager().dict() and .list()
 * (Lib/multiprocessing/managers.py): the data lives in a server process,
 * and every call from a client is one request and one reply.
 *
 *     struct manager *m = manager_start();            // Manager(): forks the server
 *     // in each process that uses it, the parent too (after fork in a child):
 *     struct manager_conn *c = manager_connect(m);
 *     dict_set(c, "fruit", "fig", 3);                 // d["fruit"] = b"fig"
 *     long long hits;
 *     dict_add(c, "hits", 1, &hits);                  // d["hits"] += 1, whole
 *     list_append(c, "done", 4);                      // l.append(b"done")
 *     manager_disconnect(c);
 *     manager_shutdown(m);                            // creator, at the end
 *
 * The dict maps keys (C strings of at most MANAGER_KEY_MAX bytes) to byte
 * strings (at most MANAGER_VALUE_MAX bytes); the list holds byte strings.
 * The server answers one request at a time (poll() on every connection),
 * so each call is atomic. Two calls are not: `d[k] += 1` written as
 * dict_get then dict_set loses updates when another client's set comes in
 * between, as a DictProxy's __getitem__ and __setitem__ (two _callmethod
 * round trips) do in Python. dict_add does the whole update in the server.
 *
 * Connections: a connection belongs to the process that made it; a forked
 * child calls manager_connect() itself (a call on an inherited one fails
 * with EBADF: two processes reading one socket would take each other's
 * replies). Python's proxies do the same behind your back: their
 * connection is a util.ForkAwareLocal, emptied in a forked child, and the
 * first call there connects again (BaseProxy._connect).
 *
 * Failures: every call returns -1 with errno. EPIPE: the server is gone
 * (killed, or shut down); a client waiting for a reply gets it as soon as
 * the server dies, never waits for ever (the kernel closes a dead
 * process's sockets: end of file). EINTR: interrupt.h's flag was set while
 * it waited (the late reply is skipped by the next call). A client killed
 * in the middle of a call costs the server nothing: a request is one
 * message (SOCK_SEQPACKET) that arrives whole or not at all, a reply to a
 * dead client is dropped, its connection closed, and the server goes on.
 *
 * The server is forked twice (nobody's child: init reaps it, as with
 * shm_tracker.c's tracker) into a session of its own: a terminal's Ctrl-C
 * is its creator's to handle (Python's server ignores SIGINT: bpo-36368).
 * It ends when its creator does, however that ends (it polls a pidfd of
 * the creator, Linux 5.3), keeps only stderr of the creator's
 * descriptors, and listens on an abstract Unix socket (Linux: a name that
 * is no file, so nothing is left behind); it refuses connections from
 * other users (SO_PEERCRED; Python checks an authkey instead).
 */
#ifndef FORKLORE_MANAGER_H
#define FORKLORE_MANAGER_H

#include <stddef.h>
#include <sys/types.h>

#define MANAGER_KEY_MAX   255
#define MANAGER_VALUE_MAX 65536

struct manager;
struct manager_conn;

/* Start the server; NULL with errno (socket, bind, listen, fork,
 * pidfd_open). */
struct manager *manager_start(void);

/* The server's pid (Python: manager._process.pid). */
pid_t manager_pid(const struct manager *m);

/* In the creator only: ask the server to stop (Python's 'shutdown'
 * request), wait up to 1 s for it to exit, else SIGKILL it (by pidfd);
 * free m. 0; -1 with errno EPIPE if the server had died before, EPERM if
 * this process is not the creator (m is left alone). */
int manager_shutdown(struct manager *m);

/* A connection for this process; NULL with errno (ECONNREFUSED: the
 * server is gone). Python: a proxy's first call in a process. */
struct manager_conn *manager_connect(const struct manager *m);
void manager_disconnect(struct manager_conn *c);

/* ---- the dict: d = manager.dict()
 * dict_get: v = d[key]: copy the value into buf, return its size; -1 with
 * ENOENT (KeyError), EMSGSIZE (buf too small: nothing copied). */
ssize_t dict_get(struct manager_conn *c, const char *key, void *buf, size_t size);
/* d[key] = value. -1: EINVAL (key or value too long), ENOMEM (the server's). */
int dict_set(struct manager_conn *c, const char *key, const void *value, size_t size);
/* del d[key]. -1: ENOENT. */
int dict_delete(struct manager_conn *c, const char *key);
/* len(d). */
ssize_t dict_len(struct manager_conn *c);
/* The atomic update, done by the server in one request: the value is a
 * decimal number (a missing key counts as 0: d[k] = d.get(k, 0) + delta);
 * it becomes value + delta, written back as decimal text, and *result (if
 * not NULL) receives it. -1: EINVAL (the value is not a number), ERANGE
 * (the sum overflows a long long; the value is left as it was). */
int dict_add(struct manager_conn *c, const char *key, long long delta, long long *result);

/* ---- the list: l = manager.list()
 * l.append(value): the list's new length; -1: EINVAL, ENOMEM. */
ssize_t list_append(struct manager_conn *c, const void *value, size_t size);
/* l[index] (negative counts from the end, as in Python): as dict_get; -1
 * with ERANGE when out of range (IndexError). */
ssize_t list_get(struct manager_conn *c, long index, void *buf, size_t size);
/* len(l). */
ssize_t list_len(struct manager_conn *c);

#endif
