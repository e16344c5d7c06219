#include "config/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/status.h"

static void file_id_from_stat(const struct stat *st, struct gx_file_id *id)
{
    id->exists = true;
    id->dev = st->st_dev;
    id->ino = st->st_ino;
    id->size = st->st_size;
    id->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    id->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

/* Errors that mean "there is no usable file here" rather than "reading failed". */
static bool file_errno_is_absent(int e)
{
    return e == ENOENT || e == EACCES || e == EPERM || e == ENOTDIR || e == ELOOP ||
           e == ENAMETOOLONG || e == ENXIO || e == ENODEV;
}

void gx_file_identify(const char *path, struct gx_file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        file_id_from_stat(&st, id);
}

bool gx_file_id_same(const struct gx_file_id *a, const struct gx_file_id *b)
{
    if (a->exists != b->exists)
        return false;
    if (!a->exists)
        return true;
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

int gx_file_read(const char *path, size_t max_bytes, char **data, size_t *len,
                 struct gx_file_id *id)
{
    memset(id, 0, sizeof *id);
    *data = NULL;
    *len = 0;

    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return file_errno_is_absent(errno) ? GX_E_NOTFOUND : GX_E_SYSTEM;

    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return GX_E_SYSTEM;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return GX_E_NOTFOUND;
    }
    file_id_from_stat(&st, id);
    if (st.st_size < 0 || (uint64_t)st.st_size > max_bytes) {
        close(fd);
        return GX_E_LIMIT;
    }

    /* The file may change size while we read it: start from its size, grow when needed, and
     * stop at max_bytes. */
    size_t cap = (size_t)st.st_size + 1;
    size_t used = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return GX_E_MEMORY;
    }
    for (;;) {
        if (used == cap) {
            if (cap >= max_bytes) {
                free(buf);
                close(fd);
                return GX_E_LIMIT;
            }
            size_t ncap = cap > max_bytes / 2 ? max_bytes : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                close(fd);
                return GX_E_MEMORY;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return GX_E_SYSTEM;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return GX_OK;
}
