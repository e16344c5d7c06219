/*
 * Reading configuration files: the only place in gaix that reads a file. A file is read whole
 * into memory and handed to a parser over (ptr, len); parsers never do I/O.
 */
#ifndef GX_FILE_H
#define GX_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What identifies one version of a file: a change of any field means the file changed. */
struct gx_file_id {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    int64_t mtime_ns;
    int64_t ctime_ns;
};

/*
 * Reads the regular file at `path` whole. On success returns GX_OK with *data (malloc'd, with a
 * NUL after the last byte for the debugger's sake; parsers use *len) and *len set.
 * A file that is missing, unreadable (EACCES), under a non-directory (ENOTDIR), a loop of links,
 * or not a regular file (a directory, a FIFO: opened with O_NONBLOCK so that it never blocks)
 * gives GX_E_NOTFOUND: callers treat it as empty (TEST-VECTORS F01-F03). A file larger than
 * `max_bytes` gives GX_E_LIMIT; other errors (EIO, ...) GX_E_SYSTEM with errno set.
 * *id is filled in every case (id->exists false when not found).
 */
int gx_file_read(const char *path, size_t max_bytes, char **data, size_t *len,
                 struct gx_file_id *id);

/* stat() only: fills *id (exists false when the file is not there or not regular). */
void gx_file_identify(const char *path, struct gx_file_id *id);

bool gx_file_id_same(const struct gx_file_id *a, const struct gx_file_id *b);

#endif
