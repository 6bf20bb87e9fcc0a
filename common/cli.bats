#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# One command line across the chapters (common/opts.h): every program built
# in build/bin, build/bench and build/solutions that takes options answers
# --version, ends --help with "Examples" and "Exit status", takes -q where it
# prints more than a summary, and words a missing value and a bad number the
# same way. The programs that read no command line at all are listed here by
# name, and so are those without -q: giving one options (or taking -q away)
# is a conscious change, made here too.

setup() {
    load tests/helper
}

# Programs that read no command line (first steps: the bare mechanism; MPI
# steps 1, 2 and 4; slurm_cpus, which reads the environment).
NO_COMMAND_LINE=(1_fork_join 1_pipe_fifo 3_pipe_drain 1_map_by_hand 1_args_by_hand 5_keep_fed
    1_async_by_hand 1_callback_by_hand 1_shared_counter_race 1_pi_by_hand 1_mpi_hello
    2_mpi_pi_reduce 4_mpi_reduce_cost slurm_cpus)

# Programs with no option but -h/--help and --version (and perhaps an argument).
NO_FLAGS=(3_exit_codes 4_zombie 5_cpu_count 6_ctrl_c_children 4_get_timeout 5_heterogeneous
    6_named_segment_reader)

# Programs with options but no -q: what they print is the lesson itself (a
# trace, a table, a handful of lines), or what a script reads.
NO_QUIET=(2_map_cube 3_chunk_trace 5_uneven_schedule 6_word_count 7_map_speedup 2_starmap_pairs
    4_task_cost 7_map_async_callbacks imap_stream joinable_kill unbounded_queue sync_primitives 3_completion_order 6_named_segment 07.1_shared_counter slurm_pi_blocks
    01.1_start_join 01.2_completion_order 01.3_at_most_j 02.1_sentinels 02.2_joinable_queue
    03.1_first_map 03.2_imap 03.3_longest_first 05.1_submit_all 05.2_retry 06.1_file_results
    06.2_stop_early 06.3_work_makes_work 07.2_false_sharing 07.3_named_segment
    07.4_cleanup_on_signal 08.1_block_streams 08.2_best_workers 08.3_amdahl_fit bare_fork
    bare_pipe forklore_bench pi_openmp payload_bench pi_floor)

listed() { # NAME LIST...
    local name=$1 item
    shift
    for item in "$@"; do [ "$item" = "$name" ] && return 0; done
    return 1
}

