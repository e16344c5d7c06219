#include "config/reload.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/fork.h"
#include "core/limits.h"
#include "core/status.h"
#include "gaix.h"

#define FILE_EVENTS (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVE_SELF | IN_DELETE_SELF)
/* The directory also reports writes to the file: the file's own watch is re-added after a
 * rename(), and a write in between must not go unnoticed. Events are matched by name. */
#define DIR_EVENTS                                                                                \
    (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_MODIFY | IN_CLOSE_WRITE)

int gx_reload_set_init(struct gx_reload_set *s, int interval_ms)
{
    memset(s, 0, sizeof *s);
    if (pthread_mutex_init(&s->lock, NULL) != 0)
        return GX_E_MEMORY;
    if (pthread_cond_init(&s->built, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        return GX_E_MEMORY;
    }
    s->interval_ms = interval_ms;
    s->inotify_fd = -1;
    gx_fork_lock_register(&s->fork_lock, &s->lock);
    return GX_OK;
}

void gx_reload_set_destroy(struct gx_reload_set *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        struct gx_reload_file *f = &s->files[i];
        if (f->current)
            f->unref(f->current);
        free(f->path);
    }
    /* In a child that never used the context this is the parent's descriptor: closing our copy
     * leaves the parent's open. */
    if (s->inotify_fd >= 0)
        close(s->inotify_fd);
    gx_fork_lock_unregister(&s->fork_lock);
    pthread_cond_destroy(&s->built);
    pthread_mutex_destroy(&s->lock);
}

int gx_reload_set_add(struct gx_reload_set *s, const char *path, gx_reload_build_fn *build,
                      gx_reload_ref_fn *ref, gx_reload_ref_fn *unref, void *arg)
{
    if (s->nfiles == GX_RELOAD_FILES)
        return GX_E_LIMIT;
    struct gx_reload_file *f = &s->files[s->nfiles];
    memset(f, 0, sizeof *f);
    if (path && path[0]) {
        f->path = strdup(path);
        if (!f->path)
            return GX_E_MEMORY;
    }
    f->build = build;
    f->ref = ref;
    f->unref = unref;
    f->arg = arg;
    f->wd_file = f->wd_dir = -1;
    f->dirty = true;
    return (int)s->nfiles++;
}

/* Watches a file and its directory; failures only mean changes are found by stat(). */
static void reload_watch(struct gx_reload_set *s, struct gx_reload_file *f)
{
    if (s->inotify_fd < 0 || !f->path)
        return;
    f->wd_file = inotify_add_watch(s->inotify_fd, f->path, FILE_EVENTS);
    const char *slash = strrchr(f->path, '/');
    char dir[PATH_MAX];
    size_t dlen = slash ? (size_t)(slash - f->path) : 0;
    if (slash && dlen == 0)
        dlen = 1; /* the root directory */
    if (dlen == 0) {
        dir[0] = '.';
        dlen = 1;
    } else if (dlen < sizeof dir) {
        memcpy(dir, f->path, dlen);
    } else {
        return;
    }
    dir[dlen] = '\0';
    f->wd_dir = inotify_add_watch(s->inotify_fd, dir, DIR_EVENTS);
}

/* Sets up inotify (again, in a forked child). Called with the lock held. */
static void reload_open(struct gx_reload_set *s)
{
    unsigned gen = gx_fork_generation();
    if (s->opened && s->fork_gen == gen)
        return;
    if (s->opened && s->inotify_fd >= 0)
        close(s->inotify_fd); /* the parent's descriptor: drop our copy */
    s->opened = true;
    s->fork_gen = gen;
    s->inotify_fd = -1;
    if (s->interval_ms != GAIX_RELOAD_NEVER)
        s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    for (size_t i = 0; i < s->nfiles; i++) {
        s->files[i].wd_file = s->files[i].wd_dir = -1;
        s->files[i].dirty = true;
        /* A build that another thread of the parent had under way does not exist here. */
        s->files[i].building = false;
        reload_watch(s, &s->files[i]);
    }
}

static uint64_t reload_interval(const struct gx_reload_set *s)
{
    if (s->interval_ms > 0)
        return (uint64_t)s->interval_ms;
    return s->inotify_fd >= 0 ? GX_RELOAD_INOTIFY_MS : GX_RELOAD_STAT_MS;
}

/* Which file an event is about: its own watch, or its name in its directory's watch. */
static void reload_match_event(struct gx_reload_set *s, const struct inotify_event *ev)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        struct gx_reload_file *f = &s->files[i];
        if (!f->path)
            continue;
        bool hit = ev->wd == -1 || ev->wd == f->wd_file; /* -1: the queue overflowed */
        if (!hit && ev->wd == f->wd_dir && ev->len > 0) {
            const char *slash = strrchr(f->path, '/');
            const char *base = slash ? slash + 1 : f->path;
            hit = strcmp(ev->name, base) == 0;
        }
        if (hit)
            f->dirty = f->changed = true;
    }
}

