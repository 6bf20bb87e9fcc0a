#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tests of 03_pool_map's extra step, imap_stream (Pool.imap and
# imap_unordered): its results, its README block, its Python mirror, its
# command line.

setup() {
    load ../common/tests/helper
    README=$ROOT/03_pool_map/README.md
}

@test "imap_stream: imap in input order, imap_unordered every item once, a timeout first" {
    run bounded 30 "$BIN/imap_stream" -j 2 -n 20000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] it.next\(timeout=0.01\): TimeoutError, item 0 is not ready yet$'
    assert_line --regexp '^\[parent [0-9]+\] imap: +0 1 4 9 16 25 36 49$'
    local unordered
    unordered=$(printf '%s\n' "$output" | sed -n 's/^.*imap_unordered: *//p' | tr ' ' '\n' | sort -n | tr '\n' ' ')
    assert_equal "$unordered" "0 1 4 9 16 25 36 49 "
}

@test "imap_stream: item 3's worker killed: its failure is reported, the other 7 results come" {
    run bounded 30 "$BIN/imap_stream" -j 2 -n 1000 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] imap, one dies: +0 1 4 \[item 3: task 3 failed: worker [0-9] \(pid [0-9]+\) was killed by SIGKILL\] 16 25 36 49$'
}

@test "imap_stream --crash-task 0 / 7: the first / last item's failure reported, the others come" {
    run bounded 30 "$BIN/imap_stream" -j 2 -n 1000 --crash-task 0 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] imap, one dies: +\[item 0: task 0 failed: worker [0-9] \(pid [0-9]+\) was killed by SIGKILL\] 1 4 9 16 25 36 49$'
    run bounded 30 "$BIN/imap_stream" -j 2 -n 1000 --crash-task 7 3>&-
    assert_success
    assert_line --regexp '^\[parent [0-9]+\] imap, one dies: +0 1 4 9 16 25 36 \[item 7: task 7 failed: worker [0-9] \(pid [0-9]+\) was killed by SIGKILL\]$'
}

@test "imap_stream: the streamed sum is right, and the parent's memory grew by < 4 MiB" {
    run bounded 60 "$BIN/imap_stream" -j 2 -n 2000000 3>&-
    assert_success
    command -v python3 >/dev/null || skip "python3 is not installed"
    # sum of x^3 for x < n is (n(n-1)/2)^2, modulo 2^64
    local want
    want=$(python3 -c 'n = 2000000; print((n * (n - 1) // 2) ** 2 % 2**64)')
    assert_line --partial "numbers(2000000), chunksize=1000)) % 2**64 = $want"
    local grown
    grown=$(printf '%s\n' "$output" | sed -n 's/.*peak memory grew by \([0-9]*\) KiB.*/\1/p')
    [ "$grown" -lt 4096 ] || { echo "grew by $grown KiB"; return 1; }
}

@test "imap_stream: README block matches a real run" {
    run bounded 30 "$BIN/imap_stream" -j 2 3>&-
    assert_success
    readme_matches "$README" imap_stream
}

@test "imap_stream.py prints the same results (its killed-worker loop is skipped)" {
    mirror_lines_match 3 '^(it.next|imap:|sum)' 03_pool_map/imap_stream -j 2 -n 100000
}

@test "imap_stream: --help, bad numbers, unknown options: exit 0 / 2 with one line" {
    usage_and_refusals --try-help imap_stream "-j 0" "-n abc" "--crash-task 8" "--crash-task -1" \
        "--crash-task" "--bogus" "stray"
}
