#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make run-all, as an instructor runs it in front of a room: every chapter,
# in order, every step of each chapter's run.sh, within 60 s on 2 cores (the
# time is measured and reported; the test fails only past a generous bound,
# so that a busy machine does not fail it), and PAUSE=1 waits for Enter.

setup_file() {
    load tests/helper
    local started=$SECONDS
    timeout -k 5 600 make -s -C "$ROOT" BUILD="$BUILD" run-all \
        >"$BATS_FILE_TMPDIR/run-all.out" 2>&1 </dev/null 3>&-
    echo $? >"$BATS_FILE_TMPDIR/status"
    echo $((SECONDS - started)) >"$BATS_FILE_TMPDIR/seconds"
}

setup() {
    load tests/helper
    OUT=$BATS_FILE_TMPDIR/run-all.out
}

@test "run-all: exits 0" {
    [ "$(cat "$BATS_FILE_TMPDIR/status")" = 0 ] || fail "status $(cat "$BATS_FILE_TMPDIR/status"): $(tail -n 20 "$OUT")"
}

@test "run-all: every chapter, in order" {
    local chapters got
    chapters=$(cd "$ROOT" && printf '%s\n' [0-9][0-9]_*/ | tr -d /)
    got=$(sed -n 's/^ \([0-9][0-9]_[a-z_]*\): .*/\1/p' "$OUT")
    assert_equal "$got" "$chapters"
}

@test "run-all: every step of every chapter's run.sh, in order" {
    local run want got chapter
    for run in "$ROOT"/[0-9][0-9]_*/run.sh; do
        chapter=$(basename "$(dirname "$run")")
        # the programs the script names (step PROGRAM ..., step_script
        # SCRIPT ..., maybe after VAR=value), each once, in order of first
        # use (a step in a loop shows several times)
        want=$(sed -n 's/^[[:space:]]*\([A-Z_]*=[^ ]* \)*step\(_script\)\{0,1\} \([^ ]*\).*/\3/p' "$run" |
            awk '!seen[$0]++')
        [ -n "$want" ] || continue
        # the steps run-all showed for this chapter (a chapter that cannot
        # run here, such as 09 without MPI, says so instead)
        got=$(awk -v c=" $chapter:" 'index($0, c) == 1 { on = 1; next }
                /^ [0-9][0-9]_[a-z_]*: / { on = 0 }
                on && /^-- step / { sub(/^-- step /, ""); sub(/ .*/, ""); if (!seen[$0]++) print }' "$OUT")
        if [ -z "$got" ] && grep -q "chapter ${chapter%%_*} skipped\|not installed\|not found" "$OUT"; then
            continue
        fi
        [ "$got" = "$want" ] || fail "$chapter: steps shown: $(echo $got); run.sh names: $(echo $want)"
    done
}

@test "run-all: within 60 s on 2 cores (fails only past 180 s)" {
    local seconds
    seconds=$(cat "$BATS_FILE_TMPDIR/seconds")
    echo "# make run-all took $seconds s on $(nproc) CPUs (load $(cut -d' ' -f1 /proc/loadavg))" >&3
    [ "$seconds" -le 180 ] || fail "make run-all took $seconds s (60 s is the aim on 2 cores)"
}

@test "run-all: PAUSE=1 waits for Enter between chapters, not after the last" {
    run bounded 120 make -s -C "$ROOT" BUILD="$BUILD" CHAPTERS="01_process 02_queue" \
        PAUSE=1 run-all <<<$'\n' 3>&-
    assert_success
    assert_equal "$(grep -c -- '-- press Enter for the next chapter --' <<<"$output")" 1
    # the prompt comes after chapter 01's last line and before chapter 02
    prompt=$(grep -n -- '-- press Enter' <<<"$output" | cut -d: -f1)
    second=$(grep -n '^ 02_queue: ' <<<"$output" | cut -d: -f1)
    [ "$prompt" -lt "$second" ]
}
