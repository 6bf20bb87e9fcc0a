/* SPDX-License-Identifier: MIT */
/*
 * helpers_test.c - unit tests of the small common/ modules: rng, cli,
 * waitstatus, cpus, timing.
 * Usage: helpers_test CASE            (no argument: list the cases)
 *        helpers_test parse KIND TEXT (KIND: int, count, real; prints the
 *                                      value, or fails as a program would)
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    {"clock_moves", clock_moves},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "parse") == 0)
        parse_command(argc, argv);
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
