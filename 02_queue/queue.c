/* SPDX-License-Identifier: MIT */
/*
 * queue.c - processes that talk through a queue in shared memory: the C
 * counterpart of multiprocessing.Queue.
 *
 * Usage: queue [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS] [--kill-consumer] [-q]
 *
 * Without --kill-consumer you see three sections:
 *   == producer/consumer ==   several producers put numbered items, several
 *       consumers take them until queue_close() ends the queue; every item is
 *       counted, each must arrive exactly once and in order per producer;
 *   == passing a struct ==    a struct with a name goes through the queue and
 *       the worker that gets it says which process it runs in;
 *   == returning results through a queue ==   workers send their partial
 *       sums back on a second queue instead of writing files.
 * With --kill-consumer, one section instead:
 *   == robustness ==   consumer 1 is SIGKILLed in the middle of its work; the
 *       others go on, the queue is not corrupted, nothing hangs, and the
 *       parent says which items died with consumer 1.
 *
 * Ctrl-C or kill (SIGINT, SIGTERM), to the parent alone or to the whole
 * process group: the parent stops and reaps every child, then dies of the
 * signal (exit status 130 or 143); nothing is left behind.
 */
#include <errno.h>
#include <getopt.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h> /* PR_SET_PDEATHSIG: Linux-only, see start_child() */
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "pool.h"
#include "queue.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

/* ------------------------------------------------------------ the options */

struct options {
    int producers;      /* -p */
    int consumers;      /* -j */
    long long items;    /* -n: items per producer */
    bool kill_consumer; /* --kill-consumer */
    bool quiet;         /* -q: no line per process, only the totals */
};

static void print_usage(void)
{
    printf("Usage: %s [-p PRODUCERS] [-j CONSUMERS] [-n ITEMS] [--kill-consumer] [-q]\n"
           "Producers and consumers over a queue in shared memory "
           "(multiprocessing.Queue).\n"
           "\n"
           "  -p, --producers N   producer processes (default 2)\n"
           "  -j, --workers N     consumer processes (default 2, at most %d)\n"
           "  -n N                items each producer puts (default 1000; 10K, 1e5 work)\n"
           "      --kill-consumer SIGKILL consumer 1 mid-work and show what was lost\n"
           "  -q, --quiet         no line per process, only the totals\n"
           "  -h, --help          this text\n",
           report_program(), pool_max_workers());
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.producers = 2, .consumers = 2, .items = 1000};
    enum { OPT_KILL = 256 };
    static const struct option longopts[] = {
        {"producers", required_argument, NULL, 'p'},
        {"workers", required_argument, NULL, 'j'},
        {"kill-consumer", no_argument, NULL, OPT_KILL},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* we report getopt's complaints ourselves, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":p:j:n:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': o.producers = (int)cli_parse_int("-p", optarg, 1, pool_max_workers()); break;
        case 'j': o.consumers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': o.items = cli_parse_count("-n", optarg, 1, 10000000); break;
        case OPT_KILL: o.kill_consumer = true; break;
        case 'q': o.quiet = true; break;
        case 'h': print_usage(); exit(0);
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default: usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (o.kill_consumer && o.consumers < 2)
        usage_error("--kill-consumer needs at least 2 consumers (-j 2)");
    return o;
}

/* ------------------------------------------- Ctrl-C and your children */

/* The children started and not reaped yet. If Ctrl-C or a kill comes,
 * these are the ones to stop and reap before the parent may die. */
struct crew {
    pid_t *live;
    int count, max;
};

static struct crew crew_create(int max)
{
    struct crew crew = {.live = calloc((size_t)max, sizeof(pid_t)), .max = max};
    if (crew.live == NULL)
        die("calloc");
    return crew;
}

static void untrack(struct crew *crew, pid_t pid)
{
    for (int i = 0; i < crew->count; i++)
        if (crew->live[i] == pid)
            crew->live[i] = crew->live[--crew->count];
}

/* Ctrl-C or SIGTERM arrived; interrupt_install() turned it into a flag.
 * Dying at once, by the signal's default action, would leave the children
 * behind: a consumer blocked in queue_get would wait for ever (or be killed
 * by PR_SET_PDEATHSIG, below) and stay a zombie that nobody reaps: pid 1
 * does not, in many containers. So: SIGKILL every child still here (it
 * cannot be caught, so the waits below are sure to end), reap each one by
 * pid, and only then die of the same signal: the shell sees 130 (SIGINT)
 * or 143 (SIGTERM), as if we had no handler. Python does the like at exit:
 * it terminates its daemon children and joins the others. The queues and
 * the ledger are anonymous mappings: the kernel frees them with the last
 * process that maps them, there is no name to remove. */
