# SPDX-License-Identifier: MIT
# speedup.gp - fit Amdahl's law to 4_pi_timed's measured speedup (and
# Gustafson's to its weak-scaling series) and draw it: speedup, efficiency
# and Karp-Flatt serial fraction against workers.
#
# Usage (speedup.sh does this):
#   gnuplot -e "dir='results/08_pi_montecarlo'; model='CPU name'; physical=2; \
#               logical=2; usable=2; serial=0.2; darts='60M'; kept='median of 3'; note=''; \
#               mpi=0; weak=1; weak_darts=30000000; busy=''" 08_pi_montecarlo/speedup.gp
# Reads dir/speedup.csv and dir/speedup-serial.csv (workers,darts,seconds,
# speedup,efficiency,karp_flatt,median_seconds,median_speedup), and with mpi=1 dir/speedup-mpi.csv (MPI
# ranks of chapter 09, drawn in green beside the workers), with weak=1 dir/speedup-weak.csv
# (the scaled speedup W x T1 / TW, in purple); writes dir/speedup.png and prints a text
# rendering of the speedup panel on stdout. busy: a note drawn under the title.

set datafile separator ','
set print '-'
plain = dir . '/speedup.csv'
with_serial = dir . '/speedup-serial.csv'
stats plain using 1 nooutput
wmax = STATS_max

# Amdahl's law: a fraction p of the work runs in parallel, the rest in
# series, so W processors give S(W) = 1 / ((1 - p) + p / W). Past the CPU
# count extra workers share the same CPUs: W processes, min(W, CPUs)
# processors. That is the curve fitted to every measured point.
procs(w) = w < usable ? w : usable
amdahl(w, p) = 1.0 / ((1.0 - p) + p / procs(w))
p = 0.9
q = 0.7
fit_plain(x) = amdahl(x, p)
fit_serial(x) = amdahl(x, q)
set fit quiet
set fit logfile '/dev/null'
if (usable > 1 && wmax > 1) {
    fit fit_plain(x) plain using 1:4 via p
    fit fit_serial(x) with_serial using 1:4 via q
    print sprintf("fitted parallel fraction p: %.3f as it is; %.3f with --serial-fraction %g (set: %.3f)", \
                  p, q, serial, 1 - serial)
} else {
    p = NaN; q = NaN
    print usable > 1 ? "one worker count (MAX_WORKERS=1): no speedup to fit" \
                     : "one usable CPU: no speedup to fit"
}

# Weak scaling (Gustafson's law): W workers throw W times the darts. With a
# parallel fraction p of the time on N processors, the scaled speedup is
# S(W) = (1 - p) + p N, and again N = min(W, CPUs).
if (!exists("weak")) weak = 0
if (!exists("busy")) busy = ''
weak_csv = dir . '/speedup-weak.csv'
g = NaN
gustafson(w, p) = (1.0 - p) + p * procs(w)
fit_weak(x) = gustafson(x, g)
weak_speedup = ''
weak_efficiency = ''
weak_text = ''
if (weak) {
    if (usable > 1 && wmax > 1) {
        g = 0.9
        fit fit_weak(x) weak_csv using 1:4 via g
        print sprintf("fitted parallel fraction p, weak scaling (Gustafson): %.3f", g)
    }
    weak_speedup = ", [1:wmax] fit_weak(x) title sprintf('Gustafson fit, weak scaling: p = %.3f', g) with lines lw 2 dt 5 lc rgb '#9467bd', weak_csv using 1:4 title sprintf('measured (%s), weak: %d darts per worker, scaled speedup W x T1 / TW', kept, weak_darts) with points pt 11 ps 1.5 lc rgb '#9467bd'"
    weak_efficiency = ", weak_csv using 1:5 title 'efficiency, weak scaling' with linespoints pt 11 lw 2 lc rgb '#9467bd'"
    weak_text = ", weak_csv using 1:4 title 'measured, weak (scaled)' with points pt '*'"
}

