/* SPDX-License-Identifier: MIT */
/*
 * check.h - the unit tests' whole harness: a few macros and a case table.
 *
 * Each test program holds named cases; bats runs one case per test
 * (`pool_test map_keeps_order`), so a failure names the case, and CHECK
 * names the file, line and condition that failed.
 */
#ifndef FORKLORE_CHECK_H
#define FORKLORE_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__,  \
                    #a, #b, check_a_, check_b_);                                                   \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(text, part)                                                                 \
    do {                                                                                           \
        if (strstr((text), (part)) == NULL) {                                                      \
            fprintf(stderr, "%s:%d: check failed: \"%s\" contains \"%s\"\n", __FILE__, __LINE__,   \
                    (text), (part));                                                               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* Bounds on elapsed time prove that nothing hung. Under valgrind everything
 * runs 20-50 times slower: make check sets FORKLORE_TIME_SCALE to widen the
 * bounds there, and only there. */
static inline double check_time_scale(void)
{
    const char *text = getenv("FORKLORE_TIME_SCALE");
    double scale = text ? strtod(text, NULL) : 1.0;
    return scale >= 1.0 ? scale : 1.0;
}

#define CHECK_FASTER_THAN(elapsed, limit) CHECK((elapsed) < (limit)*check_time_scale())

/* A test's children. check_fork: fork, stdio flushed first (so nothing
 * buffered is written twice); the child gets 0. check_reap: wait for the
 * child, its raw wait status; check_reap_code: its exit code, or 128 + the
 * signal that killed it, as a shell says it. */
static inline pid_t check_fork(void)
{
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    return pid;
}

static inline int check_reap(pid_t pid)
{
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    return status;
}

static inline int check_reap_code(pid_t pid)
{
    int status = check_reap(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct check_case {
    const char *name;
    void (*run)(void);
};

/* main() of a test program: run the case named by argv[1], or list them. */
static inline int check_main(int argc, char **argv, const struct check_case *cases, size_t n)
{
    if (argc < 2) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", cases[i].name);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(argv[1], cases[i].name) == 0) {
            setvbuf(stdout, NULL, _IONBF, 0);
            cases[i].run();
            printf("ok: %s\n", cases[i].name);
            return 0;
        }
    }
    fprintf(stderr, "no test case named '%s'\n", argv[1]);
    return 2;
}

#define CHECK_MAIN(...)                                                                            \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        static const struct check_case cases[] = {__VA_ARGS__};                                    \
        return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);                      \
    }

#endif
