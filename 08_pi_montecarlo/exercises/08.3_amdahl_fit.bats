#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exercise 08.3: processors = min(workers, CPUs), Amdahl's law, and the
# least-squares p, checked on given times (--times) where p is known, and
# for consistency on a real sweep. No time is ever asserted.

setup() {
    load ../../common/tests/helper
    EX=${EXERCISE_BIN:-$BUILD/solutions/08.3_amdahl_fit}
    README=$ROOT/08_pi_montecarlo/README.md
}

# The fitted p as printed on the summary line.
fitted_p() {
    sed -n 's/.*: p = \([-0-9.a-z]*\) from.*/\1/p' <<<"$output"
}

# Every table row: "workers processors seconds speedup amdahl".
rows() {
    awk '/^workers +processors/ { t = 1; next } /^==/ { t = 0 } t { print $1, $2, $3, $4, $5 }' <<<"$output"
}

@test "08.3: W workers on P CPUs run on min(W, P) processors" {
    run bounded 10 "$EX" --times 1,0.6,0.6,0.6 --cpus 2 3>&-
    assert_success
    got=$(rows | awk '{ printf "%s%s", sep, $2; sep = " " }')
    [ "$got" = "1 2 2 2" ] ||
        fail "hint: 1, 2, 3 and 4 workers on 2 CPUs: your processors column says $got. How many of the workers can run at the same moment?"
}

@test "08.3: the amdahl(p) column is Amdahl's law with the fitted p" {
    run bounded 10 "$EX" --times 1,0.5,0.4 --cpus 4 3>&-
    assert_success
    p=$(fitted_p)
    problem=$(rows | awk -v p="$p" '{ want = 1 / ((1 - p) + p / $2)
        if ($5 - want > 0.0015 || want - $5 > 0.0015) { printf "with p = %s on %s processors Amdahl gives %.3f, your column says %s\n", p, $2, want, $5; exit } }')
    [ -z "$problem" ] || fail "hint: $problem: the serial part 1 - p takes as long on any number of processors, the parallel part p runs N times faster"
    allows=$(sed -n 's/.*with 4 CPUs Amdahl allows \([0-9.]*\); with 8, \([0-9.]*\)$/\1 \2/p' <<<"$output")
    want=$(awk -v p="$p" 'BEGIN { printf "%.3f %.3f", 1 / ((1 - p) + p / 4), 1 / ((1 - p) + p / 8) }')
    [ "$allows" = "$want" ] || fail "hint: on 4 and 8 CPUs Amdahl with p = $p allows $want, yours: $allows"
}

@test "08.3: the fit finds p where the times follow Amdahl exactly" {
    run bounded 10 "$EX" --times 1,0.6,0.466667,0.4 --cpus 4 3>&-
    assert_success
    [ "$(fitted_p)" = 0.8000 ] ||
        fail "hint: these times are Amdahl's law with p = 0.8 (1/S = 0.2 + 0.8/W); your fit says $(fitted_p). Compute x = 1 - 1/N and y = 1 - 1/S for each point, then sum(x y) / sum(x x)"
    assert_line --partial "no number of CPUs makes this job more than 5.00 times faster"
}

@test "08.3: past the CPUs, the flat part is not blamed on serial work" {
    run bounded 10 "$EX" --times 1,0.6,0.6,0.6 --cpus 2 3>&-
    assert_success
    [ "$(fitted_p)" = 0.8000 ] ||
        fail "hint: on 2 CPUs, 3 and 4 workers are no faster than 2: that is the CPUs, not serial work. p is still 0.8 here; your fit says $(fitted_p) (processors, not processes, go into the law)"
}

@test "08.3: least squares where the points do not lie on one curve" {
    run bounded 10 "$EX" --times 1,0.5,0.4 --cpus 4 3>&-
    [ "$(fitted_p)" = 0.9360 ] ||
        fail "hint: times 1, 0.5, 0.4 on 4 CPUs: least squares gives p = 0.9360, yours $(fitted_p). Sum over ALL points before dividing; do not average per-point p's"
    run bounded 10 "$EX" --times 1,0.52,0.5,0.51 --cpus 2 3>&-
    [ "$(fitted_p)" = 0.9800 ] ||
        fail "hint: times 1, 0.52, 0.5, 0.51 on 2 CPUs: p = 0.9800, yours $(fitted_p)"
}

@test "08.3: nothing to fit with 1 processor" {
    for args in "--times 1" "--times 1,0.9,0.8 --cpus 1"; do
        # shellcheck disable=SC2086
        run bounded 10 "$EX" $args 3>&-
        assert_success
        grep -q "nothing to fit: every run had 1 processor" <<<"$output" ||
            fail "hint: $args: every x is 0, so sum(x x) is 0: return NAN instead of dividing (your fit said $(sed -n 's/.*parallel fraction p = \([^,]*\),.*/\1/p' <<<"$output"))"
    done
}

@test "08.3: a real sweep with a serial part: the table is consistent" {
    run bounded 60 "$EX" -n 1M --serial-fraction 0.5 --max-workers 3 --repeats 1 --cpus 2 3>&-
    assert_success
    assert_line --partial "serial part: the parent throws 1000000 darts alone first (--serial-fraction 0.50)"
    p=$(fitted_p)
    [ -n "$p" ] || fail "hint: no fitted p printed"
    problem=$(rows | awk -v p="$p" '{ n++; if ($2 != ($1 < 2 ? $1 : 2)) { print $1 " workers on 2 CPUs: " $2 " processors"; exit }
        want = 1 / ((1 - p) + p / $2); if ($5 - want > 0.0015 || want - $5 > 0.0015) { print "amdahl column " $5 ", expected " want; exit } }
        END { if (n != 3) print n + 0 " rows, expected 3" }')
    [ -z "$problem" ] || fail "hint: $problem"
}

@test "08.3: the README's expected output is the solution's" {
    run bounded 10 "$EX" --times 1,0.6,0.6,0.6 --cpus 2 3>&-
    assert_success
    readme_matches "$README" ex08.3
}

@test "08.3: --help and bad input" {
    help_and_refusals --one-line "-n 0" "-n abc" "--serial-fraction 1" "--serial-fraction x" "--cpus 0" \
        "--cpus 99999999999999999999" "--max-workers -1" "--repeats 12abc" \
        "--times abc" "--times 1,,2" "--times 0" "--times" "--what" "extra"
    run --separate-stderr bounded 10 "$EX" --times "" 3>&-
    [ "$status" -eq 2 ] && [ -z "$output" ] || fail "--times '': status $status, expected 2 and nothing on stdout"
}
