/* SPDX-License-Identifier: MIT */
/*
 * 01.2_completion_order.c - exercise: reap children in the order they end,
 * not the order they were started, and say how each one died.
 *
 * Usage: 01.2_completion_order [-j N]
 *
 * The parent starts N children. Child 0 is slow: it ends only once the
 * parent has reported every other child (it waits on a pipe that the parent
 * closes then; after 3 s it gives up and exits with code 1). The others end
 * sooner, the last started first (20 ms apart), in different ways: exit
 * code 0, exit code 3, a crash (SIGSEGV), killed (SIGKILL, as the OOM killer
 * does), abort() (SIGABRT). A parent that
 * joins in start order sits waiting for child 0 while the others lie dead
 * and unreported. Your part: reap_all(), which reports each child as soon as
 * it ends, and describe(), which turns a wait status into words.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

#define SLOW_CHILD_PATIENCE_MS 3000

static const char usage_text[] =
    "Usage: 01.2_completion_order [-j N]\n"
    "Start N children that end in different ways, child 0 last; reap each\n"
    "as soon as it ends and say how it ended.\n"
    "\n"
    "  -j, --workers N   children to start, at least 2 (default 6)\n"
    "  -h, --help        this text\n";

/* The parent's side of the run (scaffolding: you need not change it). */
static struct {
    long self;      /* the parent's pid */
    int children;   /* how many were started */
    int reported;   /* how many report() has seen */
    int gate_write; /* the pipe end child 0 waits on; -1 once closed */
    bool slow_last; /* was child 0 the last one reported? */
} run = {.gate_write = -1};

static void no_core_file(void)
{
    /* These crashes are on purpose: they should not leave core files. */
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        warn_errno("setrlimit");
}

/* What child k does; it never returns. */
static _Noreturn void child_main(int k, int gate_read)
{
    if (k == 0) {
        /* The slow child: wait until the parent closes its end of the gate
         * (read() then returns 0, end of file), or give up. */
        struct pollfd p = {.fd = gate_read, .events = POLLIN};
        int ready = poll(&p, 1, SLOW_CHILD_PATIENCE_MS);
        char byte;
        if (ready == 1 && read(gate_read, &byte, 1) == 0)
            _exit(0);
        _exit(1); /* nobody opened the gate in time */
    }
    close(gate_read);
    /* The later a child was started, the sooner it ends: 20 ms apart. */
    timing_sleep(0.020 * (run.children - k));
    switch (k % 5) {
    case 1: _exit(0);
    case 2: _exit(3);
    case 3:
        no_core_file();
        raise(SIGSEGV);
        break;
    case 4: raise(SIGKILL); break;
    default: no_core_file(); abort();
    }
    _exit(99); /* not reached */
}

/* Start n children, pids[k] = child k's pid. */
static void start_children(pid_t *pids, int n)
{
    int gate[2];
    if (pipe(gate) != 0)
        die("pipe");
    run.children = n;
    for (int k = 0; k < n; k++) {
        if (fflush(stdout) == EOF)
            die("fflush");
        pids[k] = fork();
        if (pids[k] < 0)
            die("fork");
        if (pids[k] == 0) {
            close(gate[1]); /* only the parent may hold the gate open */
            child_main(k, gate[0]);
        }
    }
    close(gate[0]);
    run.gate_write = gate[1];
    printf("[parent %ld] started %d children; child 0 ends after all the "
           "others are reported\n",
           run.self, n);
}

static const char *describe(int status, char *buf, size_t size);

/* Print one reaped child; once all but child 0 are reported, open the gate
 * (close the pipe) so that child 0 can end too. */
static void report(int k, pid_t pid, int status)
{
    char how[64];
    run.reported++;
    printf("[parent %ld] #%d reaped child %d (pid %ld): %s\n", run.self, run.reported, k, (long)pid,
           describe(status, how, sizeof how));
    if (run.reported == run.children)
        run.slow_last = (k == 0);
    if (run.reported == run.children - 1 && run.gate_write >= 0) {
        close(run.gate_write);
        run.gate_write = -1;
    }
}

/*
 * How the child ended, in words, written into buf (and buf returned):
 *     "exited with code 3"       (also "exited with code 0")
 *     "killed by SIGSEGV"
 * Like waitstatus.h's wait_describe(), which you are rebuilding here: do not
 * call it. signal_name() from waitstatus.h gives a signal's name.
 */
static const char *describe(int status, char *buf, size_t size)
{
#ifdef SOLUTION
    char name[32];
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by %s", signal_name(WTERMSIG(status), name, sizeof name));
    else
        snprintf(buf, size, "wait status %#x", (unsigned)status);
    return buf;
#else
    /* TODO: the wait status packs two cases into one int. Tell them apart
     * with the W... macros of <sys/wait.h> (see `man 2 waitpid`), then
     * write the words shown above into buf with snprintf. */
    (void)status;
    snprintf(buf, size, "?");
    return buf;
#endif
}

/*
 * Reap all n children (pids[k] is child k), each as soon as it has ended,
 * and call report(k, pid, status) for each: the first to end is reported
 * first.
 */
static void reap_all(const pid_t *pids, int n)
{
#ifdef SOLUTION
    for (int reaped = 0; reaped < n; reaped++) {
        /* "Any child": safe here, every child of this program is one of
         * ours (no library started one behind our back). */
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, 0)) < 0) {
            if (errno != EINTR)
                die("waitpid");
        }
        int k = 0;
        while (k < n && pids[k] != pid)
            k++;
        if (k == n)
            die_msg("waitpid returned pid %ld, not one of ours", (long)pid);
        report(k, pid, status);
    }
#else
    /* TODO: waitpid(pids[k], ...) for k = 0, 1, 2... would wait for
     * child 0 first, however long it takes. Instead ask the kernel for
     * whichever child has ended (which first argument of waitpid() means
     * "any child"?), find which k that pid is, and report(k, pid, status).
     * Do this once per child. EINTR: call again; other errors: die(). */
    (void)pids;
    (void)n;
    (void)report;
#endif
}

static int parse_workers(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int workers = 6;
    opterr = 0; /* getopt's errors are reported on one line, below */
    int c;
    while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': workers = (int)cli_parse_int("-j", optarg, 2, pool_max_workers()); break;
        case 'h': fputs(usage_text, stdout); exit(0);
        case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    return workers;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    int n = parse_workers(argc, argv);
    run.self = (long)getpid();
    /* Static storage, so the children's copies stay reachable: a child ends
     * with _exit and has no chance to free its copy. */
    static pid_t *pids;
    pids = malloc((size_t)n * sizeof *pids);
    if (pids == NULL)
        die("malloc");

    start_children(pids, n);
    reap_all(pids, n);
    free(pids);
    if (run.gate_write >= 0)
        close(run.gate_write);

    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("[parent %ld] reaped %d of %d children; child 0 came last: %s; "
           "%s\n",
           run.self, run.reported, n, run.slow_last ? "yes" : "no",
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return run.reported == n && run.slow_last && none_left ? 0 : 1;
}
