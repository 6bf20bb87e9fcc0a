/* SPDX-License-Identifier: MIT */
/*
 * shared_memory.c - processes that share memory: a race you can see, three
 * ways to fix it, false sharing, a zero-copy array, named shared memory and a
 * server process (Python's Value, Array, SharedMemory and Manager), measured.
 *
 * Usage: shared_memory [-j N] [-n N] [--ops N] [--array-mib M] [--seed S]
 *                      [-q] [--section NAME]
 *
 * You will see six sections: a shared counter that loses updates, the same
 * counter made exact with a mutex, an atomic and partial counts (with their
 * speeds), counters slowed down by sharing a cache line, a 64 MiB array
 * filled by workers without a single copy (against a pipe), two unrelated
 * processes meeting in /dev/shm, and a key-value server (against the same
 * updates done in shared memory). Every line says which process printed it.
 */
/* _GNU_SOURCE: sched_setaffinity and the CPU_* macros (pinning workers to
 * different CPUs so that false sharing shows) are Linux extensions. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cpus.h"
#include "interrupt.h"
#include "pool.h"
#include "report.h"
#include "rng.h"
#include "timing.h"
#include "waitstatus.h"

#define CACHE_LINE 64

static const char *const section_names[] = {"race",  "fixes", "false-sharing",
                                            "array", "named", "server"};
#define SECTION_COUNT (int)(sizeof section_names / sizeof section_names[0])

struct options {
    int workers;         /* -j */
    long long n;         /* -n: increments per worker (fixes, false sharing) */
    long long race_n;    /* --race-n: increments per worker in the race */
    long long ops;       /* --ops: server requests per client */
    long long array_mib; /* --array-mib */
    uint64_t seed;       /* --seed: the server section's random updates */
    bool quiet;          /* -q: results only, no explanations */
    int section;         /* --section: -1 for all */
    long long hold_ms;   /* --hold-ms (for the tests): keep the segment open */
    const char *reader;  /* --reader NAME (hidden): we are the re-executed reader */
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: shared_memory [-j N] [-n N] [--ops N] [--array-mib M] [--seed S]\n"
                 "                     [-q] [--section NAME]\n"
                 "Processes sharing memory: a race, three fixes, false sharing, a zero-copy\n"
                 "array, named shared memory and a server process, each measured.\n"
                 "\n"
                 "  -j, --workers N   worker processes (default: usable CPUs, at least 2)\n"
                 "  -n N              increments per worker, fixes and false sharing\n"
                 "                    (default 10M; 250K, 2e6 work too)\n"
                 "      --race-n N    increments per worker in the race (default 50M)\n"
                 "      --ops N       server requests per client (default 20K)\n"
                 "      --array-mib M size of the shared array in MiB (default 64)\n"
                 "      --seed S      seed of the server section's random updates (default 7)\n"
                 "  -q, --quiet       print results only, no explanations\n"
                 "      --section S   run one section: race, fixes, false-sharing, array,\n"
                 "                    named, server (default: all of them)\n"
                 "      --hold-ms MS  (for tests) keep the named segment open MS ms first\n"
                 "  -h, --help        this text\n");
}

/* ------------------------------------------------------------ printing */

/* Every line says who printed it: several processes write to this stdout. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    printf("[parent %ld] ", (long)getpid());
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* An explanation: left out with -q, which keeps only the results. */
static void explain(const struct options *opt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void explain(const struct options *opt, const char *fmt, ...)
{
    if (opt->quiet)
        return;
    va_list ap;
    printf("[parent %ld]   ", (long)getpid());
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void title(const char *name)
{
    printf("\n== %s ==\n", name);
}

/* ------------------------------------------- the named segment's cleanup */

/* The one piece of process-wide state: the /dev/shm name we must remove.
 * It has to be global because it is removed from two places that cannot be
 * handed a pointer: atexit() (every die() on an error path ends in exit())
 * and the Ctrl-C/SIGTERM path. `owner` keeps a forked child that calls
 * exit() from removing its parent's segment. */
static struct {
    char name[64];
    pid_t owner;
    bool live;
} segment;

static void segment_unlink(void)
{
    if (segment.live && segment.owner == getpid()) {
        segment.live = false;
        if (shm_unlink(segment.name) != 0)
            warn_errno("shm_unlink");
    }
}

/* A signal arrived: remove what we created, then die of that signal (so the
 * shell sees 130 for Ctrl-C, 143 for SIGTERM). */
static _Noreturn void cleanup_and_die_of_signal(void)
{
    char name[32];
    signal_name(interrupt_signal(), name, sizeof name);
    if (segment.live && segment.owner == getpid())
        say("%s: removing %s, then dying of %s", name, segment.name, name);
    else
        say("%s: dying of %s", name, name);
    fflush(stdout);
    segment_unlink();
    interrupt_exit();
}

/* ------------------------------------------------------------- helpers */

/* Memory that stays shared after fork(): MAP_SHARED | MAP_ANONYMOUS. A
 * MAP_PRIVATE page would be copied on the first write, and each process
 * would count in its own copy. This is what Value and Array allocate. */
static void *shared_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    return p;
}

static void shared_free(void *p, size_t size)
{
    if (munmap(p, size) != 0)
        die("munmap");
}

/* Pin the calling process to the worker-th usable CPU, so that two workers
 * really run at the same time on two cores. Returns false if only one CPU is
 * usable (then there is nothing to spread over). */
static bool pin_to_cpu(int worker)
{
    cpu_set_t usable;
    CPU_ZERO(&usable);
    if (sched_getaffinity(0, sizeof usable, &usable) != 0)
        die("sched_getaffinity");
    int count = CPU_COUNT(&usable);
    if (count < 2)
        return false;
    int want = worker % count;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &usable) || want-- > 0)
            continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0)
            die("sched_setaffinity");
        break;
    }
    return true;
}

