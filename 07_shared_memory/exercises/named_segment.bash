# SPDX-License-Identifier: MIT
# named_segment.bash - loaded by the checks of exercises 07.3 and 07.4, whose
# runs create /dev/shm/$SEGMENT-<parent's pid>: parent_of remembers each
# run's parent, and teardown removes whatever a wrong attempt left there.

# The parent's pid in $1 (an output), remembered for teardown.
parent_of() {
    local p
    p=$(sed -n 's/^\[parent \([0-9]*\)\].*/\1/p' <<<"$1" | head -1)
    [ -n "$p" ] && echo "$p" >>"$BATS_TEST_TMPDIR/pids"
    echo "$p"
}

# Whatever a wrong attempt leaves in /dev/shm, the machine gets back.
teardown() {
    [ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
    while read -r p; do rm -f "/dev/shm/$SEGMENT-$p"; done <"$BATS_TEST_TMPDIR/pids"
}

# --help: usage, exit 0; each bad command line: exit 2 and nothing on stdout
# (07.3 has no --hold-ms: an unknown option, refused the same way).
help_and_bad_input() {
    run bounded 10 "$EX" --help 3>&-
    assert_success
    assert_line --partial "Usage:"
    for bad in "-n 0" "-n -1" "-n abc" "--hold-ms 1x" "--hold-ms" "--bogus" "stray"; do
        # shellcheck disable=SC2086
        run --separate-stderr bounded 10 "$EX" $bad 3>&-
        [ "$status" -eq 2 ] || fail "$bad: status $status, expected 2"
        [ -z "$output" ] || fail "$bad: something on stdout"
    done
}
