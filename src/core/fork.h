/*
 * fork() safety.
 *
 * Descriptors: a child shares its parent's descriptors, so a netlink or inotify socket opened
 * before fork() would deliver each notification to only one of the two processes. Objects that
 * own such descriptors remember gx_fork_generation() when they open them and reopen when the value
 * has changed (TEST-VECTORS K04).
 *
 * Locks: a fork() while another thread holds one of our mutexes would leave it locked forever in
 * the child, which has only the forking thread. Long-lived mutexes (a context's reload set, its
 * netwatch) are registered here: the atfork "prepare" handler takes every registered mutex, so
 * fork() happens while none is held elsewhere, and both parent and child release them afterwards.
 * State that a thread was changing outside a lock (a build in progress) is reset by its owner when
 * it sees the new generation.
 */
#ifndef GX_FORK_H
#define GX_FORK_H

#include <pthread.h>

/* Incremented in the child of every fork(); reading it costs one relaxed atomic load. */
unsigned gx_fork_generation(void);

/* A registered mutex; embed one in the object that owns the mutex. */
struct gx_fork_lock {
    pthread_mutex_t *mutex;
    struct gx_fork_lock *prev, *next;
};

/* Registers / unregisters a mutex (called at object creation and destruction, not while holding
 * the mutex). */
void gx_fork_lock_register(struct gx_fork_lock *l, pthread_mutex_t *mutex);
void gx_fork_lock_unregister(struct gx_fork_lock *l);

#endif