static _Noreturn void stop_children_and_die(struct crew *crew)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    printf("[parent %ld] %s: stopping and reaping %d %s, then dying of %s\n", (long)getpid(), name,
           crew->count, crew->count == 1 ? "child" : "children", name);
    for (int i = 0; i < crew->count; i++)
        if (kill(crew->live[i], SIGKILL) != 0)
            warn_errno("kill");
    while (crew->count > 0) {
        /* EINTR: a second Ctrl-C; keep reaping */
        if (waitpid(crew->live[0], NULL, 0) < 0 && errno == EINTR)
            continue;
        untrack(crew, crew->live[0]); /* reaped (or ECHILD: nothing to reap) */
    }
    free(crew->live);
    interrupt_exit();
}

/* Wherever the parent waits or loops: if a signal came, stop here. Also
 * before a blocking call, because a signal that arrived while we were busy
 * elsewhere interrupted nothing, and the call would wait as if none came. */
static void check_interrupt(struct crew *crew)
{
    if (interrupt_requested())
        stop_children_and_die(crew);
}

/* fork, with the three things every child of this program needs. */
static pid_t start_child(struct crew *crew)
{
    check_interrupt(crew); /* no new child after Ctrl-C */
    pid_t parent = getpid();
    fflush(stdout); /* or the child would print the parent's buffer again */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* fork copied the parent's flag-only handler, but a child has
         * nothing to clean up: the default actions, so that a terminal's
         * Ctrl-C (sent to the whole process group) ends it at once. A signal
         * that lands before these lines only sets the child's copy of the
         * flag: harmless, the parent got it too and SIGKILLs us. */
        if (signal(SIGINT, SIG_DFL) == SIG_ERR || signal(SIGTERM, SIG_DFL) == SIG_ERR ||
            signal(SIGHUP, SIG_DFL) == SIG_ERR)
            die("signal");
        /* A child blocked in queue_get would wait forever if the parent died
         * without stopping it (SIGKILL, which no handler sees, or a crash):
         * ask the kernel to SIGKILL us when it does. Python's daemon
         * processes are ended at exit for the same reason. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
            die("prctl");
        if (getppid() != parent) /* the parent died before prctl ran */
            _exit(1);
        return 0;
    }
    if (crew->count == crew->max)
        die_msg("more than %d children at once", crew->max);
    crew->live[crew->count++] = pid;
    return pid;
}

/* Process.join(): wait for this child, by pid, and say how it ended. */
static int join_child(struct crew *crew, pid_t pid, char *how, size_t size)
{
    int status;
    for (;;) {
        check_interrupt(crew);
        if (waitpid(pid, &status, 0) == pid)
            break;
        if (errno != EINTR) /* EINTR: a signal came; the check above sees it */
            die("waitpid");
    }
    untrack(crew, pid);
    /* A terminal's Ctrl-C signals the whole group: this child may have just
     * died of it. That is the interrupt to obey, not a failure to report. */
    check_interrupt(crew);
    wait_describe(status, how, size);
    return status;
}

/* ------------------------------------------------- producer and consumer */

/* One item on the work queue. A struct of plain values: the queue copies
 * bytes, as Python pickles an object, so pointers would not survive. */
struct item {
    int producer; /* 0-based */
    int seq;      /* 0, 1, 2, ... per producer */
};

/* What a consumer sends back on the report queue when the work queue ends. */
struct consumer_report {
    int consumer;
    long pid;
    long long got;
    bool fifo_held;
};

/* The ledger: shared memory the parent reads after the run. done[id] counts
 * how many times item id was finished (it must be 1); holding[c] is the item
 * consumer c has taken but not finished yet (-1 when none). A consumer
 * killed mid-work cannot send a report: the ledger is what it leaves. */
struct ledger {
    sem_t victim_is_busy; /* --kill-consumer: consumer 1 rings it */
    atomic_long *holding; /* [consumers] */
    atomic_uchar *done;   /* [producers * items] */
    size_t size;          /* of the mapping */
};

