#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""process.py - the Python side of chapter 01: multiprocessing.Process, start
and join, exit codes, zombies, cpu count, and the fork/spawn/forkserver start
methods, timed.

Usage: process.py [-j N] [-n N] [-m MB] [--only SECTION] [-q]

Prints the same sections as build/bin/process, with the same deterministic
results (exit codes, the zombie's state, the CPU counts). Standard library
only.
"""
import argparse
import math
import multiprocessing as mp
import os
import re
import resource
import signal
import sys
import time

SECTIONS = ("start", "exitcodes", "zombies", "cpus", "spawn")
NAMES = ("bob", "alice", "carol", "dave", "erin", "frank", "grace", "heidi")
ME = os.getpid()
# The C program forks: use the same start method here, whatever the default.
FORK = mp.get_context("fork")


def note(opts, text):
    if not opts.quiet:
        print("  " + text)


def describe(exitcode):
    """Python's exitcode in words, as wait_describe() does in C."""
    if exitcode == 0:
        return "exited normally"
    if exitcode > 0:
        return f"exited with code {exitcode}"
    return f"killed by {signal.Signals(-exitcode).name}"


# ---------------------------------------------------------------- start and join

def greet(who):
    # Process.name lives inside Python only: ps shows the interpreter's name.
    with open("/proc/self/comm") as f:
        comm = f.read().strip()
    me = mp.current_process()
    print(f"[{me.name} pid {os.getpid()}] hello {who}; my parent is "
          f"{os.getppid()}; ps shows me as \"{comm}\"", flush=True)


def section_start(opts, tally):
    word = "child" if opts.workers == 1 else "children"
    print(f"[parent {ME}] starting {opts.workers} {word} with target greet")
    procs = [FORK.Process(target=greet, args=(NAMES[i % len(NAMES)],),
                          name=f"Process-{i + 1}") for i in range(opts.workers)]
    sys.stdout.flush()  # the same buffer trap as in C: flush before fork
    for p in procs:
        p.start()
    tally["started"] += len(procs)
    for p in procs:
        p.join()
    tally["reaped"] += len(procs)
    for p in procs:
        print(f"[parent {ME}] joined {p.name} (pid {p.pid}): "
              f"exitcode {p.exitcode} ({describe(p.exitcode)})")
    note(opts, "The children run at the same time, so their hello lines come "
               "in any order.")
    note(opts, "Each child is a copy of the parent made by fork(): same code, "
               "same data, its own pid.")


# ---------------------------------------------------------------- exit codes

def returns():
    pass


def exits_3():
    sys.exit(3)


def crashes():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
    os.kill(os.getpid(), signal.SIGSEGV)


def waits():
    time.sleep(10)


def section_exitcodes(opts, tally):
    children = [(returns, "returns normally"), (exits_3, "calls exit(3)"),
                (crashes, "crashes (SIGSEGV)"),
                (waits, "is terminated by its parent")]
    procs = [FORK.Process(target=target) for target, _ in children]
    sys.stdout.flush()
    for p in procs:
        p.start()
    tally["started"] += len(procs)
    for p, (target, what) in zip(procs, children):
        if target is waits:
            p.terminate()  # SIGTERM
        p.join()
        tally["reaped"] += 1
        print(f"[parent {ME}] child {what:<28} pid {p.pid}: "
              f"exitcode {p.exitcode} ({describe(p.exitcode)})")
    note(opts, "Python's exitcode is the exit code for a child that exited, "
               "and minus the signal")
    note(opts, "number for one a signal killed: WIFEXITED/WEXITSTATUS and "
               "WIFSIGNALED/WTERMSIG in C.")


# ---------------------------------------------------------------- zombies

def proc_state(pid):
    """The state letter in /proc/<pid>/stat, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def section_zombies(opts, tally):
    p = FORK.Process(target=returns)
    sys.stdout.flush()
    p.start()
    tally["started"] += 1
    # Wait until it has exited, without collecting it (WNOWAIT).
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    print(f"[parent {ME}] child pid {p.pid} has exited; nobody has waited "
          "for it yet")
    state = proc_state(p.pid)
    print(f"[parent {ME}] /proc/{p.pid}/stat says state {state or '-'}"
          + (" (zombie)" if state == "Z" else " (expected Z)"))
    p.join()
    tally["reaped"] += 1
    print(f"[parent {ME}] waitpid({p.pid}) reaped it: exitcode {p.exitcode} "
          f"({describe(p.exitcode)})")
    state = proc_state(p.pid)
    if state is None:
        print(f"[parent {ME}] /proc/{p.pid} is gone: the pid and its exit "
              "status are freed")
    else:
        print(f"[parent {ME}] /proc/{p.pid} still there, state {state}")
    note(opts, "A child that has exited keeps its pid and exit status until "
               "its parent waits for it:")
    note(opts, "it is a zombie. join() is that wait.")


# ---------------------------------------------------------------- cpu count

def cpu_quota():
    """The cgroup CPU limit in CPUs, or 0 when none is set (as cpus.c)."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()
        return 0 if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as f:
            quota = int(f.read())
        with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as f:
            period = int(f.read())
        return quota / period if quota > 0 and period > 0 else 0
    except (OSError, ValueError):
        return 0


def section_cpus(opts, tally):
    online = os.cpu_count()
    usable = len(os.sched_getaffinity(0))
    quota = cpu_quota()
    pool = min(usable, math.ceil(quota)) if quota > 0 else usable
    rows = [("online CPUs (os.cpu_count()):", online),
            ("CPUs this process may use (sched_getaffinity):", usable),
            ("cgroup CPU quota (cpu.max):",
             f"{quota:.2f} CPUs" if quota > 0 else "none"),
            ("workers for a CPU-bound pool (cpus_for_pool):", pool)]
    for label, value in rows:
        print(f"[parent {ME}] {label:<50} {value}")
    note(opts, "Size a pool by the CPUs you may use, not the CPUs the machine "
               "has.")


# ---------------------------------------------------------------- fork vs spawn

def section_spawn(opts, tally):
    memory = None
    if opts.memory:
        memory = bytearray(b"\x01") * (opts.memory << 20)  # every page touched
        print(f"[parent {ME}] touched {opts.memory} MB of memory first")
    print(f"[parent {ME}] starting and reaping {opts.n} processes each way, "
          "one at a time, after one untimed warm-up")
    per_process = {}
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        times = []
        for i in range(opts.n + 1):
            t0 = time.perf_counter()
            p = ctx.Process(target=returns)
            p.start()
            p.join()
            if p.exitcode != 0:
                sys.exit(f"process.py: a {method} child {describe(p.exitcode)}")
            if i > 0:  # the first one is the warm-up
                times.append(time.perf_counter() - t0)
        tally["started"] += opts.n + 1
        tally["reaped"] += opts.n + 1
        per_process[method] = sum(times) / len(times)
        label = f'Process, "{method}"'
        print(f"[parent {ME}] {label:<34} {per_process[method] * 1e6:9.1f} "
              "µs per process")
    print(f"[parent {ME}] per process, spawn took "
          f"{per_process['spawn'] / per_process['fork']:.1f} x and forkserver "
          f"{per_process['forkserver'] / per_process['fork']:.1f} x the time "
          "of fork")
    del memory
    note(opts, "spawn starts a fresh interpreter that imports this file again: "
               "the __main__ guard")
    note(opts, "below is what stops each child from running the demo itself.")


# ---------------------------------------------------------------- command line

class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like the C programs
        # "argument -j/--workers: -j: 'abc' is ..." -> "-j: 'abc' is ..."
        message = re.sub(r"^argument [^:]+: (?=-)", "", message)
        sys.stderr.write(f"{self.prog}: {message} (try '{self.prog} --help')\n")
        sys.exit(2)


def number(option, low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option}: '{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{option}: {value} is out of range ({low} to {high})")
        return value
    return parse


def main():
    usable = len(os.sched_getaffinity(0))
    parser = Parser(prog="process.py", description="What "
                    "multiprocessing.Process does, in five sections.")
    parser.add_argument("-j", "--workers", type=number("-j", 1, 8 * usable),
                        default=3, help="children in 'start and join'")
    # A spawned Python costs about 100 times a fork (a whole interpreter
    # starts and imports this file), so the default is 10, not the C's 100.
    parser.add_argument("-n", type=number("-n", 1, 100000), default=10,
                        help="processes started per way in 'fork vs spawn'")
    parser.add_argument("-m", "--memory", type=number("-m", 0, 4096),
                        default=0, help="MB to touch before 'fork vs spawn'")
    parser.add_argument("--only", choices=SECTIONS, help="run one section")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="results only, no explanations")
    opts = parser.parse_args()

    tally = {"started": 0, "reaped": 0}
    titles = {"start": "start and join", "exitcodes": "exit codes",
              "zombies": "zombies", "cpus": "cpu count",
              "spawn": "fork vs spawn"}
    first = True
    for name in SECTIONS:
        if opts.only in (None, name):
            print(("" if first else "\n") + f"== {titles[name]} ==")
            first = False
            globals()["section_" + name](opts, tally)
    left = mp.active_children()  # also reaps any finished child
    word = "child" if tally["started"] == 1 else "children"
    print(f"\n[parent {ME}] done: {tally['started']} {word} started, "
          f"{tally['reaped']} reaped, "
          + ("none left behind" if not left else "SOME LEFT BEHIND"))
    return 0 if not left else 1


# Under "spawn" and "forkserver", each child imports this file again: without
# this guard it would run main() and start children of its own.
if __name__ == "__main__":
    sys.exit(main())
