/*
 * fork() detection. A child shares its parent's descriptors, so a netlink or inotify socket
 * opened before fork() would deliver each notification to only one of the two processes. Objects
 * that own such descriptors remember gx_fork_generation() when they open them and reopen when the
 * value has changed (TEST-VECTORS K04).
 */
#ifndef GX_FORK_H
#define GX_FORK_H

/* Incremented in the child of every fork(); reading it costs one relaxed atomic load. */
unsigned gx_fork_generation(void);

#endif