# Every program that takes options, one path a line: the built programs
# whose source is in the tree (a build folder may still hold a program whose
# source was removed since).
with_options() {
    local p sources
    sources=" $(find "$ROOT"/[0-9][0-9]_* "$ROOT/common/bench" -name '*.c' |
        sed 's|.*/||; s|\.c$||' | tr '\n' ' ') "
    for p in "$BUILD"/bin/* "$BUILD"/bench/* "$BUILD"/solutions/*; do
        [ -x "$p" ] && [ -f "$p" ] || continue
        [[ $sources == *" $(basename "$p") "* ]] || continue
        listed "$(basename "$p")" "${NO_COMMAND_LINE[@]}" || echo "$p"
    done
}

# The first option in PROGRAM's --help that takes a number: "--workers", "-n", ...
numeric_option() {
    "$1" --help | awk '/^Options:/ { on = 1; next } /^$/ { on = 0 }
        on && $1 ~ /^-/ {
            long = ""; short = ""; arg = ""
            for (i = 1; i <= NF; i++) {
                w = $i; sub(/,$/, "", w)
                if (w ~ /^--[a-z]/) { long = w } else if (w ~ /^-[a-zA-Z]$/) { short = w }
                else { arg = w; break }
            }
            if (arg ~ /^[A-Z]+$/ && arg != "FILE") { print (long != "" ? long : short); exit }
        }'
}

@test "cli: the programs that read no command line exist and do not parse one" {
    local name src
    for name in "${NO_COMMAND_LINE[@]}"; do
        src=$(find "$ROOT" -path "$ROOT/build*" -prune -o -name "$name.c" -print | head -n 1)
        [ -n "$src" ] || fail "$name: no source (remove it from NO_COMMAND_LINE)"
        ! grep -q 'opts_parse\|getopt' "$src" || fail "$name now parses options: remove it from NO_COMMAND_LINE"
    done
}

@test "cli: at least 60 programs take options (build/bin, build/bench, build/solutions)" {
    [ "$(with_options | wc -l)" -ge 60 ] || fail "only $(with_options | wc -l): is the build complete?"
}

@test "cli: --version prints the project's version, on stdout, exit 0" {
    local p name version
    version=$(cat "$ROOT/VERSION")
    for p in $(with_options); do
        name=$(basename "$p")
        run --separate-stderr bounded 10 "$p" --version 3>&-
        [ "$status" -eq 0 ] || fail "$name --version: exit $status"
        [ "$output" = "$name (forklore) $version" ] || fail "$name --version: '$output'"
        [ -z "$stderr" ] || fail "$name --version: stderr '$stderr'"
    done
}

@test "cli: --help ends with the program's Examples, then Exit status 0, 1, 2" {
    local p name
    for p in $(with_options); do
        name=$(basename "$p")
        run --separate-stderr bounded 10 "$p" --help 3>&-
        [ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "$name --help: exit $status, '$stderr'"
        [[ ${lines[0]} == "Usage: $name"* ]] || fail "$name --help: first line '${lines[0]}'"
        # the last two sections, in this order, and nothing after them
        awk -v n="$name" '
            /^Examples:$/ { ex = NR } /^Exit status:$/ { st = NR }
            ex && !st && NR > ex && $0 ~ "^  " n "( |$)" { examples++ }
            st && NR > st && /^  [0-9]+ +[a-z]/ { codes = codes " " $1 }
            st && NR > st && !/^  / { bad = 1 }
            END { exit !(ex && st > ex && examples > 0 && codes ~ /^ 0 1 2( |$)/ && !bad) }
        ' <<<"$output" || fail "$name --help: no Examples then Exit status 0 1 2 at its end:
$output"
    done
}

@test "cli: the examples in --help are command lines the program accepts" {
    local p name line
    for p in $(with_options); do
        name=$(basename "$p")
        while read -r line; do
            # shellcheck disable=SC2086 # an example is split into words as a shell would
            set -- ${line#"$name"}
            # --help after the example's own options: parsed, nothing run
            run --separate-stderr bounded 10 "$p" "$@" --help 3>&-
            [ "$status" -eq 0 ] || fail "$name: example '$line' is refused: $stderr"
        done < <("$p" --help | awk -v n="$name" '/^Examples:$/ { on = 1; next } /^$/ { on = 0 }
                                                 on { sub(/^  /, ""); print }')
    done
}

@test "cli: -q is taken by every program with options, but those listed without it" {
    local p name
    for p in $(with_options); do
        name=$(basename "$p")
        listed "$name" "${NO_FLAGS[@]}" && continue
        if listed "$name" "${NO_QUIET[@]}"; then
            ! "$p" --help | grep -q -- '-q, --quiet' || fail "$name takes -q now: remove it from NO_QUIET"
            continue
        fi
        "$p" --help | grep -q -- '^  -q, --quiet ' || fail "$name --help lists no -q, --quiet"
        run --separate-stderr bounded 10 "$p" -q --help 3>&-
        [ "$status" -eq 0 ] || fail "$name -q: refused: $stderr"
    done
}

@test "cli: a missing value and a bad number: the same wording everywhere, exit 2" {
    local p name option
    for p in $(with_options); do
        name=$(basename "$p")
        option=$(numeric_option "$p")
        if listed "$name" "${NO_FLAGS[@]}"; then
            [ -z "$option" ] || fail "$name takes $option now: remove it from NO_FLAGS"
            continue
        fi
        [ -n "$option" ] || fail "$name: no option with a number in --help"
        run --separate-stderr bounded 10 "$p" "$option" 3>&-
        [ "$status" -eq 2 ] && [ -z "$output" ] || fail "$name $option: exit $status, stdout '$output'"
        [ "$stderr" = "$name: option '$option' needs a value (try '$name --help')" ] ||
            fail "$name $option: '$stderr'"
        run --separate-stderr bounded 10 "$p" "$option" 12abc 3>&-
        [ "$status" -eq 2 ] && [ -z "$output" ] || fail "$name $option 12abc: exit $status, stdout '$output'"
        [[ $stderr == "$name: invalid value '12abc' for $option: not a number"*"(try '$name --help')" ]] ||
            fail "$name $option 12abc: '$stderr'"
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "$name $option 12abc: more than one line"
    done
}

@test "cli: hexadecimal is not a decimal count; a long argument is cut in the message" {
    local long
    long=$(head -c 100000 /dev/zero | tr '\0' 7)
    for option in -j -n; do
        run --separate-stderr bounded 10 "$BIN/3_parallel_for" "$option" 0x10 3>&-
        assert_equal "$status" 2
        assert_equal "$stderr" "3_parallel_for: invalid value '0x10' for $option: not a decimal number (try '3_parallel_for --help')"
    done
    run --separate-stderr bounded 10 "$BIN/3_parallel_for" -n "$long" 3>&-
    assert_equal "$status" 2
    [ "${#stderr}" -lt 200 ] || fail "the 100 KB argument was echoed: ${#stderr} characters"
    assert_equal "$stderr" "3_parallel_for: invalid value '77777777777777777777777777777777...(100000 characters)' for -n: out of range (1 to 1000000000) (try '3_parallel_for --help')"
    run --separate-stderr bounded 10 "$BIN/3_parallel_for" "$long" 3>&-
    assert_equal "$status" 2
    [ "${#stderr}" -lt 200 ] || fail "the 100 KB stray argument was echoed"
    run --separate-stderr bounded 10 "$BIN/3_parallel_for" --workers=4 --quiet=1 3>&-
    assert_equal "$stderr" "3_parallel_for: option '--quiet' takes no value (try '3_parallel_for --help')"
}

@test "cli: the build notices a change of CFLAGS (a stamp of the flags) and rebuilds" {
    local build=$BATS_TEST_TMPDIR/build lib
    lib=$build/lib/libcommon.a
    run bounded 300 make -C "$ROOT" BUILD="$build" "$lib"
    assert_success
    # the flags in effect: the default, or make check's sanitizer flags (exported)
    grep -qF -- "${CFLAGS:--O2 -g}" "$build/flags.stamp"
    # the same flags: nothing to do
    run bounded 60 make -C "$ROOT" BUILD="$build" V=1 "$lib"
    assert_success
    refute_output --partial "-c common/"
    # other CFLAGS: every object again, with them; the stamp says so
    run bounded 300 make -C "$ROOT" BUILD="$build" V=1 CFLAGS="-O2 -g -DSTAMP_TEST" "$lib"
    assert_success
    assert_output --partial "-O2 -g -DSTAMP_TEST -c common/opts.c"
    assert_output --partial "-O2 -g -DSTAMP_TEST -c common/pool.c"
    grep -q -- "-DSTAMP_TEST" "$build/flags.stamp"
}
