#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Unit tests of the common/ library: each test runs one C test case.

setup() {
    load tests/helper
}

pool() { run bounded 60 "$TEST_BIN/pool_test" "$1" 3>&-; assert_success; }
queue() { run bounded 100 "$TEST_BIN/queue_test" "$1" 3>&-; assert_success; }
helpers() { run bounded 30 "$TEST_BIN/helpers_test" "$1" 3>&-; assert_success; }
tracker() { run bounded 60 "$TEST_BIN/shm_tracker_test" "$1" 3>&-; assert_success; }
imap() { run bounded 60 "$TEST_BIN/imap_test" "$1" 3>&-; assert_success; }
map_async() { run bounded 60 "$TEST_BIN/map_async_test" "$1" 3>&-; assert_success; }
joinable() { run bounded 60 "$TEST_BIN/joinable_test" "$1" 3>&-; assert_success; }
unbounded() { run bounded 60 "$TEST_BIN/unbounded_test" "$1" 3>&-; assert_success; }
sync() { run bounded 60 "$TEST_BIN/sync_test" "$1" 3>&-; assert_success; }
pipe_poll() { run bounded 30 "$TEST_BIN/pipe_poll_test" "$1" 3>&-; assert_success; }
manager() { run bounded 60 "$TEST_BIN/manager_test" "$1" 3>&-; assert_success; }

@test "pool: map of cube over 1..6 gives 1 8 27 64 125 216" { pool map_cube; }
@test "pool: map keeps input order when tasks finish in reverse" { pool map_keeps_order; }
@test "pool: map of 0, 1, fewer-than-workers items, chunk > input" { pool map_edge_sizes; }
@test "pool: map chunks cover every index exactly once" { pool map_chunks_cover_input; }
@test "pool: map of 3 million items, chunks larger than a socket buffer" { pool map_large; }
@test "pool: a large chunk failing midway fails the map; the pool's next maps are right" { pool map_large_fails_midway; }
@test "pool: a task's own error fails the map, naming the task" { pool map_task_error; }
@test "pool: worker SIGKILLed mid-task: reported, replaced, pool goes on" { pool worker_sigkill; }
@test "pool: worker segfault is reported as SIGSEGV" { pool worker_segfault; }
@test "pool: worker abort() is reported as SIGABRT" { pool worker_abort; }
@test "pool: worker _exit(3) is reported as exit code 3" { pool worker_exit3; }
@test "pool: a reused scoreboard names the dead worker's item, pool after pool" { pool scoreboard_reused; }
@test "pool: a worker killed from outside fails its task within 1 s" { pool worker_killed_from_outside; }
@test "pool: apply_async get with timeout, ready, wait, successful" { pool apply_async_get_timeout; }
@test "pool: callbacks run in the parent, once per task; errors to error_callback" { pool callbacks_in_parent; }
@test "pool: apply runs one at a time, apply_async overlaps" { pool apply_is_serial; }
@test "pool: initializer runs in every worker, never in the parent" { pool initializer_runs_in_each_worker; }
@test "pool: max_tasks_per_worker replaces workers" { pool max_tasks_replaces_workers; }
@test "pool: join needs close; a closed pool takes no tasks" { pool join_needs_close; }
@test "pool: terminate stops long tasks and reaps every worker" { pool terminate_reaps_everything; }
@test "pool: terminate SIGKILLs workers that ignore SIGTERM" { pool terminate_escalates_to_sigkill; }
@test "pool: absurd worker counts are refused" { pool too_many_workers; }
@test "pool: workers ignore SIGINT" { pool workers_ignore_sigint; }
@test "pool: a waiting call returns EINTR when a signal handler ran" { pool wait_interrupted_by_signal; }
@test "pool: with interrupt.h, SIGTERM during a wait returns EINTR at once" { pool interrupt_stops_waiting; }
@test "pool: a signal during a callback is not lost" { pool interrupt_during_callback; }
@test "pool: workers die with their parent (no orphans)" { pool workers_die_with_parent; }
@test "pool: an idle pool uses no CPU" { pool idle_pool_uses_no_cpu; }
@test "pool: callbacks may submit more tasks" { pool callback_submits_more; }
@test "pool: join returns after a failed map while a worker writes 1 MiB" { pool join_after_failed_map_with_big_result; }
@test "pool: a failed map returns with nothing of it still running" { pool failed_map_leaves_nothing_running; }
@test "pool: sizes that overflow are refused, nothing runs" { pool sizes_too_large_are_refused; }
@test "pool: negative timeouts other than POOL_FOREVER do not wait" { pool negative_timeouts_do_not_wait; }
@test "pool: an initializer failing in one slot: slot left empty, map goes on" { pool initializer_fails_in_one_slot; }
@test "pool: an initializer failing everywhere: every task fails, says why" { pool initializer_fails_everywhere; }

