/* SPDX-License-Identifier: MIT */
/* lab_options.c - the lab exercises' command line; see lab_options.h. */
#include "lab_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "pool.h"
#include "report.h"

enum { MAX_OPTIONS = 16, LONG_ONLY = 256 };

/* "-j", or "--crash-task" for an option without a short name. */
static const char *option_name(const struct lab_option *o, char *buf, size_t size)
{
    if (o->short_name != 0)
        snprintf(buf, size, "-%c", o->short_name);
    else
        snprintf(buf, size, "--%s", o->long_name);
    return buf;
}

static _Noreturn void print_help(const char *about, const struct lab_option *options)
{
    char name[40], left[64];
    printf("Usage: %s", report_program());
    for (const struct lab_option *o = options; o->value != NULL; o++)
        printf(" [%s %s]", option_name(o, name, sizeof name), o->arg);
    printf("\n%s\n\n", about);
    for (const struct lab_option *o = options; o->value != NULL; o++) {
        if (o->short_name != 0 && o->long_name != NULL)
            snprintf(left, sizeof left, "-%c, --%s %s", o->short_name, o->long_name, o->arg);
        else if (o->short_name != 0)
            snprintf(left, sizeof left, "-%c %s", o->short_name, o->arg);
        else
            snprintf(left, sizeof left, "    --%s %s", o->long_name, o->arg);
        printf("  %-20s %s\n", left, o->help);
    }
    printf("  %-20s %s\n", "-h, --help", "this text");
    exit(0);
}

static void set_value(const struct lab_option *o, const char *text)
{
    char name[40];
    option_name(o, name, sizeof name);
    switch (o->kind) {
    case LAB_INT:
        *(int *)o->value = (int)cli_parse_int(name, text, (long long)o->min, (long long)o->max);
        break;
    case LAB_COUNT:
        *(int *)o->value = (int)cli_parse_count(name, text, (long long)o->min, (long long)o->max);
        break;
    case LAB_WORKERS:
        *(int *)o->value = (int)cli_parse_int(name, text, (long long)o->min, pool_max_workers());
        break;
    case LAB_REAL: *(double *)o->value = cli_parse_real(name, text, o->min, o->max, 0); break;
    }
}

/* The getopt_long tables for `options`; returns how many options there are. */
static int getopt_tables(const struct lab_option *options, struct option *longopts, char *shortopts)
{
    int n = 0, s = 0, l = 0;
    shortopts[s++] = ':'; /* a missing value is reported as ':', not '?' */
    for (; options[n].value != NULL; n++) {
        if (n == MAX_OPTIONS)
            die_msg("lab_parse_options: more than %d options", MAX_OPTIONS);
        const struct lab_option *o = &options[n];
        if (o->short_name != 0) {
            shortopts[s++] = (char)o->short_name;
            shortopts[s++] = ':';
        }
        if (o->long_name != NULL) {
            int val = o->short_name != 0 ? o->short_name : LONG_ONLY + n;
            longopts[l++] = (struct option){o->long_name, required_argument, NULL, val};
        }
    }
    shortopts[s++] = 'h';
    shortopts[s] = '\0';
    longopts[l++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[l] = (struct option){NULL, 0, NULL, 0};
    return n;
}

void lab_parse_options(int argc, char **argv, const char *about, const struct lab_option *options)
{
    struct option longopts[MAX_OPTIONS + 2];
    char shortopts[2 * MAX_OPTIONS + 3];
    report_set_program(argv[0]);
    int n = getopt_tables(options, longopts, shortopts);
    opterr = 0; /* getopt's errors are reported here, on one line */
    for (int c; (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1;) {
        if (c == 'h')
            print_help(about, options);
        if (c == ':')
            usage_error("option '%s' needs a value", argv[optind - 1]);
        int k = 0;
        while (k < n && !(c == options[k].short_name || c == LONG_ONLY + k))
            k++;
        if (k < n) {
            set_value(&options[k], optarg);
        } else if (optopt != 0) {
            usage_error("unknown option '-%c'", optopt);
        } else {
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}

int lab_parse_workers(int argc, char **argv, const char *about, int min, int fallback)
{
    int workers = fallback;
    char help[64];
    snprintf(help, sizeof help, "processes to start (default %d)", fallback);
    const struct lab_option options[] = {
        {'j', "workers", LAB_WORKERS, min, 0, &workers, "N", help},
        {0},
    };
    lab_parse_options(argc, argv, about, options);
    return workers;
}