/* Reads pending inotify events and marks the files they concern. */
static void reload_drain(struct gx_reload_set *s)
{
    /* Aligned as inotify_event requires; 4 KiB holds many events of up to NAME_MAX. */
    union {
        struct inotify_event ev;
        char bytes[4096];
    } buf;
    for (;;) {
        ssize_t n = read(s->inotify_fd, buf.bytes, sizeof buf.bytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        size_t off = 0;
        while (off + sizeof(struct inotify_event) <= (size_t)n) {
            const struct inotify_event *ev = (const void *)(buf.bytes + off);
            size_t size = sizeof *ev + ev->len;
            if (off + size > (size_t)n)
                break;
            reload_match_event(s, ev);
            off += size;
        }
    }
}

/* Decides which files may have changed. Called with the lock held. */
static void reload_check(struct gx_reload_set *s, uint64_t now_ms)
{
    if (s->interval_ms == GAIX_RELOAD_NEVER)
        return;
    if (s->interval_ms != GAIX_RELOAD_EVERY_CALL && now_ms < s->next_check_ms)
        return;
    s->next_check_ms = now_ms + reload_interval(s);
    if (s->inotify_fd >= 0) {
        reload_drain(s);
        return;
    }
    for (size_t i = 0; i < s->nfiles; i++)
        s->files[i].dirty = true;
}

/* Reads and builds the object of a file. Called WITHOUT the lock. */
static int reload_build(struct gx_reload_file *f, const char *path, void **obj,
                        struct gx_file_id *id)
{
    char *data = NULL;
    size_t len = 0;
    memset(id, 0, sizeof *id);
    if (path) {
        int st = gx_file_read(path, GX_CONFIG_FILE_MAX, &data, &len, id);
        if (st == GX_E_NOTFOUND) {
            data = NULL;
            len = 0;
        } else if (st < 0) {
            return st;
        }
    }
    return f->build(data, len, f->arg, obj);
}

/* Builds a new object for f outside the lock and installs it. Called and returns with the lock
 * held. A failure keeps the previous object, if any. */
static int reload_rebuild(struct gx_reload_set *s, struct gx_reload_file *f)
{
    f->building = true;
    f->dirty = f->changed = false;
    char *path = f->path;
    /* Watch the file that is about to be read before reading it: a write after the read then
     * still raises an event. (After a rename() the path names a new inode, which the old
     * watch does not see.) */
    if (s->inotify_fd >= 0 && path)
        f->wd_file = inotify_add_watch(s->inotify_fd, path, FILE_EVENTS);
    pthread_mutex_unlock(&s->lock);
    void *obj = NULL;
    struct gx_file_id id;
    int st = reload_build(f, path, &obj, &id);
    pthread_mutex_lock(&s->lock);
    f->building = false;
    pthread_cond_broadcast(&s->built);
    if (st < 0) {
        /* The change is still to be taken in (EMFILE, ENOMEM pass): try again next time, or a
         * file replaced once would keep its old contents for good. */
        f->dirty = f->changed = true;
        return st;
    }
    void *old = f->current;
    f->current = obj;
    f->id = id;
    if (old)
        f->unref(old);
    return GX_OK;
}

int gx_reload_acquire(struct gx_reload_set *s, size_t index, uint64_t now_ms, void **out)
{
    struct gx_reload_file *f = &s->files[index];
    pthread_mutex_lock(&s->lock);
    reload_open(s);
    reload_check(s, now_ms);

    if (f->dirty && !f->changed && !f->building && f->current && f->path) {
        struct gx_file_id id;
        gx_file_identify(f->path, &id);
        if (gx_file_id_same(&id, &f->id))
            f->dirty = false;
    }
    bool tried = false;
    for (;;) {
        if (f->dirty && !f->building && !tried && (f->current == NULL || f->path != NULL)) {
            /* One build per acquire: a failed one leaves the file marked, for the next call. */
            tried = true;
            int st = reload_rebuild(s, f);
            if (st < 0 && f->current == NULL) {
                pthread_mutex_unlock(&s->lock);
                return st;
            }
            continue;
        }
        if (f->current == NULL && f->building) {
            /* Another thread builds the very first object: wait for it. */
            pthread_cond_wait(&s->built, &s->lock);
            continue;
        }
        break;
    }
    void *obj = f->current;
    f->ref(obj);
    pthread_mutex_unlock(&s->lock);
    *out = obj;
    return GX_OK;
}
