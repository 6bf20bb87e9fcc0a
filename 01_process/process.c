/* SPDX-License-Identifier: MIT */
/*
 * process.c - what multiprocessing.Process does underneath: fork, start and
 * join, exit codes, zombies, how many CPUs there are, and what Python's "fork"
 * and "spawn" start methods cost.
 *
 * Usage: process [-j N] [-n N] [-m MB] [--only SECTION] [-q]
 *
 * The reader sees five sections. Children say hello with their pid, parent
 * pid and name (ps shows the name too); four children end in four different
 * ways and the parent reports each like Python's exitcode; a child that has
 * exited is seen as a zombie (state Z in /proc) and then reaped; the three
 * CPU counts; and the time to start one process by fork, by fork + exec and
 * by posix_spawn. A last line says how many children were started and that
 * every one was reaped. Ctrl-C or SIGTERM at any point: the parent stops and
 * reaps every child it has, then dies of that signal (status 130 / 143).
 */
#define _GNU_SOURCE /* prctl(PR_SET_NAME, PR_SET_PDEATHSIG) is Linux-only */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h" /* pool_max_workers(): the -j limit */
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

extern char **environ;

/* The hidden flag a "spawned" copy of this program is started with. */
#define SPAWNED_CHILD_FLAG "--spawned-child"

static const char usage_text[] =
    "Usage: process [-j N] [-n N] [-m MB] [--only SECTION] [-q]\n"
    "What multiprocessing.Process does underneath, in five sections.\n"
    "\n"
    "  -j, --workers N   children in 'start and join' (default 3)\n"
    "  -n N              processes started per way in 'fork vs spawn'\n"
    "                    (default 100)\n"
    "  -m, --memory MB   touch MB megabytes before 'fork vs spawn', to see\n"
    "                    what a big parent does to fork (default 0)\n"
    "      --only SECTION  run one section: start, exitcodes, zombies, cpus\n"
    "                    or spawn\n"
    "  -q, --quiet       results only, no explanations\n"
    "  -h, --help        this text\n";

struct options {
    int workers;
    int spawns;
    int memory_mb;
    const char *only;
    bool quiet;
};

/* What the parent counts, to prove at the end that nothing was left, and
 * the children it has started and not yet reaped, to stop them on Ctrl-C. */
struct tally {
    long started;
    long reaped;
    int sections; /* titles printed so far, for the blank line between */
    pid_t *live;  /* started, not yet reaped */
    int live_count;
    int live_max;
};

static pid_t self_pid; /* the parent's pid, for the [parent N] tag */

/* Explanations (the "why") are printed unless -q. */
static void note(const struct options *opt, const char *text)
{
    if (!opt->quiet)
        printf("  %s\n", text);
}

static void title(struct tally *tally, const char *text)
{
    printf("%s== %s ==\n", tally->sections++ > 0 ? "\n" : "", text);
}

static bool wanted(const struct options *opt, const char *section)
{
    return opt->only == NULL || strcmp(opt->only, section) == 0;
}

/* ------------------------------------------------------------------ */
/* Ctrl-C and your children                                            */
/* ------------------------------------------------------------------ */

static void track(struct tally *tally, pid_t pid)
{
    if (tally->live_count == tally->live_max)
        die_msg("more than %d children at once", tally->live_max);
    tally->live[tally->live_count++] = pid;
    tally->started++;
}

static void untrack(struct tally *tally, pid_t pid)
{
    for (int i = 0; i < tally->live_count; i++)
        if (tally->live[i] == pid)
            tally->live[i] = tally->live[--tally->live_count];
    tally->reaped++;
}

/* Ctrl-C or SIGTERM arrived (interrupt_install() turned it into a flag).
 * Dying at once, by the signal's default action, would leave our children
 * behind: a running child becomes an orphan, an exited one a zombie that
 * nobody reaps (if pid 1 does not, as in some containers, for ever). So:
 * stop every child still here, reap each one by pid, and only then die of
 * the same signal, so that the shell still sees 130 (SIGINT) or 143
 * (SIGTERM). Python's multiprocessing does the like at exit: it terminates
 * its daemon children and joins the others. SIGKILL, not SIGTERM, because a
 * child cannot catch or ignore it: the wait below is sure to end. */
