/* SPDX-License-Identifier: MIT */
/*
 * queue_test.c - unit tests of common/queue: one case per bats test.
 * Usage: queue_test CASE   (no argument: list the cases)
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "interrupt.h"
#include "queue.h"
#include "queue_hook.h"
#include "timing.h"

static struct queue *make_queue(size_t capacity, size_t max_message)
{
    struct queue *q = queue_create(capacity, max_message);
    CHECK(q != NULL);
    return q;
}

static pid_t start_child(void (*body)(struct queue *, long), struct queue *q, long arg)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        body(q, arg);
        _exit(0);
    }
    return pid;
}

/* Bounds that only prove that nothing hung: generous, because on a busy
 * machine (make test under nice -n 19 beside two busy loops) a test runs at
 * a few per cent of a CPU. */
#define NO_HANG 10.0

/* ---- events: a child tells the parent where it is, through a pipe
 *
 * Waiting for an event, not for a fixed sleep: a child announces, from
 * inside the queue (queue_hook.h), that it is asleep or that it has reached
 * the point where the test kills it, and then waits there to be killed. */

enum { ASLEEP = 's', AT_KILL_POINT = 'k' };

struct event {
    char what;
    pid_t pid;
};

struct hook_setup {
    int fd;                   /* the write end of the events pipe */
    enum queue_point kill_at; /* where the first child to get there stops */
    atomic_int *fired;        /* shared: only one child stops there */
    bool told_asleep;         /* ASLEEP is announced once per process */
};

static struct hook_setup hook_setup = {.fd = -1};
static int events_read_fd = -1;

static void tell(char what)
{
    struct event e;
    memset(&e, 0, sizeof e); /* the padding too: all of it goes down the pipe */
    e.what = what;
    e.pid = getpid();
    if (write(hook_setup.fd, &e, sizeof e) != (ssize_t)sizeof e)
        _exit(5);
}

static void announcing_hook(enum queue_point point)
{
    if (point == QUEUE_ASLEEP && !hook_setup.told_asleep) {
        hook_setup.told_asleep = true;
        tell(ASLEEP);
    }
    if (point == hook_setup.kill_at && atomic_exchange(hook_setup.fired, 1) == 0) {
        tell(AT_KILL_POINT);
        for (;;)
            pause(); /* here, at this exact point, until SIGKILL */
    }
}

/* Children started after this announce themselves; kill_at is where the
 * first of them to get there stops (QUEUE_ASLEEP: none stops). */
static void expect_events(enum queue_point kill_at)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    if (hook_setup.fired == NULL) {
        hook_setup.fired = mmap(NULL, sizeof(atomic_int), PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        CHECK(hook_setup.fired != MAP_FAILED);
    }
    atomic_store(hook_setup.fired, 0);
    if (hook_setup.fd >= 0) {
        close(hook_setup.fd);
        close(events_read_fd);
    }
    hook_setup.fd = fds[1];
    hook_setup.kill_at = kill_at;
    events_read_fd = fds[0];
}

/* start_child, with the announcing hook set in the child. */
static pid_t start_announcing_child(void (*body)(struct queue *, long), struct queue *q, long arg)
{
    pid_t pid = check_fork();
    if (pid == 0) {
        close(events_read_fd);
        queue_test_hook = announcing_hook;
        body(q, arg);
        _exit(0);
    }
    return pid;
}

/* The next event, waited for up to a generous bound (a hang fails). */
static struct event next_event(char what)
{
    struct pollfd p = {.fd = events_read_fd, .events = POLLIN};
    int ready = poll(&p, 1, (int)(30000 * check_time_scale()));
    CHECK(ready == 1);
    struct event e;
    CHECK_EQ(read(events_read_fd, &e, sizeof e), sizeof e);
    CHECK_EQ(e.what, what);
    return e;
}

/* The child's status once it exits, or -1 if it is still running after
 * `seconds` (then it is killed and reaped): a bounded wait for the event. */
static int exit_within(pid_t pid, double seconds)
{
    double deadline = timing_now() + seconds * check_time_scale();
    int status;
    while (timing_now() < deadline) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        CHECK(got >= 0);
        if (got == pid)
            return status;
        timing_sleep(0.005);
    }
    kill(pid, SIGKILL);
    check_reap(pid);
    return -1;
}

