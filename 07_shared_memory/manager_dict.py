#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""manager_dict.py - d["hits"] += 1 on a Manager's dict from W processes: as
get then set (DictProxy's __getitem__, then __setitem__: two _callmethod
round trips, Lib/multiprocessing/managers.py) it loses updates; an add()
run by the server, in one request, does not; beside them a Value in shared
memory with its lock (Python has no atomic integers). 3 runs each way, the
best timed. Mirror of manager_dict.c.

Usage: manager_dict.py [-j N] [--ops N] [-q]
"""
import multiprocessing as mp
import threading
from multiprocessing.managers import MakeProxyType, SyncManager

from _steps import RUNS, best_of, compare, parser, print_busy, run_workers, say


class AddDict(dict):
    """A dict in the server with one more method, add: d[k] = d.get(k, 0) + x."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def add(self, key, delta):
        # The server runs a thread per connection (Server.accepter starts one
        # per client): without this lock a thread switch could still fall
        # between the get and the set, inside the server.
        with self.lock:
            self[key] = self.get(key, 0) + delta
            return self[key]


AddDictProxy = MakeProxyType("AddDictProxy", ("__getitem__", "__setitem__", "__delitem__",
                                              "__len__", "add"))


class AddManager(SyncManager):
    pass


AddManager.register("AddDict", AddDict, AddDictProxy)


def client(w, way, d, l, v, ops, run):
    for _ in range(ops):
        if way == "racy":
            d["hits"] += 1  # __getitem__, then __setitem__: racy
        elif way == "add":
            d.add("hits", 1)  # one request: the server adds
        else:
            with v.get_lock():
                v.value += 1
    if way == "add" and run == 0:
        l.append(f"client {w} (pid {mp.current_process().pid}) added {ops}")


NAMES = {"racy": "get then set (d[k] += 1):         ",
         "add": "d.add (done by the server):       ",
         "shared": "shared memory (Value, get_lock):  "}

if __name__ == "__main__":
    args = parser("manager_dict.py", ops=500).parse_args()
    j, ops, total = args.workers, args.ops, args.workers * args.ops
    with AddManager() as manager:
        d, l, v = manager.AddDict(), manager.list(), mp.Value("q", 0)
        say(f"a manager's server (pid {manager._process.pid}) holds d and l; {j} clients each do "
            f'd["hits"] += 1 {ops} times, {RUNS} runs each way')
        times, lost = {}, {}
        for way in NAMES:
            counted = []

            def one_run():
                d["hits"] = v.value = 0
                seconds = run_workers(j, client, way, d, l, v, ops, len(counted))
                counted.append(v.value if way == "shared" else d["hits"])
                return seconds

            times[way] = best_of(one_run)
            lost[way] = [total - c for c in counted]
            say(f"{NAMES[way]} lost {', '.join(map(str, lost[way]))} of {total}; "
                f"{times[way]:.3f} s, {total / times[way]:.0f} increments/s (best of {RUNS})")
        say("d.add against get then set: "
            + compare(times["racy"], times["add"], "d.add is faster", "d.add is slower"))
        say("shared memory against d.add: "
            + compare(times["add"], times["shared"], "shared memory is faster",
                      "shared memory is slower"))
        print_busy()
        say(f'l: {len(l)} entries (len(l)), l[-1] = "{l[-1]}"')
        del d["hits"]
        say(f'del d["hits"]: len(d) = {len(d)}; manager.shutdown(): the server exited')
    if not args.quiet:
        say("  the server does one request at a time, but d[k] += 1 is two:")
        say("  another client's set comes in between, and an increment is")
        say("  overwritten. d.add is one request; the Value's lock makes processes take turns.")
    raise SystemExit(0 if sum(lost["add"]) == 0 and sum(lost["shared"]) == 0 else 1)
