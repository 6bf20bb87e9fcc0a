/* SPDX-License-Identifier: MIT */
/*
 * classify.h - the small classifiers of step 6 (6_data_science.c), on the
 * data set of classify_data.h: nothing here is about processes. A task trains
 * one model on rows [0, train) and tests it on rows [train, rows).
 */
#ifndef FORKLORE_CLASSIFY_H
#define FORKLORE_CLASSIFY_H

#include <stdio.h>

#include "classify_data.h"
#include "pool.h"

/* The class with the most votes; a tie goes to the smaller label. */
static inline int most_votes(const int votes[CLASSES])
{
    int best = 0;
    for (int c = 1; c < CLASSES; c++)
        if (votes[c] > votes[best])
            best = c;
    return best;
}

/* k-nearest neighbours: the majority label among the k rows of [first,
 * end), other than `skip`, nearest to row q (ties in distance: lower row). */
static inline int knn_predict(int q, int k, int first, int end, int skip)
{
    double best_d[MAX_K];
    int best_i[MAX_K], found = 0;
    k = k < 1 ? 1 : k > MAX_K ? MAX_K : k; /* the arrays hold MAX_K */
    for (int i = first; i < end; i++) {
        if (i == skip)
            continue;
        double dx = data[i].x - data[q].x, dy = data[i].y - data[q].y;
        double d = dx * dx + dy * dy;
        if (found == k && d >= best_d[k - 1])
            continue;
        int j = found < k ? found++ : k - 1;
        for (; j > 0 && best_d[j - 1] > d; j--) {
            best_d[j] = best_d[j - 1];
            best_i[j] = best_i[j - 1];
        }
        best_d[j] = d;
        best_i[j] = i;
    }
    int votes[CLASSES] = {0};
    for (int j = 0; j < found; j++)
        votes[data[best_i[j]].label]++;
    return most_votes(votes);
}

enum algorithm { MAJORITY, CENTROID, KNN, PERCEPTRON };
enum { PERCEPTRON_EPOCHS = 10 };
enum { MODELS = 5 }; /* (a) compares five: k-NN twice, k = 1 and 7 */

struct model_arg {
    int algorithm;
    int k;
};
struct score {
    int correct, tested;
};

static inline void model_name(const struct model_arg *m, char *buf, size_t size)
{
    switch (m->algorithm) {
    case MAJORITY: snprintf(buf, size, "majority class"); break;
    case CENTROID: snprintf(buf, size, "nearest centroid"); break;
    case KNN: snprintf(buf, size, "%d-nearest neighbour%s", m->k, m->k > 1 ? "s" : ""); break;
    default: snprintf(buf, size, "perceptron, %d epochs", PERCEPTRON_EPOCHS);
    }
}

/* The class whose weights score point p highest (a tie: the smaller label). */
static inline int top_score(double w[CLASSES][3], const struct point *p)
{
    int guess = 0;
    double top = 0;
    for (int c = 0; c < CLASSES; c++) {
        double s = w[c][0] * p->x + w[c][1] * p->y + w[c][2];
        if (c == 0 || s > top)
            top = s, guess = c;
    }
    return guess;
}

/* A perceptron: one weight vector per class, nudged on every mistake. */
static inline void train_perceptron(double w[CLASSES][3])
{
    for (int epoch = 0; epoch < PERCEPTRON_EPOCHS; epoch++)
        for (int i = 0; i < train; i++) {
            const struct point *p = &data[i];
            int guess = top_score(w, p);
            if (guess != p->label) {
                w[p->label][0] += p->x, w[guess][0] -= p->x;
                w[p->label][1] += p->y, w[guess][1] -= p->y;
                w[p->label][2] += 1, w[guess][2] -= 1;
            }
        }
}

/* The class whose training centroid is nearest to point p. */
static inline int nearest_centroid(const int count[CLASSES], const double sx[CLASSES],
                                   const double sy[CLASSES], const struct point *p)
{
    int guess = 0;
    double top = -1;
    for (int c = 0; c < CLASSES; c++) {
        if (count[c] == 0)
            continue;
        double dx = sx[c] / count[c] - p->x, dy = sy[c] / count[c] - p->y;
        double d = dx * dx + dy * dy;
        if (top < 0 || d < top)
            top = d, guess = c;
    }
    return guess;
}

/* A task: train one model on the training rows and count how many test
 * rows it labels right. */
static inline int evaluate(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct model_arg *m = arg;
    int count[CLASSES] = {0};
    double sx[CLASSES] = {0}, sy[CLASSES] = {0}, w[CLASSES][3] = {{0}};
    for (int i = 0; i < train; i++) {
        count[data[i].label]++;
        sx[data[i].label] += data[i].x;
        sy[data[i].label] += data[i].y;
    }
    if (m->algorithm == PERCEPTRON)
        train_perceptron(w);
    struct score *s = result;
    *s = (struct score){0, rows - train};
    for (int q = train; q < rows; q++) {
        const struct point *p = &data[q];
        int guess = m->algorithm == MAJORITY   ? most_votes(count)
                    : m->algorithm == CENTROID ? nearest_centroid(count, sx, sy, p)
                    : m->algorithm == KNN      ? knn_predict(q, m->k, 0, train, -1)
                                               : top_score(w, p);
        s->correct += guess == p->label;
    }
    return 0;
}

/* A task: leave-one-out, predict row `row` from all the other rows. */
struct loo_arg {
    int row, k;
};

static inline int leave_one_out(const void *arg, void *result, struct pool_task *task)
{
    (void)task;
    const struct loo_arg *a = arg;
    *(int *)result = knn_predict(a->row, a->k, 0, rows, a->row);
    return 0;
}

#endif