/* Children started after this announce when they are asleep; none stops. */
static void expect_sleepers(void)
{
    expect_events(QUEUE_ASLEEP);
    atomic_store(hook_setup.fired, 1);
}

static bool exited_zero(int status)
{
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void fifo_in_one_process(void)
{
    struct queue *q = make_queue(1000, sizeof(long));
    CHECK(queue_empty(q));
    for (long i = 0; i < 1000; i++)
        CHECK_EQ(queue_put(q, &i, sizeof i, 0), 0);
    CHECK(queue_full(q));
    CHECK_EQ(queue_size(q), 1000);
    for (long i = 0; i < 1000; i++) {
        long got = -1;
        CHECK_EQ(queue_get(q, &got, sizeof got, 0), sizeof got);
        CHECK_EQ(got, i);
    }
    CHECK(queue_empty(q));
    queue_destroy(q);
}

static void variable_sizes(void)
{
    struct queue *q = make_queue(8, 300);
    unsigned char msg[300], got[300];
    for (size_t round = 0; round < 50; round++) {
        size_t size = 1 + (round * 37) % 300;
        for (size_t i = 0; i < size; i++)
            msg[i] = (unsigned char)(i ^ round);
        CHECK_EQ(queue_put(q, msg, size, 0), 0);
        CHECK_EQ(queue_get(q, got, sizeof got, 0), (long long)size);
        CHECK(memcmp(msg, got, size) == 0);
    }
    /* zero-length messages are messages too */
    CHECK_EQ(queue_put(q, msg, 0, 0), 0);
    CHECK_EQ(queue_get(q, got, sizeof got, 0), 0);
    queue_destroy(q);
}

static void message_size_limits(void)
{
    struct queue *q = make_queue(4, 16);
    char big[17] = "0123456789abcdef", small[4];
    errno = 0;
    CHECK_EQ(queue_put(q, big, 17, 0), -1);
    CHECK_EQ(errno, EMSGSIZE);
    CHECK_EQ(queue_put(q, big, 16, 0), 0);
    CHECK_EQ(queue_get(q, small, sizeof small, 0), -1);
    CHECK_EQ(errno, EMSGSIZE);
    CHECK_EQ(queue_size(q), 1); /* the message stayed */
    CHECK_EQ(queue_get(q, big, sizeof big, 0), 16);
    errno = 0;
    CHECK(queue_create(0, 8) == NULL);
    CHECK_EQ(errno, EINVAL);
    CHECK(queue_create(8, 0) == NULL);
    queue_destroy(q);
}

/* How many mappings this process has: a refused create must leave none. */
static int mapping_count(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f != NULL);
    int lines = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        lines += c == '\n';
    fclose(f);
    return lines;
}

/* capacity x slot size, and every other size, is checked before use: one
 * that cannot be computed or mapped is refused (EINVAL or ENOMEM) and
 * nothing is left behind. */
static void sizes_that_overflow_are_refused(void)
{
    const size_t huge[][2] = {
        {(size_t)1 << 60, 1},
        {SIZE_MAX, 1},
        {1, SIZE_MAX},
        {1, SIZE_MAX - 8},
        {2, SIZE_MAX / 2},
        {SIZE_MAX / 2, 2},
        {(size_t)1 << 32, (size_t)1 << 32},
        {3, SIZE_MAX / 3},
        {SIZE_MAX / 16, 8},
    };
    int before = mapping_count();
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        errno = 0;
        struct queue *q = queue_create(huge[i][0], huge[i][1]);
        if (q != NULL)
            fprintf(stderr, "queue_create(%zu, %zu) was accepted\n", huge[i][0], huge[i][1]);
        CHECK(q == NULL);
        CHECK(errno == EINVAL || errno == ENOMEM);
    }
    CHECK_EQ(mapping_count(), before);
    struct queue *q = make_queue(2, 8);
    long x = 1;
    CHECK_EQ(queue_put(q, &x, SIZE_MAX, 0), -1); /* larger than a slot */
    CHECK_EQ(errno, EMSGSIZE);
    CHECK_EQ(queue_put(q, &x, sizeof x, 0), 0);
    CHECK_EQ(queue_get(q, &x, SIZE_MAX, 0), sizeof x); /* any buffer size */
    queue_destroy(q);
}

