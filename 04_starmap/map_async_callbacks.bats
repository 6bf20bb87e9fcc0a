#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 04_starmap step 7, 7_map_async_callbacks: starmap_async and
# map_async with callback and error_callback; its README block, its Python
# mirror, its command line.

setup() {
    load ../common/tests/helper
    README=$ROOT/04_starmap/README.md
}

@test "7_map_async_callbacks: get(timeout) first times out; callback once, in the parent, with every result" {
    run bounded 30 "$BIN/7_map_async_callbacks" -j 2 3>&-
    assert_success
    local me
    me=$(printf '%s\n' "${lines[0]}" | sed -E 's/^\[parent ([0-9]+)\].*/\1/')
    assert_line "[parent $me] r.get(timeout=0.01): TimeoutError; r.ready(): false"
    assert_line "[parent $me] callback in pid $me: sum of the results = 1024"
    assert_line "[parent $me] r.get() = [2, 4, 8, 9, 1, 1000]"
    assert_line "[parent $me] r.successful(): true"
    [ "$(printf '%s\n' "$output" | grep -c 'callback in pid')" -eq 2 ]
}

@test "7_map_async_callbacks: error_callback once, in the parent, naming task 2; successful() false" {
    run bounded 30 "$BIN/7_map_async_callbacks" -j 3 3>&-
    assert_success
    local me
    me=$(printf '%s\n' "${lines[0]}" | sed -E 's/^\[parent ([0-9]+)\].*/\1/')
    assert_line "[parent $me] error_callback in pid $me: task 2 failed: negative power -3"
    assert_line "[parent $me] r.wait() returned; r.ready(): true, r.successful(): false"
}

@test "7_map_async_callbacks: README block matches a real run" {
    run bounded 30 "$BIN/7_map_async_callbacks" -j 2 3>&-
    assert_success
    readme_matches "$README" map_async_callbacks
}

@test "7_map_async_callbacks.py: the same lines, but the error does not name the task" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    local c_out py_out strip='s/^\[parent [0-9]+\] //; s/pid [0-9]+/pid P/; s/task 2 failed: //'
    c_out=$(bounded 30 "$BIN/7_map_async_callbacks" -j 2 3>&- | sed -E "$strip")
    py_out=$(bounded 60 python3 "$ROOT/04_starmap/7_map_async_callbacks.py" -j 2 3>&- | sed -E "$strip")
    [ "$c_out" = "$py_out" ] || { diff <(echo "$c_out") <(echo "$py_out"); return 1; }
}

@test "7_map_async_callbacks: --help, bad numbers, unknown options: exit 0 / 2 with one line" {
    usage_and_refusals --try-help 7_map_async_callbacks "-j 0" "-j abc" "--bogus" "stray"
}
