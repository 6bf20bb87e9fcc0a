# SPDX-License-Identifier: MIT
# bench_payload.gp - the payload sweep of make bench: MB/s each way against
# the item size, log-log, for a program's first pool_map (with its output
# array shared with the worker by fork, and written after the fork), the
# same map repeated, the queue, and the bare socketpair stream (the floor),
# with Python's first Pool(1).map and its Queue (dashed; Python moves a
# smaller total, see README.md).
# Usage: gnuplot -e "data='results/bench_payload.dat'; out='results/bench_payload.png'; machine='...'" common/bench/bench_payload.gp
set terminal pngcairo size 900,560 font ",10"
set output out
set title sprintf("large items: MB/s each way against item size (higher is better)\n%s", machine)
set xlabel "item size (bytes, log scale)"
set ylabel "MB/s each way (log scale)"
set termoption noenhanced
set logscale xy
set format x "%.0s%cB"
set grid xtics ytics
set key bottom right
plot data using 1:5 with linespoints lw 2 pt 7 lc rgb "gray30" title "bare socketpair stream (floor)", \
     data using 1:2 with linespoints lw 2 pt 5 lc rgb "#4477aa" title "first pool_map", \
     data using 1:6 with linespoints lw 2 pt 4 lc rgb "#228833" title "first pool_map, output written after the fork", \
     data using 1:3 with linespoints lw 2 pt 9 lc rgb "#66ccee" title "the same map repeated", \
     data using 1:4 with linespoints lw 2 pt 11 lc rgb "#ee6677" title "queue", \
     data using 1:7 with linespoints lw 2 dt 2 pt 5 lc rgb "#aa3377" title "Python: first Pool(1).map", \
     data using 1:8 with linespoints lw 2 dt 2 pt 11 lc rgb "#ccbb44" title "Python: Queue"
