/* SPDX-License-Identifier: MIT */
/*
 * pipe_poll.h - Connection.poll(timeout) for a pipe or a socket pair: is
 * there anything to read, waiting at most `timeout` seconds?
 *
 *     r, w = Pipe(duplex=False)            int fds[2]; pipe(fds);
 *     r.poll()          # only look        pipe_poll(fds[0], 0.0)
 *     r.poll(0.5)       # wait 0.5 s       pipe_poll(fds[0], 0.5)
 *     r.poll(None)      # wait for ever    pipe_poll(fds[0], PIPE_FOREVER)
 *
 * As in Python (Lib/multiprocessing/connection.py: Connection._poll is
 * bool(wait([self], timeout)), a select for reading), "ready" means a read
 * would not block: data is there, OR every write end is closed. At end of
 * file poll says 1, and the read that follows returns 0 (Python's recv()
 * raises EOFError). poll never reads: what is there stays there.
 */
#ifndef FORKLORE_PIPE_POLL_H
#define FORKLORE_PIPE_POLL_H

/* Only PIPE_FOREVER waits for ever; any other negative timeout (or NaN)
 * only looks, as Python's does (selectors make a negative timeout 0). */
#define PIPE_FOREVER (-1.0)

/* 1: readable (data, or end of file); 0: nothing came within the timeout;
 * -1 with errno: EINTR (a signal handler ran, or, waiting for ever,
 * interrupt.h's flag was set), EBADF (fd is not open), or poll()'s own. */
int pipe_poll(int fd, double timeout);

#endif
