/* SPDX-License-Identifier: MIT */
/*
 * 07.3_named_segment.c - exercise: shared memory with a name, found by an
 * unrelated process, and removed on every way out, Ctrl-C and kill
 * included.
 *
 * Usage: 07.3_named_segment [-n N] [--hold-ms MS]
 *
 * The parent creates a segment named /forklore-ex073-<pid>, writes the
 * numbers 1..N into it, and starts a reader: fork + exec of this same
 * program with --reader NAME, so the reader inherits no mapping and knows
 * only the name. The reader opens the segment, adds the numbers up, writes
 * the sum back and exits; the parent prints the reader's answer, removes
 * the name and says whether /dev/shm still holds it. With --hold-ms the
 * parent waits MS milliseconds before starting the reader: time to look at
 * /dev/shm, or to press Ctrl-C (the program must then remove the name and
 * die of the signal: status 130, or 143 for kill).
 *
 * Python:  shm = SharedMemory(name=..., create=True, size=...);
 *          SharedMemory(name=...) in the other process;
 *          shm.close(); shm.unlink()   (in a finally:)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"
#include "report.h"
#include "timing.h"
#include "waitstatus.h"

/* What the segment holds: plain values only, never pointers (the reader
 * maps it at an address of its own). */
struct numbers {
    long count;      /* how many numbers follow */
    long answer;     /* the reader's sum */
    long reader_pid; /* who wrote the answer */
    long value[];    /* count numbers */
};

/* ------------------------------------------------------ your part */

/*
 * Create the segment `name` (e.g. "/forklore-ex073-4242") of `size` bytes
 * and map it, shared, readable and writable. The name must be new: if it
 * exists, fail. On error: die("the call").
 */
static struct numbers *segment_create(const char *name, size_t size)
{
#ifdef SOLUTION
    /* SharedMemory(create=True): O_EXCL refuses a name already in use. */
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0)
        die("shm_open");
    /* A new segment is 0 bytes long: give it its size. */
    if (ftruncate(fd, (off_t)size) != 0) {
        shm_unlink(name); /* do not leave a half-made name behind */
        die("ftruncate");
    }
    struct numbers *seg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED) {
        shm_unlink(name);
        die("mmap");
    }
    if (close(fd) != 0) /* the mapping keeps the memory; the fd is done */
        die("close");
    return seg;
#else
    /* TODO 1: this stub maps ANONYMOUS memory: a forked child would share
     * it, but the reader is a fresh program (exec) that has only the name,
     * and no file of that name exists. Create it for real:
     *   shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600)  -> a descriptor,
     *   ftruncate(fd, size)   (a new segment is 0 bytes long),
     *   mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
     *   close(fd)             (the mapping stays).
     * Check each call; if one after shm_open fails, shm_unlink the name
     * before die(). */
    (void)name;
    void *anonymous = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (anonymous == MAP_FAILED)
        die("mmap");
    return anonymous;
#endif
}

/*
 * In the reader: open the existing segment `name`, map all of it, and put
 * its size in *size. Returns NULL with errno set if it cannot (the caller
 * reports it).
 */
static struct numbers *segment_open(const char *name, size_t *size)
{
#ifdef SOLUTION
    int fd = shm_open(name, O_RDWR, 0); /* SharedMemory(name=...) */
    if (fd < 0)
        return NULL;
    struct stat st; /* the creator chose the size: ask the kernel */
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return NULL;
    }
    *size = (size_t)st.st_size;
    struct numbers *seg = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return seg == MAP_FAILED ? NULL : seg;
#else
    /* TODO 2: open the segment by name (shm_open, O_RDWR, no O_CREAT),
     * learn its size with fstat() (st_size), map that many bytes shared,
     * close the descriptor, set *size and return the mapping. On failure
     * return NULL with errno set (close the descriptor first, keeping
     * errno). This stub finds nothing. */
    (void)name;
    (void)size;
    errno = ENOENT;
    return NULL;
#endif
}

/* Remove the name: the memory goes once nobody maps it any more. */
static void segment_remove(const char *name)
{
#ifdef SOLUTION
    /* SharedMemory.unlink(). munmap alone (close()) would leave the name
     * and its memory in /dev/shm until reboot. */
    if (shm_unlink(name) != 0)
        warn_errno("shm_unlink");
#else
    /* TODO 3: remove the name (shm_unlink; on failure warn_errno, do not
     * die: this runs on the way out). This stub leaves it behind. */
    (void)name;
#endif
}

/* Ctrl-C or kill arrived (interrupt.h's handler only set a flag): clean
 * up, then die of that same signal. */
static _Noreturn void die_of_signal(const char *name, struct numbers *seg, size_t size)
{
    char signame[32];
    signal_name(interrupt_signal(), signame, sizeof signame);
    printf("[parent %ld] %s: cleaning up, then dying of it\n", (long)getpid(), signame);
    fflush(stdout);
    munmap(seg, size);
#ifdef SOLUTION
    segment_remove(name); /* the name would outlive us otherwise */
#else
    /* TODO 4: the process is about to die, but the name would stay in
     * /dev/shm forever (check with ls /dev/shm after Ctrl-C). Remove it
     * here, before dying. */
    (void)name;
#endif
    interrupt_exit();
}

