/* SPDX-License-Identifier: MIT */
/*
 * 6_named_segment_reader.c - the other side of step 6: an unrelated program
 * that knows only a name, opens that shared memory, sums the numbers in it
 * and writes its answer back. 6_named_segment starts it (fork + exec).
 *
 * Python: shm = SharedMemory(name=name) in another program; shm.close()
 *
 * Usage: 6_named_segment_reader NAME      (e.g. /forklore-07-4242)
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "report.h"

/* The layout both programs agree on (6_named_segment.c has the same). */
#define NUMBERS 1000
struct segment {
    char greeting[64];
    long numbers[NUMBERS];
    long reader_sum; /* the reader's answer */
    long reader_pid;
};

int main(int argc, char **argv)
{
    const char *name = NULL;
    const struct flag flags[] = {
        {0, FLAG_ARG, "/NAME", NULL, NULL, 0, 0, &name},
        OPTS_END("/forklore-07-4242"),
    };
    opts_parse(argc, argv, NULL, "Open a segment by its name (6_named_segment starts me).", flags);
    if (name[0] != '/')
        usage_error("invalid value '%s' for /NAME: a name starts with '/'", cli_excerpt(name));
    int fd = shm_open(name, O_RDWR, 0); /* no O_CREAT: it must exist */
    if (fd < 0)
        die("shm_open");
    struct stat st;
    if (fstat(fd, &st) != 0)
        die("fstat");
    if ((size_t)st.st_size < sizeof(struct segment))
        die_msg("%s: segment is %lld bytes, too small", name, (long long)st.st_size);
    struct segment *seg = mmap(NULL, sizeof *seg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED)
        die("mmap");
    if (close(fd) != 0) /* the mapping keeps the memory; the fd is not needed */
        die("close");
    long me = (long)getpid(), sum = 0;
    printf("[reader %ld] opened %s by name: %lld bytes\n", me, name, (long long)st.st_size);
    for (int i = 0; i < NUMBERS; i++)
        sum += seg->numbers[i];
    printf("[reader %ld] greeting \"%.*s\"; sum of the %d numbers = %ld\n", me,
           (int)sizeof seg->greeting, seg->greeting, NUMBERS, sum);
    seg->reader_sum = sum;
    seg->reader_pid = me;
    printf("[reader %ld] wrote its answer into the segment\n", me);
    if (munmap(seg, sizeof *seg) != 0) /* shm.close(): the name stays */
        die("munmap");
    return 0;
}