static void write_all(int fd, const void *buf, size_t size)
{
    const char *p = buf;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("write");
        p += n;
        size -= (size_t)n;
    }
}

/* --------------------------------------------------------------- a team */

/* A team of forked workers that start together. Each one, once set up,
 * says "ready" (one byte on a pipe) and then blocks reading the "gate" pipe.
 * When all are ready the parent closes the gate's write end: every worker
 * sees end-of-file at once. Without this, worker 0 could finish a million
 * increments (a millisecond) before worker 1 even exists, and the race
 * would hide. */
typedef void worker_fn(int worker, void *udata);

struct team {
    int count;
    pid_t pids[512];
    double started; /* when the gate opened */
};

/* A signal arrived while workers run: stop them, reap them, clean up, die. */
static _Noreturn void team_abort(struct team *t)
{
    for (int i = 0; i < t->count; i++)
        if (t->pids[i] > 0)
            kill(t->pids[i], SIGKILL);
    for (int i = 0; i < t->count; i++)
        if (t->pids[i] > 0)
            while (waitpid(t->pids[i], NULL, 0) < 0 && errno == EINTR)
                ;
    cleanup_and_die_of_signal();
}

/* pin: put the workers on different CPUs, for the sections whose point is
 * workers running at the same time on different cores. */
static void team_start(struct team *t, int count, worker_fn *fn, void *udata, bool pin)
{
    int gate[2], ready[2];
    if (pipe(gate) != 0 || pipe(ready) != 0)
        die("pipe");
    t->count = 0;
    for (int w = 0; w < count; w++) {
        if (interrupt_requested()) /* no new worker after Ctrl-C */
            team_abort(t);
        fflush(stdout); /* or the child would print our buffer again */
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            /* A worker creates nothing that needs cleaning: let Ctrl-C and
             * SIGTERM end it as usual (interrupt_install()'s handler was
             * inherited through fork). */
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            signal(SIGHUP, SIG_DFL);
            /* Our copy of the write end would keep the gate shut forever. */
            if (close(gate[1]) != 0 || close(ready[0]) != 0)
                die("close");
            if (pin)
                pin_to_cpu(w);
            char byte = 'r';
            write_all(ready[1], &byte, 1);
            if (close(ready[1]) != 0)
                die("close");
            if (read(gate[0], &byte, 1) < 0)
                die("read");
            fn(w, udata);
            fflush(stdout);
            _exit(0); /* not exit(): no atexit handlers, no stdio flush twice */
        }
        t->pids[t->count++] = pid;
    }
    if (close(gate[0]) != 0 || close(ready[1]) != 0)
        die("close");
    for (int got = 0; got < count;) { /* wait until every worker is ready */
        char bytes[64];
        ssize_t n = read(ready[0], bytes, sizeof bytes);
        if (n < 0 && errno == EINTR && interrupt_requested())
            team_abort(t);
        if (n < 0 && errno != EINTR)
            die("read");
        if (n == 0 && interrupt_requested()) /* the workers got it too */
            team_abort(t);
        if (n == 0)
            die_msg("a worker ended before the start");
        if (n > 0)
            got += (int)n;
    }
    if (close(ready[0]) != 0)
        die("close");
    t->started = timing_now();
    if (close(gate[1]) != 0) /* open the gate: every worker reads EOF */
        die("close");
}

/* Reap every worker by pid (Process.join); returns the seconds from the
 * gate opening to the last worker's end. A worker that failed ends us. */
static double team_join(struct team *t)
{
    for (int i = 0; i < t->count; i++) {
        int status;
        while (waitpid(t->pids[i], &status, 0) < 0) {
            if (errno != EINTR)
                die("waitpid");
            if (interrupt_requested())
                team_abort(t);
        }
        pid_t pid = t->pids[i];
        t->pids[i] = 0;
        /* A terminal's Ctrl-C signals the whole process group: this worker
         * may have died of the same SIGINT. Not a failure to report: stop
         * the others and die of the signal too. */
        if (interrupt_requested())
            team_abort(t);
        if (wait_exitcode(status) != 0) {
            char text[64];
            die_msg("worker %d (pid %ld) %s", i, (long)pid,
                    wait_describe(status, text, sizeof text));
        }
    }
    return timing_now() - t->started;
}

static double rate(double count, double seconds)
{
    return seconds > 0 ? count / seconds : 0;
}

/* ================================================== 1. a race, seen */

struct counter_job {
    long long n;
    volatile long *counter;
    pthread_mutex_t *lock;
    _Atomic long *atomic_counter;
    struct padded_long *partials;
};

/* counter.value += 1 without the lock. Three steps: load, add, store. Two
 * workers that load the same value both store value + 1, and one of the two
 * increments is lost. volatile makes the compiler really load and store
 * every time, as Python does; it does NOT make the three steps one. */
static void increment_unlocked(int worker, void *udata)
{
    (void)worker;
    struct counter_job *job = udata;
    volatile long *counter = job->counter;
    for (long long i = 0; i < job->n; i++) {
        long seen = *counter;
        *counter = seen + 1;
    }
}