static struct ledger *ledger_create(int consumers, long long total_items)
{
    size_t header = (sizeof(struct ledger) + 63) / 64 * 64;
    size_t holding = (size_t)consumers * sizeof(atomic_long);
    size_t size = header + holding + (size_t)total_items;
    /* MAP_SHARED: writes by the children are seen by the parent. */
    struct ledger *l = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (l == MAP_FAILED)
        die("mmap");
    l->size = size;
    l->holding = (atomic_long *)((char *)l + header);
    l->done = (atomic_uchar *)((char *)l + header + holding);
    for (int c = 0; c < consumers; c++)
        atomic_init(&l->holding[c], -1);
    /* mmap gives zeroed memory: every done[id] starts at 0. */
    if (sem_init(&l->victim_is_busy, 1, 0) != 0) /* 1: process-shared */
        die("sem_init");
    return l;
}

static void ledger_destroy(struct ledger *l)
{
    sem_destroy(&l->victim_is_busy);
    if (munmap(l, l->size) != 0)
        die("munmap");
}

/* Python: for i in range(n): q.put((producer, i)) */
static _Noreturn void producer(struct queue *work, const struct options *o, int index)
{
    for (int seq = 0; seq < o->items; seq++) {
        struct item it = {.producer = index, .seq = seq};
        if (queue_put(work, &it, sizeof it, QUEUE_FOREVER) != 0)
            die("queue_put");
    }
    _exit(0); /* exit code 0 is the producer's report: "all put" */
}

/* Python: while (item := q.get()) is not None: work(item)
 * Here the end is not a None per consumer but queue_close(): once the queue
 * is closed and drained, queue_get fails with EPIPE. */
static _Noreturn void consumer(struct queue *work, struct queue *reports, struct ledger *ledger,
                               const struct options *o, int index)
{
    int *last_seq = malloc((size_t)o->producers * sizeof *last_seq);
    if (last_seq == NULL)
        die("malloc");
    for (int p = 0; p < o->producers; p++)
        last_seq[p] = -1;
    struct consumer_report r = {.consumer = index, .pid = (long)getpid(), .fifo_held = true};
    long long busy_signal_at = o->items * o->producers / (4LL * o->consumers);
    struct item it;
    while (queue_get(work, &it, sizeof it, QUEUE_FOREVER) >= 0) {
        long id = (long)it.producer * o->items + it.seq;
        atomic_store(&ledger->holding[index], id);
        /* One queue, so one order: whatever subset of producer p's items
         * this consumer gets, it gets them in the order p put them. */
        if (it.seq <= last_seq[it.producer])
            r.fifo_held = false;
        last_seq[it.producer] = it.seq;
        r.got++;
        if (o->kill_consumer) {
            /* --kill-consumer: consumer 1 tells the parent it is mid-work;
             * every consumer works a little per item, so the kill lands
             * while an item is in hand. */
            if (index == 0 && r.got == busy_signal_at + 1)
                sem_post(&ledger->victim_is_busy);
            timing_sleep(0.0002);
        }
        atomic_fetch_add(&ledger->done[id], 1);
        atomic_store(&ledger->holding[index], -1);
    }
    if (errno != EPIPE)
        die("queue_get");
    free(last_seq);
    /* Returning a result through a queue: the parent reads it and prints
     * it (the parent prints, so the lines come out in a fixed order). */
    if (queue_put(reports, &r, sizeof r, QUEUE_FOREVER) != 0)
        die("queue_put");
    _exit(0);
}

/* The producer/consumer run, and with --kill-consumer the robustness run.
 * Returns true when every check held. */
