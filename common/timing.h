/* SPDX-License-Identifier: MIT */
/*
 * timing.h - a monotonic clock for measuring elapsed time.
 *
 * CLOCK_MONOTONIC never jumps when the wall clock is adjusted, and it is the
 * same clock in every process on the machine, so a time taken in a worker can
 * be compared with a time taken in the parent (chapter 03's timeline does so).
 *
 *     double t0 = timing_now();
 *     work();
 *     printf("took %.3f s\n", timing_now() - t0);
 */
#ifndef FORKLORE_TIMING_H
#define FORKLORE_TIMING_H

#include <stdint.h>
#include <time.h>

/* Seconds on the monotonic clock (an arbitrary but fixed origin). */
double timing_now(void);

/* Nanoseconds on the monotonic clock. */
uint64_t timing_now_ns(void);

/* The wall-clock (CLOCK_REALTIME) time `seconds` from now: the absolute
 * deadline that sem_timedwait and pthread_mutex_timedlock take. */
struct timespec timing_realtime_after(double seconds);

/* Sleep for the given number of seconds (restarting after signals). */
void timing_sleep(double seconds);

/* Burn CPU for about `seconds` (a busy loop that does real arithmetic).
 * The demos use it as a stand-in for "a CPU-bound task of known cost". */
double timing_spin(double seconds);

#endif