static _Noreturn void stop_children_and_die(struct tally *tally)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: stopping and reaping %d %s, then dying of %s\n", (long)self_pid, name,
           tally->live_count, tally->live_count == 1 ? "child" : "children", name);
    fflush(stdout);
    for (int i = 0; i < tally->live_count; i++)
        if (kill(tally->live[i], SIGKILL) != 0)
            warn_errno("kill");
    while (tally->live_count > 0) {
        pid_t pid = tally->live[0];
        /* EINTR: a second Ctrl-C; keep reaping */
        if (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        untrack(tally, pid); /* reaped, or (ECHILD) nothing left to reap */
    }
    free(tally->live);
    interrupt_exit();
}

/* Between two steps: if a signal came, stop here. */
static void check_interrupt(struct tally *tally)
{
    if (interrupt_requested())
        stop_children_and_die(tally);
}

/* fork(), with stdout flushed first: the child gets a copy of the stdio
 * buffer, and anything still in it would be printed twice. */
static pid_t start_child(struct tally *tally)
{
    check_interrupt(tally); /* no new child after Ctrl-C */
    if (fflush(stdout) == EOF)
        die("fflush");
    /* fork copies the parent's flag-only handler. A child has nothing to
     * clean up, so it puts back the default actions: Ctrl-C and SIGTERM
     * kill it as usual (p.terminate() below must kill, not set a flag).
     * The signals stay blocked across fork, so that none can reach the
     * child before that; one that does waits, pending, until it unblocks. */
    sigset_t stopping, old_mask;
    sigemptyset(&stopping);
    sigaddset(&stopping, SIGINT);
    sigaddset(&stopping, SIGTERM);
    sigaddset(&stopping, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &stopping, &old_mask) != 0)
        die("sigprocmask");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
    } else
        track(tally, pid);
    if (sigprocmask(SIG_SETMASK, &old_mask, NULL) != 0)
        die("sigprocmask");
    return pid;
}

/* Process.join(): wait for this one child, by pid, and return its status. */
static int join_child(pid_t pid, struct tally *tally)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
        check_interrupt(tally); /* Ctrl-C while we wait: EINTR */
    }
    untrack(tally, pid);
    /* A terminal's Ctrl-C signals the whole process group: the child may
     * have died of the same SIGINT. That is no failure to report. */
    check_interrupt(tally);
    return status;
}

/* ------------------------------------------------------------------ */
/* start and join                                                      */
/* ------------------------------------------------------------------ */

