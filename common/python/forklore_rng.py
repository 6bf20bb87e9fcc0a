# SPDX-License-Identifier: MIT
"""forklore_rng.py - the seeded random number generator of common/rng.c, in
Python, for the chapters' Python mirrors.

xoshiro256** (Blackman and Vigna), seeded through splitmix64, with the
2^128-step jump that gives every worker or block a stream of its own. It
reproduces common/rng.c bit for bit: the same seed gives the same numbers as
the C library, so a mirror prints what its C program prints (the same costs,
files, data sets, hits and tables), only more slowly. See common/rng.h for
why a parallel program wants seeded, independent streams.

    rng = Rng(seed)              # rng_seed(&r, seed)
    rng = Rng(seed, stream=k)    # rng_stream(&r, seed, k): seed, k jumps
    rng.next()                   # rng_next(&r): 64 random bits
    rng.uniform()                # rng_uniform(&r): a float in [0, 1)
    rng.below(bound)             # rng_below(&r, bound): 0 .. bound - 1
    rng.jump()                   # rng_jump(&r): the start of the next stream
    rng.copy()                   # struct rng copy = r: an independent twin
    rng.uniforms(count)          # count uniform() draws, fast, for hot loops

Python integers never overflow, so every step that wraps around in C's
uint64_t is masked back to 64 bits here with `& MASK`.
"""

MASK = (1 << 64) - 1            # UINT64_MAX: C's arithmetic is modulo 2^64

# The jump polynomial for 2^128 steps, from the reference code (rng_jump).
JUMP = (0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C,
        0xA9582618E03FC9AA, 0x39ABDC4529B1661C)


def rotate_left(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def splitmix64(state):
    """One splitmix64 step: (the new state, the next output)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


class Rng:
    """One generator: `s` is the 256-bit state, four 64-bit words, as in
    struct rng. Plain data, so it pickles: a Pool can send it to a worker."""

    def __init__(self, seed, stream=0):
        # rng_seed: the state from a 64-bit seed (C's uint64_t, hence the
        # mask) through splitmix64, so that similar seeds give unrelated
        # states; then rng_stream's jumps.
        seed &= MASK
        self.s = []
        for _ in range(4):
            seed, word = splitmix64(seed)
            self.s.append(word)
        for _ in range(stream):
            self.jump()

    def copy(self):
        """A second generator in the same state, moving on independently."""
        twin = Rng.__new__(Rng)
        twin.s = list(self.s)
        return twin

    def next(self):
        """The next 64 random bits (rng_next)."""
        s = self.s
        result = (rotate_left((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotate_left(s[3], 45)
        return result

    def uniform(self):
        """A float in [0, 1) from the top 53 bits (rng_uniform): exact, as a
        double holds 53 bits, so C and Python get the very same number."""
        return (self.next() >> 11) * 2.0**-53

    def below(self, bound):
        """A whole number in [0, bound), bound > 0 (rng_below). Rejection
        sampling removes the bias of a plain modulo."""
        limit = MASK - MASK % bound
        while True:
            x = self.next()
            if x < limit:
                return x % bound

    def jump(self):
        """Advance by 2^128 steps (rng_jump): stream k + 1 starts where
        stream k would need 2^128 numbers to reach, so streams never meet."""
        acc = [0, 0, 0, 0]
        for word in JUMP:
            for b in range(64):
                if word & (1 << b):
                    acc = [a ^ x for a, x in zip(acc, self.s)]
                self.next()
        self.s = acc

    def uniforms(self, count):
        """Yield `count` floats, the same as `count` calls of uniform().

        The loop of the darts (chapters 08 and 09) draws millions of numbers,
        and there a method call and four list lookups per number cost more
        than xoshiro's arithmetic. So this is next() again, with the state in
        local variables: about 1.5x faster. The state goes back into self.s
        when the generator ends or is dropped, so self moves on exactly as
        many steps as numbers were taken from it.
        """
        s0, s1, s2, s3 = self.s
        try:
            for _ in range(count):
                r = (s1 * 5) & MASK
                # rotl(r, 7) * 9: one mask at the end is enough, mod 2^64
                result = ((r << 7 | r >> 57) * 9) & MASK
                t = (s1 << 17) & MASK
                s2 ^= s0
                s3 ^= s1
                s1 ^= s2
                s0 ^= s3
                s2 ^= t
                s3 = (s3 << 45 | s3 >> 19) & MASK          # rotl(s3, 45)
                yield (result >> 11) * 2.0**-53
        finally:
            self.s = [s0, s1, s2, s3]