@test "pool: default chunksize is Python's rule, computed by Python itself" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run bounded 30 "$TEST_BIN/pool_test" default_chunksize
    assert_success
    local ours=$output
    run python3 -c '
import sys
for line in sys.stdin:
    items, workers, ours = map(int, line.split())
    # multiprocessing/pool.py, Pool._map_async:
    chunksize, extra = divmod(items, workers * 4)
    if extra:
        chunksize += 1
    if items == 0:
        chunksize = 0
    if chunksize != ours:
        print("items", items, "workers", workers, "python", chunksize, "ours", ours)
' <<<"$(printf '%s\n' "$ours" | grep -v '^ok:')"
    assert_success
    assert_output ""
}

@test "queue: FIFO in one process, size, empty, full" { queue fifo_in_one_process; }
@test "queue: variable-size messages come out intact" { queue variable_sizes; }
@test "queue: oversize put and undersize get fail with EMSGSIZE" { queue message_size_limits; }
@test "queue: sizes that overflow are refused (EINVAL/ENOMEM), nothing mapped" { queue sizes_that_overflow_are_refused; }
@test "queue: get and put time out" { queue timeouts; }
@test "queue: a negative timeout other than QUEUE_FOREVER does not wait" { queue negative_timeouts_do_not_wait; }
@test "queue: close lets consumers drain, then end" { queue close_drains_then_ends; }
@test "queue: close wakes every sleeping consumer" { queue close_wakes_sleepers; }
@test "queue: 4 producers, 4 consumers: FIFO per producer, every item once" { queue many_producers_many_consumers; }
@test "queue: 1 producer, 1 consumer, ring of 2: no lost wake-up" { queue no_lost_wakeups; }
@test "queue: consumer killed right after its wake-up: the other one gets the item" { queue consumer_killed_after_wakeup; }
@test "queue: consumer killed mid-copy holding the lock: the other one gets the item" { queue consumer_killed_mid_copy; }
@test "queue: producer killed right after its wake-up: the other one puts" { queue producer_killed_after_wakeup; }
@test "queue: producer killed mid-copy holding the lock: the other one puts" { queue producer_killed_mid_copy; }
@test "queue: a process killed holding the lock does not wedge the queue" { queue killed_holding_the_lock; }
@test "queue: a process killed while waiting does not wedge the queue" { queue killed_while_waiting; }
@test "queue: Ctrl-C handled just before a wait forever: EINTR, not a hang" { queue interrupt_before_the_wait; }

@test "shm_tracker: a SIGKILLed owner's named segment is unlinked" { tracker owner_sigkilled_leaves_nothing; }
@test "shm_tracker: unregistered names are left alone, registered ones unlinked" { tracker unregistered_names_are_kept; }
@test "shm_tracker: a name longer than NAME_MAX is refused" { tracker overlong_names_are_refused; }

@test "rng: same seed, same numbers" { helpers rng_repeats_with_seed; }
@test "rng: stream k is k jumps away, streams differ" { helpers rng_streams_differ; }
@test "rng: uniform numbers are uniform" { helpers rng_uniform_is_uniform; }
@test "waitstatus: exit codes and signals described like Python" { helpers describe_statuses; }
@test "cpus: online >= usable >= pool default >= 1" { helpers cpu_counts; }
@test "cpus: taskset -c 0 leaves one usable CPU" {
    command -v taskset >/dev/null || skip "taskset is not installed"
    run bounded 10 taskset -c 0 "$TEST_BIN/helpers_test" cpu_counts
    assert_success
    assert_output --partial "usable 1 "
}
@test "cpus: cgroup v2: the tightest quota from the own cgroup up to the root" { helpers cgroup_v2_tightest_on_the_way_up; }
@test "cpus: cgroup v1 (cpu,cpuacct): the tightest quota on the way up" { helpers cgroup_v1_tightest_on_the_way_up; }
@test "cpus: an own cgroup not mounted in a container: the folders that are" { helpers cgroup_path_not_mounted; }
@test "timing: sleep and spin take the time asked" { helpers clock_moves; }