/* The function the child runs: Process(target=greet, args=("bob",)). */
static void greet(const char *process_name, const char *who)
{
    /* What ps and top show is the kernel's name for the process, "comm",
     * which fork copies from the parent; PR_SET_NAME changes it (at most 15
     * characters). Python's Process name lives only inside Python. */
    if (prctl(PR_SET_NAME, process_name, 0, 0, 0) != 0) {
        warn_errno("prctl");
        _exit(1);
    }
    char comm[32] = "?";
    FILE *f = fopen("/proc/self/comm", "r");
    if (f == NULL)
        warn_errno("fopen /proc/self/comm"); /* say so, print "?" */
    else {
        if (fgets(comm, sizeof comm, f) != NULL)
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    printf("[%s pid %ld] hello %s; my parent is %ld; ps shows me as \"%s\"\n", process_name,
           (long)getpid(), who, (long)getppid(), comm);
    fflush(stdout);
}

static void section_start_and_join(const struct options *opt, struct tally *tally)
{
    static const char *const names[] = {"bob",  "alice", "carol", "dave",
                                        "erin", "frank", "grace", "heidi"};
    const int count = sizeof names / sizeof names[0];
    pid_t *pids = malloc((size_t)opt->workers * sizeof *pids);
    int *statuses = malloc((size_t)opt->workers * sizeof *statuses);
    if (pids == NULL || statuses == NULL)
        die("malloc");

    title(tally, "start and join");
    printf("[parent %ld] starting %d %s with target greet\n", (long)self_pid, opt->workers,
           opt->workers == 1 ? "child" : "children");
    for (int i = 0; i < opt->workers; i++) {
        char name[24]; /* the kernel keeps the first 15 characters */
        snprintf(name, sizeof name, "Process-%d", i + 1);
        /* p = Process(target=greet, args=("bob",)); p.start() */
        pid_t pid = start_child(tally);
        if (pid == 0) {
            /* fork copied these arrays too; this copy is the child's to free */
            free(statuses);
            free(pids);
            greet(name, names[i % count]);
            /* _exit, not exit: exit would run the parent's atexit handlers
             * and flush stdio buffers copied from the parent. */
            _exit(0);
        }
        pids[i] = pid;
    }
    /* p.join() for each, in the order they were started. The report waits
     * until all are joined, so that no child's hello lands in the middle. */
    for (int i = 0; i < opt->workers; i++)
        statuses[i] = join_child(pids[i], tally);
    for (int i = 0; i < opt->workers; i++) {
        char how[64];
        printf("[parent %ld] joined Process-%d (pid %ld): exitcode %d (%s)\n", (long)self_pid,
               i + 1, (long)pids[i], wait_exitcode(statuses[i]),
               wait_describe(statuses[i], how, sizeof how));
    }
    free(statuses);
    free(pids);
    note(opt, "The children run at the same time, so their hello lines come "
              "in any order.");
    note(opt, "Each child is a copy of the parent made by fork(): same code, "
              "same data, its own pid.");
}

/* ------------------------------------------------------------------ */
/* exit codes                                                          */
/* ------------------------------------------------------------------ */

enum ending { RETURNS, EXITS_3, SEGFAULTS, TERMINATED };

static _Noreturn void end_child(enum ending how)
{
    switch (how) {
    case RETURNS: /* the target function returns: exitcode 0 */ _exit(0);
    case EXITS_3: /* sys.exit(3) */ _exit(3);
    case SEGFAULTS: {
        /* A crash, as a bad pointer would cause. No core file: this
         * crash is on purpose, it should not leave a file behind. */
        struct rlimit no_core = {0, 0};
        if (setrlimit(RLIMIT_CORE, &no_core) != 0)
            warn_errno("setrlimit");
        raise(SIGSEGV);
        _exit(99); /* not reached: SIGSEGV's default action kills */
    }
    case TERMINATED:
        /* Waits to be terminated by the parent (p.terminate()). If the
         * parent dies first, the kernel kills this child too (the getppid
         * check covers a parent that died before prctl), and sleep bounds
         * it anyway: no orphan is left waiting for ever. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
            warn_errno("prctl");
        if (getppid() != self_pid)
            _exit(1);
        sleep(10);
        _exit(1);
    }
    _exit(99);
}

static void section_exit_codes(const struct options *opt, struct tally *tally)
{
    static const struct {
        enum ending how;
        const char *what;
    } children[] = {
        {RETURNS, "returns normally"},
        {EXITS_3, "calls exit(3)"},
        {SEGFAULTS, "crashes (SIGSEGV)"},
        {TERMINATED, "is terminated by its parent"},
    };
    enum { COUNT = sizeof children / sizeof children[0] };
    pid_t pids[COUNT];

    title(tally, "exit codes");
    for (int i = 0; i < COUNT; i++) {
        pid_t pid = start_child(tally);
        if (pid == 0)
            end_child(children[i].how);
        pids[i] = pid;
    }
    for (int i = 0; i < COUNT; i++) {
        if (children[i].how == TERMINATED) {
            /* p.terminate(): SIGTERM, whose default action kills. */
            if (kill(pids[i], SIGTERM) != 0)
                die("kill");
        }
        char how[64];
        int status = join_child(pids[i], tally);
        printf("[parent %ld] child %-28s pid %ld: exitcode %d (%s)\n", (long)self_pid,
               children[i].what, (long)pids[i], wait_exitcode(status),
               wait_describe(status, how, sizeof how));
    }
    note(opt, "Python's exitcode is the exit code for a child that exited, "
              "and minus the signal");
    note(opt, "number for one a signal killed: WIFEXITED/WEXITSTATUS and "
              "WIFSIGNALED/WTERMSIG in C.");
}

