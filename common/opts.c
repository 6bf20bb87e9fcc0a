/* SPDX-License-Identifier: MIT */
/*
 * opts.c - the command line as a table, on getopt_long; see opts.h.
 */
#include "opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pool.h"
#include "report.h"

#ifndef FORKLORE_VERSION
#error "FORKLORE_VERSION comes from the file VERSION: build with make"
#endif

enum { FLAGS_MAX = 32, LONG_ONLY = 256, HELP = LONG_ONLY - 2, VERSION = LONG_ONLY - 1 };

const char *opts_version(void)
{
    return FORKLORE_VERSION;
}

/* Print `text` line by line, each line after the first indented to `indent`. */
static void print_indented(const char *text, int indent)
{
    for (const char *line = text;;) {
        size_t len = strcspn(line, "\n");
        printf("%.*s\n", (int)len, line);
        if (line[len] == '\0')
            return;
        line += len + 1;
        printf("%*s", indent, "");
    }
}

static void print_flags(const struct flag *flags)
{
    printf("Options:\n");
    for (const struct flag *f = flags; f->letter || f->name; f++) {
        if (f->kind == FLAG_ARG)
            continue;
        char left[64];
        snprintf(
            left, sizeof left, "%c%c%s%s%s%s%s", f->letter ? '-' : ' ', f->letter ? f->letter : ' ',
            f->letter && f->name ? ", "
            : f->letter          ? ""
                                 : "  ",
            f->name ? "--" : "", f->name ? f->name : "", f->arg ? " " : "", f->arg ? f->arg : "");
        printf("  %-22s %s", left, strlen(left) > 22 ? "\n                         " : "");
        print_indented(f->help, 25);
    }
    printf("  %-22s %s\n", "-h, --help", "this text");
    printf("  %-22s %s\n", "    --version", "the version of forklore");
}

/* The end of the table: its examples and extra exit statuses. */
static const struct flag *table_end(const struct flag *flags)
{
    while (flags->letter || flags->name)
        flags++;
    return flags;
}

/* "[-j N] [--seed S] [-q] FILE": the usage line made from the table. */
static void print_usage(const struct flag *flags)
{
    printf("Usage: %s", report_program());
    for (const struct flag *f = flags; f->letter || f->name; f++) {
        if (f->kind == FLAG_ARG)
            printf(" %s", f->name);
        else if (f->letter)
            printf(" [-%c%s%s]", f->letter, f->arg ? " " : "", f->arg ? f->arg : "");
        else
            printf(" [--%s%s%s]", f->name, f->arg ? " " : "", f->arg ? f->arg : "");
    }
    printf("\n");
}

static _Noreturn void print_help(const char *usage, const char *about, const struct flag *flags)
{
    const struct flag *end = table_end(flags);
    if (usage == NULL)
        print_usage(flags);
    else
        printf("Usage: %s%s%s\n", report_program(), *usage ? " " : "", usage);
    print_indented(about, 0);
    printf("\n");
    print_flags(flags);
    printf("\nExamples:\n");
    for (const char *e = end->help ? end->help : "";;) {
        size_t len = strcspn(e, "\n");
        printf("  %s%s%.*s\n", report_program(), len ? " " : "", (int)len, e);
        if (e[len] == '\0')
            break;
        e += len + 1;
    }
    printf("\nExit status:\n"
           "  0    success\n"
           "  1    a failure while running (a system call, a worker, a check), said on stderr\n"
           "  2    a bad command line, said in one line on stderr\n");
    if (end->arg != NULL)
        printf("  "), print_indented(end->arg, 2);
    exit(0);
}

/* How the user typed the option: "--workers" if by its long name, else "-j". */
static void typed_name(const struct flag *f, int longindex, char *buf, size_t size)
{
    if (longindex >= 0 || f->letter == 0)
        snprintf(buf, size, "--%s", f->name);
    else
        snprintf(buf, size, "-%c", f->letter);
}

static void flag_set(const struct flag *f, const char *name, const char *text)
{
    if (f->kind == FLAG_SWITCH)
        *(bool *)f->target = true;
    else if (f->kind == FLAG_INT)
        *(long long *)f->target = cli_parse_int(name, text, f->min, f->max);
    else if (f->kind == FLAG_COUNT)
        *(long long *)f->target = cli_parse_count(name, text, f->min, f->max);
    else if (f->kind == FLAG_REAL) {
        struct flag_real *r = f->target;
        r->value = cli_parse_real(name, text, r->min, r->max, r->below_max);
    } else
        *(const char **)f->target = text;
}

