/* SPDX-License-Identifier: MIT */
/*
 * team.h - a team of forked workers that start together, and the memory
 * they share: what chapter 07's steps 2 to 7 run their workers with (step 1,
 * 07_shared_memory/1_shared_counter_race.c, shows the bare mechanism).
 *
 * Each worker, once forked (and pinned to a CPU of its own if asked), says
 * "ready" (one byte on a pipe) and blocks reading a "gate" pipe. When all
 * are ready the parent closes the gate's write end: every worker sees
 * end-of-file at once. Without the gate, worker 0 could finish a million
 * increments before worker 1 even exists, and a race would hide.
 *
 *     long *counter = team_map_shared(sizeof *counter);  // before fork
 *     struct team t;
 *     team_start(&t, 2, add_one_million, counter, true);  // Process.start()
 *     double seconds = team_join(&t);                     // Process.join()
 *     team_unmap(counter, sizeof *counter);
 *
 * Call interrupt_install() first: on Ctrl-C or SIGTERM, team_start and
 * team_join kill and reap the workers, say "SIGINT: dying of SIGINT" and
 * die of that signal (status 130 or 143). A worker that fails ends the
 * program (die_msg), naming the worker and how it ended.
 */
#ifndef FORKLORE_TEAM_H
#define FORKLORE_TEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TEAM_MAX 512 /* processes in a team: workers and team_add's */

/* The most workers a step may ask for with -j: pool_max_workers() (the
 * fork-bomb guard, 8 x the CPUs), and room for one team_add. */
int team_max_workers(void);

typedef void team_fn(int worker, void *udata);

struct team {
    int count;
    pid_t pids[TEAM_MAX];
    double started; /* timing_now() when the gate opened */
};

/* Fork `count` workers running fn(w, udata) then _exit(0); open the gate
 * once all are ready. pin: put worker w on the w-th usable CPU. */
void team_start(struct team *t, int count, team_fn *fn, void *udata, bool pin);

/* Add one more process of the caller's to the team (reaped by team_join,
 * killed by team_abort). */
void team_add(struct team *t, pid_t pid);

/* Reap every process by pid; the seconds from the gate to the last end. */
double team_join(struct team *t);

/* A signal arrived: kill and reap the team, then team_die_of_signal(). */
_Noreturn void team_abort(struct team *t) __attribute__((noreturn));

/* Say "[parent PID] SIGINT: dying of SIGINT", then interrupt_exit(). */
_Noreturn void team_die_of_signal(void) __attribute__((noreturn));

/* Memory that stays shared after fork(): mmap(MAP_SHARED | MAP_ANONYMOUS),
 * zero-filled. A MAP_PRIVATE page (or malloc's) is copied on the first
 * write after fork, and each process would count in its own copy. */
void *team_map_shared(size_t size);
void team_unmap(void *p, size_t size);

/* verdict_print_busy with the "[parent PID] " tag: the note that the
 * machine is busy (timings unreliable), or nothing. */
void team_print_busy(void);

/* write() all of buf, retrying short writes and EINTR; dies on error. */
void team_write_all(int fd, const void *buf, size_t size);

#endif