@test "cli: good numbers are accepted" {
    run "$TEST_BIN/helpers_test" parse int 42
    assert_success; assert_output 42
    run "$TEST_BIN/helpers_test" parse count 250K
    assert_success; assert_output 250000
    run "$TEST_BIN/helpers_test" parse count 1e9
    assert_success; assert_output 1000000000
    run "$TEST_BIN/helpers_test" parse count 2.05M
    assert_success; assert_output 2050000
    run "$TEST_BIN/helpers_test" parse count 0.1K
    assert_success; assert_output 100
    run "$TEST_BIN/helpers_test" parse real 0.25
    assert_success; assert_output 0.25
}

@test "cli: bad numbers: one line on stderr naming the option, exit 2" {
    for bad in 0 -1 abc 99999999999999999999 '' 12abc ' 5' 1.5; do
        run --separate-stderr "$TEST_BIN/helpers_test" parse int "$bad"
        assert_equal "$status" 2
        assert_equal "$output" ""
        assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 1
        assert_regex "$stderr" "^helpers_test: invalid value '.*' for -n: .*\(try 'helpers_test --help'\)$"
    done
    for bad in 1.5 1.0005K abc 1e30 -5 0 12x 0x10 inf; do
        run --separate-stderr "$TEST_BIN/helpers_test" parse count "$bad"
        assert_equal "$status" 2
        assert_regex "$stderr" "^helpers_test: invalid value '$bad' for -n: "
    done
    for bad in 1 -0.1 nan x 1.0e400 0x0.1; do
        run --separate-stderr "$TEST_BIN/helpers_test" parse real "$bad"
        assert_equal "$status" 2
        assert_regex "$stderr" "^helpers_test: invalid value '$bad' for --fraction: "
    done
    run --separate-stderr "$TEST_BIN/helpers_test" parse int 0x10
    assert_regex "$stderr" "^helpers_test: invalid value '0x10' for -n: not a decimal number "
}

@test "imap: results in input order, chunksize 1 and 7" { imap imap_in_order; }
@test "imap_unordered: every item once, in completion order" { imap imap_unordered_completion_order; }
@test "imap: next(timeout) times out, then still gets the item" { imap imap_next_timeout; }
@test "imap: a worker killed mid-imap fails that item, the iterator goes on" { imap imap_worker_killed; }
@test "imap: a failing producer is reported once at its index, then the end" { imap imap_producer_error; }
@test "imap: early break, close, join: nothing left running, input read no further" { imap imap_early_break; }
@test "imap: an iterator made before pool_close is read to its end" { imap imap_after_pool_close; }
@test "imap: over an array; an empty input ends at once" { imap imap_array_and_empty; }
@test "imap: 10 million generated items, parent's peak RSS grows < 4 MiB" {
    imap imap_ten_million_bounded_memory
    # Under valgrind or the sanitizers (FORKLORE_TIME_SCALE > 1) memory is theirs:
    # the test runs 100000 items and checks no RSS bound (imap_test.c).
    local n=10000000
    [ "${FORKLORE_TIME_SCALE:-1}" -le 1 ] || n=100000
    assert_output --partial "$n items"
}

@test "map_async: starmap_async's callback runs once, in the parent, with every result" { map_async starmap_async_callback; }
@test "map_async: a failing task: error_callback once, callback never, get says ECANCELED" { map_async map_async_error_callback; }
@test "map_async: get(timeout) and wait(timeout) time out while it runs, then succeed" { map_async map_async_timeouts; }
@test "map_async: an empty map is ready at once and calls no callback (as Python)" { map_async map_async_empty; }

@test "joinable: join waits for task_done, not for get; task_done too often is EINVAL" { joinable joinable_in_one_process; }
@test "joinable: three consumers, 300 items: join returns once all are done" { joinable joinable_join_waits_for_consumers; }
@test "joinable: a slow consumer alive with its item is waited for, not counted lost" { joinable joinable_slow_holder_is_not_lost; }
@test "joinable: a consumer SIGKILLed between get and task_done: join says EOWNERDEAD, 1 lost, names it" { joinable joinable_consumer_killed; }

