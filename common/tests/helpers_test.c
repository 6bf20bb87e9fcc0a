/* SPDX-License-Identifier: MIT */
/*
 * helpers_test.c - unit tests of the small common/ modules: rng, cli,
 * waitstatus, cpus (cgroup quotas from a fake tree), timing.
 * Usage: helpers_test CASE            (no argument: list the cases)
 *        helpers_test parse KIND TEXT (KIND: int, count, real; prints the
 *                                      value, or fails as a program would)
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "cpus.h"
#include "report.h"
#include "rng.h"
#include "timing.h"
#include "waitstatus.h"

static void rng_repeats_with_seed(void)
{
    struct rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++)
        CHECK(rng_next(&a) == rng_next(&b));
    rng_seed(&b, 43);
    CHECK(rng_next(&a) != rng_next(&b));
}

static void rng_streams_differ(void)
{
    struct rng s0, s1, manual;
    rng_stream(&s0, 7, 0);
    rng_stream(&s1, 7, 1);
    rng_seed(&manual, 7);
    rng_jump(&manual);
    for (int i = 0; i < 100; i++) {
        uint64_t x1 = rng_next(&s1);
        CHECK(x1 == rng_next(&manual)); /* stream 1 is one jump away */
        CHECK(x1 != rng_next(&s0));
    }
}

static void rng_uniform_is_uniform(void)
{
    struct rng r;
    rng_seed(&r, 1);
    int buckets[10] = {0};
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double x = rng_uniform(&r);
        CHECK(x >= 0.0 && x < 1.0);
        sum += x;
        buckets[(int)(x * 10)]++;
    }
    CHECK(fabs(sum / 100000 - 0.5) < 0.01);
    for (int b = 0; b < 10; b++)
        CHECK(buckets[b] > 9500 && buckets[b] < 10500);
    for (int i = 0; i < 1000; i++)
        CHECK(rng_below(&r, 7) < 7);
}

static void describe_statuses(void)
{
    char buf[64];
    struct {
        const char *text;
        int how;
        int code;
    } cases[] = {
        {"exited normally", 0, 0},
        {"exited with code 3", 3, 3},
        {"killed by SIGSEGV", -SIGSEGV, -SIGSEGV},
        {"killed by SIGKILL", -SIGKILL, -SIGKILL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fflush(NULL);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            if (cases[i].how < 0) {
                signal(SIGSEGV, SIG_DFL);
                raise(-cases[i].how);
            }
            _exit(cases[i].how);
        }
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECK_EQ(wait_exitcode(status), cases[i].code);
        /* SIGSEGV may add " (core dumped)": only the start must match */
        CHECK(strncmp(wait_describe(status, buf, sizeof buf), cases[i].text,
                      strlen(cases[i].text)) == 0);
    }
    CHECK(strcmp(signal_name(SIGTERM, buf, sizeof buf), "SIGTERM") == 0);
    CHECK(strcmp(signal_name(63, buf, sizeof buf), "signal 63") == 0);
}

static void cpu_counts(void)
{
    int online = cpus_online(), usable = cpus_usable();
    printf("online %d usable %d quota %.2f pool %d\n", online, usable, cpus_quota(),
           cpus_for_pool());
    CHECK(online >= 1);
    CHECK(usable >= 1 && usable <= online);
    CHECK(cpus_for_pool() >= 1 && cpus_for_pool() <= usable);
}

/* ---- cgroup quotas, read from a fake tree (cpus.h's test-only settings) */

static char fake_root[64];

