/*
 * File-backed objects that rebuild themselves when their file changes: the hosts index, the
 * services index and the gai.conf policy of a context.
 *
 * A gx_reload_set owns up to GX_RELOAD_FILES files and one inotify descriptor watching each file
 * (in-place writes) and its directory (rename(), creation, removal). Looking for changes costs
 * one read() that normally fails with EAGAIN, and happens no more often than the interval; an
 * event for a file rebuilds it. Without inotify (no kernel support, or the per-user instance limit
 * reached) every file is stat()ed instead, at most once per GX_RELOAD_STAT_MS, and rebuilt when
 * its identity (device, inode, size, mtime, ctime) changed.
 *
 * Readers get the current object with a reference and keep using it for their whole lookup, so a
 * lookup sees the old or the new file, never a mix (F30). A rebuild of a file that already has an
 * object happens outside the lock: other lookups keep using the old object meanwhile. After
 * fork() the child opens its own inotify descriptor (a shared one would split the events between
 * the two processes).
 */
#ifndef GX_RELOAD_H
#define GX_RELOAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/file.h"
#include "core/fork.h"

/* hosts, services, gai.conf, resolv.conf */
#define GX_RELOAD_FILES 4

/* Builds an object from a whole file; takes ownership of data (NULL when len is 0). */
typedef int gx_reload_build_fn(char *data, size_t len, void *arg, void **out);
typedef void gx_reload_ref_fn(void *obj);

struct gx_reload_file {
    char *path; /* NULL: no file; the object is built from nothing */
    gx_reload_build_fn *build;
    gx_reload_ref_fn *ref;
    gx_reload_ref_fn *unref;
    void *arg;
    void *current;
    struct gx_file_id id;
    int wd_file, wd_dir;
    bool dirty;    /* a change may have happened: compare identities on the next acquire */
    bool changed;  /* inotify reported a change: rebuild without comparing (a rewrite of the
                    * same size within one timestamp tick keeps the identity) */
    bool building; /* one thread is building a new object outside the lock */
};

struct gx_reload_set {
    pthread_mutex_t lock;
    pthread_cond_t built; /* signalled when a build ends */
    struct gx_fork_lock fork_lock;
    int interval_ms;  /* GAIX_RELOAD_* or milliseconds */
    int inotify_fd;   /* -1: none, stat() instead */
    unsigned fork_gen;
    bool opened;      /* inotify set up (lazily, on first acquire) */
    uint64_t next_check_ms;
    size_t nfiles;
    struct gx_reload_file files[GX_RELOAD_FILES];
};

int gx_reload_set_init(struct gx_reload_set *s, int interval_ms);
void gx_reload_set_destroy(struct gx_reload_set *s);

/* Adds a file (path copied; NULL or "" for none). Returns its index, or GX_E_MEMORY / GX_E_LIMIT. */
int gx_reload_set_add(struct gx_reload_set *s, const char *path, gx_reload_build_fn *build,
                      gx_reload_ref_fn *ref, gx_reload_ref_fn *unref, void *arg);

/*
 * The current object of file `index`, with a reference the caller drops with the file's unref
 * function. Builds it on first use and again after a change. A file that cannot be read
 * (missing, not regular, unreadable) builds the empty object; a read error keeps the previous
 * object. Negative status only when there is no object at all (GX_E_MEMORY, GX_E_SYSTEM).
 */
int gx_reload_acquire(struct gx_reload_set *s, size_t index, uint64_t now_ms, void **out);

#endif