/* getopt_long's tables: a flag with a letter answers to its letter, one
 * without to LONG_ONLY + its index. Returns the number of entries. */
static size_t build_tables(const struct flag *flags, struct option *longopts, char *optstring)
{
    size_t nlong = 0, len = 0, count = 0;
    optstring[len++] = ':'; /* a missing value is reported as ':' */
    for (const struct flag *f = flags; f->letter || f->name; f++, count++) {
        if (count == FLAGS_MAX)
            die_msg("opts_parse: more than %d flags", FLAGS_MAX);
        if (f->kind == FLAG_ARG)
            continue;
        int has_arg = f->kind == FLAG_SWITCH ? no_argument : required_argument;
        if (f->name)
            longopts[nlong++] = (struct option){f->name, has_arg, NULL,
                                                f->letter ? f->letter : LONG_ONLY + (int)count};
        if (f->letter) {
            optstring[len++] = f->letter;
            if (has_arg)
                optstring[len++] = ':';
        }
    }
    optstring[len++] = 'h';
    optstring[len] = '\0';
    longopts[nlong++] = (struct option){"help", no_argument, NULL, HELP};
    longopts[nlong++] = (struct option){"version", no_argument, NULL, VERSION};
    longopts[nlong] = (struct option){NULL, 0, NULL, 0};
    return count;
}

/* getopt_long said ':' or '?': a missing value, a value given to a switch,
 * or an option nobody knows. */
static _Noreturn void option_error(int c, const char *typed)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
    if (strncmp(typed, "--", 2) != 0 && optopt > 0 && optopt < LONG_ONLY)
        snprintf(name, sizeof name, "-%c", optopt); /* -j, or -qj's j */
    if (c == ':')
        usage_error("option '%s' needs a value", cli_excerpt(name));
    if (strncmp(typed, "--", 2) == 0 && strchr(typed, '=') != NULL && optopt != 0)
        usage_error("option '%s' takes no value", cli_excerpt(name));
    usage_error("unknown option '%s'", cli_excerpt(name));
}

/* After the options: the FLAG_ARG entries take the arguments in order. */
static void take_arguments(int argc, char **argv, const struct flag *flags)
{
    for (const struct flag *f = flags; f->letter || f->name; f++)
        if (f->kind == FLAG_ARG) {
            if (optind == argc)
                usage_error("missing argument %s", f->name);
            *(const char **)f->target = argv[optind++];
        }
    if (optind < argc)
        usage_error("unexpected argument '%s'", cli_excerpt(argv[optind]));
}

void opts_parse(int argc, char **argv, const char *usage, const char *about,
                const struct flag *flags)
{
    struct option longopts[FLAGS_MAX + 3];
    char optstring[3 * FLAGS_MAX + 4];
    report_set_program(argv[0]);
    size_t count = build_tables(flags, longopts, optstring);
    opterr = 0; /* errors are reported here, on one line */
    int c, longindex = -1;
    while ((c = getopt_long(argc, argv, optstring, longopts, &longindex)) != -1) {
        if (c == 'h' || c == HELP)
            print_help(usage, about, flags);
        if (c == VERSION) {
            printf("%s (forklore) %s\n", report_program(), opts_version());
            exit(0);
        }
        size_t i = 0;
        while (i < count && (flags[i].letter ? flags[i].letter : LONG_ONLY + (int)i) != c)
            i++;
        if (c == ':' || c == '?' || i == count)
            option_error(c, argv[optind - 1]);
        char name[64];
        typed_name(&flags[i], longindex, name, sizeof name);
        flag_set(&flags[i], name, optarg);
        longindex = -1;
    }
    take_arguments(argc, argv, flags);
}

int opts_parse_workers(int argc, char **argv, const char *about, int min, int fallback,
                       const char *examples)
{
    long long workers = fallback;
    char help[64];
    snprintf(help, sizeof help, "processes to start (default %d)", fallback);
    const struct flag flags[] = {
        {'j', FLAG_INT, "workers", "N", help, min, pool_max_workers(), &workers},
        OPTS_END(examples),
    };
    opts_parse(argc, argv, "[-j N]", about, flags);
    return (int)workers;
}

void opts_check_range(const char *name, long long value, long long min, long long max)
{
    if (value < min || value > max)
        usage_error("invalid value '%lld' for %s: out of range (%lld to %lld)", value, name, min,
                    max);
}
