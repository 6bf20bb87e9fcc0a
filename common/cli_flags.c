/* SPDX-License-Identifier: MIT */
/* cli_flags.c - a command line from a table; see cli_flags.h. */
#include "cli_flags.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

enum { MAX_FLAGS = 16, LONG_ONLY = 256 };

static int flag_count(const struct cli_flag *flags)
{
    int n = 0;
    while (flags[n].name != NULL || flags[n].letter != 0)
        n++;
    if (n > MAX_FLAGS)
        die_msg("cli_flags_parse: more than %d flags", MAX_FLAGS);
    return n;
}

/* "-j" if the flag has a letter, else "--seed": how messages name it. */
static void flag_label(const struct cli_flag *f, char *label, size_t size)
{
    if (f->letter != 0)
        snprintf(label, size, "-%c", f->letter);
    else
        snprintf(label, size, "--%s", f->name);
}

static void print_usage(const struct cli_flag *flags, int n, const char *about)
{
    char label[64];
    printf("Usage: %s", report_program());
    for (int i = 0; i < n; i++) {
        flag_label(&flags[i], label, sizeof label);
        printf(flags[i].min == CLI_SWITCH ? " [%s]" : " [%s N]", label);
    }
    printf("\n%s\n\n", about);
    for (int i = 0; i < n; i++) {
        const struct cli_flag *f = &flags[i];
        const char *value = f->min == CLI_SWITCH ? "" : " N";
        if (f->letter != 0 && f->name != NULL)
            snprintf(label, sizeof label, "-%c, --%s%s", f->letter, f->name, value);
        else if (f->letter != 0)
            snprintf(label, sizeof label, "-%c%s", f->letter, value);
        else
            snprintf(label, sizeof label, "    --%s%s", f->name, value);
        printf("  %-20s %s\n", label, f->help);
    }
    printf("  %-20s %s\n", "-h, --help", "this text");
}

/* getopt_long's tables, built from the flags: a flag with a letter answers
 * to its letter, one without to LONG_ONLY + its index. */
static void build_tables(const struct cli_flag *flags, int n, char *optstring,
                         struct option *longopts)
{
    char *s = optstring;
    int k = 0;
    *s++ = ':'; /* a missing value is reported as ':' */
    for (int i = 0; i < n; i++) {
        bool has_value = flags[i].min != CLI_SWITCH;
        if (flags[i].letter != 0) {
            *s++ = flags[i].letter;
            if (has_value)
                *s++ = ':';
        }
        if (flags[i].name != NULL)
            longopts[k++] =
                (struct option){flags[i].name, has_value ? required_argument : no_argument, NULL,
                                flags[i].letter ? flags[i].letter : LONG_ONLY + i};
    }
    strcpy(s, "h");
    longopts[k++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[k] = (struct option){NULL, 0, NULL, 0};
}

static const struct cli_flag *find_flag(const struct cli_flag *flags, int n, int opt)
{
    for (int i = 0; i < n; i++)
        if (opt == (flags[i].letter ? flags[i].letter : LONG_ONLY + i))
            return &flags[i];
    return NULL;
}

void cli_flags_parse(int argc, char **argv, const struct cli_flag *flags, const char *about)
{
    report_set_program(argv[0]);
    int n = flag_count(flags), opt;
    char optstring[2 * MAX_FLAGS + 3], label[64];
    struct option longopts[MAX_FLAGS + 2];
    build_tables(flags, n, optstring, longopts);
    opterr = 0; /* getopt's complaints are reported here, on one line */
    while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        const struct cli_flag *f = find_flag(flags, n, opt);
        if (opt == 'h' && f == NULL) {
            print_usage(flags, n, about);
            exit(0);
        }
        if (opt == ':')
            usage_error("%s: missing value", argv[optind - 1]);
        if (f == NULL && optopt != 0)
            usage_error("unknown option '-%c'", optopt);
        if (f == NULL)
            usage_error("unknown option '%s'", argv[optind - 1]);
        flag_label(f, label, sizeof label);
        *f->value = f->min == CLI_SWITCH ? 1 : cli_parse_count(label, optarg, f->min, f->max);
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}
