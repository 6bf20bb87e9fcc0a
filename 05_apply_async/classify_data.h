/* SPDX-License-Identifier: MIT */
/*
 * classify_data.h - the data set of step 6 (6_data_science.c, through
 * classify.h): points (x, y) in three overlapping classes, generated from a
 * seed with common/rng.h before the pool is created. Python's idiom is a
 * module-level global set before Pool(): with fork, every worker inherits a
 * copy, so a task carries only a few numbers (which model, which row), never
 * the data. Rows [0, train) train a model, rows [train, rows) test it.
 * classify.py holds the Python twin of this file and of classify.h.
 */
#ifndef FORKLORE_CLASSIFY_DATA_H
#define FORKLORE_CLASSIFY_DATA_H

#include "rng.h"

enum {
    CLASSES = 3,
    MAX_ROWS = 20000,
    MIN_ROWS = 45, /* 3 x MAX_K: enough to train the largest k */
    MAX_K = 15,    /* the sweep tries k = 1, 3, ..., MAX_K */
};

struct point {
    double x, y;
    int label;
};
static struct point data[MAX_ROWS];
static int rows, train;

static inline void make_data(unsigned long long seed, int n)
{
    static const double centre[CLASSES][2] = {{0, 0}, {3, 1}, {1, 3}};
    const double spread = 2.5;
    struct rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        int label = (int)rng_below(&r, CLASSES);
        /* a sum of three uniforms: roughly bell-shaped, and plain
         * arithmetic, so Python can reproduce every bit */
        double nx = rng_uniform(&r);
        nx += rng_uniform(&r);
        nx += rng_uniform(&r);
        double ny = rng_uniform(&r);
        ny += rng_uniform(&r);
        ny += rng_uniform(&r);
        data[i] = (struct point){centre[label][0] + spread * (nx - 1.5),
                                 centre[label][1] + spread * (ny - 1.5), label};
    }
    rows = n;
    train = n * 2 / 3;
}

#endif