static bool producers_and_consumers(const struct options *o, struct crew *crew)
{
    long long total = o->items * o->producers;
    /* Python: q = multiprocessing.Queue(64) */
    struct queue *work = queue_create(64, sizeof(struct item));
    struct queue *reports = queue_create((size_t)o->consumers, sizeof(struct consumer_report));
    if (work == NULL || reports == NULL)
        die("queue_create");
    struct ledger *ledger = ledger_create(o->consumers, total);
    pid_t *consumers = calloc((size_t)o->consumers, sizeof *consumers);
    pid_t *producers = calloc((size_t)o->producers, sizeof *producers);
    if (consumers == NULL || producers == NULL)
        die("calloc");
    char how[64];

    if (o->kill_consumer)
        printf("\n== robustness: consumer 1 is killed with SIGKILL mid-work "
               "==\n");
    else
        printf("\n== producer/consumer: %d producers, %d consumers, %lld "
               "items each ==\n",
               o->producers, o->consumers, o->items);
    printf("[parent %ld] queue_create(64 slots, %zu bytes each): shared "
           "memory, made before fork so every child shares it\n",
           (long)getpid(), sizeof(struct item));

    /* Python: Process(target=consumer, args=(q,)).start(), and producers */
    for (int c = 0; c < o->consumers; c++)
        if ((consumers[c] = start_child(crew)) == 0)
            consumer(work, reports, ledger, o, c);
    for (int p = 0; p < o->producers; p++)
        if ((producers[p] = start_child(crew)) == 0)
            producer(work, o, p);

    int dead = -1; /* the consumer killed, if any */
    if (o->kill_consumer) {
        /* Wait until consumer 1 is a quarter into its share, then kill it
         * the way the OOM killer or `kill -9` would: no chance to clean up.
         * Bounded: if the others took every item before consumer 1 got that
         * far, it is killed after 2 s wherever it is. */
        struct timespec deadline;
        if (clock_gettime(CLOCK_REALTIME, &deadline) != 0)
            die("clock_gettime");
        deadline.tv_sec += 2;
        while (sem_timedwait(&ledger->victim_is_busy, &deadline) != 0) {
            if (errno == EINTR) {
                check_interrupt(crew);
                continue;
            }
            if (errno != ETIMEDOUT)
                die("sem_timedwait");
            break;
        }
        if (kill(consumers[0], SIGKILL) != 0)
            die("kill");
        join_child(crew, consumers[0], how, sizeof how);
        dead = 0;
        long held = atomic_load(&ledger->holding[0]);
        printf("[parent %ld] sent SIGKILL to consumer 1 (pid %ld): %s\n", (long)getpid(),
               (long)consumers[0], how);
        if (held >= 0)
            printf("[parent %ld] consumer 1 was holding item producer %ld "
                   "seq %ld when it died\n",
                   (long)getpid(), (long)(held / o->items + 1), (long)(held % o->items));
        else
            printf("[parent %ld] consumer 1 was between items when it died\n", (long)getpid());
    }

    /* Python: for p in producers: p.join(); then the end-of-work signal. A
     * producer can always finish here: the consumers keep taking. */
    for (int p = 0; p < o->producers; p++) {
        int status = join_child(crew, producers[p], how, sizeof how);
        if (wait_exitcode(status) != 0)
            die_msg("producer %d %s", p + 1, how);
        if (!o->quiet)
            printf("[parent %ld] joined producer %d (pid %ld): put %lld items, "
                   "seq 0 to %lld, %s\n",
                   (long)getpid(), p + 1, (long)producers[p], o->items, o->items - 1, how);
    }
    printf("[parent %ld] queue_close(): the consumers drain what is left, "
           "then get EPIPE\n",
           (long)getpid());
    queue_close(work);

    /* Read the reports BEFORE joining the consumers: a child blocked
     * writing a result we have not read would never exit (see pipe.c). */
    struct consumer_report *reported = calloc((size_t)o->consumers, sizeof *reported);
    if (reported == NULL)
        die("calloc");
    long long consumed = 0;
    bool fifo_held = true;
    for (int c = 0; c < o->consumers; c++) {
        if (c == dead)
            continue;
        struct consumer_report r;
        check_interrupt(crew);
        while (queue_get(reports, &r, sizeof r, QUEUE_FOREVER) < 0) {
            if (errno != EINTR)
                die("queue_get");
            check_interrupt(crew); /* EINTR: nothing was taken */
        }
        reported[r.consumer] = r; /* they arrive in any order */
        consumed += r.got;
        fifo_held = fifo_held && r.fifo_held;
    }
    for (int c = 0; c < o->consumers; c++) {
        if (c == dead) {
            if (!o->quiet)
                printf("[parent %ld] consumer %d (pid %ld): killed, sent no "
                       "report\n",
                       (long)getpid(), c + 1, (long)consumers[c]);
            continue;
        }
        int status = join_child(crew, consumers[c], how, sizeof how);
        if (wait_exitcode(status) != 0)
            die_msg("consumer %d %s", c + 1, how);
        if (!o->quiet)
            printf("[parent %ld] consumer %d (pid %ld) reported: got %lld "
                   "items, then EPIPE; FIFO per producer: %s; %s\n",
                   (long)getpid(), c + 1, reported[c].pid, reported[c].got,
                   reported[c].fifo_held ? "held" : "BROKEN", how);
    }
    free(reported);

    /* The ledger says what happened to every single item. */
    long long once = 0, lost = 0, twice = 0;
    for (long long id = 0; id < total; id++) {
        unsigned char d = atomic_load(&ledger->done[id]);
        once += d == 1;
        lost += d == 0;
        twice += d > 1;
    }
    pid_t me = getpid();
    bool ok;
    if (!o->kill_consumer) {
        ok = consumed == total && once == total && fifo_held;
        printf("[parent %ld] produced %lld, consumed %lld, each exactly once: "
               "%s\n",
               (long)me, total, consumed, ok ? "every item accounted for" : "MISMATCH");
    } else {
        printf("[parent %ld] the other consumers went on and finished %lld "
               "items; queue_recoveries() = %lu\n",
               (long)me, consumed, queue_recoveries(work));
        printf("[parent %ld] lost with consumer 1 (taken, never finished):", (long)me);
        int shown = 0;
        for (long long id = 0; id < total; id++) {
            if (atomic_load(&ledger->done[id]) != 0)
                continue;
            if (shown++ < 10)
                printf("%s producer %lld seq %lld", shown > 1 ? "," : "", id / o->items + 1,
                       id % o->items);
        }
        printf(shown > 10 ? " ...\n" : shown == 0 ? " none\n" : "\n");
        /* What consumer 1 finished is in the ledger too: it died before it
         * could report, so this is the only way to know. */
        long long by_dead = once - consumed;
        ok = once + lost == total && twice == 0 && fifo_held;
        printf("[parent %ld] produced %lld = finished by survivors %lld + "
               "finished by consumer 1 before it died %lld + lost %lld: %s\n",
               (long)me, total, consumed, by_dead, lost,
               ok ? "nothing corrupted, nothing twice" : "MISMATCH");
    }

    free(producers);
    free(consumers);
    ledger_destroy(ledger);
    queue_destroy(reports);
    queue_destroy(work);
    return ok;
}