/* ------------------------------------------------------------------ */
/* zombies                                                             */
/* ------------------------------------------------------------------ */

/* The state letter in /proc/<pid>/stat (R, S, Z...), or 0 if it is gone.
 * The name in field 2 is in parentheses and may hold spaces: the state is
 * the first field after the last ')'. */
static char proc_state(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno != ENOENT)
            die(path);
        return 0;
    }
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    char *paren = ok ? strrchr(line, ')') : NULL;
    if (paren == NULL || paren[1] != ' ')
        die_msg("%s: unexpected contents", path);
    return paren[2];
}

static void section_zombies(const struct options *opt, struct tally *tally)
{
    title(tally, "zombies");
    pid_t pid = start_child(tally);
    if (pid == 0)
        _exit(0); /* the child ends at once */

    /* Wait until the child has exited, but leave it unreaped: WNOWAIT
     * looks at the exit status without collecting it. */
    siginfo_t info;
    while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR)
            die("waitid");
        check_interrupt(tally);
    }
    char state = proc_state(pid);
    printf("[parent %ld] child pid %ld has exited; nobody has waited for it "
           "yet\n",
           (long)self_pid, (long)pid);
    printf("[parent %ld] /proc/%ld/stat says state %c%s\n", (long)self_pid, (long)pid,
           state ? state : '-', state == 'Z' ? " (zombie)" : " (expected Z)");

    char how[64];
    int status = join_child(pid, tally); /* p.join() */
    printf("[parent %ld] waitpid(%ld) reaped it: exitcode %d (%s)\n", (long)self_pid, (long)pid,
           wait_exitcode(status), wait_describe(status, how, sizeof how));
    state = proc_state(pid);
    if (state == 0)
        printf("[parent %ld] /proc/%ld is gone: the pid and its exit status "
               "are freed\n",
               (long)self_pid, (long)pid);
    else
        printf("[parent %ld] /proc/%ld still there, state %c\n", (long)self_pid, (long)pid, state);
    note(opt, "A child that has exited keeps its pid and exit status until "
              "its parent waits for it:");
    note(opt, "it is a zombie. join() is that wait. A long-running parent "
              "that never joins fills");
    note(opt, "the process table with zombies until fork() fails. (Python's "
              "multiprocessing also");
    note(opt, "reaps finished children whenever you start a new one or call "
              "active_children().)");
}

/* ------------------------------------------------------------------ */
/* cpu count                                                           */
/* ------------------------------------------------------------------ */

static void section_cpus(const struct options *opt, struct tally *tally)
{
    title(tally, "cpu count");
    char quota_text[32] = "none";
    double quota = cpus_quota();
    if (quota > 0)
        snprintf(quota_text, sizeof quota_text, "%.2f CPUs", quota);
    printf("[parent %ld] %-50s %d\n", (long)self_pid,
           "online CPUs (os.cpu_count()):", cpus_online());
    printf("[parent %ld] %-50s %d\n", (long)self_pid,
           "CPUs this process may use (sched_getaffinity):", cpus_usable());
    printf("[parent %ld] %-50s %s\n", (long)self_pid, "cgroup CPU quota (cpu.max):", quota_text);
    printf("[parent %ld] %-50s %d\n", (long)self_pid,
           "workers for a CPU-bound pool (cpus_for_pool):", cpus_for_pool());
    note(opt, "Size a pool by the CPUs you may use, not the CPUs the machine "
              "has: `taskset -c 0`");
    note(opt, "leaves 1 usable of all online, and a container's quota caps "
              "CPU time without hiding");
    note(opt, "any CPU. The lessons' 'about 1.5 x cores' is for tasks that "
              "also wait (files, pipes):");
    note(opt, "extra workers fill the gaps; for pure computation, more "
              "workers than cores only add");
    note(opt, "switching.");
}

