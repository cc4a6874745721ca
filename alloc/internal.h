/*
 * internal.h: what the allocators of mballoc (pool.c, freelist.c, bump.c) share, from common.c:
 * the error handler, the lock of a locked object, anonymous memory. Not installed; the
 * shared library does not export these names.
 */
#ifndef MBALLOC_INTERNAL_H
#define MBALLOC_INTERNAL_H
#define _GNU_SOURCE
#include "mballoc.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ROUND16(n) (((n) + 15) & ~(size_t)15)
/* A chunk of the free list or the bump region starts with the link to the next (16: the
 * blocks after it stay 16-byte aligned). */
#define CHUNK_LINK 16
#define MBA_HIDDEN __attribute__((visibility("hidden")))

/* Called on an invalid free (debug builds): mb_alloc_set_error_handler's, else one line and abort. */
extern MBA_HIDDEN mb_alloc_error_fn mba_error_handler;
/* The mutex of an object made with MB_ALLOC_LOCKED. 0, or -1 with errno. */
MBA_HIDDEN int mba_init_lock(pthread_mutex_t *m, int flags);
/* bytes of fresh anonymous memory, or NULL with errno ENOMEM. */
MBA_HIDDEN void *mba_map(size_t bytes);

#endif
