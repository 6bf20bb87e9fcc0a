#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 08.2: speedup, efficiency and Karp-Flatt computed right from
# given times (--times), the right worker count chosen, and the table of a
# real sweep consistent with its own times. No time is ever asserted.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/08.2_best_workers}
    README=$ROOT/08_pi_montecarlo/README.md
}

# The table row for W workers, spaces squeezed: "W seconds S E e".
row() {
    awk -v w="$1" '/^workers +seconds/ { t = 1; next } /^==/ { t = 0 }
        t && $1 == w { print $1, $2, $3, $4, $5 }' <<<"$output"
}

# The number of workers named on the "fastest with efficiency" line.
chosen() {
    sed -n 's/.*the fastest with efficiency >= [0-9.]*: \([0-9]*\) worker.*/\1/p' <<<"$output"
}

@test "08.2: speedup = T1 / TW" {
    run bounded 10 "$EX" --times 1,0.5,0.4,0.4 3>&-
    assert_success
    for want in "2 2.000" "3 2.500" "4 2.500" "1 1.000"; do
        got=$(row "${want%% *}" | awk '{ print $1, $3 }')
        [ "$got" = "$want" ] ||
            fail "hint: with times 1, 0.5, 0.4, 0.4 s the speedup of ${want%% *} workers is ${want#* } (T1 / TW), yours: ${got#* }"
    done
}

@test "08.2: efficiency = speedup / workers" {
    run bounded 10 "$EX" --times 1,0.5,0.4,0.4 3>&-
    for want in "2 1.000" "3 0.833" "4 0.625" "1 1.000"; do
        got=$(row "${want%% *}" | awk '{ print $1, $4 }')
        [ "$got" = "$want" ] ||
            fail "hint: with times 1, 0.5, 0.4, 0.4 s the efficiency of ${want%% *} workers is ${want#* }, yours: ${got#* } (what fraction of W workers' time went into useful work?)"
    done
}

@test "08.2: Karp-Flatt, nan at 1 worker, negative when superlinear" {
    run bounded 10 "$EX" --times 1,0.5,0.4,0.4 3>&-
    for want in "2 0.0000" "3 0.1000" "4 0.2000"; do
        got=$(row "${want%% *}" | awk '{ print $1, $5 }')
        [ "$got" = "$want" ] ||
            fail "hint: the Karp-Flatt e of ${want%% *} workers is ${want#* } here, yours: ${got#* }: e = (1/S - 1/W) / (1 - 1/W), in floating point"
    done
    got=$(row 1 | awk '{ print $5 }')
    [ "$got" = nan ] ||
        fail "hint: at 1 worker Karp-Flatt is 0/0, which no measurement can give: store NAN (from <math.h>), yours printed $got"
    run bounded 10 "$EX" --times 1,0.4 3>&-
    got=$(row 2 | awk '{ print $3, $4, $5 }')
    [ "$got" = "2.500 1.250 -0.2000" ] ||
        fail "hint: 2 workers 2.5 times as fast (the data fit better in two caches) give efficiency 1.250 and e = -0.2000; yours: $got. Do not clamp: the table must show it"
}

@test "08.2: the choice: the fastest worker count efficient enough" {
    check_choice() { # times min_efficiency expected why
        run bounded 10 "$EX" --times "$1" --min-efficiency "$2" 3>&-
        assert_success
        [ "$(chosen)" = "$3" ] ||
            fail "hint: times $1 with --min-efficiency $2: you chose $(chosen) worker(s), expected $3 ($4)"
    }
    check_choice 1,0.5,0.4,0.4 0.8 3 "4 workers are no faster than 3 and 3 are still efficient enough"
    check_choice 1,0.5,0.4,0.4 0.9 2 "3 workers have efficiency 0.833 < 0.9"
    check_choice 1,0.5,0.4,0.4 0.5 3 "3 and 4 workers are equally fast: the tie goes to fewer workers"
    check_choice 1,0.55,0.45,0.3 0.8 4 "3 workers fall below 0.8, 4 are above it again, and fastest"
    check_choice 1,0.55,0.45,0.3 0.85 2 "only 1 and 2 workers reach 0.85"
    check_choice 1,1.2,1.3 0.1 1 "more workers are only slower here"
    check_choice 1,0.5 1 2 "efficiency exactly 1.000 is at least 1"
}

@test "08.2: a real sweep: the table agrees with its own times" {
    run bounded 60 "$EX" -n 2M --max-workers 3 --repeats 1 3>&-
    assert_success
    assert_line --regexp "every run found [0-9]+ of 2000000 darts inside"
    problem=$(awk '/^workers +seconds/ { t = 1; next } /^==/ { t = 0 }
        t { w = $1; T = $2; S = $3; E = $4; e = $5
            if (w == 1) t1 = T
            s = t1 / T
            if (S - s > 0.01 * s + 0.002 || s - S > 0.01 * s + 0.002) { print "W = " w ": speedup " S ", but " t1 " / " T " = " s; bad = 1; exit }
            if (S / w - E > 0.002 || E - S / w > 0.002) { print "W = " w ": efficiency " E ", but " S " / " w " = " S / w; bad = 1; exit }
            if (w == 1 && e != "nan") { print "1 worker: Karp-Flatt " e ", expected nan"; bad = 1; exit }
            if (w > 1) { k = (1 / S - 1 / w) / (1 - 1 / w)
                if (k - e > 0.01 * (k < 0 ? -k : k) + 0.002 || e - k > 0.01 * (k < 0 ? -k : k) + 0.002) { print "W = " w ": Karp-Flatt " e ", expected " k; bad = 1; exit } }
            n++; sp[w] = S; ef[w] = E }
        /the fastest with efficiency >= / { c = $0; sub(/.*: /, "", c); sub(/ .*/, "", c)
            if (ef[c] < 0.8) { print "chose " c " workers with efficiency " ef[c] " < 0.80"; bad = 1; exit }
            for (w in sp) if (ef[w] >= 0.8 && sp[w] > sp[c] + 0.0005) { print "chose " c " workers, but " w " are faster (" sp[w] ") and efficient enough"; bad = 1; exit } }
        END { if (!bad && n != 3) print n + 0 " table rows, expected 3" }' <<<"$output")
    [ -z "$problem" ] || fail "hint: $problem"
}

@test "08.2: the README's expected output is the solution's" {
    run bounded 10 "$EX" --times 1,0.51,0.5,0.49 3>&-
    assert_success
    readme_matches "$README" ex08.2
}

@test "08.2: --help and bad input" {
    help_and_refusals --one-line "-n 0" "-n abc" "--max-workers 0" "--max-workers 12abc" "--repeats 0" \
        "--repeats 99999999999999999999" "--min-efficiency 2" "--min-efficiency -1" \
        "--times abc" "--times 1,,2" "--times 1,0" "--times 1,-2" "--times" "--what" "extra"
    run --separate-stderr bounded 10 "$EX" --times "" 3>&-
    [ "$status" -eq 2 ] && [ -z "$output" ] || fail "--times '': status $status, expected 2 and nothing on stdout"
}
