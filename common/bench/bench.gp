# SPDX-License-Identifier: MIT
# bench.gp - the chart of make bench: how many times faster forklore is than
# the floor and than Python, per measurement, with each goal as a mark.
# Usage: gnuplot -e "data='results/bench.dat'; out='results/bench.png'; machine='...'" common/bench/bench.gp
set terminal pngcairo size 1100,700 font ",10"
set output out
set title sprintf("forklore's speed relative to the floor and to Python (higher is better)\n%s", machine)
set ylabel "speed ratio, log scale\n(rates: forklore / other; times: other / forklore)"
set termoption noenhanced
set logscale y
set yrange [0.1:*]
set style fill solid 0.8 border -1
set boxwidth 0.35
set grid ytics
set key above horizontal # above the bars: no bar hides under it
set xtics rotate by 30 right nomirror # each label ends at its bars: long ones stay inside the picture
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "gray40"
plot data using ($0 - 0.2):2:xtic(1) with boxes lc rgb "#4477aa" title "vs baseline (bare C / OpenMP)", \
     data using ($0 + 0.2):3 with boxes lc rgb "#ee6677" title "vs Python", \
     data using ($0 - 0.2):4 with points pt 9 ps 2 lc rgb "black" title "goal (at least this)", \
     data using ($0 + 0.2):5 with points pt 9 ps 2 lc rgb "black" notitle
