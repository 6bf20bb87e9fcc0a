#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""4_zombie.py - the mirror of 4_zombie.c: a child that has exited is a
zombie (state Z) until join() reaps it. Usage: 4_zombie.py

multiprocessing also reaps finished children when a new one starts or
active_children() is called: Lib/multiprocessing/process.py's _cleanup()
calls poll() on each child Python started, and popen_fork.py's poll() is
os.waitpid(self.pid, os.WNOHANG): by pid, never waitpid(-1).
"""
import multiprocessing as mp
import os
import sys


def proc_state(pid):
    """The state letter in /proc/<pid>/stat, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    me = os.getpid()
    p = mp.get_context("fork").Process(target=lambda: None)
    p.start()
    # Wait until it has exited, without collecting it (WNOWAIT).
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    state = proc_state(p.pid)
    print(f"[parent {me}] child pid {p.pid} has exited; nobody has waited "
          "for it yet")
    print(f"[parent {me}] /proc/{p.pid}/stat says state {state or '-'}"
          + (" (zombie)" if state == "Z" else " (expected Z)"))
    p.join()
    how = "exited normally" if p.exitcode == 0 else f"exitcode {p.exitcode}"
    print(f"[parent {me}] waitpid({p.pid}) reaped it: exitcode {p.exitcode} "
          f"({how})")
    state = proc_state(p.pid)
    if state is None:
        print(f"[parent {me}] /proc/{p.pid} is gone: the pid and its exit "
              "status are freed")
    else:
        print(f"[parent {me}] /proc/{p.pid} still there, state {state}")
    print("  A child that has exited keeps its pid and exit status until its "
          "parent waits for it:\n  it is a zombie. join() is that wait.")
    left = mp.active_children()
    print(f"\n[parent {me}] done: 1 child started, 1 reaped, "
          + ("none left behind" if not left else "SOME LEFT BEHIND"))
    sys.exit(1 if left or state else 0)