static bool section_race(const struct options *opt)
{
    title("a race, seen");
    long expected = (long)(opt->workers * opt->race_n);
    say("%d workers each add 1 to one shared counter %lld times, no lock", opt->workers,
        opt->race_n);
    /* Value('l', 0, lock=False): one long in a MAP_SHARED page. */
    struct counter_job job = {.n = opt->race_n};
    job.counter = shared_alloc(sizeof *job.counter);
    *job.counter = 0;
    struct team team;
    team_start(&team, opt->workers, increment_unlocked, &job, true);
    double seconds = team_join(&team);
    long got = *job.counter;
    shared_free((void *)job.counter, sizeof *job.counter);
    say("counter = %ld, expected %ld: %ld updates lost (%.1f%%) in %.3f s", got, expected,
        expected - got, 100.0 * (double)(expected - got) / (double)expected, seconds);
    if (got == expected)
        say(opt->workers < 2 ? "one worker has nobody to race with: try -j 2"
                             : "no update was lost this time: try a larger --race-n");
    explain(opt, "counter += 1 is load, add, store: two workers that load the same");
    explain(opt, "value both store value+1, and one increment vanishes. The loop runs");
    explain(opt, "tens of milliseconds, many scheduler time slices, so that even on a");
    explain(opt, "busy machine the workers overlap, or one is preempted mid-update.");
    return true; /* losing updates is what this section is meant to show */
}

/* ============================================ 2. the fix, three ways */

/* A worker's own counter, alone on its cache line (see section 3). */
struct padded_long {
    volatile long value;
    char pad[CACHE_LINE - sizeof(long)];
};

/* Value('l', 0) with `with counter.get_lock(): counter.value += 1`. */
static void increment_with_mutex(int worker, void *udata)
{
    (void)worker;
    struct counter_job *job = udata;
    for (long long i = 0; i < job->n; i++) {
        int rc = pthread_mutex_lock(job->lock);
        if (rc != 0)
            die_code("pthread_mutex_lock", rc);
        *job->counter += 1;
        rc = pthread_mutex_unlock(job->lock);
        if (rc != 0)
            die_code("pthread_mutex_unlock", rc);
    }
}

/* One indivisible read-modify-write (on x86: `lock add`). Python has no
 * atomic integers; the lock above is its only way. */
static void increment_atomic(int worker, void *udata)
{
    (void)worker;
    struct counter_job *job = udata;
    for (long long i = 0; i < job->n; i++)
        atomic_fetch_add(job->atomic_counter, 1);
}

/* Each worker counts in its own slot; the parent adds the slots up at the
 * end (in Python: an Array with one slot per worker, or return values). */
static void increment_partial(int worker, void *udata)
{
    struct counter_job *job = udata;
    volatile long *mine = &job->partials[worker].value;
    for (long long i = 0; i < job->n; i++)
        *mine += 1;
}

static bool report_fix(const struct options *opt, const char *label, long got, double seconds)
{
    long expected = (long)(opt->workers * opt->n);
    say("%-24s total %ld of %ld, %s, %.3f s, %.1f M increments/s", label, got, expected,
        got == expected ? "exact" : "WRONG", seconds, rate((double)expected, seconds) / 1e6);
    return got == expected;
}

static bool section_fixes(const struct options *opt)
{
    title("the fix, three ways");
    bool ok = true;
    struct counter_job job = {.n = opt->n};

    /* A mutex in shared memory, marked PTHREAD_PROCESS_SHARED so the kernel
     * futex behind it works across processes: what Value's lock is. */
    struct {
        pthread_mutex_t lock;
        long counter;
    } *locked = shared_alloc(sizeof *locked);
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc != 0)
        die_code("pthread_mutexattr_init", rc);
    rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc != 0)
        die_code("pthread_mutexattr_setpshared", rc);
    rc = pthread_mutex_init(&locked->lock, &attr);
    if (rc != 0)
        die_code("pthread_mutex_init", rc);
    rc = pthread_mutexattr_destroy(&attr);
    if (rc != 0)
        die_code("pthread_mutexattr_destroy", rc);
    locked->counter = 0;
    job.lock = &locked->lock;
    job.counter = &locked->counter;
    struct team team;
    team_start(&team, opt->workers, increment_with_mutex, &job, true);
    double seconds = team_join(&team);
    ok &= report_fix(opt, "mutex (Value's lock):", locked->counter, seconds);
    rc = pthread_mutex_destroy(&locked->lock);
    if (rc != 0)
        die_code("pthread_mutex_destroy", rc);
    shared_free(locked, sizeof *locked);

    /* A lock-free atomic is also address-free: it works in shared memory
     * between processes, not only between threads. */
    _Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "atomic long must be lock-free");
    job.atomic_counter = shared_alloc(sizeof *job.atomic_counter);
    atomic_init(job.atomic_counter, 0);
    team_start(&team, opt->workers, increment_atomic, &job, true);
    seconds = team_join(&team);
    ok &= report_fix(opt, "C11 atomic:", atomic_load(job.atomic_counter), seconds);
    shared_free(job.atomic_counter, sizeof *job.atomic_counter);

    size_t size = (size_t)opt->workers * sizeof(struct padded_long);
    job.partials = shared_alloc(size);
    team_start(&team, opt->workers, increment_partial, &job, true);
    seconds = team_join(&team);
    long sum = 0;
    for (int w = 0; w < opt->workers; w++)
        sum += job.partials[w].value;
    ok &= report_fix(opt, "partial counts, summed:", sum, seconds);
    shared_free(job.partials, size);

    explain(opt, "the mutex makes workers take turns (and sleep in the kernel when");
    explain(opt, "they collide); the atomic never sleeps, but every increment still");
    explain(opt, "pulls the counter's cache line from the other core. Partial counts");
    explain(opt, "share nothing until the one sum at the end: each core increments");
    explain(opt, "its own line at full speed. Fastest is not sharing at all.");
    return ok;
}

/* ==================================================== 3. false sharing */

struct spread_job {
    long long n;
    volatile long *packed;      /* counter w at packed[w]: one line */
    struct padded_long *padded; /* counter w on its own line */
};

static void count_packed(int worker, void *udata)
{
    struct spread_job *job = udata;
    volatile long *mine = &job->packed[worker];
    for (long long i = 0; i < job->n; i++)
        *mine += 1;
}