/* ----------------------------------------------------- the program */

/* The re-executed reader: knows the name, nothing else. */
static int run_reader(const char *name)
{
    size_t size = 0;
    struct numbers *seg = segment_open(name, &size);
    if (seg == NULL) {
        fprintf(stderr, "%s: reader: cannot open %s: %s\n", report_program(), name,
                strerror(errno));
        return 1;
    }
    if (size < sizeof *seg || (size - sizeof *seg) / sizeof seg->value[0] < (size_t)seg->count)
        die_msg("reader: %s is %zu bytes, too small", name, size);
    long sum = 0;
    for (long i = 0; i < seg->count; i++)
        sum += seg->value[i];
    printf("[reader %ld] opened %s by name: %zu bytes, %ld numbers, sum %ld\n", (long)getpid(),
           name, size, seg->count, sum);
    seg->answer = sum;
    seg->reader_pid = (long)getpid();
    if (munmap(seg, size) != 0)
        die("munmap");
    return 0;
}

/* Sleep `ms`, in slices, so that a signal stops the wait soon. */
static void hold(long long ms)
{
    double end = timing_now() + (double)ms / 1000;
    while (!interrupt_requested() && timing_now() < end) {
        struct timespec slice = {.tv_sec = 0, .tv_nsec = 20L * 1000000};
        if (nanosleep(&slice, NULL) != 0 && errno != EINTR)
            die("nanosleep");
    }
}

static void usage(void)
{
    printf("Usage: %s [-n N] [--hold-ms MS]\n"
           "Exercise 07.3: named shared memory, opened by an unrelated "
           "process, always removed.\n\n"
           "  -n N            numbers in the segment (default 1000, max 1M)\n"
           "      --hold-ms MS keep the segment MS ms before the reader "
           "starts (default 0)\n"
           "  -h, --help      this text\n",
           report_program());
}

int main(int argc, char **argv)
{
    report_set_program(argv[0]);
    long long n = 1000, hold_ms = 0;
    const char *reader = NULL;
    enum { OPT_HOLD_MS = 256, OPT_READER };
    static const struct option longopts[] = {
        {"hold-ms", required_argument, NULL, OPT_HOLD_MS},
        {"reader", required_argument, NULL, OPT_READER}, /* hidden */
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported on one line, below */
    int opt;
    while ((opt = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n': n = cli_parse_count("-n", optarg, 1, 1000000); break;
        case OPT_HOLD_MS: hold_ms = cli_parse_int("--hold-ms", optarg, 0, 600000); break;
        case OPT_READER: reader = optarg; break;
        case 'h': usage(); return 0;
        case ':': usage_error("%s: missing value", argv[optind - 1]);
        default:
            if (optopt != 0)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (reader != NULL)
        return run_reader(reader);

    long parent = (long)getpid();
    char name[64];
    /* the pid keeps two runs at the same time apart */
    snprintf(name, sizeof name, "/forklore-ex073-%ld", parent);
    size_t size = sizeof(struct numbers) + (size_t)n * sizeof(long);
    interrupt_install(); /* Ctrl-C, kill: a flag; we clean up ourselves */
    struct numbers *seg = segment_create(name, size);
    char path[96];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    printf("[parent %ld] created %s, %zu bytes; %s %s\n", parent, name, size, path,
           access(path, F_OK) == 0 ? "exists" : "does NOT exist");
    seg->count = (long)n;
    for (long i = 0; i < (long)n; i++)
        seg->value[i] = i + 1;
    printf("[parent %ld] wrote the numbers 1..%lld\n", parent, n);
    if (hold_ms > 0) {
        printf("[parent %ld] holding it for %lld ms (look: ls /dev/shm)\n", parent, hold_ms);
        fflush(stdout);
        hold(hold_ms);
    }
    if (interrupt_requested())
        die_of_signal(name, seg, size);

    /* An unrelated process: exec this program afresh, so that the reader
     * inherits no mapping and finds the segment by its name alone. */
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    self[len] = '\0';
    fflush(stdout); /* or the child would print our buffer again */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        execl(self, self, "--reader", name, (char *)NULL);
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
            die_of_signal(name, seg, size);
        }
    }
    if (interrupt_requested())
        die_of_signal(name, seg, size);
    char text[64];
    long expected = (long)(n * (n + 1) / 2);
    bool ok = wait_exitcode(status) == 0 && seg->answer == expected && seg->reader_pid == (long)pid;
    printf("[parent %ld] reader (pid %ld) %s; its answer in the segment: %ld "
           "(1 + ... + %lld = %ld: %s)\n",
           parent, (long)pid, wait_describe(status, text, sizeof text), seg->answer, n, expected,
           ok ? "right" : "WRONG");
    if (munmap(seg, size) != 0)
        die("munmap");
    segment_remove(name);
    bool gone = access(path, F_OK) != 0;
    printf("[parent %ld] removed the name: %s %s\n", parent, path,
           gone ? "is gone" : "is STILL THERE");
    return ok && gone ? 0 : 1;
}
