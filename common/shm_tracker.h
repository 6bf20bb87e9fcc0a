/* SPDX-License-Identifier: MIT */
/*
 * shm_tracker.h - a named shared-memory segment does not outlive its owner,
 * even one killed by SIGKILL: the C counterpart of Python's
 * multiprocessing.resource_tracker (Lib/multiprocessing/resource_tracker.py).
 *
 * The first registration forks a small tracker process. It holds one end of
 * a socket; the process that registered holds the other, and so does every
 * child it forks afterwards (exec closes it). When the last of them is gone
 * (exited, or killed: the kernel closes a dead process's descriptors), the
 * tracker reads end-of-file, shm_unlink()s every name still registered,
 * says so on stderr, and exits. Like Python's, it ignores SIGINT and SIGTERM;
 * it also leaves the process group (setsid), so a signal sent to the whole
 * group (Ctrl-C, timeout(1)) does not take it along.
 *
 *     int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
 *     shm_tracker_register(name);      // after creating it, as Python does
 *     ...
 *     shm_unlink(name);
 *     shm_tracker_unregister(name);    // unlinked by us: nothing to do
 *
 * A process killed between shm_open and shm_tracker_register leaks the name,
 * as in Python. Register only names this process created (O_EXCL), or the
 * tracker may unlink someone else's segment.
 */
#ifndef FORKLORE_SHM_TRACKER_H
#define FORKLORE_SHM_TRACKER_H

/* Unlink `name` (as given to shm_open) once every process holding the
 * tracker is gone, unless it is unregistered first. Starts the tracker on
 * first use. Returns 0, or -1 with errno: ENAMETOOLONG (longer than
 * NAME_MAX), or the error of socketpair, fork or send. */
int shm_tracker_register(const char *name);

/* Forget `name` (after shm_unlink, or to keep the segment on purpose).
 * Returns 0, or -1 with errno as above. */
int shm_tracker_unregister(const char *name);

#endif
