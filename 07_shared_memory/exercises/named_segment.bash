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

# The command lines both refuse (helper.bash's help_and_refusals); 07.3 has
# no --hold-ms: an unknown option, refused the same way.
help_and_bad_input() {
    help_and_refusals "-n 0" "-n -1" "-n abc" "--hold-ms 1x" "--hold-ms" "--bogus" "stray"
}
