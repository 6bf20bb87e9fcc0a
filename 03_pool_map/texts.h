/* SPDX-License-Identifier: MIT */
/*
 * texts.h - the data of 6_word_count.c, which the step uses but does not
 * teach: a temporary directory of generated text files, and a word count of
 * one file, like wc. 6_word_count.py generates the same files.
 *
 *     struct texts t = {.files = 8};
 *     texts_write(&t, seed);         // mkdtemp(), then text-00.txt ...
 *     texts_count(t.paths[0].name, &counts);
 *     texts_remove(&t);              // also what Ctrl-C's cleanup calls
 */
#ifndef FORKLORE_TEXTS_H
#define FORKLORE_TEXTS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "report.h"
#include "rng.h"

static const char *const vocabulary[] = {
    "fork",  "exec",   "wait",   "pipe",  "signal", "queue",  "pool",   "map",
    "chunk", "worker", "parent", "child", "reap",   "zombie", "kernel", "pid",
};
#define VOCABULARY (sizeof vocabulary / sizeof vocabulary[0])

struct path { /* a task's argument: the bytes of a name, never a pointer */
    char name[300];
};

struct counts { /* all longs, no padding: two compare with memcmp */
    long lines, words, bytes, word[VOCABULARY];
};

struct texts {
    char dir[256]; /* "" when there is none */
    struct path *paths;
    int files, written;
};

static void texts_add_word(struct counts *c, const char *word)
{
    c->words++;
    for (size_t v = 0; v < VOCABULARY; v++)
        c->word[v] += strcmp(word, vocabulary[v]) == 0;
}

/* Count lines, words, bytes and vocabulary words of one file; -1 and errno
 * if it cannot be read. */
static int texts_count(const char *name, struct counts *c)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(name, "r");
    if (f == NULL)
        return -1;
    char word[32];
    size_t len = 0;
    for (int ch; (ch = getc(f)) != EOF;) {
        c->bytes++;
        c->lines += ch == '\n';
        if (ch != ' ' && ch != '\n' && ch != '\t') {
            if (len < sizeof word - 1)
                word[len++] = (char)ch;
        } else if (len > 0) {
            word[len] = '\0', len = 0;
            texts_add_word(c, word);
        }
    }
    if (len > 0)
        word[len] = '\0', texts_add_word(c, word);
    int failed = ferror(f);
    return fclose(f) != 0 || failed ? -1 : 0;
}

/* File i: 3000 to 5999 vocabulary words, about ten to a line. */
static void texts_write_one(const char *name, struct rng *r)
{
    FILE *f = fopen(name, "w");
    if (f == NULL)
        die("fopen");
    long words = 3000 + (long)rng_below(r, 3000);
    for (long w = 0; w < words; w++) {
        fputs(vocabulary[rng_below(r, VOCABULARY)], f);
        fputc(w + 1 == words || rng_below(r, 10) == 0 ? '\n' : ' ', f);
    }
    if (fclose(f) != 0)
        die("fclose");
}

/* tempfile.mkdtemp() in $TMPDIR (or /tmp), then t->files files from the
 * seeded generator. Stops early if Ctrl-C or SIGTERM came (check with
 * interrupt_requested()); t->written files exist then. */
static void texts_write(struct texts *t, uint64_t seed)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    if (strlen(tmp) > 200)
        die_msg("TMPDIR is too long: %s", tmp);
    snprintf(t->dir, sizeof t->dir, "%s/pool_map.XXXXXX", tmp);
    if (mkdtemp(t->dir) == NULL)
        t->dir[0] = '\0', die("mkdtemp");
    t->paths = calloc((size_t)t->files, sizeof *t->paths);
    if (t->paths == NULL)
        die("calloc");
    struct rng r;
    rng_seed(&r, seed);
    for (int i = 0; i < t->files && !interrupt_requested(); i++) {
        snprintf(t->paths[i].name, sizeof t->paths[i].name, "%s/text-%02d.txt", t->dir, i);
        t->written = i + 1; /* from now on, texts_remove removes it */
        texts_write_one(t->paths[i].name, &r);
    }
}

/* Remove the files written and the directory (shutil.rmtree). */
static void texts_remove(struct texts *t)
{
    for (int i = 0; i < t->written; i++)
        if (unlink(t->paths[i].name) != 0 && errno != ENOENT)
            warn_errno("unlink");
    if (t->dir[0] != '\0' && rmdir(t->dir) != 0)
        warn_errno("rmdir");
    t->dir[0] = '\0', t->written = 0;
    free(t->paths);
    t->paths = NULL;
}

#endif
