/* SPDX-License-Identifier: MIT */
/* cpus.c - CPU counts; see cpus.h. */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT are Linux extensions */
#include "cpus.h"

#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cpus_online(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int cpus_usable(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return cpus_online(); /* no affinity support: assume all */
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

/* The first line of a small file, or "" when it cannot be read. */
static void read_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    if (fgets(buf, (int)size, f) == NULL)
        buf[0] = '\0';
    fclose(f);
}

/* Where the cgroup files are. Tests point both at a fake tree. */
static const char *setting(const char *name, const char *fallback)
{
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : fallback;
}

/* The CPU limit set in one cgroup folder, in CPUs: 0 when none is set, -1
 * when the folder has no such file. cgroup v2 writes "max 100000" or
 * "150000 100000" (quota, period in µs) in cpu.max; cgroup v1 has two files,
 * and a quota of -1 means no limit. */
static double quota_in(const char *dir, bool v1)
{
    char path[PATH_MAX], line[64], period[32];
    if (snprintf(path, sizeof path, "%s/%s", dir, v1 ? "cpu.cfs_quota_us" : "cpu.max") >=
        (int)sizeof path)
        return -1;
    read_line(path, line, sizeof line);
    if (line[0] == '\0')
        return -1;
    if (strncmp(line, "max", 3) == 0)
        return 0;
    char *end;
    double quota = strtod(line, &end);
    if (v1) {
        period[0] = '\0';
        if (snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir) < (int)sizeof path)
            read_line(path, period, sizeof period);
        end = period;
    }
    double per = strtod(end, NULL);
    return quota > 0 && per > 0 ? quota / per : 0;
}

/* The tightest limit from the cgroup `path` under `base` up to `base`
 * itself (a limit on any ancestor caps this process too); 0 when none is
 * set, -1 when no folder on the way has the file. A folder that does not
 * exist (a container sees only its own part of the tree) is passed by. */
static double tightest_quota(const char *base, const char *path, bool v1)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s%s", base, path) >= (int)sizeof dir)
        return -1;
    size_t base_len = strlen(base);
    double best = -1;
    for (;;) {
        double q = quota_in(dir, v1);
        if (q > 0 && (best <= 0 || q < best))
            best = q;
        else if (q == 0 && best < 0)
            best = 0;
        char *slash = strrchr(dir + base_len, '/');
        if (slash == NULL)
            return best;
        *slash = '\0';
    }
}

/* This process's line in /proc/self/cgroup ("ID:CONTROLLERS:PATH") for the
 * v1 hierarchy with the cpu controller, or for v2 ("0::PATH"). Copies the
 * controllers (the v1 folder's name) and the path; false when absent. */
static bool own_cgroup(bool v1, char *controllers, char *path, size_t size)
{
    FILE *f = fopen(setting("FORKLORE_PROC_CGROUP", "/proc/self/cgroup"), "r");
    if (f == NULL)
        return false;
    char line[PATH_MAX + 128];
    bool found = false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *names = strchr(line, ':'), *where = names ? strchr(names + 1, ':') : NULL;
        if (where == NULL)
            continue;
        *names++ = '\0';
        *where++ = '\0';
        char list[256];
        snprintf(list, sizeof list, ",%s,", names);
        found = v1 ? strstr(list, ",cpu,") != NULL : strcmp(line, "0") == 0 && names[0] == '\0';
        if (found) {
            snprintf(controllers, size, "%s", names);
            snprintf(path, size, "%s", strcmp(where, "/") == 0 ? "" : where);
        }
    }
    fclose(f);
    return found;
}

/* The v1 cpu hierarchy is mounted under the controllers' names
 * ("cpu,cpuacct"), usually with a "cpu" link to it. Without a line in
 * /proc/self/cgroup, only the root's file is read. */
static double quota_v1(const char *root)
{
    char controllers[PATH_MAX] = "cpu", path[PATH_MAX] = "", base[PATH_MAX];
    own_cgroup(true, controllers, path, sizeof path);
    if (snprintf(base, sizeof base, "%s/%s", root, controllers) >= (int)sizeof base)
        return -1; /* a path longer than PATH_MAX: no such file */
    double q = tightest_quota(base, path, true);
    if (q < 0) {
        snprintf(base, sizeof base, "%s/cpu", root);
        q = tightest_quota(base, path, true);
    }
    return q;
}

double cpus_quota(void)
{
    const char *root = setting("FORKLORE_CGROUP_ROOT", "/sys/fs/cgroup");
    char controllers[PATH_MAX], path[PATH_MAX] = "";
    own_cgroup(false, controllers, path, sizeof path);
    double v2 = tightest_quota(root, path, false), v1 = quota_v1(root);
    if (v2 > 0 && v1 > 0) /* both hierarchies limit: the tighter wins */
        return v2 < v1 ? v2 : v1;
    return v2 > 0 ? v2 : v1 > 0 ? v1 : 0;
}

int cpus_for_pool(void)
{
    int usable = cpus_usable();
    double quota = cpus_quota();
    if (quota > 0 && ceil(quota) < usable)
        return (int)ceil(quota);
    return usable;
}

int cpus_load(double *one_minute, long *runnable)
{
    char line[128], *end, *field;
    FILE *f = fopen("/proc/loadavg", "re");
    if (f == NULL)
        return -1;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    double load = got != NULL ? strtod(line, &end) : 0;
    if (got == NULL || end == line)
        return -1;
    strtod(end, &field); /* the 5- and 15-minute averages */
    strtod(field, &field);
    if (one_minute != NULL)
        *one_minute = load;
    if (runnable != NULL)
        *runnable = strtol(field, NULL, 10);
    return 0;
}
