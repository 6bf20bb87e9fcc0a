/* SPDX-License-Identifier: MIT */
/*
 * 5_cpu_count.c - how many workers a pool should have: the CPUs the machine
 * has, the CPUs this process may use, and a container's CPU quota differ.
 *
 * Mirrors:  os.cpu_count(), len(os.sched_getaffinity(0)),
 *           os.process_cpu_count() (3.13+), and Pool()'s default size
 * Usage:    5_cpu_count          (try also: taskset -c 0 5_cpu_count)
 *
 * Look at the first two numbers under taskset: online stays, usable drops,
 * and a pool should follow the usable count (and the quota, if there is one).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "opts.h"
#include "report.h"

static void row(const char *label, const char *value)
{
    printf("[parent %ld] %-62s %s\n", (long)getpid(), label, value);
}

static void row_int(const char *label, int value)
{
    char text[16];
    snprintf(text, sizeof text, "%d", value);
    row(label, text);
}

int main(int argc, char **argv)
{
    opts_parse(argc, argv, "", "The CPU counts a pool could be sized by.",
               (const struct flag[]){OPTS_END("")});
    char quota_text[32] = "none";
    double quota = cpus_quota();
    if (quota > 0)
        snprintf(quota_text, sizeof quota_text, "%.2f CPUs", quota);

    row_int("online CPUs (os.cpu_count()):", cpus_online());
    row_int("CPUs this process may use (sched_getaffinity):", cpus_usable());
    row("cgroup CPU quota (cpu.max):", quota_text);
    row_int("workers for a CPU-bound pool (cpus_for_pool):", cpus_for_pool());
    /* Lib/multiprocessing/pool.py: processes = os.cpu_count() up to 3.12,
     * os.process_cpu_count() from 3.13, which counts the affinity mask. */
    row_int("Python's Pool() default, up to 3.12 (os.cpu_count()):", cpus_online());
    row_int("Python's Pool() default, from 3.13 (os.process_cpu_count()):", cpus_usable());
    puts("  Size a pool by the CPUs you may use, not the CPUs the machine has: `taskset -c 0`\n"
         "  leaves 1 usable of all online, and a container's quota caps CPU time without hiding\n"
         "  any CPU: neither of Python's defaults looks at the quota. For work that also waits\n"
         "  (files, pipes, the network) more workers than CPUs can fill the gaps; for pure\n"
         "  computation, more workers than CPUs only add switching.");
    return 0;
}