/* ------------------------------------------------------------------ */
/* fork vs spawn                                                       */
/* ------------------------------------------------------------------ */

enum start_way { BY_FORK, BY_FORK_EXEC, BY_POSIX_SPAWN };

/* Start one process the given way and wait for it; die if it failed. */
static void start_and_reap(enum start_way way, const char *self_path, struct tally *tally)
{
    char *child_argv[] = {(char *)self_path, SPAWNED_CHILD_FLAG, NULL};
    pid_t pid;
    if (way == BY_POSIX_SPAWN) {
        /* One call: glibc does it with clone(CLONE_VM | CLONE_VFORK), so
         * the parent's memory is not copied, not even its page tables. */
        int rc = posix_spawn(&pid, self_path, NULL, NULL, child_argv, environ);
        if (rc != 0)
            die_code("posix_spawn", rc);
        track(tally, pid); /* exec gave it default dispositions already */
    } else {
        pid = start_child(tally);
        if (pid == 0) {
            if (way == BY_FORK)
                _exit(0); /* Python's "fork": the copy is ready to work */
            /* Python's "spawn": replace the copy with a fresh program. */
            execv(self_path, child_argv);
            warn_errno("execv");
            _exit(127);
        }
    }
    int status = join_child(pid, tally);
    if (status != 0) {
        char how[64];
        die_msg("a started child (pid %ld) %s", (long)pid, wait_describe(status, how, sizeof how));
    }
}

static void section_fork_vs_spawn(const struct options *opt, struct tally *tally)
{
    static const struct {
        enum start_way way;
        const char *label;
    } ways[] = {
        {BY_FORK, "fork            (Python's \"fork\") "},
        {BY_FORK_EXEC, "fork + exec     (Python's \"spawn\")"},
        {BY_POSIX_SPAWN, "posix_spawn     (one call)        "},
    };
    enum { COUNT = sizeof ways / sizeof ways[0] };

    title(tally, "fork vs spawn");
    /* The program itself is what a spawned child runs, as Python's spawn
     * runs the main module again. /proc/self/exe names this program. */
    char self_path[4096];
    ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    self_path[len] = '\0';

    char *memory = NULL;
    if (opt->memory_mb > 0) {
        size_t bytes = (size_t)opt->memory_mb << 20;
        memory = malloc(bytes);
        if (memory == NULL)
            die("malloc");
        memset(memory, 1, bytes); /* touch every page: now it is mapped */
        printf("[parent %ld] touched %d MB of memory first\n", (long)self_pid, opt->memory_mb);
    }

    printf("[parent %ld] starting and reaping %d processes each way, one at "
           "a time, after one untimed warm-up\n",
           (long)self_pid, opt->spawns);
    double per_process[COUNT];
    for (int w = 0; w < COUNT; w++) {
        /* One untimed start first: the first one pays for loading the
         * program's pages, which is not what is being measured. */
        start_and_reap(ways[w].way, self_path, tally);
        double t0 = timing_now();
        for (int i = 0; i < opt->spawns; i++)
            start_and_reap(ways[w].way, self_path, tally);
        per_process[w] = (timing_now() - t0) / opt->spawns;
        printf("[parent %ld] %s %9.1f µs per process\n", (long)self_pid, ways[w].label,
               per_process[w] * 1e6);
    }
    printf("[parent %ld] per process, fork + exec took %.1f x and posix_spawn "
           "%.1f x the time of fork\n",
           (long)self_pid, per_process[BY_FORK_EXEC] / per_process[BY_FORK],
           per_process[BY_POSIX_SPAWN] / per_process[BY_FORK]);
    free(memory);

    note(opt, "Python's \"fork\" is fork() alone: the child is a copy of the "
              "parent and runs on from");
    note(opt, "there, with everything already imported. \"spawn\" starts a "
              "fresh interpreter that");
    note(opt, "imports the main module again, as fork + exec or posix_spawn "
              "start this program");
    note(opt, "again with a hidden flag (" SPAWNED_CHILD_FLAG "). Because the "
              "fresh copy runs main() again,");
    note(opt, "main() checks that flag first: the C form of "
              "`if __name__ == \"__main__\":`. Without it");
    note(opt, "every spawned child would run the whole demo and spawn "
              "children of its own.");
    note(opt, "fork's cost grows with the parent's memory (its page tables "
              "are copied): try -m 500.");
}