static void count_padded(int worker, void *udata)
{
    struct spread_job *job = udata;
    volatile long *mine = &job->padded[worker].value;
    for (long long i = 0; i < job->n; i++)
        *mine += 1;
}

static bool section_false_sharing(const struct options *opt)
{
    title("false sharing");
    int usable = cpus_usable();
    if (usable >= 2)
        say("%d workers, each adds 1 to its OWN counter %lld times, pinned to "
            "different CPUs",
            opt->workers, opt->n);
    else
        say("%d workers, each adds 1 to its OWN counter %lld times (1 usable CPU: "
            "nothing to pin)",
            opt->workers, opt->n);
    struct spread_job job = {.n = opt->n};
    size_t packed_size = (size_t)opt->workers * sizeof(long);
    size_t padded_size = (size_t)opt->workers * sizeof(struct padded_long);
    job.packed = shared_alloc(packed_size); /* page-aligned, so the first */
    job.padded = shared_alloc(padded_size); /* 8 longs share one line */
    struct team team;
    team_start(&team, opt->workers, count_packed, &job, true);
    double packed_s = team_join(&team);
    team_start(&team, opt->workers, count_padded, &job, true);
    double padded_s = team_join(&team);
    bool ok = true;
    for (int w = 0; w < opt->workers; w++)
        ok &= job.packed[w] == opt->n && job.padded[w].value == opt->n;
    shared_free((void *)job.packed, packed_size);
    shared_free(job.padded, padded_size);
    say("every counter reached %lld: %s", opt->n, ok ? "yes" : "NO");
    say("packed side by side (%zu bytes apart): %.3f s", sizeof(long), packed_s);
    say("padded to %d bytes each:             %.3f s (packed/padded = %.1fx)", CACHE_LINE, padded_s,
        padded_s > 0 ? packed_s / padded_s : 0);
    explain(opt, "no counter is shared, yet the packed ones share a 64-byte cache");
    explain(opt, "line, and a core must own the whole line to write any byte of it:");
    explain(opt, "the line bounces between cores on every increment.");
    return ok;
}

/* ================================================== 4. a shared array */

/* What worker slices hold: element i is 3*i + 1. */
static uint64_t element(size_t i)
{
    return 3 * (uint64_t)i + 1;
}

struct array_job {
    size_t length;
    int workers;
    uint64_t *shared; /* zero-copy: the one array, mapped before fork */
    int (*pipes)[2];  /* pipe version: worker w writes to pipes[w][1] */
};

static void slice(const struct array_job *job, int w, size_t *lo, size_t *hi)
{
    *lo = job->length * (size_t)w / (size_t)job->workers;
    *hi = job->length * (size_t)(w + 1) / (size_t)job->workers;
}

/* RawArray: write straight into the parent's array; nothing is copied. */
static void fill_shared(int worker, void *udata)
{
    struct array_job *job = udata;
    size_t lo, hi;
    slice(job, worker, &lo, &hi);
    for (size_t i = lo; i < hi; i++)
        job->shared[i] = element(i);
}

/* The message-passing way (a Pipe or a Queue): compute into a private
 * buffer, write it to the pipe; the kernel copies it in, the parent copies
 * it out. */
static void fill_through_pipe(int worker, void *udata)
{
    struct array_job *job = udata;
    for (int k = 0; k < job->workers; k++) {
        if (close(job->pipes[k][0]) != 0)
            die("close");
        if (k != worker && close(job->pipes[k][1]) != 0)
            die("close");
    }
    enum { CHUNK = 8192 };
    uint64_t *buffer = malloc(CHUNK * sizeof *buffer);
    if (buffer == NULL)
        die("malloc");
    size_t lo, hi;
    slice(job, worker, &lo, &hi);
    for (size_t start = lo; start < hi; start += CHUNK) {
        size_t count = hi - start < CHUNK ? hi - start : CHUNK;
        for (size_t i = 0; i < count; i++)
            buffer[i] = element(start + i);
        write_all(job->pipes[worker][1], buffer, count * sizeof *buffer);
    }
    free(buffer);
    if (close(job->pipes[worker][1]) != 0)
        die("close");
}

/* A few GiB take the parent seconds to zero or check: it looks at the
 * Ctrl-C flag every 16 MiB, so that a signal still ends it at once. */
#define CHUNK_BYTES ((size_t)16 << 20)

static size_t count_wrong(const uint64_t *array, size_t length)
{
    size_t wrong = 0;
    for (size_t i = 0; i < length; i++) {
        if (i % (CHUNK_BYTES / sizeof *array) == 0 && interrupt_requested())
            cleanup_and_die_of_signal();
        wrong += array[i] != element(i);
    }
    return wrong;
}

/* Zero `bytes` of fresh memory, which makes the kernel allocate every page
 * now rather than on the workers' first writes. */
static void zero_fill(void *memory, size_t bytes)
{
    for (size_t done = 0; done < bytes; done += CHUNK_BYTES) {
        if (interrupt_requested())
            cleanup_and_die_of_signal();
        memset((char *)memory + done, 0, bytes - done < CHUNK_BYTES ? bytes - done : CHUNK_BYTES);
    }
}

