# SPDX-License-Identifier: MIT
# sweep.gp - throughput of pool_map's chunksize sweep, against a model.
#
# Usage: gnuplot -e "data='sweep.dat'; out='chunksize.png'; machine='2 CPUs'; busy=''" sweep.gp
# busy: verdict.h's note when the run found the machine busy, drawn on the
# figure ("" or unset: nothing). data: 4_chunksize_sweep's table:
#   chunksize chunks seconds items_per_second
#
# The model: a map of n items in c-item chunks costs a fixed time per chunk
# (a message each way, a wake-up) plus a time per item (the work and the
# copies): t(c) = per_chunk * ceil(n / c) + per_item * n, so the throughput
# n / t(c) climbs with c until the per-item cost dominates, then flattens.

if (!exists("data")) data = 'sweep.dat'
if (!exists("out")) out = 'chunksize.png'
if (!exists("machine")) machine = 'this machine'
if (!exists("busy")) busy = ''

stats data using 2 name "chunks" nooutput
items = chunks_max  # chunksize 1: one chunk per item

# Both costs are fitted as logarithms, so that neither can come out negative.
log_chunk = log(1e-7)
log_item = log(1e-9)
t(c) = exp(log_chunk) * ceil(items / c) + exp(log_item) * items
set fit quiet
set fit logfile '/dev/null'
# Fit the time (in log space, so that small and large chunks count alike).
fit log(t(x)) data using 1:(log($3)) via log_chunk, log_item
per_chunk = exp(log_chunk)
per_item = exp(log_item)

set terminal pngcairo size 1000, 600 font ",11"
set output out
set title sprintf("4\\_chunksize\\_sweep: map(square, range(%d)) against chunksize\n%s", items, machine)
set logscale xy
set xlabel "chunksize (items per task)"
set ylabel "throughput (items per second)"
set format y "10^{%T}"
set grid
set key bottom right
if (strlen(busy) > 0) set label 1 busy at graph 0.02, graph 0.95 left textcolor rgb "#cc0000"
plot data using 1:4 with linespoints pt 7 lw 2 title "measured (best of 3 runs)", \
     items / t(x) with lines dashtype 2 lw 2 \
         title sprintf("model: %.2g µs per chunk + %.2g ns per item", per_chunk * 1e6, per_item * 1e9)
