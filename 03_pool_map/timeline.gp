# SPDX-License-Identifier: MIT
# timeline.gp - draw pool_map's --timeline file: one row per worker, one bar
# per chunk; top panel chunksize 1, bottom panel one big chunk per worker.
#
# Usage: gnuplot -e "data='timeline.dat'; out='timeline.png'; machine='2 CPUs'; busy=''" timeline.gp
# (out, machine and busy are optional; busy: verdict.h's note when the run
# found the machine busy, drawn on the figure). Written by
# 5_uneven_schedule --timeline FILE (the best of 3 runs of each map). The file has two data sets (gnuplot's
# "index"), one per map, each line:
#   chunksize worker pid chunk first count start_ms end_ms

if (!exists("data")) data = 'timeline.dat'
if (!exists("out")) out = 'timeline.png'
if (!exists("machine")) machine = 'this machine'
if (!exists("busy")) busy = ''

# What the model says: all the work shared evenly, no gaps (the dashed line).
stats data index 0 using ($8 - $7) name "work" nooutput
stats data index 0 using 2 name "worker" nooutput
workers = worker_max + 1
stats data using 8 name "end" nooutput
even = work_sum / workers
stats data index 0 using 1 name "small" nooutput
stats data index 1 using 1 name "large" nooutput

set terminal pngcairo size 1000, 560 font ",11"
set output out
set multiplot layout 2, 1 title sprintf("5\\_uneven\\_schedule: 40 tasks of growing, uneven cost on %d workers (%s)%s", workers, machine, strlen(busy) > 0 ? "\n".busy : "")
set xrange [0:end_max * 1.05]
set yrange [-0.6:workers - 0.4]
set ytics 1
set format y "worker %g"
set grid xtics
set style fill solid 0.75 border rgb "black"
set arrow 1 from even, graph 0 to even, graph 1 nohead dashtype 2 lw 2 lc rgb "#444444"
set lmargin 12
set rmargin 30
set key outside right top

# Alternate two colours, so that each chunk's edges show.
colour(chunk) = int(chunk) % 2 ? 0x4477aa : 0x88ccee

set xlabel ""
set title sprintf("chunksize %d: many small chunks, handed to whichever worker is free", small_min)
plot data index 0 using (($7 + $8) / 2):2:(($8 - $7) / 2):(0.35):(colour($4)) \
         with boxxyerror lc rgb variable title "a chunk", \
     NaN with lines dashtype 2 lw 2 lc rgb "#444444" title "even share of the work"

set xlabel "time since the map started (ms)"
unset key
set title sprintf("chunksize %d: one chunk per worker, the expensive tail all in the last one", large_min)
plot data index 1 using (($7 + $8) / 2):2:(($8 - $7) / 2):(0.35):(colour($4)) \
         with boxxyerror lc rgb variable title "a chunk", \
     NaN with lines dashtype 2 lw 2 lc rgb "#444444" title "even share of the work"
unset multiplot
