/* SPDX-License-Identifier: MIT */
/* timing.c - monotonic clock helpers; see timing.h. */
#include "timing.h"

#include <errno.h>
#include <math.h>
#include <time.h>

#include "report.h"

uint64_t timing_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die("clock_gettime");
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double timing_now(void)
{
    return (double)timing_now_ns() / 1e9;
}

struct timespec timing_realtime_after(double seconds)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        die("clock_gettime");
    double whole = floor(seconds);
    ts.tv_sec += (time_t)whole;
    ts.tv_nsec += (long)((seconds - whole) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void timing_sleep(double seconds)
{
    if (seconds <= 0)
        return;
    struct timespec left = {
        .tv_sec = (time_t)seconds,
        .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
    };
    /* nanosleep reports the time left when a signal interrupts it. */
    while (nanosleep(&left, &left) != 0) {
        if (errno != EINTR)
            die("nanosleep");
    }
}

double timing_spin(double seconds)
{
    double end = timing_now() + seconds;
    double x = 0.0;
    /* Check the clock every few thousand steps: the loop is the work. */
    do {
        for (int i = 1; i <= 4096; i++)
            x += 1.0 / ((double)i * (double)i);
    } while (timing_now() < end);
    return x;
}
