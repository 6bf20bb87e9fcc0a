# SPDX-License-Identifier: MIT
"""classify.py - classify_data.h and classify.h in Python: the data set
(the same generator, common/python/forklore_rng.py, and the same arithmetic,
so every number is the C program's) and the small classifiers of step 6. The data set is a
module-level global filled before Pool() is created: with the fork start
method, every worker inherits it."""
import heapq
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common", "python"))
from forklore_rng import Rng  # noqa: E402 (the path first)

CLASSES, MAX_ROWS, MIN_ROWS, MAX_K = 3, 20000, 45, 15
PERCEPTRON_EPOCHS = 10
MAJORITY, CENTROID, KNN, PERCEPTRON = range(4)
DATA = []
TRAIN = 0


def make_data(seed, n):
    global TRAIN
    centre = [(0, 0), (3, 1), (1, 3)]
    spread = 2.5
    r = Rng(seed)
    DATA.clear()
    for _ in range(n):
        label = r.below(CLASSES)
        nx = r.uniform()
        nx += r.uniform()
        nx += r.uniform()
        ny = r.uniform()
        ny += r.uniform()
        ny += r.uniform()
        DATA.append((centre[label][0] + spread * (nx - 1.5),
                     centre[label][1] + spread * (ny - 1.5), label))
    TRAIN = n * 2 // 3


def most_votes(votes):
    return votes.index(max(votes))       # a tie goes to the smaller label


def knn_predict(q, k, first, end, skip):
    qx, qy, _ = DATA[q]
    dists = []
    for i in range(first, end):
        if i != skip:
            dx, dy = DATA[i][0] - qx, DATA[i][1] - qy
            dists.append((dx * dx + dy * dy, i))
    votes = [0] * CLASSES
    for _, i in heapq.nsmallest(k, dists):    # ties in distance: lower row
        votes[DATA[i][2]] += 1
    return most_votes(votes)


def model_name(algorithm, k):
    if algorithm == KNN:
        return f"{k}-nearest neighbour{'s' if k > 1 else ''}"
    return ["majority class", "nearest centroid", "",
            f"perceptron, {PERCEPTRON_EPOCHS} epochs"][algorithm]


def evaluate(algorithm, k):
    """Train one model on the training rows; count right test rows."""
    count, sx, sy = [0] * CLASSES, [0.0] * CLASSES, [0.0] * CLASSES
    w = [[0.0, 0.0, 0.0] for _ in range(CLASSES)]
    for x, y, label in DATA[:TRAIN]:
        count[label] += 1
        sx[label] += x
        sy[label] += y
    if algorithm == PERCEPTRON:
        for _ in range(PERCEPTRON_EPOCHS):
            for x, y, label in DATA[:TRAIN]:
                scores = [w[c][0] * x + w[c][1] * y + w[c][2]
                          for c in range(CLASSES)]
                guess = most_votes(scores)
                if guess != label:
                    w[label][0] += x
                    w[guess][0] -= x
                    w[label][1] += y
                    w[guess][1] -= y
                    w[label][2] += 1
                    w[guess][2] -= 1
    correct = 0
    for q in range(TRAIN, len(DATA)):
        x, y, label = DATA[q]
        if algorithm == MAJORITY:
            guess = most_votes(count)
        elif algorithm == CENTROID:
            guess, top = 0, -1
            for c in range(CLASSES):
                if count[c]:
                    dx, dy = sx[c] / count[c] - x, sy[c] / count[c] - y
                    d = dx * dx + dy * dy
                    if top < 0 or d < top:
                        top, guess = d, c
        elif algorithm == KNN:
            guess = knn_predict(q, k, 0, TRAIN, -1)
        else:
            guess = most_votes([w[c][0] * x + w[c][1] * y + w[c][2]
                                for c in range(CLASSES)])
        correct += guess == label
    return correct, len(DATA) - TRAIN


def leave_one_out(row, k):
    return knn_predict(row, k, 0, len(DATA), row)
