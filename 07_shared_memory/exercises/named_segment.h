/* SPDX-License-Identifier: MIT */
/*
 * named_segment.h - what exercises 07.3 and 07.4 share: creating a named
 * shared memory segment, SharedMemory(name=..., create=True, size=...).
 * It is the answer to TODO 1 of 07.3, given to 07.4 (whose lesson is the
 * removal); a handout of 07.3 starts from a stub instead.
 */
#ifndef FORKLORE_NAMED_SEGMENT_H
#define FORKLORE_NAMED_SEGMENT_H

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report.h"

/* Create the NEW segment `name`, `size` bytes, and map it shared; die() on
 * error, the name removed first. */
static inline void *named_segment_create(const char *name, size_t size)
{
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600); /* O_EXCL: a name in use fails */
    if (fd < 0)
        die("shm_open");
    if (ftruncate(fd, (off_t)size) != 0) { /* a new segment is 0 bytes long */
        shm_unlink(name);                  /* do not leave a half-made name behind */
        die("ftruncate");
    }
    void *seg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED) {
        shm_unlink(name);
        die("mmap");
    }
    if (close(fd) != 0) /* the mapping keeps the memory; the fd is done */
        die("close");
    return seg;
}

#endif
