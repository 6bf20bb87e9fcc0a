# SPDX-License-Identifier: MIT
"""_steps.py - what the chapter 02 Python mirrors share: the checked -n/-j
parsers, a print that never mixes with other processes' lines, an exit code
in words, and the producer/consumer round of steps 5 and 6 (the C steps use
common/opts.h, common/report.h, common/waitstatus.h and common/queue.h).

Not called queue.py on purpose: Python puts the script's folder first on
sys.path, so a queue.py here would shadow the standard library's queue
module, which multiprocessing.queues imports.
"""
import argparse
import multiprocessing as mp
import os
import queue  # the standard library's: for queue.Empty
import signal
import sys
import time


def count(text, top=10_000_000):
    """-n 1000, 2K, 1e5: a whole number from 1 to top, like cli_parse_count in C."""
    scale = {"k": 1e3, "m": 1e6, "g": 1e9}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale != 1 else text
    try:
        value = float(number) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count")
    if value != int(value) or not 1 <= value <= top:
        raise argparse.ArgumentTypeError(f"'{text}' is out of range (1 to {top})")
    return int(value)


def workers(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    limit = 8 * len(os.sched_getaffinity(0))  # pool_max_workers() in C
    if not 1 <= value <= limit:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1 to {limit})")
    return value


