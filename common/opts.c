/* SPDX-License-Identifier: MIT */
/*
 * opts.c - the command line as a table, on getopt_long; see opts.h.
 */
#include "opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "report.h"

enum { FLAGS_MAX = 32, LONG_ONLY = 256 };

/* "-j", or "--seed" for a flag without a letter: how messages name it. */
static const char *flag_label(const struct flag *f, char *buf, size_t size)
{
    if (f->letter)
        snprintf(buf, size, "-%c", f->letter);
    else
        snprintf(buf, size, "--%s", f->name);
    return buf;
}

static void flags_help(const char *usage, const char *about, const struct flag *flags)
{
    printf("Usage: %s %s\n%s\n\n", report_program(), usage, about);
    for (const struct flag *f = flags; f->letter || f->name; f++) {
        char left[64];
        snprintf(
            left, sizeof left, "%c%c%s%s%s%s%s", f->letter ? '-' : ' ', f->letter ? f->letter : ' ',
            f->letter && f->name ? ", "
            : f->letter          ? ""
                                 : "  ",
            f->name ? "--" : "", f->name ? f->name : "", f->arg ? " " : "", f->arg ? f->arg : "");
        printf("  %-20s %s\n", left, f->help);
    }
    printf("  %-20s %s\n", "-h, --help", "this text");
}

static void flag_set(const struct flag *f, const char *text)
{
    char label[64];
    flag_label(f, label, sizeof label);
    if (f->kind == FLAG_SWITCH)
        *(bool *)f->target = true;
    else if (f->kind == FLAG_INT)
        *(long long *)f->target = cli_parse_int(label, text, f->min, f->max);
    else
        *(long long *)f->target = cli_parse_count(label, text, f->min, f->max);
}

void opts_parse(int argc, char **argv, const char *usage, const char *about,
                 const struct flag *flags)
{
    struct option longopts[FLAGS_MAX + 2] = {{"help", no_argument, NULL, 'h'}};
    char optstring[3 * FLAGS_MAX + 4] = ":h";
    size_t nlong = 1, len = 2, count = 0;
    for (const struct flag *f = flags; (f->letter || f->name) && count < FLAGS_MAX; f++, count++) {
        int has_arg = f->kind == FLAG_SWITCH ? no_argument : required_argument;
        int val = f->letter ? f->letter : LONG_ONLY + (int)count;
        if (f->name)
            longopts[nlong++] = (struct option){f->name, has_arg, NULL, val};
        if (f->letter) {
            optstring[len++] = f->letter;
            if (has_arg)
                optstring[len++] = ':';
        }
    }
    opterr = 0; /* errors are reported here, on one line */
    int c;
    while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        if (c == 'h') {
            flags_help(usage, about, flags);
            exit(0);
        }
        if (c == ':')
            usage_error("%s: missing value", argv[optind - 1]);
        size_t i = 0;
        while (i < count && (flags[i].letter ? flags[i].letter : LONG_ONLY + (int)i) != c)
            i++;
        if (c == '?' || i == count) {
            if (optopt > 0 && optopt < LONG_ONLY)
                usage_error("unknown option '-%c'", optopt);
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
        flag_set(&flags[i], optarg);
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}