# With speedup.sh --mpi: a third series, MPI ranks (chapter 09) throwing the
# same darts, added to each plot below through these macros (@mpi_...).
if (!exists("mpi")) mpi = 0
mpi_csv = dir . '/speedup-mpi.csv'
m = NaN
fit_mpi(x) = amdahl(x, m)
mpi_speedup = ''
mpi_efficiency = ''
mpi_text = ''
if (mpi) {
    if (usable > 1 && wmax > 1) {
        m = 0.9
        fit fit_mpi(x) mpi_csv using 1:4 via m
        print sprintf("fitted parallel fraction p with MPI ranks: %.3f", m)
    }
    mpi_speedup = ", [1:wmax] fit_mpi(x) title sprintf('Amdahl fit, MPI ranks: p = %.3f', m) with lines lw 2 dt 4 lc rgb '#2ca02c', mpi_csv using 1:4 title 'measured, MPI ranks (chapter 09)' with points pt 9 ps 1.5 lc rgb '#2ca02c'"
    mpi_efficiency = ", mpi_csv using 1:5 title 'efficiency, MPI ranks' with linespoints pt 9 lw 2 lc rgb '#2ca02c'"
    mpi_text = ", mpi_csv using 1:4 title 'measured, MPI ranks' with points pt '+'"
}

# When the fastest runs are fitted, the speedups the median runs give are
# drawn too, as hollow marks: the gap between the two is the noise of the
# machine (other programs slowing some of the runs down).
median_marks = ''
if (strstrt(kept, 'fastest') == 1) {
    median_marks = ", plain using 1:8 title 'from the median runs (hollow circle and square: only here)' with points pt 6 ps 1.3 lc rgb '#1f77b4', with_serial using 1:8 notitle with points pt 4 ps 1.2 lc rgb '#d62728'"
}

# The efficiency panel's range: 0 to 1.25, widened to show every point. A
# Karp-Flatt e below 0 (2 workers more than twice as fast as 1) is a
# measurement to see, not to hide. Computed here, before any range is set:
# stats leaves out what lies outside the ranges in force.
efficiency_low = 0
efficiency_high = 1.25
if (wmax > 1) {
    do for [i = 1 : 4] {
        if (i == 3 && !mpi || i == 4 && !weak) { continue }
        file = i == 1 ? plain : i == 2 ? with_serial : i == 3 ? mpi_csv : weak_csv
        if (i != 4) {   # the weak series has no Karp-Flatt column (nan)
            stats file using 6 nooutput
            efficiency_low = STATS_min < efficiency_low ? STATS_min - 0.05 : efficiency_low
        }
        stats file using 5 nooutput
        efficiency_high = STATS_max > efficiency_high - 0.05 ? STATS_max + 0.1 : efficiency_high
    }
}

set title noenhanced
set key below left Left reverse box opaque noenhanced maxrows 8 width -6
set grid
set xrange [0.8 : wmax + 0.2]
set xtics 1
set samples 1000
set xlabel mpi ? 'workers or MPI ranks W (processes)' : 'workers W (processes)'
# The core-count lines, labelled along their left side.
set arrow 1 from physical, graph 0 to physical, graph 1 nohead dt 3 lw 2 lc rgb '#555555'
set label 1 sprintf('%d physical core%s', physical, physical == 1 ? '' : 's') \
    at physical, graph 0.02 left rotate by 90 offset -1.2, 0 textcolor rgb '#555555'
if (logical != physical) {
    set arrow 2 from logical, graph 0 to logical, graph 1 nohead dt 4 lc rgb '#555555'
    set label 2 sprintf('%d logical CPUs', logical) \
        at logical, graph 0.02 left rotate by 90 offset -1.2, 0 textcolor rgb '#555555'
}
machine = sprintf('%s: %d physical core%s, %d logical CPU%s, %d usable%s', \
                  model, physical, physical == 1 ? '' : 's', logical, \
                  logical == 1 ? '' : 's', usable, note eq '' ? '' : ' (' . note . ')')
runs = sprintf('%s darts per run, %s runs per point', darts, kept)