def say(line):
    """Print from a child: one write() per line, so that lines from several
    processes sharing stdout never mix (a write of up to PIPE_BUF bytes into
    a pipe is atomic); printf on a line-buffered stdout does the same in C."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (line + "\n").encode())


def describe(exitcode):
    """Process.exitcode in words, as wait_describe() says it in C."""
    if exitcode == 0:
        return "exited normally"
    if exitcode > 0:
        return f"exited with code {exitcode}"
    return f"killed by {signal.Signals(-exitcode).name}"


def summary(ok):
    """The last line of steps 5 to 7, as report.h prints it in C."""
    print(f"\n[parent {os.getpid()}] "
          f"{'summary: every check held' if ok else 'summary: A CHECK FAILED'}")
    return 0 if ok else 1


# ------------------------------------- producer and consumer (steps 5 and 6)

def producer(work, index, items):
    for seq in range(items):
        work.put((index, seq))
    # The process now waits for its feeder thread to push every item into the
    # queue's pipe: it cannot exit before the consumers have made room.


def consumer(work, reports, done, holding, index, args):
    last_seq = {}
    got = 0
    fifo_held = True
    kill_at = args.n * args.producers // (4 * args.workers)
    while True:
        try:
            item = work.get(timeout=5)
        except queue.Empty:  # only if the queue was wedged (see step 6)
            say(f"[consumer {index + 1} pid {os.getpid()}] no item for 5 s: "
                "the queue is wedged")
            os._exit(1)
        if item is None:  # the sentinel: end of work
            break
        producer_index, seq = item
        ident = producer_index * args.n + seq
        holding[index] = ident
        if seq <= last_seq.get(producer_index, -1):
            fifo_held = False
        last_seq[producer_index] = seq
        got += 1
        if args.kill_consumer:  # step 6
            if index == 0 and got == kill_at + 1:
                os.kill(os.getpid(), signal.SIGKILL)  # no chance to clean up
            time.sleep(0.0002)
        done[ident] += 1  # one writer per item, so no lock needed
        holding[index] = -1
    reports.put((index, os.getpid(), got, fifo_held))


def start_round(args):
    """Start the consumers, then the producers; (consumers, producers, queues)."""
    me = os.getpid()
    work = mp.Queue(64)
    reports = mp.Queue()
    done = mp.Array("B", args.n * args.producers, lock=False)  # the ledger, as in C
    holding = mp.Array("l", [-1] * args.workers, lock=False)
    if args.kill_consumer:
        print("\n== robustness: consumer 1 is killed with SIGKILL mid-work ==")
    else:
        print(f"\n== producer/consumer: {args.producers} producers, "
              f"{args.workers} consumers, {args.n} items each ==")
    print(f"[parent {me}] multiprocessing.Queue(64): a pipe, a lock and a "
          "feeder thread per putting process", flush=True)
    consumers = [mp.Process(target=consumer, args=(work, reports, done, holding, c, args))
                 for c in range(args.workers)]
    producers = [mp.Process(target=producer, args=(work, p, args.n))
                 for p in range(args.producers)]
    for p in consumers + producers:
        p.start()
    return consumers, producers, work, reports, done, holding


def stop_producers(args, producers, work, alive):
    me = os.getpid()
    for i, p in enumerate(producers):
        p.join()
        if not args.quiet:
            print(f"[parent {me}] joined producer {i + 1} (pid {p.pid}): put "
                  f"{args.n} items, seq 0 to {args.n - 1}, {describe(p.exitcode)}")
    print(f"[parent {me}] put one None per consumer: they drain what is left, "
          "then stop", flush=True)
    for _ in alive:
        work.put(None)


def the_dead_one(args, consumers, holding):
    me = os.getpid()
    consumers[0].join()
    print(f"[parent {me}] consumer 1 (pid {consumers[0].pid}), SIGKILLed mid-work: "
          f"{describe(consumers[0].exitcode)}")
    held = holding[0]
    if held >= 0:
        print(f"[parent {me}] consumer 1 was holding item producer "
              f"{held // args.n + 1} seq {held % args.n} when it died")


def collect_reports(args, consumers, reports, alive, dead):
    """Get the reports BEFORE joining the consumers (the pipe deadlock)."""
    me = os.getpid()
    reported = {}
    for _ in alive:
        try:
            index, pid, got, fifo_held = reports.get(timeout=10)
        except queue.Empty:
            sys.exit(f"{sys.argv[0]}: a consumer sent no report in 10 s")
        reported[index] = (pid, got, fifo_held)
    for c in range(args.workers):
        if c == dead:
            if not args.quiet:
                print(f"[parent {me}] consumer 1 (pid {consumers[0].pid}): "
                      "killed, sent no report")
            continue
        consumers[c].join()
        pid, got, fifo_held = reported[c]
        if not args.quiet:
            print(f"[parent {me}] consumer {c + 1} (pid {pid}) reported: got "
                  f"{got} items, then the sentinel; FIFO per producer: "
                  f"{'held' if fifo_held else 'BROKEN'}; "
                  f"{describe(consumers[c].exitcode)}")
    consumed = sum(got for _, got, _ in reported.values())
    all_fifo = all(held for _, _, held in reported.values())
    return consumed, all_fifo


def account(args, done, consumed, all_fifo):
    me = os.getpid()
    total = args.n * args.producers
    once = sum(1 for d in done if d == 1)
    lost_ids = [i for i, d in enumerate(done) if d == 0]
    twice = sum(1 for d in done if d > 1)
    if not args.kill_consumer:
        ok = consumed == total and once == total and all_fifo
        print(f"[parent {me}] produced {total}, consumed {consumed}, each "
              "exactly once: "
              f"{'every item accounted for' if ok else 'MISMATCH'}")
        return ok
    print(f"[parent {me}] the other consumers went on and finished {consumed} "
          "items")
    names = ", ".join(f"producer {i // args.n + 1} seq {i % args.n}"
                      for i in lost_ids[:10])
    print(f"[parent {me}] lost with consumer 1 (taken, never finished): "
          f"{names or 'none'}{' ...' if len(lost_ids) > 10 else ''}")
    ok = once + len(lost_ids) == total and twice == 0 and all_fifo
    print(f"[parent {me}] produced {total} = finished by survivors {consumed} "
          f"+ finished by consumer 1 before it died {once - consumed} + lost "
          f"{len(lost_ids)}: "
          f"{'nothing corrupted, nothing twice' if ok else 'MISMATCH'}")
    return ok


def producers_and_consumers(args):
    """One round: producers put, consumers get, the parent accounts for every
    item; with args.kill_consumer consumer 1 dies mid-work (step 6)."""
    consumers, producers, work, reports, done, holding = start_round(args)
    dead = 0 if args.kill_consumer else None
    alive = [c for c in range(args.workers) if c != dead]
    stop_producers(args, producers, work, alive)
    if args.kill_consumer:
        the_dead_one(args, consumers, holding)
    consumed, all_fifo = collect_reports(args, consumers, reports, alive, dead)
    return account(args, done, consumed, all_fifo)


def queue_main(kill_consumer):
    """main() of steps 5 and 6: -p, -j, -n, -q, then one round."""
    parser = argparse.ArgumentParser(
        description="Producers and consumers over multiprocessing.Queue.")
    parser.add_argument("-p", "--producers", type=workers, default=2)
    parser.add_argument("-j", "--workers", type=workers, default=2)
    parser.add_argument("-n", type=count, default=1000)
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    args.kill_consumer = kill_consumer
    if kill_consumer and args.workers < 2:
        parser.error("-j: needs at least 2 consumers")
    mp.set_start_method("fork")  # as in C; the default on Linux before 3.14
    return summary(producers_and_consumers(args))