/* Read every worker's slice as it arrives (poll), into its place. */
static void collect_from_pipes(struct team *team, struct array_job *job, uint64_t *dest)
{
    int w_count = job->workers;
    struct pollfd *fds = calloc((size_t)w_count, sizeof *fds);
    size_t *done = calloc((size_t)w_count, sizeof *done);
    if (fds == NULL || done == NULL)
        die("calloc");
    int open_pipes = w_count;
    for (int w = 0; w < w_count; w++) {
        fds[w].fd = job->pipes[w][0];
        fds[w].events = POLLIN;
    }
    while (open_pipes > 0) {
        if (poll(fds, (nfds_t)w_count, -1) < 0) {
            if (errno != EINTR)
                die("poll");
            if (interrupt_requested()) {
                free(fds);
                free(done);
                team_abort(team);
            }
            continue;
        }
        for (int w = 0; w < w_count; w++) {
            if (fds[w].fd < 0 || fds[w].revents == 0)
                continue;
            size_t lo, hi;
            slice(job, w, &lo, &hi);
            size_t want = (hi - lo) * sizeof *dest - done[w];
            ssize_t n = read(fds[w].fd, (char *)(dest + lo) + done[w], want);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                die("read");
            done[w] += (size_t)n;
            if (n == 0 || done[w] == (hi - lo) * sizeof *dest) {
                if (close(fds[w].fd) != 0)
                    die("close");
                fds[w].fd = -1; /* poll skips negative fds */
                open_pipes--;
            }
        }
    }
    free(fds);
    free(done);
}

static bool section_array(const struct options *opt)
{
    title("a shared array");
    struct array_job job = {.workers = opt->workers};
    size_t bytes = (size_t)opt->array_mib << 20;
    job.length = bytes / sizeof(uint64_t);
    say("%d workers fill disjoint slices of a %lld MiB array (%zu elements)", opt->workers,
        opt->array_mib, job.length);

    /* Zero-copy: RawArray / shared NumPy array. Mapped BEFORE fork, so every
     * worker has the same pages at the same address. Zero-filling allocates
     * the pages now, as Python's RawArray does (it zero-fills too): the
     * timings below compare moving the data, not allocating memory (the
     * pipe's destination is zero-filled in advance for the same reason).
     * MAP_POPULATE would allocate them in one call, but one that no signal
     * interrupts: seconds of deafness to Ctrl-C for a few GiB. */
    job.shared = shared_alloc(bytes);
    zero_fill(job.shared, bytes);
    struct team team;
    team_start(&team, opt->workers, fill_shared, &job, false);
    double shared_s = team_join(&team);
    size_t wrong = count_wrong(job.shared, job.length);
    shared_free(job.shared, bytes);
    say("shared (MAP_SHARED, zero-copy): %zu of %zu elements correct, %.3f s", job.length - wrong,
        job.length, shared_s);
    bool ok = wrong == 0;

    /* The same through pipes: every byte is copied twice. */
    uint64_t *dest = malloc(bytes);
    job.pipes = calloc((size_t)opt->workers, sizeof *job.pipes);
    if (dest == NULL || job.pipes == NULL)
        die("malloc");
    zero_fill(dest, bytes);
    for (int w = 0; w < opt->workers; w++)
        if (pipe(job.pipes[w]) != 0)
            die("pipe");
    team_start(&team, opt->workers, fill_through_pipe, &job, false);
    for (int w = 0; w < opt->workers; w++)
        if (close(job.pipes[w][1]) != 0)
            die("close");
    collect_from_pipes(&team, &job, dest);
    double pipe_s = team_join(&team);
    wrong = count_wrong(dest, job.length);
    free(dest);
    free(job.pipes);
    say("sent back through pipes (copied):  %zu of %zu elements correct, %.3f s",
        job.length - wrong, job.length, pipe_s);
    say("the pipe took %.1fx the time of shared memory", shared_s > 0 ? pipe_s / shared_s : 0);
    explain(opt, "through a pipe each byte is copied into the kernel and out again;");
    explain(opt, "in shared memory the workers write the parent's pages directly.");
    return ok && wrong == 0;
}

/* ============================================ 5. named shared memory */

/* The segment's layout. Only plain values: a pointer stored here would be
 * an address in the writer's memory, meaningless to the reader, who may map
 * the segment somewhere else. Offsets and indices travel; pointers do not. */
#define NAMED_NUMBERS 1000
struct named_segment {
    char greeting[64];
    long numbers[NAMED_NUMBERS];
    long reader_sum; /* the reader's answer */
    long reader_pid;
};

/* The re-executed program: an unrelated process (no fork-inherited mapping)
 * that knows only the name, like SharedMemory(name="...") in Python. */
static int run_reader(const char *name)
{
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0)
        die("shm_open");
    struct stat st;
    if (fstat(fd, &st) != 0)
        die("fstat");
    if ((size_t)st.st_size < sizeof(struct named_segment))
        die_msg("%s: segment is %lld bytes, too small", name, (long long)st.st_size);
    struct named_segment *seg = mmap(NULL, sizeof *seg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED)
        die("mmap");
    if (close(fd) != 0) /* the mapping keeps the memory; the fd is not needed */
        die("close");
    printf("[reader %ld] opened %s by name: %lld bytes\n", (long)getpid(), name,
           (long long)st.st_size);
    long sum = 0;
    for (int i = 0; i < NAMED_NUMBERS; i++)
        sum += seg->numbers[i];
    printf("[reader %ld] greeting \"%.*s\"; sum of the %d numbers = %ld\n", (long)getpid(),
           (int)sizeof seg->greeting, seg->greeting, NAMED_NUMBERS, sum);
    seg->reader_sum = sum;
    seg->reader_pid = (long)getpid();
    printf("[reader %ld] wrote its answer into the segment\n", (long)getpid());
    if (munmap(seg, sizeof *seg) != 0)
        die("munmap");
    return 0;
}

/* Sleep up to `ms`, but stop soon after a signal arrives. A signal landing
 * just before nanosleep() would not interrupt it, so sleep in slices of at
 * most 20 ms and look at the flag between them. */