# ---- the PNG: speedup on the left, efficiency and Karp-Flatt on the right
set terminal pngcairo size 1400,820 font 'sans,10'
set output dir . '/speedup.png'
set multiplot layout 1,2 title "Monte Carlo pi, speedup against workers" . (mpi ? " and MPI ranks" : "") . " on " . machine . "\n" . runs . (busy eq '' ? '' : "\n" . busy) noenhanced

# Room below each panel for the axis label and, under it, the key (left to
# itself, gnuplot drew the key over the label): one line per key entry.
set bmargin (mpi ? 15 : 13)
set title "speedup: measured, ideal, and Amdahl's law fitted to the measured points"
set ylabel 'speedup S = T_1 / T_W (times faster than 1 worker)'
set yrange [0 : wmax + 0.5]
# Say on the figure why the fitted curves turn flat past the CPUs.
if (wmax > usable) {
    set label 3 sprintf("past W = %d the fits are flat:\nthey count min(W, %d CPUs) processors,\nextra workers share the CPUs", usable, usable) \
        at usable + 0.1, graph 0.12 left front textcolor rgb '#333333' noenhanced
}
plot sample [1:wmax] x title 'ideal: S = W' with lines dt 2 lc rgb '#888888', \
     [1:wmax] fit_plain(x) title sprintf("Amdahl fit, no serial work added: p = %.3f", p) \
         with lines lw 2 lc rgb '#1f77b4', \
     plain using 1:4 title sprintf('measured (%s), no serial work added', kept) \
         with points pt 7 ps 1.5 lc rgb '#1f77b4', \
     [1:wmax] fit_serial(x) title sprintf("Amdahl fit, --serial-fraction %g: p = %.3f (set: %.2f)", \
                                 serial, q, 1 - serial) \
         with lines lw 2 lc rgb '#d62728', \
     with_serial using 1:4 title sprintf('measured (%s), --serial-fraction %g', kept, serial) \
         with points pt 5 ps 1.3 lc rgb '#d62728' @median_marks @mpi_speedup @weak_speedup
unset label 3

set title 'efficiency E = S / W and Karp-Flatt serial fraction e = (1/S - 1/W) / (1 - 1/W)'
set ylabel 'fraction (1 = perfect efficiency; e = 0: no serial part)'
set yrange [efficiency_low : efficiency_high]
set key below left Left reverse box maxrows 8
plot 1 title '' with lines dt 2 lc rgb '#888888', \
     plain using 1:5 title 'efficiency, no serial work added' \
         with linespoints pt 7 lw 2 lc rgb '#1f77b4', \
     with_serial using 1:5 title sprintf('efficiency, --serial-fraction %g', serial) \
         with linespoints pt 5 lw 2 lc rgb '#d62728', \
     plain using 1:6 title 'Karp-Flatt e, no serial work added (open diamonds)' \
         with linespoints pt 12 dt 2 lc rgb '#1f77b4', \
     with_serial using 1:6 title sprintf('Karp-Flatt e, --serial-fraction %g', serial) \
         with linespoints pt 12 dt 2 lc rgb '#d62728' @mpi_efficiency @weak_efficiency
unset multiplot

# ---- the same speedup panel as text, for a terminal (or ssh)
set terminal dumb size 79,26
set output
unset grid
set bmargin
set key inside bottom right nobox
set title sprintf('speedup on %s (A, B: fitted Amdahl, p = %.2f and %.2f)', model, p, q)
set ylabel 'speedup'
set yrange [0 : wmax + 0.5]
unset label 1
unset label 2
plot sample [1:wmax] x title 'ideal' with lines, \
     [1:wmax] fit_plain(x) title 'A: Amdahl fit' with lines, \
     plain using 1:4 title 'measured' with points pt 'o', \
     [1:wmax] fit_serial(x) title sprintf('B: fit, --serial-fraction %g', serial) with lines, \
     with_serial using 1:4 title 'measured, serial' with points pt 'x' @mpi_text @weak_text