@test "pipe_poll: an empty pipe: 0 at once for 0, negative, NaN; 0 after a 0.15 s timeout" { pipe_poll pipe_poll_empty_times_out; }
@test "pipe_poll: data there: 1, as often as asked, nothing read" { pipe_poll pipe_poll_sees_data_without_reading; }
@test "pipe_poll: end of file (pipe and socket pair): 1, then read returns 0" { pipe_poll pipe_poll_end_of_file; }
@test "pipe_poll: data written 200 ms later wakes poll(for ever) and poll(10 s)" { pipe_poll pipe_poll_wakes_when_data_comes; }
@test "pipe_poll: a signal handler during the wait, or interrupt.h's flag: EINTR" { pipe_poll pipe_poll_interrupted; }
@test "pipe_poll: a closed descriptor: EBADF" { pipe_poll pipe_poll_bad_descriptor; }

@test "unbounded: 200000 puts never wait, the ring grows past 16 MiB, all come out in order" { unbounded unbounded_fifo_far_past_any_ring; }
@test "unbounded: a 1 MB message, an empty one, a buffer too small (EMSGSIZE, it stays)" { unbounded unbounded_sizes; }
@test "unbounded: 3 producers grow it and exit, 2 consumers drain: every item once, FIFO per producer" { unbounded unbounded_across_processes; }
@test "unbounded: a producer SIGKILLed right after 100000 puts loses none of them" { unbounded unbounded_producer_killed_after_put; }
@test "unbounded: a producer SIGKILLed anywhere (20 times): a prefix in order, the queue goes on" { unbounded unbounded_killed_anywhere; }
@test "unbounded: no memory to grow: that put fails with ENOMEM, every item put before is intact" { unbounded unbounded_out_of_memory; }
@test "unbounded: a sleeping get woken by a put, by close (EPIPE), by interrupt.h (EINTR)" { unbounded unbounded_wakeups; }

@test "sync: Lock: EDEADLK for its holder, EPERM released unheld, another process times out; RLock counts" { sync sync_lock_basics; }
@test "sync: Lock: 4 processes x 20000 increments under it: exactly 80000" { sync sync_lock_excludes; }
@test "sync: Lock and RLock: a holder SIGKILLed mid-update: SYNC_OWNER_DIED, data half-updated, lock as new" { sync sync_lock_holder_killed; }
@test "sync: Semaphore: counts, times out; a holder killed takes its unit; killed anywhere 20 times: still works" { sync sync_sem_counts; }
@test "sync: Event: wait times out, set wakes a live waiter beside a killed one; EINTR" { sync sync_event_wakes; }
@test "sync: Condition: wait times out holding the RLock again; notify_all past a killed waiter; notifier killed" { sync sync_cond_notifies; }
@test "sync: Barrier: 5 rounds, indexes 0-2 each; a party killed waiting; timeout breaks it, reset mends it" { sync sync_barrier_rounds; }

@test "manager: dict set/get/overwrite, KeyError as ENOENT, EMSGSIZE, size limits, del, len, 10000 keys" { manager manager_dict_ops; }
@test "manager: dict_add (a missing key is 0; EINVAL, ERANGE keep the value); list append, get from either end, len" { manager manager_add_and_list; }
@test "manager: 8 clients at once: 4000 adds, every set and append once" { manager manager_many_clients; }
@test "manager: d[k] += 1 as get then set loses updates; dict_add loses none" { manager manager_race_lost_add_exact; }
@test "manager: a connection used after fork is EBADF, shutdown from a child EPERM; after shutdown EPIPE, the server gone" { manager manager_connections_and_shutdown; }
@test "manager: 20 clients SIGKILLed mid-request: the server goes on, values whole, their connections closed" { manager manager_client_killed_mid_request; }
@test "manager: the server SIGKILLed under 4 clients: each gets EPIPE within 1 s; connect refused" { manager manager_server_killed; }
@test "manager: the creator SIGKILLed: its server ends within 1 s" { manager manager_creator_killed; }
@test "manager: a call waiting on a stopped server returns EINTR on interrupt.h's flag; the late reply skipped" { manager manager_interrupted_call; }