static void hold(long long ms)
{
    double end = timing_now() + (double)ms / 1000;
    while (!interrupt_requested()) {
        double left = end - timing_now();
        if (left <= 0)
            return;
        if (left > 0.02)
            left = 0.02;
        struct timespec slice = {.tv_sec = 0, .tv_nsec = (long)(left * 1e9)};
        if (nanosleep(&slice, NULL) != 0 && errno != EINTR)
            die("nanosleep");
    }
}

static bool section_named(const struct options *opt)
{
    title("named shared memory");
    /* The pid in the name keeps two runs at the same time from clashing. */
    snprintf(segment.name, sizeof segment.name, "/forklore-07-%ld", (long)getpid());
    segment.owner = getpid();
    /* SharedMemory(create=True, size=...): O_EXCL refuses a name in use. */
    int fd = shm_open(segment.name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0)
        die("shm_open");
    segment.live = true; /* from here on, every way out removes the name */
    if (ftruncate(fd, sizeof(struct named_segment)) != 0)
        die("ftruncate");
    struct named_segment *seg = mmap(NULL, sizeof *seg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED)
        die("mmap");
    if (close(fd) != 0)
        die("close");
    say("shm_open(\"%s\"), %zu bytes, visible as /dev/shm%s", segment.name, sizeof *seg,
        segment.name);
    snprintf(seg->greeting, sizeof seg->greeting, "hello from pid %ld", (long)getpid());
    for (int i = 0; i < NAMED_NUMBERS; i++)
        seg->numbers[i] = i + 1;
    say("wrote a greeting and the numbers 1..%d", NAMED_NUMBERS);

    if (opt->hold_ms > 0) {
        say("holding the segment for %lld ms", opt->hold_ms);
        fflush(stdout);
        hold(opt->hold_ms);
        if (interrupt_requested()) {
            munmap(seg, sizeof *seg);
            cleanup_and_die_of_signal();
        }
    }

    /* An unrelated process: fork, then exec this program afresh, so the
     * reader inherits no mapping and finds the segment by its name only. */
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    self[len] = '\0';
    say("starting a reader: fork + exec of %s --reader %s", "this program", segment.name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        execl(self, "shared_memory", "--reader", segment.name, (char *)NULL);
        fprintf(stderr, "%s: execl %s: %s\n", report_program(), self, strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
        if (interrupt_requested()) {
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            cleanup_and_die_of_signal();
        }
    }
    if (interrupt_requested()) /* the reader may have died of it too */
        cleanup_and_die_of_signal();
    char text[64];
    say("reader (pid %ld) %s; its answer in the segment: sum %ld", (long)pid,
        wait_describe(status, text, sizeof text), seg->reader_sum);
    long expected = (long)NAMED_NUMBERS * (NAMED_NUMBERS + 1) / 2;
    bool ok =
        wait_exitcode(status) == 0 && seg->reader_sum == expected && seg->reader_pid == (long)pid;
    if (munmap(seg, sizeof *seg) != 0)
        die("munmap");
    /* SharedMemory.unlink(): without it the name and its memory stay in
     * /dev/shm until reboot, long after every process has gone. */
    segment_unlink();
    char path[80];
    snprintf(path, sizeof path, "/dev/shm%s", segment.name);
    say("shm_unlink(\"%s\"): %s %s", segment.name, path,
        access(path, F_OK) == 0 ? "is STILL THERE" : "is gone");
    explain(opt, "the reader found the memory by name alone; no fork shared it.");
    return ok;
}

/* ================================================ 6. a server process */

/* The keys of the table, and what a client sends and gets back. Requests
 * are fixed-size messages on SOCK_SEQPACKET sockets: one read() is one
 * whole request, never half of one or two. */
static const char *const table_keys[] = {"apples", "pears", "plums", "figs",
                                         "dates",  "limes", "kiwis", "cherries"};
#define KEYS (int)(sizeof table_keys / sizeof table_keys[0])

enum { OP_GET, OP_ADD };
struct request {
    int op;
    char key[16]; /* by name: a server may hold any type, any key */
    long amount;
};
struct reply {
    long value;
};

/* The sequence of operations of client w, the same for a given seed in
 * every run (and in the parent, who replays it to know the right table):
 * one in four reads a key, three in four add 1..100 to one. */
struct op_stream {
    struct rng rng;
};
static void next_op(struct op_stream *s, int *op, int *key, long *amount)
{
    *key = (int)rng_below(&s->rng, KEYS);
    *op = rng_below(&s->rng, 4) == 0 ? OP_GET : OP_ADD;
    *amount = *op == OP_ADD ? (long)rng_below(&s->rng, 100) + 1 : 0;
}

struct server_job {
    int clients;
    long long ops;
    uint64_t seed;
    int (*links)[2];            /* links[w][0]: the server's end, [1]: client w's */
    int control[2];             /* [0]: the parent's end, [1]: the server's */
    _Atomic long *shared_table; /* the shared-memory comparison */
};

static int key_index(const char *name)
{
    for (int k = 0; k < KEYS; k++)
        if (strncmp(name, table_keys[k], sizeof(((struct request *)0)->key)) == 0)
            return k;
    return -1;
}

/* The Manager's server: owns the table, answers one request at a time,
 * from whichever client is ready. Ends when every client hung up. */
static void serve(struct server_job *job)
{
    long table[KEYS] = {0};
    long served = 0;
    struct pollfd *fds = calloc((size_t)job->clients, sizeof *fds);
    if (fds == NULL)
        die("calloc");
    for (int w = 0; w < job->clients; w++) {
        fds[w].fd = job->links[w][0];
        fds[w].events = POLLIN;
    }
    int connected = job->clients;
    while (connected > 0) {
        if (poll(fds, (nfds_t)job->clients, -1) < 0)
            die("poll");
        for (int w = 0; w < job->clients; w++) {
            if (fds[w].fd < 0 || fds[w].revents == 0)
                continue;
            struct request req;
            ssize_t n = read(fds[w].fd, &req, sizeof req);
            if (n < 0)
                die("read");
            if (n == 0) { /* the client closed its end: it is done */
                if (close(fds[w].fd) != 0)
                    die("close");
                fds[w].fd = -1;
                connected--;
                continue;
            }
            int k = n == (ssize_t)sizeof req ? key_index(req.key) : -1;
            if (k < 0)
                die_msg("server: bad request");
            if (req.op == OP_ADD)
                table[k] += req.amount;
            struct reply rep = {.value = table[k]};
            write_all(fds[w].fd, &rep, sizeof rep);
            served++;
        }
    }
    free(fds);
    /* Hand the final table and the request count to the parent. */
    write_all(job->control[1], table, sizeof table);
    write_all(job->control[1], &served, sizeof served);
}

/* A client: a Manager proxy. Every d[key] += x is a request and a reply,
 * two trips through the kernel and two context switches. */
static void client(int worker, void *udata)
{
    struct server_job *job = udata;
    for (int k = 0; k < job->clients; k++) {
        if (close(job->links[k][0]) != 0)
            die("close");
        if (k != worker && close(job->links[k][1]) != 0)
            die("close");
    }
    if (close(job->control[0]) != 0 || close(job->control[1]) != 0)
        die("close");
    int fd = job->links[worker][1];
    struct op_stream s;
    rng_stream(&s.rng, job->seed, (uint64_t)worker);
    for (long long i = 0; i < job->ops; i++) {
        int op, key;
        long amount;
        next_op(&s, &op, &key, &amount);
        struct request req = {.op = op, .amount = amount};
        snprintf(req.key, sizeof req.key, "%s", table_keys[key]);
        write_all(fd, &req, sizeof req);
        struct reply rep;
        ssize_t n = read(fd, &rep, sizeof rep);
        if (n != (ssize_t)sizeof rep)
            die_msg("client %d: no reply from the server", worker);
    }
    if (close(fd) != 0)
        die("close");
}

/* The same operations straight on a table in shared memory (atomics). */
static void client_shared(int worker, void *udata)
{
    struct server_job *job = udata;
    struct op_stream s;
    rng_stream(&s.rng, job->seed, (uint64_t)worker);
    for (long long i = 0; i < job->ops; i++) {
        int op, key;
        long amount;
        next_op(&s, &op, &key, &amount);
        if (op == OP_ADD)
            atomic_fetch_add(&job->shared_table[key], amount);
        else
            (void)atomic_load(&job->shared_table[key]);
    }
}

static void print_table(const char *label, const long *table)
{
    char line[256];
    size_t used = 0;
    for (int k = 0; k < KEYS; k++)
        used +=
            (size_t)snprintf(line + used, sizeof line - used, " %s=%ld", table_keys[k], table[k]);
    say("%s%s", label, line);
}

static bool section_server(const struct options *opt)
{
    title("a server process");
    struct server_job job = {.clients = opt->workers, .ops = opt->ops, .seed = opt->seed};
    say("a server owns a %d-key table; %d clients send %lld requests each (seed %llu)", KEYS,
        opt->workers, opt->ops, (unsigned long long)opt->seed);

    /* What the table must hold: the parent replays every client's adds. */
    long expected[KEYS] = {0};
    for (int w = 0; w < opt->workers; w++) {
        struct op_stream s;
        rng_stream(&s.rng, opt->seed, (uint64_t)w);
        for (long long i = 0; i < opt->ops; i++) {
            if (i % 65536 == 0 && interrupt_requested()) /* a big --ops */
                cleanup_and_die_of_signal();
            int op, key;
            long amount;
            next_op(&s, &op, &key, &amount);
            expected[key] += amount;
        }
    }

    job.links = calloc((size_t)opt->workers, sizeof *job.links);
    if (job.links == NULL)
        die("calloc");
    for (int w = 0; w < opt->workers; w++)
        if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, job.links[w]) != 0)
            die("socketpair");
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, job.control) != 0)
        die("socketpair");

    /* The clients first: they block on their first reply until the server
     * is up. Forking the server second puts it in the team at once, so
     * that Ctrl-C at any moment stops it with the clients. */
    double t0 = timing_now();
    struct team team;
    team_start(&team, opt->workers, client, &job, false);

    /* Manager(): start the server process. */
    fflush(stdout);
    pid_t server = fork();
    if (server < 0)
        die("fork");
    if (server == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        for (int w = 0; w < opt->workers; w++)
            if (close(job.links[w][1]) != 0)
                die("close");
        if (close(job.control[0]) != 0)
            die("close");
        serve(&job);
        free(job.links);
        _exit(0);
    }
    team.pids[team.count++] = server; /* reaped (and killed on Ctrl-C) too */
    for (int w = 0; w < opt->workers; w++)
        if (close(job.links[w][0]) != 0 || close(job.links[w][1]) != 0)
            die("close");
    if (close(job.control[1]) != 0)
        die("close");
    long table[KEYS];
    long served = 0;
    size_t got = 0;
    char *into = (char *)table;
    while (got < sizeof table + sizeof served) {
        char *dst = got < sizeof table ? into + got : (char *)&served + (got - sizeof table);
        size_t want =
            got < sizeof table ? sizeof table - got : sizeof served - (got - sizeof table);
        ssize_t n = read(job.control[0], dst, want);
        if (n < 0 && errno == EINTR) {
            if (interrupt_requested())
                team_abort(&team);
            continue;
        }
        if (n < 0)
            die("read");
        if (n == 0 && interrupt_requested()) /* the server got it too */
            team_abort(&team);
        if (n == 0)
            die_msg("the server ended without sending its table");
        got += (size_t)n;
    }
    team_join(&team);
    double server_s = timing_now() - t0;
    if (close(job.control[0]) != 0)
        die("close");
    free(job.links);
    long total_ops = (long)(opt->workers * opt->ops);
    bool ok = served == total_ops && memcmp(table, expected, sizeof table) == 0;
    print_table("server's table:  ", table);
    print_table("replayed adds:   ", expected);
    say("the server answered %ld of %ld requests; its table %s the replayed updates", served,
        total_ops, memcmp(table, expected, sizeof table) == 0 ? "equals" : "DIFFERS FROM");

    /* The same operations on a table of atomics in shared memory. */
    job.shared_table = shared_alloc(KEYS * sizeof *job.shared_table);
    for (int k = 0; k < KEYS; k++)
        atomic_init(&job.shared_table[k], 0);
    team_start(&team, opt->workers, client_shared, &job, false);
    double shared_s = team_join(&team);
    bool same = true;
    for (int k = 0; k < KEYS; k++)
        same &= atomic_load(&job.shared_table[k]) == expected[k];
    shared_free(job.shared_table, KEYS * sizeof *job.shared_table);
    say("server: %.3f s, %.0f operations/s", server_s, rate((double)total_ops, server_s));
    say("shared memory (atomics), same operations: %.3f s, %.0f operations/s, table %s", shared_s,
        rate((double)total_ops, shared_s), same ? "equal" : "DIFFERENT");
    say("the server is %.0fx slower",
        shared_s > 0 && server_s > 0
            ? rate((double)total_ops, shared_s) / rate((double)total_ops, server_s)
            : 0);
    explain(opt, "every server operation is a request and a reply through the kernel,");
    explain(opt, "microseconds each; shared memory is a few nanoseconds. In exchange");
    explain(opt, "the server holds any type (Python objects, strings, dicts), needs no");
    explain(opt, "locks in the clients, and could even serve other machines.");
    return ok && same;
}

