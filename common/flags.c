/* SPDX-License-Identifier: MIT */
/* flags.c - see flags.h. */
#include "flags.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pool.h" /* pool_max_workers(): the fork-bomb guard for -p and -j */
#include "report.h"

void flags_parse(struct flags *f, const char *accept, const char *help, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"producers", required_argument, NULL, 'p'},
        {"workers", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* getopt's complaints are reported here, on one line */
    int c;
    while ((c = getopt_long(argc, argv, ":p:j:n:qh", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf(help, report_program());
            exit(0);
        }
        if (c == ':')
            usage_error("%s: missing value", argv[optind - 1]);
        if (c == '?')
            usage_error("unknown option '%s'", argv[optind - 1]);
        if (strchr(accept, c) == NULL) /* known elsewhere, not taken here */
            usage_error("unknown option '%s'", c == 't' ? "--timeout" : (char[]){'-', (char)c, 0});
        switch (c) {
        case 'p': f->producers = (int)cli_parse_int("-p", optarg, 1, pool_max_workers()); break;
        case 'j': f->workers = (int)cli_parse_int("-j", optarg, 1, pool_max_workers()); break;
        case 'n': f->items = cli_parse_count("-n", optarg, 1, f->items_max); break;
        case 'q': f->quiet = true; break;
        case 't': f->timeout = cli_parse_real("--timeout", optarg, 0.01, 60, 0); break;
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
}
