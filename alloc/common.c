/*
 * common.c: what every allocator of mballoc shares: the error handler, the build's ABI marker,
 * the lock of a locked object, anonymous memory.
 */
#include "internal.h"

/* ---------------------------------------------------------------- errors */

static void default_handler(mb_alloc_error_t what, const char *allocator, const void *ptr) {
  static const char *const names[] = {"", "free of a pointer it did not hand out",
                                      "free of a pointer inside a block", "double free"};
  fprintf(stderr, "mballoc: %s: %s (%p)\n", allocator, names[what], ptr);
  abort();
}
mb_alloc_error_fn mba_error_handler = default_handler;

void mb_alloc_set_error_handler(mb_alloc_error_fn fn) { mba_error_handler = fn ? fn : default_handler; }

#ifdef MB_ALLOC_DEBUG
const char mb_alloc_abi_debug = 1;
#else
const char mb_alloc_abi_release = 1;
#endif

int mb_alloc_debug_build(void) {
#ifdef MB_ALLOC_DEBUG
  return 1;
#else
  return 0;
#endif
}

int mba_init_lock(pthread_mutex_t *m, int flags) {
  int e = flags & MB_ALLOC_LOCKED ? pthread_mutex_init(m, NULL) : 0;
  if (e) errno = e;
  return e ? -1 : 0;
}

void *mba_map(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    errno = ENOMEM;
    return NULL;
  }
  return p;
}
