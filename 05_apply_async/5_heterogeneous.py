#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""5_heterogeneous.py - the Python original of 5_heterogeneous.c: one pool,
four functions with different argument and result types (Python pickles
them; C copies the bytes of a struct).

Usage: 5_heterogeneous.py  (a pool of 2 workers)
"""
import multiprocessing
import sys

from async_steps import say


def factorize(n):
    factors, p = [], 2
    while p * p <= n:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    if n > 1:
        factors.append(n)
    return factors


def text_stats(text):
    words = letters = vowels = 0
    in_word = False
    for ch in text:
        letter = ch.isascii() and ch.isalpha()
        words += letter and not in_word
        letters += letter
        vowels += letter and ch in "aeiouAEIOU"
        in_word = letter
    return words, letters, vowels


def poly_eval(c, x):
    y = c[3]                  # Horner's rule
    for i in (2, 1, 0):
        y = y * x + c[i]
    return y


def collatz_steps(n):
    steps = 0
    while n != 1:
        n = 3 * n + 1 if n % 2 else n // 2
        steps += 1
    return steps


def main():
    text = "the quick brown fox jumps over the lazy dog"
    with multiprocessing.get_context("fork").Pool(2) as pool:
        hf = pool.apply_async(factorize, (360360,))
        ht = pool.apply_async(text_stats, (text,))
        hp = pool.apply_async(poly_eval, ((1, -3, 0, 2), 1.5))
        hc = pool.apply_async(collatz_steps, (27,))
        say(f"factorize(360360) -> {' '.join(map(str, hf.get()))}")
        say('text_stats("%s") -> %d words, %d letters, %d vowels'
            % ((text,) + ht.get()))
        say("poly_eval(1 - 3x + 2x^3, x = %g) -> %g" % (1.5, hp.get()))
        say(f"collatz_steps(27) -> {hc.get()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