/* ------------------------------------------------------------------ */

static void parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"workers", required_argument, NULL, 'j'}, {"memory", required_argument, NULL, 'm'},
        {"only", required_argument, NULL, 'o'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    static const char *const sections[] = {"start", "exitcodes", "zombies", "cpus", "spawn"};
    *opt = (struct options){.workers = 3, .spawns = 100};
    opterr = 0; /* we report getopt's errors ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:m:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': opt->workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': opt->spawns = (int)cli_parse_count("-n", optarg, 1, 100000); break;
        case 'm': opt->memory_mb = (int)cli_parse_int("-m", optarg, 0, 4096); break;
        case 'o': {
            bool known = false;
            for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
                known = known || strcmp(optarg, sections[i]) == 0;
            if (!known)
                usage_error("--only: unknown section '%s' (start, exitcodes, "
                            "zombies, cpus, spawn)",
                            optarg);
            opt->only = optarg;
            break;
        }
        case 'q': opt->quiet = true; break;
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
}

int main(int argc, char **argv)
{
    /* A spawned copy of this program starts here too, like a spawned Python
     * child importing the main module again. Checking for it before anything
     * else is the C form of `if __name__ == "__main__":`. This child's work
     * is to do nothing: the demo times the start of a process. */
    if (argc == 2 && strcmp(argv[1], SPAWNED_CHILD_FLAG) == 0)
        return 0;

    report_set_program(argv[0]);
    struct options opt;
    parse_options(argc, argv, &opt);
    self_pid = getpid();
    /* At most this many children are alive at once: the workers of 'start
     * and join', or the four of 'exit codes'. */
    struct tally tally = {.live_max = opt.workers > 4 ? opt.workers : 4};
    tally.live = malloc((size_t)tally.live_max * sizeof *tally.live);
    if (tally.live == NULL)
        die("malloc");
    /* Ctrl-C and SIGTERM now set a flag: waitpid returns EINTR, and the
     * program stops and reaps its children before it dies. */
    interrupt_install();

    if (wanted(&opt, "start"))
        section_start_and_join(&opt, &tally);
    check_interrupt(&tally);
    if (wanted(&opt, "exitcodes"))
        section_exit_codes(&opt, &tally);
    check_interrupt(&tally);
    if (wanted(&opt, "zombies"))
        section_zombies(&opt, &tally);
    check_interrupt(&tally);
    if (wanted(&opt, "cpus"))
        section_cpus(&opt, &tally);
    check_interrupt(&tally);
    if (wanted(&opt, "spawn"))
        section_fork_vs_spawn(&opt, &tally);
    check_interrupt(&tally);
    free(tally.live);

    /* Every child was reaped by pid; waitpid(-1) finding none proves it.
     * (Asking about "any child" is safe here: no library started one.) */
    bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
    printf("\n[parent %ld] done: %ld %s started, %ld reaped, %s\n", (long)self_pid, tally.started,
           tally.started == 1 ? "child" : "children", tally.reaped,
           none_left ? "none left behind" : "SOME LEFT BEHIND");
    return none_left && tally.started == tally.reaped ? 0 : 1;
}
