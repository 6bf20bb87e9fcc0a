#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 07_shared_memory's extra step after step 7, manager_dict
# (common/manager.h): dict_add and the atomic lose nothing, get-then-set
# loses updates, the list and the dict at the end, no process left, the
# README block, the Python mirror, the command line.

setup() {
    load ../common/tests/helper
    README=$ROOT/07_shared_memory/README.md
}

@test "manager_dict: dict_add and the atomic lose nothing in 3 runs; the list has one entry per client" {
    run bounded 60 "$BIN/manager_dict" -q -j 3 --ops 1000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] dict_add \(done by the server\): +lost 0, 0, 0 of 3000; [0-9.]+ s, [0-9]+ increments/s \(best of 3\)$'
    assert_line --regexp '^\[parent [0-9]+\] shared memory \(atomic_fetch_add\): +lost 0, 0, 0 of 3000; '
    assert_line --regexp 'l: 3 entries \(list_len\), l\[-1\] = "client [0-2] \(pid [0-9]+\) added 1000"$'
    assert_line --partial 'del d["hits"]: len(d) = 0; manager_shutdown: the server exited'
    assert_line --regexp 'dict_add against get then set: (dict_add is faster|dict_add is slower|too close to call on this machine)$'
    assert_line --regexp 'shared memory against dict_add: (shared memory is faster|shared memory is slower|too close to call on this machine)$'
}

@test "manager_dict: get then set loses updates (in at least one of 3 runs of 3 x 2000)" {
    local lost=0 line
    for attempt in 1 2 3; do
        line=$(bounded 60 "$BIN/manager_dict" -q -j 3 --ops 2000 3>&- | grep 'get then set (dict_get, dict_set):')
        [[ $line =~ lost\ ([0-9]+),\ ([0-9]+),\ ([0-9]+)\ of\ 6000 ]] || { echo "$line"; return 1; }
        lost=$((BASH_REMATCH[1] + BASH_REMATCH[2] + BASH_REMATCH[3]))
        [ "$lost" -gt 0 ] && break
    done
    [ "$lost" -gt 0 ]
}

@test "manager_dict: one client: get then set loses nothing" {
    run bounded 60 "$BIN/manager_dict" -q -j 1 --ops 1000 3>&-
    assert_success
    assert_line --regexp 'get then set \(dict_get, dict_set\): lost 0, 0, 0 of 1000; '
}

@test "manager_dict: the server is gone after a run, and when the program is SIGKILLed" {
    run bounded 60 "$BIN/manager_dict" -q -j 2 --ops 500 3>&-
    assert_success
    local server
    server=$(sed -nE 's/.*server \(pid ([0-9]+)\).*/\1/p' <<<"$output")
    [ -n "$server" ] && process_gone "$server"
    local out=$BATS_TEST_TMPDIR/out
    "$BIN/manager_dict" -j 2 --ops 100M >"$out" 3>&- &
    local pid=$!
    for _ in $(seq 100); do grep -q 'server (pid' "$out" && break; sleep 0.05; done
    server=$(sed -nE 's/.*server \(pid ([0-9]+)\).*/\1/p' "$out")
    [ -n "$server" ]
    kill -KILL "$pid"
    wait "$pid" || true
    for _ in $(seq 40); do process_gone "$server" && break; sleep 0.05; done
    process_gone "$server" # it watches a pidfd of its creator, and ends with it
}

@test "manager_dict: README block matches a real run" {
    run bounded 60 "$BIN/manager_dict" -j 2 3>&-
    assert_success
    readme_matches "$README" manager-dict
}

@test "manager_dict.py: loses updates with get then set, none with d.add and the Value; same list and dict" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local pick='s/^\[parent [0-9]+\] //p'
    py=$(bounded 120 python3 "$ROOT/07_shared_memory/manager_dict.py" -j 2 --ops 300 3>&- | sed -nE "$pick")
    c=$(bounded 60 "$BIN/manager_dict" -j 2 --ops 300 3>&- | sed -nE "$pick")
    grep -qE '^d\.add \(done by the server\): +lost 0, 0, 0 of 600; ' <<<"$py"
    grep -qE '^shared memory \(Value, get_lock\): +lost 0, 0, 0 of 600; ' <<<"$py"
    grep -qE '^get then set \(d\[k\] \+= 1\): +lost [0-9]+, [0-9]+, [0-9]+ of 600; ' <<<"$py"
    for text in 'l: 2 entries' 'len(d) = 0' 'holds d and l; 2 clients each do d["hits"] += 1 300 times, 3 runs each way'; do
        grep -qF "$text" <<<"$py" && grep -qF "$text" <<<"$c" || { echo "missing: $text"; return 1; }
    done
}

@test "manager_dict: --help, bad numbers, unknown options, stray arguments: exit 0 / 2 with one line" {
    usage_and_refusals manager_dict "--ops 0" "--ops abc" "-j 0" "-j 99999" "--bogus" "stray" "--ops"
}