/* ------------------------------------------------------- passing a struct */

/* Python: q.put(Job("bob", 1, 2.5)); the worker gets a copy. The name is an
 * array inside the struct, not a char *: only bytes cross the queue. */
struct job {
    char name[16];
    int id;
    double weight;
};

static bool passing_a_struct(const struct options *o, struct crew *crew)
{
    static const struct job jobs[] = {
        {"alice", 1, 0.5},
        {"bob", 2, 2.5},
        {"carol", 3, 1.25},
    };
    int count = (int)(sizeof jobs / sizeof jobs[0]);
    printf("\n== passing a struct ==\n");
    struct queue *q = queue_create(4, sizeof(struct job));
    if (q == NULL)
        die("queue_create");
    pid_t pid = start_child(crew);
    if (pid == 0) {
        /* The worker: get until the queue ends, greet each job by name. */
        struct job j;
        while (queue_get(q, &j, sizeof j, QUEUE_FOREVER) >= 0)
            if (!o->quiet)
                printf("[worker pid %ld] got job %d {name \"%s\", weight "
                       "%.2f}: hello %s, from process %ld (parent %ld)\n",
                       (long)getpid(), j.id, j.name, j.weight, j.name, (long)getpid(),
                       (long)getppid());
        if (errno != EPIPE)
            die("queue_get");
        fflush(stdout);
        _exit(0);
    }
    printf("[parent %ld] putting %d struct job (%zu bytes each, copied in), "
           "then queue_close()\n",
           (long)getpid(), count, sizeof(struct job));
    for (int i = 0; i < count; i++) {
        check_interrupt(crew);
        while (queue_put(q, &jobs[i], sizeof jobs[i], QUEUE_FOREVER) != 0) {
            if (errno != EINTR)
                die("queue_put");
            check_interrupt(crew); /* EINTR: nothing was put */
        }
    }
    queue_close(q);
    char how[64];
    int status = join_child(crew, pid, how, sizeof how);
    printf("[parent %ld] worker %ld %s\n", (long)getpid(), (long)pid, how);
    queue_destroy(q);
    return wait_exitcode(status) == 0;
}

/* -------------------------------------- returning results through a queue */