static void timeouts(void)
{
    struct queue *q = make_queue(2, 8);
    long x = 1;
    double t0 = timing_now();
    CHECK_EQ(queue_get(q, &x, sizeof x, 0.2), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    double waited = timing_now() - t0;
    CHECK(waited >= 0.19);
    CHECK_FASTER_THAN(waited, NO_HANG);
    CHECK_EQ(queue_put(q, &x, sizeof x, 0), 0);
    CHECK_EQ(queue_put(q, &x, sizeof x, 0), 0);
    t0 = timing_now();
    CHECK_EQ(queue_put(q, &x, sizeof x, 0.2), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    waited = timing_now() - t0;
    CHECK(waited >= 0.19);
    CHECK_FASTER_THAN(waited, NO_HANG);
    CHECK_EQ(queue_put(q, &x, sizeof x, 0), -1); /* 0: only try */
    CHECK_EQ(errno, ETIMEDOUT);
    queue_destroy(q);
}

/* A case that may hang before its fix fails after `seconds` instead. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "check failed: still waiting when the case's alarm rang (a hang)\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
    }
    _exit(1);
}

static void fail_after(unsigned seconds)
{
    signal(SIGALRM, on_alarm);
    alarm(seconds * (unsigned)check_time_scale());
}

/* Only QUEUE_FOREVER waits forever: any other negative timeout has run out
 * already, as in Python (SemLock.acquire makes a negative timeout 0). */
static void negative_timeouts_do_not_wait(void)
{
    fail_after(10);
    struct queue *q = make_queue(1, sizeof(long));
    const double expired[] = {-0.5, -2.0, -1.0000001, -0.9999999, -1e300, -INFINITY, NAN};
    long x = 5;
    for (size_t i = 0; i < sizeof expired / sizeof expired[0]; i++) {
        double t0 = timing_now();
        errno = 0;
        CHECK_EQ(queue_get(q, &x, sizeof x, expired[i]), -1); /* empty */
        CHECK_EQ(errno, ETIMEDOUT);
        CHECK_EQ(queue_put(q, &x, sizeof x, expired[i]), 0);  /* room: no wait */
        CHECK_EQ(queue_put(q, &x, sizeof x, expired[i]), -1); /* full */
        CHECK_EQ(errno, ETIMEDOUT);
        CHECK_EQ(queue_get(q, &x, sizeof x, expired[i]), sizeof x); /* an item: no wait */
        CHECK_FASTER_THAN(timing_now() - t0, NO_HANG);
    }
    queue_destroy(q);
}

static void close_drains_then_ends(void)
{
    struct queue *q = make_queue(8, sizeof(long));
    for (long i = 0; i < 3; i++)
        CHECK_EQ(queue_put(q, &i, sizeof i, 0), 0);
    queue_close(q);
    queue_close(q); /* twice is fine */
    long x = 9;
    CHECK_EQ(queue_put(q, &x, sizeof x, 0), -1);
    CHECK_EQ(errno, EPIPE);
    for (long i = 0; i < 3; i++) {
        CHECK_EQ(queue_get(q, &x, sizeof x, QUEUE_FOREVER), sizeof x);
        CHECK_EQ(x, i);
    }
    CHECK_EQ(queue_get(q, &x, sizeof x, QUEUE_FOREVER), -1);
    CHECK_EQ(errno, EPIPE);
    queue_destroy(q);
}

static void wait_for_end(struct queue *q, long arg)
{
    (void)arg;
    long x;
    ssize_t n = queue_get(q, &x, sizeof x, QUEUE_FOREVER);
    _exit(n == -1 && errno == EPIPE ? 0 : 1);
}

static void close_wakes_sleepers(void)
{
    struct queue *q = make_queue(8, sizeof(long));
    pid_t kids[4];
    expect_sleepers();
    for (int i = 0; i < 4; i++)
        kids[i] = start_announcing_child(wait_for_end, q, 0);
    for (int i = 0; i < 4; i++)
        next_event(ASLEEP); /* all four sleep in queue_get */
    queue_close(q);
    for (int i = 0; i < 4; i++)
        CHECK(exited_zero(exit_within(kids[i], NO_HANG)));
    queue_destroy(q);
}

/* ---- many producers and consumers */

enum { PRODUCERS = 4, CONSUMERS = 4, PER_PRODUCER = 20000 };

struct item {
    int producer;
    int sequence;
};

static void produce(struct queue *q, long producer)
{
    for (int i = 0; i < PER_PRODUCER; i++) {
        struct item it = {.producer = (int)producer, .sequence = i};
        if (queue_put(q, &it, sizeof it, QUEUE_FOREVER) != 0)
            _exit(1);
    }
}

/* Each consumer checks per-producer FIFO order and reports its counts
 * through a second queue. */
static struct queue *tallies;

static void consume(struct queue *q, long consumer)
{
    long counts[PRODUCERS] = {0};
    int last[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++)
        last[p] = -1;
    struct item it;
    while (queue_get(q, &it, sizeof it, QUEUE_FOREVER) == sizeof it) {
        if (it.sequence <= last[it.producer])
            _exit(2); /* order broken */
        last[it.producer] = it.sequence;
        counts[it.producer]++;
    }
    if (errno != EPIPE)
        _exit(3);
    (void)consumer;
    if (queue_put(tallies, counts, sizeof counts, QUEUE_FOREVER) != 0)
        _exit(4);
}

static void many_producers_many_consumers(void)
{
    struct queue *q = make_queue(64, sizeof(struct item));
    tallies = make_queue(CONSUMERS, PRODUCERS * sizeof(long));
    pid_t producers[PRODUCERS], consumers[CONSUMERS];
    for (int c = 0; c < CONSUMERS; c++)
        consumers[c] = start_child(consume, q, c);
    for (int p = 0; p < PRODUCERS; p++)
        producers[p] = start_child(produce, q, p);
    for (int p = 0; p < PRODUCERS; p++) {
        int status = check_reap(producers[p]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    queue_close(q); /* every item is in: consumers drain, then end */
    long total[PRODUCERS] = {0};
    for (int c = 0; c < CONSUMERS; c++) {
        long counts[PRODUCERS];
        CHECK_EQ(queue_get(tallies, counts, sizeof counts, 6 * NO_HANG), sizeof counts);
        for (int p = 0; p < PRODUCERS; p++)
            total[p] += counts[p];
    }
    for (int c = 0; c < CONSUMERS; c++) {
        int status = check_reap(consumers[c]);
        CHECK(WIFEXITED(status));
        CHECK_EQ(WEXITSTATUS(status), 0);
    }
    for (int p = 0; p < PRODUCERS; p++)
        CHECK_EQ(total[p], PER_PRODUCER);
    queue_destroy(tallies);
    queue_destroy(q);
}

/* One producer, one consumer, a ring of 2: the two sides keep catching
 * each other empty or full, the shape that exposes a lost wake-up (a
 * sleeper nobody rings). A waiter looks again after each 50 ms nap, so a
 * lost ring no longer hangs: queue_hook.h's QUEUE_RESCUED counts every time
 * a nap, not a ring, found the item or the slot, in both processes. */
enum { PING_PONG_ITEMS = 200000 };

static atomic_int *rescues;

static void count_rescues(enum queue_point point)
{
    if (point == QUEUE_RESCUED)
        atomic_fetch_add(rescues, 1);
}

static void produce_sequence(struct queue *q, long arg)
{
    (void)arg;
    queue_test_hook = count_rescues;
    for (long i = 0; i < PING_PONG_ITEMS; i++)
        if (queue_put(q, &i, sizeof i, QUEUE_FOREVER) != 0)
            _exit(1);
}

static void no_lost_wakeups(void)
{
    struct queue *q = make_queue(2, sizeof(long));
    rescues =
        mmap(NULL, sizeof *rescues, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(rescues != MAP_FAILED);
    pid_t producer = start_child(produce_sequence, q, 0);
    queue_test_hook = count_rescues;
    for (long i = 0; i < PING_PONG_ITEMS; i++) {
        long got = -1;
        CHECK_EQ(queue_get(q, &got, sizeof got, NO_HANG), sizeof got);
        CHECK_EQ(got, i);
    }
    int status = check_reap(producer);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    queue_test_hook = NULL;
    CHECK_EQ(atomic_load(rescues), 0); /* every wake-up came from a ring */
    queue_destroy(q);
}

/* ---- a waiter never sleeps beside an item it could take
 *
 * Two consumers (or producers) sleep in a wait forever; one item (or one
 * free slot) arrives, its doorbell rings once; the process that took the
 * ring is SIGKILLed right after waking, or while it holds the lock in the
 * middle of the copy. The other one must still get the item (the slot). */

enum { COPY_SIZE = 1 << 20 };

static void get_one(struct queue *q, long arg)
{
    (void)arg;
    unsigned char *buf = malloc(COPY_SIZE);
    if (buf == NULL)
        _exit(1);
    ssize_t n = queue_get(q, buf, COPY_SIZE, QUEUE_FOREVER);
    bool got_42 = n == COPY_SIZE && buf[0] == 42 && buf[COPY_SIZE - 1] == 42;
    free(buf);
    _exit(got_42 ? 0 : 1);
}

static void put_one(struct queue *q, long value)
{
    unsigned char *buf = malloc(COPY_SIZE);
    if (buf == NULL)
        _exit(1);
    memset(buf, (int)value, COPY_SIZE);
    int rc = queue_put(q, buf, COPY_SIZE, QUEUE_FOREVER);
    free(buf);
    _exit(rc == 0 ? 0 : 1);
}

/* Starts two sleepers, lets `release` free what they wait for, kills the
 * one that stops at kill_at; returns the survivor's pid. */
static pid_t kill_the_woken_one(struct queue *q, void (*sleeper)(struct queue *, long),
                                enum queue_point kill_at, void (*release)(struct queue *))
{
    expect_events(kill_at);
    pid_t kids[2];
    for (int i = 0; i < 2; i++)
        kids[i] = start_announcing_child(sleeper, q, 7 + i);
    for (int i = 0; i < 2; i++)
        next_event(ASLEEP); /* both are counted as waiters now */
    release(q);
    pid_t victim = next_event(AT_KILL_POINT).pid;
    CHECK(victim == kids[0] || victim == kids[1]);
    CHECK(kill(victim, SIGKILL) == 0);
    int status = check_reap(victim);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    return victim == kids[0] ? kids[1] : kids[0];
}

static void put_an_item(struct queue *q)
{
    unsigned char *buf = malloc(COPY_SIZE);
    CHECK(buf != NULL);
    memset(buf, 42, COPY_SIZE);
    CHECK_EQ(queue_put(q, buf, COPY_SIZE, 0), 0);
    free(buf);
}

static void take_an_item(struct queue *q)
{
    unsigned char *buf = malloc(COPY_SIZE);
    CHECK(buf != NULL);
    CHECK_EQ(queue_get(q, buf, COPY_SIZE, 0), COPY_SIZE);
    CHECK_EQ(buf[0], 1); /* the item put before the producers started */
    free(buf);
}

/* The parent does not touch the queue until the survivor is done: a lock
 * it took would recover the queue and ring for the survivor. */
static void consumer_killed(enum queue_point kill_at)
{
    struct queue *q = make_queue(1, COPY_SIZE);
    pid_t survivor = kill_the_woken_one(q, get_one, kill_at, put_an_item);
    CHECK(exited_zero(exit_within(survivor, NO_HANG))); /* it got the item */
    CHECK(queue_empty(q));
    queue_destroy(q);
}

static void producer_killed(enum queue_point kill_at)
{
    struct queue *q = make_queue(1, COPY_SIZE);
    unsigned char *buf = malloc(COPY_SIZE);
    CHECK(buf != NULL);
    memset(buf, 1, COPY_SIZE);
    CHECK_EQ(queue_put(q, buf, COPY_SIZE, 0), 0); /* full */
    pid_t survivor = kill_the_woken_one(q, put_one, kill_at, take_an_item);
    CHECK(exited_zero(exit_within(survivor, NO_HANG))); /* it put its item */
    CHECK_EQ(queue_get(q, buf, COPY_SIZE, 0), COPY_SIZE);
    CHECK(buf[0] == 7 || buf[0] == 8);
    free(buf);
    queue_destroy(q);
}

static void consumer_killed_after_wakeup(void)
{
    consumer_killed(QUEUE_WOKEN);
}

static void consumer_killed_mid_copy(void)
{
    consumer_killed(QUEUE_COPYING_OUT);
}

static void producer_killed_after_wakeup(void)
{
    producer_killed(QUEUE_WOKEN);
}

static void producer_killed_mid_copy(void)
{
    producer_killed(QUEUE_COPYING_IN);
}

/* ---- a put never waits for a get's lock, nor a get for a put's
 *
 * A getter stops mid-copy, holding the getters' lock: a producer still puts.
 * Then a putter stops mid-copy, holding the putters' lock: a consumer still
 * gets. With one lock for both, each would wait until the holder died. */
static void put_and_get_take_different_locks(void)
{
    struct queue *q = make_queue(4, COPY_SIZE);
    put_an_item(q); /* 42 */
    expect_events(QUEUE_COPYING_OUT);
    pid_t getter = start_announcing_child(get_one, q, 0);
    CHECK_EQ(next_event(AT_KILL_POINT).pid, getter); /* it holds the getters' lock */
    CHECK(exited_zero(exit_within(start_child(put_one, q, 9), NO_HANG)));
    CHECK(kill(getter, SIGKILL) == 0);
    check_reap(getter); /* its get never committed: 42 is still first */
    expect_events(QUEUE_COPYING_IN);
    pid_t putter = start_announcing_child(put_one, q, 5);
    CHECK_EQ(next_event(AT_KILL_POINT).pid, putter); /* it holds the putters' lock */
    CHECK(exited_zero(exit_within(start_child(get_one, q, 0), NO_HANG))); /* got 42 */
    CHECK(kill(putter, SIGKILL) == 0);
    check_reap(putter); /* its put never committed: only 9 is left */
    unsigned char *buf = malloc(COPY_SIZE);
    CHECK(buf != NULL);
    CHECK_EQ(queue_get(q, buf, COPY_SIZE, 0), COPY_SIZE);
    CHECK(buf[0] == 9 && buf[COPY_SIZE - 1] == 9);
    CHECK(queue_empty(q));
    CHECK_EQ(queue_recoveries(q), 2); /* each side's lock, taken over once */
    free(buf);
    queue_destroy(q);
}

/* ---- killed processes */

/* Each round a child puts a message and takes one back, and stops where
 * the round says, holding the lock: mid-put (even rounds) or mid-get (odd
 * rounds, after its put committed). It waits there until it is killed, so
 * every round kills a lock holder, and every next lock recovers the queue. */
enum { ROUNDS = 20, MESSAGE = 64 << 10 };

static void put_then_get(struct queue *q, long round)
{
    unsigned char *buf = malloc(MESSAGE);
    if (buf == NULL)
        _exit(1);
    memset(buf, (int)round, MESSAGE);
    if (queue_put(q, buf, MESSAGE, QUEUE_FOREVER) != 0)
        _exit(1);
    queue_get(q, buf, MESSAGE, QUEUE_FOREVER);
    _exit(1); /* never here: stopped in the put or the get */
}

static void killed_holding_the_lock(void)
{
    struct queue *q = make_queue(ROUNDS, MESSAGE);
    for (int round = 0; round < ROUNDS; round++) {
        expect_events(round % 2 == 0 ? QUEUE_COPYING_IN : QUEUE_COPYING_OUT);
        pid_t pid = start_announcing_child(put_then_get, q, round);
        CHECK_EQ(next_event(AT_KILL_POINT).pid, pid); /* it holds the lock */
        CHECK(kill(pid, SIGKILL) == 0);
        check_reap(pid);
    }
    /* Still works: what the victims committed is there, nothing else. */
    static unsigned char buf[MESSAGE];
    for (int round = 1; round < ROUNDS; round += 2) { /* odd rounds' puts */
        CHECK_EQ(queue_get(q, buf, sizeof buf, 0), MESSAGE);
        CHECK(buf[0] == round && buf[MESSAGE - 1] == round);
    }
    CHECK_EQ(queue_get(q, buf, sizeof buf, 0), -1);
    CHECK_EQ(errno, ETIMEDOUT);
    long x = 77, y = 0;
    CHECK_EQ(queue_put(q, &x, sizeof x, 1.0), 0);
    CHECK_EQ(queue_get(q, &y, sizeof y, 1.0), sizeof y);
    CHECK_EQ(y, 77);
    printf("recovered from %lu dead lock holders\n", queue_recoveries(q));
    CHECK_EQ(queue_recoveries(q), ROUNDS); /* every round killed a holder */
    queue_destroy(q);
}

static void wait_forever(struct queue *q, long arg)
{
    (void)arg;
    long x;
    queue_get(q, &x, sizeof x, QUEUE_FOREVER);
    _exit(queue_get(q, &x, sizeof x, QUEUE_FOREVER) == sizeof x ? 0 : 1);
}

static void killed_while_waiting(void)
{
    struct queue *q = make_queue(4, sizeof(long));
    expect_sleepers();
    for (int round = 0; round < 5; round++) {
        pid_t victim = start_announcing_child(wait_forever, q, 0);
        CHECK_EQ(next_event(ASLEEP).pid, victim); /* it sleeps in queue_get */
        CHECK(kill(victim, SIGKILL) == 0);
        check_reap(victim);
    }
    /* A live consumer still gets woken by a put. */
    pid_t consumer = start_announcing_child(wait_forever, q, 0);
    CHECK_EQ(next_event(ASLEEP).pid, consumer);
    long x = 1;
    CHECK_EQ(queue_put(q, &x, sizeof x, 1.0), 0);
    CHECK_EQ(queue_put(q, &x, sizeof x, 1.0), 0);
    CHECK(exited_zero(exit_within(consumer, NO_HANG)));
    queue_destroy(q);
}

/* Ctrl-C handled before the wait began (the signal interrupts no sem_wait,
 * and whoever would ring may have died of it): waiting forever still ends,
 * with EINTR, because the queue looks at interrupt.h's flag. */
static void interrupt_before_the_wait(void)
{
    interrupt_install();
    CHECK_EQ(raise(SIGTERM), 0); /* handled now: only the flag is set */
    CHECK(interrupt_requested());
    struct queue *q = queue_create(1, sizeof(long));
    CHECK(q != NULL);
    long x = 1;
    double t0 = timing_now();
    CHECK_EQ(queue_get(q, &x, sizeof x, QUEUE_FOREVER), -1); /* empty, nobody puts */
    CHECK_EQ(errno, EINTR);
    CHECK_EQ(queue_put(q, &x, sizeof x, QUEUE_FOREVER), 0);  /* room: no wait */
    CHECK_EQ(queue_put(q, &x, sizeof x, QUEUE_FOREVER), -1); /* full, nobody gets */
    CHECK_EQ(errno, EINTR);
    CHECK_FASTER_THAN(timing_now() - t0, NO_HANG);
    queue_destroy(q);
}

CHECK_MAIN({"fifo_in_one_process", fifo_in_one_process}, {"variable_sizes", variable_sizes},
           {"message_size_limits", message_size_limits},
           {"sizes_that_overflow_are_refused", sizes_that_overflow_are_refused},
           {"timeouts", timeouts}, {"negative_timeouts_do_not_wait", negative_timeouts_do_not_wait},
           {"close_drains_then_ends", close_drains_then_ends},
           {"close_wakes_sleepers", close_wakes_sleepers},
           {"many_producers_many_consumers", many_producers_many_consumers},
           {"no_lost_wakeups", no_lost_wakeups},
           {"consumer_killed_after_wakeup", consumer_killed_after_wakeup},
           {"consumer_killed_mid_copy", consumer_killed_mid_copy},
           {"producer_killed_after_wakeup", producer_killed_after_wakeup},
           {"producer_killed_mid_copy", producer_killed_mid_copy},
           {"put_and_get_take_different_locks", put_and_get_take_different_locks},
           {"killed_holding_the_lock", killed_holding_the_lock},
           {"killed_while_waiting", killed_while_waiting},
           {"interrupt_before_the_wait", interrupt_before_the_wait})