/* ================================================================= main */

static void parse(int argc, char **argv, struct options *opt)
{
    enum { OPT_OPS = 256, OPT_RACE_N, OPT_ARRAY, OPT_SEED, OPT_SECTION, OPT_HOLD, OPT_READER };
    static const struct option longs[] = {
        {"workers", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"ops", required_argument, NULL, OPT_OPS},
        {"race-n", required_argument, NULL, OPT_RACE_N},
        {"array-mib", required_argument, NULL, OPT_ARRAY},
        {"seed", required_argument, NULL, OPT_SEED},
        {"section", required_argument, NULL, OPT_SECTION},
        {"hold-ms", required_argument, NULL, OPT_HOLD},
        {"reader", required_argument, NULL, OPT_READER},
        {NULL, 0, NULL, 0},
    };
    int workers = cpus_for_pool();
    *opt = (struct options){.workers = workers < 2 ? 2 : workers,
                            .n = 10000000,
                            .race_n = 50000000,
                            .ops = 20000,
                            .array_mib = 64,
                            .seed = 7,
                            .section = -1};
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":j:n:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'j': opt->workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': opt->n = cli_parse_count("-n", optarg, 1, 1000000000); break;
        case 'q': opt->quiet = true; break;
        case 'h': usage(stdout); exit(0);
        case OPT_OPS: opt->ops = cli_parse_count("--ops", optarg, 1, 100000000); break;
        case OPT_RACE_N: opt->race_n = cli_parse_count("--race-n", optarg, 1, 1000000000); break;
        case OPT_ARRAY: opt->array_mib = cli_parse_int("--array-mib", optarg, 1, 4096); break;
        case OPT_SEED: opt->seed = (uint64_t)cli_parse_int("--seed", optarg, 0, LLONG_MAX); break;
        case OPT_SECTION:
            opt->section = -1;
            for (int s = 0; s < SECTION_COUNT; s++)
                if (strcmp(optarg, section_names[s]) == 0)
                    opt->section = s;
            if (opt->section < 0)
                usage_error("--section: '%s' is not one of race, fixes, "
                            "false-sharing, array, named, server",
                            optarg);
            break;
        case OPT_HOLD: opt->hold_ms = cli_parse_int("--hold-ms", optarg, 0, 600000); break;
        case OPT_READER: opt->reader = optarg; break;
        case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if ((size_t)opt->workers > sizeof(((struct team *)0)->pids) / sizeof(pid_t) - 1)
        usage_error("-j: at most %zu workers here",
                    sizeof(((struct team *)0)->pids) / sizeof(pid_t) - 1);
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    struct options opt;
    parse(argc, argv, &opt);
    if (opt.reader != NULL)
        return run_reader(opt.reader);

    /* Ctrl-C and SIGTERM only set a flag: the program removes its /dev/shm
     * name, then dies of the signal. atexit covers the error paths. */
    interrupt_install();
    if (atexit(segment_unlink) != 0)
        die_msg("atexit failed");

    bool (*const sections[])(const struct options *) = {section_race,          section_fixes,
                                                        section_false_sharing, section_array,
                                                        section_named,         section_server};
    int run = 0, failed = 0;
    say("%d workers, -n %lld, --race-n %lld, %d usable CPUs", opt.workers, opt.n, opt.race_n,
        cpus_usable());
    for (int s = 0; s < SECTION_COUNT; s++) {
        if (opt.section >= 0 && opt.section != s)
            continue;
        run++;
        if (!sections[s](&opt))
            failed++;
        if (interrupt_requested())
            cleanup_and_die_of_signal();
    }
    printf("\n");
    say("done: %d section%s run, %d check%s failed", run, run == 1 ? "" : "s", failed,
        failed == 1 ? "" : "s");
    return failed ? 1 : 0;
}