/* Write `text` to fake_root/rel, creating the folders on the way. */
static void put_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fake_root, rel);
    for (char *slash = strchr(path + strlen(fake_root) + 1, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(text, f);
    CHECK(fclose(f) == 0);
}

/* A fake tree whose /proc/self/cgroup is `proc_cgroup`. */
static void fake_cgroups(const char *proc_cgroup)
{
    snprintf(fake_root, sizeof fake_root, "/tmp/forklore-cgroup-XXXXXX");
    CHECK(mkdtemp(fake_root) != NULL);
    put_file("proc-self-cgroup", proc_cgroup);
    char path[128];
    snprintf(path, sizeof path, "%s/proc-self-cgroup", fake_root);
    CHECK(setenv("FORKLORE_PROC_CGROUP", path, 1) == 0);
    snprintf(path, sizeof path, "%s/sys", fake_root);
    CHECK(setenv("FORKLORE_CGROUP_ROOT", path, 1) == 0);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *at)
{
    (void)st, (void)type, (void)at;
    return remove(path);
}

/* rm -rf fake_root: the files before their folders (FTW_DEPTH), no link followed */
static void remove_fake_cgroups(void)
{
    CHECK(nftw(fake_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

#define CHECK_QUOTA(expected) CHECK(fabs(cpus_quota() - (expected)) < 1e-9)

/* v2: the process's own cgroup is a/b/c; the tightest limit on the way up
 * counts, wherever it is. */
static void cgroup_v2_tightest_on_the_way_up(void)
{
    fake_cgroups("0::/a/b/c\n");
    put_file("sys/cpu.max", "max 100000\n");
    put_file("sys/a/cpu.max", "300000 100000\n");
    put_file("sys/a/b/cpu.max", "150000 100000\n");
    put_file("sys/a/b/c/cpu.max", "max 100000\n");
    CHECK_QUOTA(1.5); /* b's, below a's 3 */
    put_file("sys/a/b/cpu.max", "max 100000\n");
    CHECK_QUOTA(3.0); /* a's, the only one left */
    put_file("sys/a/b/c/cpu.max", "50000 100000\n");
    CHECK_QUOTA(0.5); /* its own */
    CHECK_EQ(cpus_for_pool(), 1);
    put_file("sys/a/cpu.max", "max 100000\n");
    put_file("sys/a/b/c/cpu.max", "max 100000\n");
    CHECK_QUOTA(0); /* no limit anywhere */
    remove_fake_cgroups();
}

/* v1 (hybrid, as on many hosts): the cpu hierarchy is mounted as
 * "cpu,cpuacct"; a quota of -1 is no limit. */
static void cgroup_v1_tightest_on_the_way_up(void)
{
    fake_cgroups("5:memory:/elsewhere\n3:cpu,cpuacct:/j/k\n0::/\n");
    put_file("sys/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    put_file("sys/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    put_file("sys/cpu,cpuacct/j/cpu.cfs_quota_us", "200000\n");
    put_file("sys/cpu,cpuacct/j/cpu.cfs_period_us", "100000\n");
    put_file("sys/cpu,cpuacct/j/k/cpu.cfs_quota_us", "-1\n");
    put_file("sys/cpu,cpuacct/j/k/cpu.cfs_period_us", "100000\n");
    put_file("sys/elsewhere/cpu.max", "10000 100000\n"); /* not ours */
    CHECK_QUOTA(2.0);
    put_file("sys/cpu,cpuacct/j/k/cpu.cfs_quota_us", "25000\n");
    CHECK_QUOTA(0.25);
    remove_fake_cgroups();
}

/* In a container the cgroup named in /proc/self/cgroup may not exist in
 * the container's view of the tree: the folders that are there count. */
static void cgroup_path_not_mounted(void)
{
    fake_cgroups("0::/docker/0123abcd\n");
    put_file("sys/cpu.max", "250000 100000\n");
    CHECK_QUOTA(2.5);
    remove_fake_cgroups();
}

static void clock_moves(void)
{
    double t0 = timing_now();
    timing_sleep(0.05);
    double slept = timing_now() - t0;
    CHECK(slept >= 0.049);
    CHECK_FASTER_THAN(slept, 10.0); /* only: it ended (a busy machine is slow) */
    t0 = timing_now();
    timing_spin(0.05);
    CHECK(timing_now() - t0 >= 0.049);
}

static void parse_command(int argc, char **argv)
{
    report_set_program("helpers_test");
    if (argc != 4) {
        fprintf(stderr, "usage: helpers_test parse int|count|real TEXT\n");
        exit(2);
    }
    if (strcmp(argv[2], "int") == 0)
        printf("%lld\n", cli_parse_int("-n", argv[3], 1, 1000000));
    else if (strcmp(argv[2], "count") == 0)
        printf("%lld\n", cli_parse_count("-n", argv[3], 1, 4000000000000LL));
    else
        printf("%g\n", cli_parse_real("--fraction", argv[3], 0, 1, 1));
    exit(0);
}

static const struct check_case cases[] = {
    {"rng_repeats_with_seed", rng_repeats_with_seed},
    {"rng_streams_differ", rng_streams_differ},
    {"rng_uniform_is_uniform", rng_uniform_is_uniform},
    {"describe_statuses", describe_statuses},
    {"cpu_counts", cpu_counts},
    {"cgroup_v2_tightest_on_the_way_up", cgroup_v2_tightest_on_the_way_up},
    {"cgroup_v1_tightest_on_the_way_up", cgroup_v1_tightest_on_the_way_up},
    {"cgroup_path_not_mounted", cgroup_path_not_mounted},
    {"clock_moves", clock_moves},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "parse") == 0)
        parse_command(argc, argv);
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
