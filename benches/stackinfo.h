/*
 * stackinfo.h: where the calling thread's stack is, and how much of it is left. Shared by
 * the stack and recursion families (header-only: each family is one .c file).
 *
 * glibc's pthread_getattr_np reports the main thread's stack as RLIMIT_STACK bytes below
 * the top of the [stack] mapping, and a thread's as its mmap'd stack; either way
 * [lo, lo + size) is what the thread may use before it reaches the guard.
 */
#ifndef MB_STACKINFO_H
#define MB_STACKINFO_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mb_stack_info {
  uintptr_t lo;     /* lowest usable address */
  uintptr_t hi;     /* one past the highest */
  size_t guard;     /* guard size pthread reports (0 for the main thread: the kernel's gap) */
} mb_stack_info_t;

static inline int mb_stack_info(mb_stack_info_t *si) {
  pthread_attr_t a;
  void *addr;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &a)) return -1;
  int rc = pthread_attr_getstack(&a, &addr, &size);
  if (!rc) pthread_attr_getguardsize(&a, &si->guard);
  pthread_attr_destroy(&a);
  if (rc) return -1;
  si->lo = (uintptr_t)addr;
  si->hi = (uintptr_t)addr + size;
  return 0;
}

/* Bytes between the current stack pointer and the bottom of the usable stack. */
static inline size_t mb_stack_remaining(void) {
  mb_stack_info_t si;
  char here;
  if (mb_stack_info(&si)) return 0;
  uintptr_t sp = (uintptr_t)&here;
  return sp > si.lo ? (size_t)(sp - si.lo) : 0;
}

#endif
