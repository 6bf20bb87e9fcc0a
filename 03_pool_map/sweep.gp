# SPDX-License-Identifier: MIT
# sweep.gp - throughput of pool_map's chunksize sweep, against a model.
#
# Usage: gnuplot -e "data='sweep.dat'; out='chunksize.png'; machine='2 CPUs'" sweep.gp
# data: the sweep table of pool_map, one line per chunksize:
#   chunksize chunks seconds items_per_second
#
# The model: a map of n items in c-item chunks costs a fixed time per chunk
# (a message each way, a wake-up) plus a time per item (the work and the
# copies): t(c) = per_chunk * ceil(n / c) + per_item * n, so the throughput
# n / t(c) climbs with c until the per-item cost dominates, then flattens.

if (!exists("data")) data = 'sweep.dat'
if (!exists("out")) out = 'chunksize.png'
if (!exists("machine")) machine = 'this machine'

stats data using 2 name "chunks" nooutput
items = chunks_max  # chunksize 1: one chunk per item

per_chunk = 1e-6
per_item = 1e-8
t(c) = per_chunk * ceil(items / c) + per_item * items
set fit quiet
set fit logfile '/dev/null'
# Fit the time (in log space, so that small and large chunks count alike).
fit log(t(x)) data using 1:(log($3)) via per_chunk, per_item

set terminal pngcairo size 900, 560 font ",11"
set output out
set title sprintf("pool\\_map: map(square, range(%d)), throughput against chunksize (%s)", items, machine)
set logscale xy
set xlabel "chunksize (items per task)"
set ylabel "throughput (items per second)"
set format y "10^{%T}"
set grid
set key bottom right
plot data using 1:4 with linespoints pt 7 lw 2 title "measured (best of a few runs)", \
     items / t(x) with lines dashtype 2 lw 2 \
         title sprintf("model: %.2g µs per chunk + %.2g ns per item", per_chunk * 1e6, per_item * 1e9)