struct result {
    int worker;
    long pid;
    long long lo, hi;       /* the slice summed: lo..hi */
    unsigned long long sum; /* of k*k over the slice */
};

static bool returning_results(const struct options *o, struct crew *crew)
{
    const long long top = 1000000; /* sum of k*k for k = 1..top */
    int workers = o->consumers;
    printf("\n== returning results through a queue ==\n");
    struct queue *results = queue_create((size_t)workers, sizeof(struct result));
    pid_t *pids = calloc((size_t)workers, sizeof *pids);
    struct result *got = calloc((size_t)workers, sizeof *got);
    int *arrival = calloc((size_t)workers, sizeof *arrival);
    if (results == NULL || pids == NULL || got == NULL || arrival == NULL)
        die("allocating");

    /* Python: q.put((worker, sum(k*k for k in range(lo, hi + 1)))) */
    for (int w = 0; w < workers; w++) {
        if ((pids[w] = start_child(crew)) == 0) {
            /* fork copied the parent's bookkeeping; the child has no use
             * for its copy (and valgrind would call it leaked at _exit). */
            free(arrival);
            free(got);
            free(pids);
            struct result r = {.worker = w,
                               .pid = (long)getpid(),
                               .lo = top * w / workers + 1,
                               .hi = top * (w + 1) / workers};
            for (long long k = r.lo; k <= r.hi; k++)
                r.sum += (unsigned long long)k * (unsigned long long)k;
            if (queue_put(results, &r, sizeof r, QUEUE_FOREVER) != 0)
                die("queue_put");
            _exit(0);
        }
    }
    /* Python: results = [q.get() for _ in workers], THEN join. One get per
     * worker: we know how many results to expect, so no end marker. */
    unsigned long long total = 0;
    for (int i = 0; i < workers; i++) {
        struct result r;
        check_interrupt(crew);
        while (queue_get(results, &r, sizeof r, QUEUE_FOREVER) < 0) {
            if (errno != EINTR)
                die("queue_get");
            check_interrupt(crew); /* EINTR: nothing was taken */
        }
        got[r.worker] = r;
        arrival[i] = r.worker + 1;
        total += r.sum;
    }
    char how[64];
    bool ok = true;
    for (int w = 0; w < workers; w++)
        ok = wait_exitcode(join_child(crew, pids[w], how, sizeof how)) == 0 && ok;
    for (int w = 0; w < workers; w++)
        printf("[parent %ld] from worker %d (pid %ld): sum of k*k for k = "
               "%lld..%lld is %llu\n",
               (long)getpid(), w + 1, got[w].pid, got[w].lo, got[w].hi, got[w].sum);
    printf("[parent %ld] arrival order:", (long)getpid());
    for (int i = 0; i < workers; i++)
        printf(" %d", arrival[i]);
    /* n(n+1)(2n+1)/6, split so that no product overflows 64 bits */
    unsigned long long n = (unsigned long long)top;
    unsigned long long formula = n * (n + 1) / 2 * (2 * n + 1) / 3;
    ok = ok && total == formula;
    printf(" (completion order: varies)\n[parent %ld] total %llu, by the "
           "formula n(n+1)(2n+1)/6: %llu: %s\n",
           (long)getpid(), total, formula, total == formula ? "match" : "MISMATCH");
    free(arrival);
    free(got);
    free(pids);
    queue_destroy(results);
    return ok;
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    /* Line-buffered even into a pipe, so lines leave in the order they were
     * printed across processes (a test or `| less` sees the true order). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct options o = parse_options(argc, argv);
    /* Ctrl-C and SIGTERM now only set a flag: waitpid and queue_get return
     * EINTR, and the parent stops and reaps its children before it dies
     * (stop_children_and_die). Python: try: ... except KeyboardInterrupt:
     * p.terminate(); p.join(); raise. */
    interrupt_install();
    /* At most producers + consumers children at once (the first section). */
    struct crew crew = crew_create(o.producers + o.consumers);

    bool ok = producers_and_consumers(&o, &crew);
    if (!o.kill_consumer) {
        ok = passing_a_struct(&o, &crew) && ok;
        ok = returning_results(&o, &crew) && ok;
    }
    check_interrupt(&crew); /* a signal after the last wait still counts */
    free(crew.live);
    printf("\n[parent %ld] %s\n", (long)getpid(),
           ok ? "summary: every check held" : "summary: A CHECK FAILED");
    return ok ? 0 : 1;
}
