/*
 * stack.c: what a stack allocation, a heap allocation and fresh memory cost (lesson claims
 * C2, C3, C13, C14).
 *
 * Names: stack/<variant>/<arg>:<value>
 *   call/size:0                 an indirect call to an empty function: the baseline of the
 *                               array and alloca variants, which must call a function per
 *                               allocation (a frame allocated in the loop's own function
 *                               would be hoisted out of the loop)
 *   array_untouched|array_touched/size:N   a fixed-size char[N] on the stack, in its own
 *                               function. The
 *                               file is compiled without the x86-64 red zone
 *                               (-mno-red-zone, CMakeLists.txt): a leaf function would
 *                               otherwise keep up to 128 bytes below the stack pointer and
 *                               allocate nothing at all for the small sizes; so every size
 *                               moves the stack pointer (sub/add), as any function that
 *                               calls another must
 *   alloca_untouched|alloca_touched/size:N   alloca(N) in its own function
 *   vla_untouched|vla_touched/size:N   char buf[n] in the loop body: allocated and released
 *                               each iteration without a call (sub/restore of the stack
 *                               pointer)
 *     _untouched: the allocation alone, nothing stored: a stack-pointer move whatever N (what
 *     claim C2 is about), so the name says the memory is not used; _touched uses it.
 *   malloc[_touched]/size:N     malloc(N) + free
 *   calloc[_touched]/size:N     calloc(1, N) + free
 *   malloc_memset/size:N        malloc(N) + memset(0) + free
 *     _touched: one store to every cache line of the block before it is released, so the
 *     cost of the allocation and the cost of the memory are separated (malloc and calloc
 *     untouched keep their plain names: the call does the allocator's work either way).
 *   heap_first_touch/pages:N    mmap N fresh pages (the machine's base page: 4 KiB on
 *                               x86-64), touch each, munmap: page faults
 *   heap_untouched/pages:N      mmap N pages and munmap them untouched: a reservation
 *                               (items_per_second: pages reserved per second; no bytes/s,
 *                               since no byte of it is ever touched)
 *   heap_populate/pages:N       the same with MAP_POPULATE (faulted in by mmap itself)
 *   heap_hugepage/pages:N       the same in a 2 MiB-aligned region with MADV_HUGEPAGE;
 *                               counter huge_pages = whether the kernel gave one
 *   heap_malloc/size:N          malloc(N) + touch every page + free, across glibc's mmap
 *                               threshold (dynamic: it rises after the first free of an
 *                               mmap'd block); counter mmapped = the block came from mmap
 *   heap_malloc_fixed/size:N    the same after mallopt(M_MMAP_THRESHOLD, 128 KiB), which
 *                               fixes the threshold for the rest of the process (so the
 *                               fixed variants have a child process of their own)
 *   heap_calloc[_fixed]/size:N  calloc(N) + touch every page + free, the same two ways: with
 *                               the dynamic threshold a large block is recycled from the heap
 *                               and zeroed by memset (cached memory, no page faults; what
 *                               stack/calloc measures too), with it fixed every block from
 *                               128 KiB is a fresh mapping, zeroed by the kernel page by page
 *                               as it is touched (page faults); verify: a block reads zero
 *     Each pair runs in a child membench process of its own (.process = "fresh_heap" and
 *     "fixed_heap": a re-measured dynamic run after mallopt would find the threshold fixed): a heap
 *     that other families have used serves large blocks from its free chunks instead.
 *   threads/stack_kib:S/threads:T  create + join T threads with S KiB stacks; counters
 *                               vm_kib_per_thread (VmSize growth: reserved) and
 *                               rss_kib_per_thread (VmRSS growth: resident) while all live
 *
 * Every kernel counts its allocations (verify: one per iteration, none failed). Sizes that
 * do not fit in the stack that is left are skipped with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "membench.h"
#include "smaps.h"
#include "stackinfo.h"

/* What a kernel of the allocation variants is given: the size, the cache line the touched
 * variants store to once each (the machine's: hwloc, sysconf or MB_CACHE_LINE) and the page
 * heap_malloc touches once each; the array variants' fixed-size function. */
typedef uint64_t (*alloc_fn)(size_t line);
typedef struct sized {
  size_t n, line, page;
  alloc_fn fn;
} sized_t;

static size_t page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

/* Sizes 16 B .. 1 MiB, powers of two. */
#define SIZES(X)                                                                                              \
  X(16) X(32) X(64) X(128) X(256) X(512) X(1024) X(2048) X(4096) X(8192) X(16384) X(32768) X(65536) X(131072) \
      X(262144) X(524288) X(1048576)
#define SIZE_LIST(N) N,
static const int64_t size_args[] = {SIZES(SIZE_LIST) MB_END};
static const int64_t size_quick[] = {16, 4096, 1048576, MB_END};

/* One call per allocation; returns 1 so the kernel can count calls. */
__attribute__((noinline)) static uint64_t empty_call(size_t line) {
  (void)line;
  mb_clobber();
  return 1;
}

/* Fixed-size arrays: one function per size, as a fixed-size array needs. */
#define ARRAY_FNS(N)                                           \
  __attribute__((noinline)) static uint64_t array_##N(size_t line) { \
    (void)line;                                                \
    char buf[N];                                               \
    mb_sink_ptr(buf);                                          \
    return 1;                                                  \
  }                                                            \
  __attribute__((noinline)) static uint64_t array_t_##N(size_t line) { \
    char buf[N];                                               \
    for (size_t i = 0; i < (N); i += line) buf[i] = (char)i;   \
    mb_sink_ptr(buf);                                          \
    return 1;                                                  \
  }
SIZES(ARRAY_FNS)

#define ARRAY_ENTRY(N) {N, array_##N, array_t_##N},
static const struct {
  size_t size;
  alloc_fn plain, touched;
} array_fns[] = {SIZES(ARRAY_ENTRY)};

static alloc_fn array_fn(size_t n, int touched) {
  for (size_t i = 0; i < sizeof array_fns / sizeof array_fns[0]; i++)
    if (array_fns[i].size == n) return touched ? array_fns[i].touched : array_fns[i].plain;
  return NULL;
}

/* The kernel of the array variants calls their function. */
static uint64_t k_call_fn(uint64_t iters, void *data) {
  const sized_t *s = data;
  const alloc_fn f = s->fn;
  const size_t line = s->line;
  uint64_t n = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) n += f(line);
  return n;
}

__attribute__((noinline)) static uint64_t alloca_plain(size_t n, size_t line) {
  (void)line;
  char *p = alloca(n);
  mb_sink_ptr(p);
  return 1;
}

__attribute__((noinline)) static uint64_t alloca_touched(size_t n, size_t line) {
  char *p = alloca(n);
  for (size_t i = 0; i < n; i += line) p[i] = (char)i;
  mb_sink_ptr(p);
  return 1;
}

/* A direct call per allocation; the size is opaque so the callee cannot be specialised. */
#define CALL_KERNEL(name, fn)                                               \
  static uint64_t name(uint64_t iters, void *data) {                        \
    const sized_t *s = data;                                                \
    const size_t n = s->n, line = s->line;                                  \
    uint64_t c = 0;                                                         \
    for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) c += fn(MB_OPAQUE(n), line); \
    return c;                                                               \
  }
CALL_KERNEL(k_alloca, alloca_plain)
CALL_KERNEL(k_alloca_touched, alloca_touched)

static uint64_t k_vla(uint64_t iters, void *data) {
  const size_t n = ((const sized_t *)data)->n;
  uint64_t c = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    char buf[MB_OPAQUE(n)];
    mb_sink_ptr(buf);
    c++;
  }
  return c;
}

static uint64_t k_vla_touched(uint64_t iters, void *data) {
  const sized_t *s = data;
  const size_t n = s->n, line = s->line;
  uint64_t c = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    char buf[MB_OPAQUE(n)];
    for (size_t j = 0; j < n; j += line) buf[j] = (char)j;
    mb_sink_ptr(buf);
    c++;
  }
  return c;
}

/* Heap kernels: the sink makes the pointer escape, so the compiler cannot delete the
 * malloc/free pair (GCC and Clang do, for pairs they can see through). */
#define HEAP_KERNEL(name, ALLOC, TOUCH)                        \
  static uint64_t name(uint64_t iters, void *data) {           \
    const sized_t *s = data;                                   \
    const size_t n = s->n, line = s->line, page = s->page;     \
    uint64_t ok = 0;                                           \
    for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {     \
      char *p = ALLOC;                                         \
      mb_sink_ptr(p);                                          \
      if (p) {                                                 \
        TOUCH;                                                 \
        ok++;                                                  \
      }                                                        \
      free(p);                                                 \
    }                                                          \
    return ok;                                                 \
  }
#define NO_TOUCH (void)line, (void)page, mb_clobber()
#define TOUCH_LINES (void)page; for (size_t j = 0; j < n; j += line) p[j] = (char)j; mb_sink_ptr(p)
#define TOUCH_PAGES (void)line; for (size_t j = 0; j < n; j += page) p[j] = (char)j; mb_sink_ptr(p)
#define MEMSET (void)line, (void)page; memset(p, 0, n); mb_sink_ptr(p)
HEAP_KERNEL(k_malloc, malloc(n), NO_TOUCH)
HEAP_KERNEL(k_malloc_touched, malloc(n), TOUCH_LINES)
HEAP_KERNEL(k_calloc, calloc(1, n), NO_TOUCH)
HEAP_KERNEL(k_calloc_touched, calloc(1, n), TOUCH_LINES)
HEAP_KERNEL(k_malloc_memset, malloc(n), MEMSET)
HEAP_KERNEL(k_heap_malloc, malloc(n), TOUCH_PAGES)
HEAP_KERNEL(k_heap_calloc, calloc(1, n), TOUCH_PAGES)

static int v_count(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != iters)
    return mb_fail(run, "%llu of %llu allocations done", (unsigned long long)result, (unsigned long long)iters);
  return 0;
}

/* Setups. Stack variants are skipped when the size does not fit in what is left of the
 * stack, with room for what runs below the kernel's frame (a signal handler, the sink):
 * 64 KiB, said in the reason (a hidden 256 KiB margin skipped 16 bytes under ulimit -s 256). */
#define STACK_MARGIN (64 * 1024)

static int fits_stack(mb_run_t *run) {
  size_t n = (size_t)run->arg[0], left = mb_stack_remaining();
  struct rlimit rl;
  char lim[64] = "RLIMIT_STACK";
  if (!getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur != RLIM_INFINITY)
    snprintf(lim, sizeof lim, "RLIMIT_STACK %llu KiB: ulimit -s", (unsigned long long)(rl.rlim_cur / 1024));
  if (n + STACK_MARGIN > left)
    return mb_skip(run, "%zu bytes and a %d KiB margin do not fit in the %zu bytes of stack left (%s)", n, STACK_MARGIN / 1024,
                   left, lim);
  return 0;
}

static int s_size(mb_run_t *run) {
  sized_t *s = malloc(sizeof *s);
  if (!s) return mb_skip(run, "out of memory");
  *s = (sized_t){.n = (size_t)run->arg[0], .line = run->config->cache_line, .page = page_size()};
  run->data = s;
  run->bytes_per_iter = 0;
  return 0;
}

static int s_stack(mb_run_t *run) { return fits_stack(run) ? 1 : s_size(run); }

static int s_array(mb_run_t *run, int touched) {
  if (s_stack(run)) return 1;
  sized_t *s = run->data;
  s->fn = array_fn(s->n, touched);
  return s->fn ? 0 : mb_skip(run, "no fixed-size function for %zu bytes", s->n);
}
static int s_array_plain(mb_run_t *run) { return s_array(run, 0); }
static int s_array_touched(mb_run_t *run) { return s_array(run, 1); }
static int s_call(mb_run_t *run) {
  if (s_size(run)) return 1;
  ((sized_t *)run->data)->fn = empty_call;
  return 0;
}
static void t_free(mb_run_t *run) {
  free(run->data);
  run->data = NULL;
}

/* ---- Where heap memory comes from ---- */

typedef struct fresh {
  size_t pages;
  size_t page;   /* the machine's page size */
  int flags;     /* extra mmap flags */
  int huge;      /* align to 2 MiB and MADV_HUGEPAGE */
  int untouched; /* map and unmap only: what a reservation costs */
} fresh_t;

#define HUGE (2UL << 20)

static char *map_fresh(const fresh_t *f, char **base, size_t *maplen) {
  size_t len = f->pages * f->page;
  *maplen = f->huge ? len + HUGE : len;
  char *m = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | f->flags, -1, 0);
  if (m == MAP_FAILED) return NULL;
  *base = m;
  char *p = m;
  if (f->huge) {
    p = (char *)(((uintptr_t)m + HUGE - 1) & ~(HUGE - 1));
    madvise(p, len, MADV_HUGEPAGE);
  } else {
    /* Base pages, so the fault count is the page count whatever THP is set to. */
    madvise(p, len, MADV_NOHUGEPAGE);
  }
  return p;
}

static uint64_t k_fresh(uint64_t iters, void *data) {
  const fresh_t *f = data;
  uint64_t touched = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    char *base;
    size_t maplen;
    char *p = map_fresh(f, &base, &maplen);
    if (!p) continue;
    if (!f->untouched)
      for (size_t j = 0; j < f->pages; j++) p[j * f->page] = (char)j;
    mb_sink_ptr(p);
    touched += f->pages;
    munmap(base, maplen);
  }
  return touched;
}

static int v_fresh(mb_run_t *run, uint64_t result, uint64_t iters) {
  const fresh_t *f = run->data;
  if (result != iters * f->pages) return mb_fail(run, "touched %llu pages, expected %llu", (unsigned long long)result,
                                                 (unsigned long long)(iters * f->pages));
  return 0;
}

static int s_fresh(mb_run_t *run, int flags, int huge, int untouched) {
  fresh_t *f = malloc(sizeof *f);
  if (!f) return mb_skip(run, "out of memory");
  f->pages = (size_t)run->arg[0];
  f->page = page_size();
  f->flags = flags;
  f->huge = huge;
  f->untouched = untouched;
  run->data = f;
  run->items_per_iter = (double)f->pages; /* items = pages: items_per_second is pages/s */
  /* Bytes per second only for memory that was touched: a reservation moves no bytes. */
  run->bytes_per_iter = untouched ? 0 : (double)(f->pages * f->page);
  if (huge) {
    /* Did the kernel give huge pages here? Ask once, outside the timed region. */
    char *base;
    size_t maplen;
    char *p = map_fresh(f, &base, &maplen);
    if (!p) return mb_skip(run, "mmap of %zu pages failed: %s", f->pages, strerror(errno));
    for (size_t j = 0; j < f->pages; j++) p[j * f->page] = 1;
    long kb = mb_anon_huge_kb(p);
    munmap(base, maplen);
    mb_counter(run, "huge_pages", kb > 0 ? 1 : 0, MB_COUNTER_VALUE);
    mb_counter(run, "anon_huge_kb", (double)kb, MB_COUNTER_VALUE);
  }
  return 0;
}
static int s_first_touch(mb_run_t *run) { return s_fresh(run, 0, 0, 0); }
static int s_untouched(mb_run_t *run) { return s_fresh(run, 0, 0, 1); }
static int s_populate(mb_run_t *run) { return s_fresh(run, MAP_POPULATE, 0, 0); }
static int s_hugepage(mb_run_t *run) { return s_fresh(run, 0, 1, 0); }

/* glibc marks a chunk that came from mmap with bit 1 of its size word (IS_MMAPPED). */
static int came_from_mmap(const void *p) {
  size_t head;
  /* Read the word before the block through an opaque address: the compiler sees a
   * malloc'd object and would (rightly, in ISO C) call p[-1] out of bounds. */
  memcpy(&head, (const char *)MB_OPAQUE((uintptr_t)p) - sizeof head, sizeof head);
  return (head & 2) != 0;
}

static int v_heap_malloc(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (v_count(run, result, iters)) return 1;
  /* The steady state after the run: where does a block of this size come from now? */
  char *p = malloc((size_t)run->arg[0]);
  if (!p) return mb_fail(run, "malloc failed");
  mb_counter(run, "mmapped", came_from_mmap(p), MB_COUNTER_VALUE);
  free(p);
  return 0;
}

/* calloc's promise checked after the run: a block of the size reads zero on every page (a
 * recycled block is zeroed by memset, a fresh mapping comes zeroed from the kernel); mmapped
 * as for malloc. */
static int v_heap_calloc(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (v_count(run, result, iters)) return 1;
  const sized_t *s = run->data;
  char *p = calloc(1, s->n);
  if (!p) return mb_fail(run, "calloc failed");
  mb_sink_ptr(p);
  for (size_t j = 0; j < s->n; j += s->page)
    if (p[j] || p[s->n - 1]) {
      free(p);
      return mb_fail(run, "calloc's block is not zero at byte %zu", j);
    }
  mb_counter(run, "mmapped", came_from_mmap(p), MB_COUNTER_VALUE);
  free(p);
  return 0;
}

static int s_heap_malloc(mb_run_t *run) { return s_size(run); }

static int s_heap_malloc_fixed(mb_run_t *run) {
  /* Fixing the threshold also turns off glibc's dynamic adjustment for the process. glibc
   * serves a request from the top of the heap before it considers mmap, so the trim
   * threshold goes back to its default (2 x 128 KiB) too, and the top is trimmed now:
   * otherwise a top grown by earlier benchmarks serves 1 MiB blocks without any mmap. */
  if (!mallopt(M_MMAP_THRESHOLD, 128 * 1024) || !mallopt(M_TRIM_THRESHOLD, 256 * 1024))
    return mb_skip(run, "mallopt refused to fix the thresholds");
  malloc_trim(0);
  mb_context_add("stack_mmap_threshold", "fixed at 131072 (trim 262144) by stack/heap_malloc_fixed; glibc's dynamic threshold is off from there on");
  return s_heap_malloc(run);
}

/* ---- Thread stacks ---- */

typedef struct threads {
  size_t stack;
  int n;
  pthread_t *tid;
  int gate;            /* setup only: read end of a pipe the threads block on; -1 when timed */
  int alive;           /* setup only: threads that have started (atomic) */
} threads_t;

static void *thread_body(void *arg) {
  threads_t *t = arg;
  if (t->gate >= 0) {
    char c;
    __atomic_add_fetch(&t->alive, 1, __ATOMIC_SEQ_CST);
    /* Blocks until the write end is closed: all threads stay alive while we measure. */
    while (read(t->gate, &c, 1) < 0 && errno == EINTR) {
    }
  }
  return (void *)1;
}

static int start_threads(threads_t *t) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setstacksize(&a, t->stack);
  int started = 0;
  for (; started < t->n; started++)
    if (pthread_create(&t->tid[started], &a, thread_body, t)) break;
  pthread_attr_destroy(&a);
  return started;
}

static uint64_t join_threads(threads_t *t, int started) {
  uint64_t ok = 0;
  for (int i = 0; i < started; i++) {
    void *r;
    if (!pthread_join(t->tid[i], &r) && r == (void *)1) ok++;
  }
  return ok;
}

static uint64_t k_threads(uint64_t iters, void *data) {
  threads_t *t = data;
  uint64_t ok = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) ok += join_threads(t, start_threads(t));
  return ok;
}

static int v_threads(mb_run_t *run, uint64_t result, uint64_t iters) {
  threads_t *t = run->data;
  if (result != iters * (uint64_t)t->n)
    return mb_fail(run, "%llu of %llu threads ran", (unsigned long long)result, (unsigned long long)(iters * t->n));
  return 0;
}

/* VmSize and VmRSS in kB from /proc/self/status. */
static void vm_kb(long *size, long *rss) {
  *size = mb_status_kb("VmSize");
  *rss = mb_status_kb("VmRSS");
}

/* Start t->n threads, hold them alive, and measure VmSize/VmRSS growth. Returns the
 * number started. */
static int measure_threads(threads_t *t, long *dvs, long *drss) {
  int gate[2];
  if (pipe(gate)) return -1;
  t->gate = gate[0];
  t->alive = 0;
  long vs0, rss0, vs1, rss1;
  vm_kb(&vs0, &rss0);
  int started = start_threads(t);
  while (__atomic_load_n(&t->alive, __ATOMIC_SEQ_CST) < started) sched_yield();
  vm_kb(&vs1, &rss1);
  close(gate[1]); /* release them */
  join_threads(t, started);
  close(gate[0]);
  t->gate = -1;
  *dvs = vs1 - vs0;
  *drss = rss1 - rss0;
  return started;
}

/* The measurement runs in a probe (a fresh membench of its own): glibc caches the stacks of
 * joined threads (up to 40 MiB) and reuses them, so in a process that has already run
 * threads, VmSize no longer shows what a new thread reserves. Spec: stack KiB, threads;
 * reply: started, VmSize growth, VmRSS growth (kB). */
static int probe_threads(const int64_t *spec, int nspec) {
  if (nspec != 2 || spec[0] < 16 || spec[1] < 1 || spec[1] > 100000) return 2;
  threads_t t = {.stack = (size_t)spec[0] * 1024, .n = (int)spec[1], .gate = -1};
  t.tid = calloc((size_t)t.n, sizeof *t.tid);
  long dvs = 0, drss = 0;
  int started = t.tid ? measure_threads(&t, &dvs, &drss) : -1;
  mb_probe_reply((const int64_t[]){started, dvs, drss}, 3);
  return started == t.n ? 0 : 1;
}
MB_PROBE("stack_threads", probe_threads);

static int probe_fresh(mb_run_t *run, threads_t *t, long *dvs, long *drss) {
  mb_probe_result_t r;
  char how[64];
  if (mb_probe("stack_threads", (const int64_t[]){(int64_t)(t->stack / 1024), t->n}, 2, &r))
    return mb_skip(run, "cannot start the probe process: %s", strerror(errno));
  if (r.n != 3 || r.v[0] != t->n)
    return mb_skip(run, "could only create %lld of %d threads with %zu KiB stacks (the probe ended with %s)", r.n ? (long long)r.v[0] : -1LL,
                   t->n, t->stack / 1024, mb_probe_ending(&r, how, sizeof how));
  *dvs = (long)r.v[1];
  *drss = (long)r.v[2];
  return 0;
}

static int s_threads(mb_run_t *run) {
  threads_t *t = calloc(1, sizeof *t);
  if (!t) return mb_skip(run, "out of memory");
  t->stack = (size_t)run->arg[0] * 1024;
  t->n = (int)run->arg[1];
  t->gate = -1;
  t->tid = calloc((size_t)t->n, sizeof *t->tid);
  run->data = t;
  run->items_per_iter = t->n;
  if (!t->tid) return mb_skip(run, "out of memory");
  long dvs = 0, drss = 0;
  if (probe_fresh(run, t, &dvs, &drss)) return 1;
  mb_counter(run, "vm_kib_per_thread", (double)dvs / t->n, MB_COUNTER_VALUE);
  mb_counter(run, "rss_kib_per_thread", (double)drss / t->n, MB_COUNTER_VALUE);
  mb_counter(run, "vm_mib_total", (double)dvs / 1024.0, MB_COUNTER_VALUE);
  return 0;
}

static void t_threads(mb_run_t *run) {
  threads_t *t = run->data;
  if (t) free(t->tid);
  free(t);
}

/* ---- Process layout, for the report's memory map ---- */

static int layout_data = 42;  /* .data */
static int layout_bss;        /* .bss */

/* What the stack family says about the process (MB_FAMILY's describe): where each kind of
 * memory lies, for the report's memory map. */
static void record_layout(void) {
  int local;
  void *small = malloc(64), *large = malloc(4 << 20);
  mb_context_add("stack_layout_text", "%p", (void *)record_layout);
  mb_context_add("stack_layout_data", "%p", (void *)&layout_data);
  mb_context_add("stack_layout_bss", "%p", (void *)&layout_bss);
  mb_context_add("stack_layout_heap", "%p (malloc 64 B)", small);
  mb_context_add("stack_layout_mmap", "%p (malloc 4 MiB)", large);
  mb_context_add("stack_layout_stack", "%p (a local in the main thread)", (void *)&local);
  /* The regions themselves, from /proc/self/maps: [heap], [stack], and the program. */
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512], maps[2048] = "";
  size_t w = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (!strstr(line, "[heap]") && !strstr(line, "[stack]") && !strstr(line, "membench")) continue;
    unsigned long lo, hi;
    char perms[8], *name = strrchr(line, ' ');
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || !name) continue;
    name[strcspn(name, "\n")] = 0;
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name + 1;
    int n = snprintf(maps + w, sizeof maps - w, "%s%lx-%lx %s %s", w ? "; " : "", lo, hi, perms, base);
    if (n < 0 || (size_t)n >= sizeof maps - w) break;
    w += (size_t)n;
  }
  if (f) fclose(f);
  mb_context_add("stack_layout_maps", "%s", maps);
  mb_stack_info_t si;
  if (!mb_stack_info(&si)) mb_context_add("stack_main_stack_bytes", "%zu", (size_t)(si.hi - si.lo));
  pthread_attr_t a;
  size_t def = 0;
  if (!pthread_attr_init(&a)) {
    pthread_attr_getstacksize(&a, &def);
    pthread_attr_destroy(&a);
  }
  mb_context_add("stack_thread_default_bytes", "%zu", def);
  free(small);
  free(large);
}

/* ---- Registration ---- */

static const int64_t pages_args[] = {64, 512, MB_END};
static const int64_t pages_quick[] = {64, MB_END};
static const int64_t huge_args[] = {512, MB_END};
/* Around glibc's default 128 KiB threshold. */
static const int64_t thr_args[] = {65536, 126976, 131072, 135168, 196608, 262144, 524288, 1048576, MB_END};
static const int64_t thr_quick[] = {65536, 262144, MB_END};
static const int64_t thread_args[] = {8192, 1, 8192, 4, 8192, 16, 8192, 64, 2048, 1, 2048, 4, 2048, 16, 2048, 64, MB_END};
static const int64_t thread_quick[] = {8192, 16, 2048, 16, MB_END};

#define SZ .argnames = {"size"}, .args = size_args, .quick_args = size_quick, .verify = v_count, .teardown = t_free, .items_per_iter = 1
MB_FAMILY(.name = "stack", .title = "Stack and heap allocation", .x = "size", .logx = 1, .logy = 1, .describe = record_layout,
          .doc = "What a stack array, alloca, a VLA, malloc and calloc cost by size; page faults; thread stacks.");
MB_BENCH(.family = "stack", .variant = "call", .kernel = k_call_fn, .setup = s_call, .teardown = t_free, .argnames = {"size"}, .args = MB_ARGS(0), .verify = v_count, .items_per_iter = 1, .doc = "indirect call to an empty function");
MB_BENCH(.family = "stack", .variant = "array_untouched", .version = 2, .kernel = k_call_fn, .setup = s_array_plain, SZ, .doc = "fixed-size stack array in a called function");
/* The touched variants are at version 2 since their stride became the machine's cache line
 * (it was 64 bytes everywhere). */
MB_BENCH(.family = "stack", .variant = "array_touched", .version = 2, .kernel = k_call_fn, .setup = s_array_touched, SZ, .doc = "the same, every line stored to");
MB_BENCH(.family = "stack", .variant = "alloca_untouched", .kernel = k_alloca, .setup = s_stack, SZ, .doc = "alloca in a called function");
MB_BENCH(.family = "stack", .variant = "alloca_touched", .version = 2, .kernel = k_alloca_touched, .setup = s_stack, SZ, .doc = "the same, every line stored to");
MB_BENCH(.family = "stack", .variant = "vla_untouched", .kernel = k_vla, .setup = s_stack, SZ, .doc = "VLA in the loop body");
MB_BENCH(.family = "stack", .variant = "vla_touched", .version = 2, .kernel = k_vla_touched, .setup = s_stack, SZ, .doc = "the same, every line stored to");
MB_BENCH(.family = "stack", .variant = "malloc", .kernel = k_malloc, .setup = s_size, SZ, .doc = "malloc + free");
MB_BENCH(.family = "stack", .variant = "malloc_touched", .version = 2, .kernel = k_malloc_touched, .setup = s_size, SZ, .doc = "malloc, store to every line, free");
MB_BENCH(.family = "stack", .variant = "calloc", .kernel = k_calloc, .setup = s_size, SZ, .doc = "calloc + free");
MB_BENCH(.family = "stack", .variant = "calloc_touched", .version = 2, .kernel = k_calloc_touched, .setup = s_size, SZ, .doc = "calloc, store to every line, free");
MB_BENCH(.family = "stack", .variant = "malloc_memset", .kernel = k_malloc_memset, .setup = s_size, SZ, .doc = "malloc + memset + free");
MB_BENCH(.family = "stack", .variant = "heap_first_touch", .kernel = k_fresh, .setup = s_first_touch, .teardown = t_free, .verify = v_fresh, .argnames = {"pages"}, .args = pages_args, .quick_args = pages_quick, .doc = "mmap, first touch of each page, munmap");
MB_BENCH(.family = "stack", .variant = "heap_untouched", .kernel = k_fresh, .setup = s_untouched, .teardown = t_free, .verify = v_fresh, .argnames = {"pages"}, .args = pages_args, .quick_args = pages_quick, .doc = "mmap and munmap N pages, never touched");
MB_BENCH(.family = "stack", .variant = "heap_populate", .kernel = k_fresh, .setup = s_populate, .teardown = t_free, .verify = v_fresh, .argnames = {"pages"}, .args = pages_args, .quick_args = pages_quick, .doc = "the same with MAP_POPULATE");
MB_BENCH(.family = "stack", .variant = "heap_hugepage", .kernel = k_fresh, .setup = s_hugepage, .teardown = t_free, .verify = v_fresh, .argnames = {"pages"}, .args = huge_args, .doc = "the same in a 2 MiB-aligned MADV_HUGEPAGE region");
MB_BENCH(.family = "stack", .variant = "threads", .primary = {"rss_kib_per_thread", "KiB", MB_SMALLER_IS_BETTER}, .figures = {{"vm_kib_per_thread", "KiB", MB_SMALLER_IS_BETTER}}, .kernel = k_threads, .setup = s_threads, .teardown = t_threads, .verify = v_threads, .argnames = {"stack_kib", "threads"}, .args = thread_args, .real_time = 1, .quick_args = thread_quick, .doc = "create + join threads; reserved vs resident stack");
MB_BENCH(.family = "stack", .variant = "heap_malloc", .version = 2, .kernel = k_heap_malloc, .setup = s_heap_malloc, .teardown = t_free, .verify = v_heap_malloc, .argnames = {"size"}, .args = thr_args, .quick_args = thr_quick, .items_per_iter = 1, .doc = "malloc + touch pages + free across the dynamic mmap threshold", .process = "fresh_heap");
MB_BENCH(.family = "stack", .variant = "heap_calloc", .kernel = k_heap_calloc, .setup = s_heap_malloc, .teardown = t_free, .verify = v_heap_calloc, .argnames = {"size"}, .args = thr_args, .quick_args = thr_quick, .items_per_iter = 1, .doc = "calloc + touch pages + free across the dynamic mmap threshold (recycled, memset)", .process = "fresh_heap");
MB_BENCH(.family = "stack", .variant = "heap_malloc_fixed", .version = 2, .kernel = k_heap_malloc, .setup = s_heap_malloc_fixed, .teardown = t_free, .verify = v_heap_malloc, .argnames = {"size"}, .args = thr_args, .quick_args = thr_quick, .items_per_iter = 1, .doc = "the same with the threshold fixed by mallopt", .process = "fixed_heap");
MB_BENCH(.family = "stack", .variant = "heap_calloc_fixed", .kernel = k_heap_calloc, .setup = s_heap_malloc_fixed, .teardown = t_free, .verify = v_heap_calloc, .argnames = {"size"}, .args = thr_args, .quick_args = thr_quick, .items_per_iter = 1, .doc = "calloc + touch pages + free with the threshold fixed: fresh mappings from 128 KiB", .process = "fixed_heap");

MB_VIEW(.family = "stack", .heading = "Stack and heap", .place = 20,
        .charts = {{"stack_alloc", "allocation cost"}, {"pagefault", "page faults"}, {"thread_stacks", "thread stacks"}},
        .corner = "size", .cols = {"VLA (untouched)", "alloca (untouched)", "malloc+free", "calloc+free"},
        .figure = {"real_time", "real_time", "real_time", "real_time"},
        .rows = {{"16 B", {"stack/vla_untouched/size:16", "stack/alloca_untouched/size:16", "stack/malloc/size:16", "stack/calloc/size:16"}},
                 {"4 KiB", {"stack/vla_untouched/size:4096", "stack/alloca_untouched/size:4096", "stack/malloc/size:4096", "stack/calloc/size:4096"}},
                 {"1 MiB", {"stack/vla_untouched/size:1048576", "stack/alloca_untouched/size:1048576", "stack/malloc/size:1048576", "stack/calloc/size:1048576"}}});
#define ST_SERIES(V, TITLE, STYLE) {"stack/" V, "real_time", TITLE, STYLE}
#define ST_TOUCHED(V, STYLE) {"stack/" V, "real_time", NULL, STYLE, 2, 1}
MB_CHART(.family = "stack", .file = "stack_alloc", .title = "Cost of one allocation + release, by size (solid: untouched; dashed: every line stored to)",
         .xlabel = "size", .ylabel = "time per allocation (ns)", .logx = 2, .bytes = 1, .logy = 10, .key = MB_KEY_TOP_LEFT,
         .series = {ST_SERIES("vla_untouched", "VLA in the loop", 1), ST_SERIES("alloca_untouched", "alloca (in a call)", 2),
                    ST_SERIES("array_untouched", "fixed array (in a call)", 3), ST_SERIES("malloc", "malloc + free", 4), ST_SERIES("calloc", "calloc + free", 5),
                    ST_SERIES("malloc_memset", "malloc + memset + free", 6), ST_TOUCHED("vla_touched", 1), ST_TOUCHED("malloc_touched", 4),
                    ST_TOUCHED("calloc_touched", 5)});
MB_CHART(.family = "stack", .file = "thread_stacks", .title = "Thread stacks: reserved (VmSize) vs resident (VmRSS) memory per thread", .xlabel = "threads alive",
         .ylabel = "KiB per thread", .logx = 2, .logy = 10, .key = MB_KEY_CENTER_RIGHT,
         /* Resident memory need not depend on the stack size reserved: where the two resident
          * lines meet, the 8 MiB one is drawn wide and light beneath the other, and the chart says so. */
         .note = "resident: the wide light line (8 MiB stacks) lies beneath the 2 MiB one wherever they meet", .note_at = MB_NOTE_BOTTOM_LEFT,
         .series = {{"stack/threads/stack_kib:8192", "vm_kib_per_thread", "reserved, 8 MiB stacks", 1},
                    {"stack/threads/stack_kib:2048", "vm_kib_per_thread", "reserved, 2 MiB stacks", 2},
                    {"stack/threads/stack_kib:8192", "rss_kib_per_thread", "resident, 8 MiB stacks (wide)", .wide = 1},
                    {"stack/threads/stack_kib:2048", "rss_kib_per_thread", "resident, 2 MiB stacks", 2, 2}});
/* What a fresh page costs at 512 pages: a dot each (a log axis has no zero for a bar). */
#define PF_DOT(V, TITLE) {"stack/" V "/pages:512", "real_time", TITLE, .div = 512e3}
MB_CHART(.family = "stack", .file = "pagefault", .kind = MB_CHART_DOTS, .title = "What a fresh page costs (512 base pages mapped, touched, unmapped)",
         .ylabel = "time per page (µs, log scale)", .logy = 10, .key = MB_KEY_OFF, .value_unit = "µs",
         .series = {PF_DOT("heap_untouched", "mapped, never touched"), PF_DOT("heap_first_touch", "first touch of each page"),
                    PF_DOT("heap_populate", "MAP_POPULATE"), PF_DOT("heap_hugepage", "in a 2 MiB huge page")});
MB_CLAIM(.id = "C3", .family = "stack", .after = "C2", .text = "malloc costs ~100 ns per call", .a = {"stack/malloc/size:16", "real_time"},
         .bound = 50, .high = 200, .measured = "malloc+free of 16 B: {a:2} ns", .holds = "holds (rule: 50–200 ns)",
         .differs = "differs (rule: 50–200 ns)");
MB_CLAIM(.id = "C2", .family = "stack", .after = "C1", .text = "stack allocation is a single instruction, essentially free",
         .a = {"stack/vla_untouched", "real_time", .largest = 1}, .b = {"harness/empty", "real_time"}, .c = {"stack/call/size:0", "real_time"},
         .rule = "a <= 2 * b + 0.5",
         .measured = "VLA allocate+release in a loop: at most {a:2} ns per iteration at 16 B–1 MiB; empty loop {b:2} ns; a call {c:2} ns",
         .holds = "holds (rule: within 2× the empty loop + 0.5 ns)", .differs = "differs (rule: within 2× the empty loop + 0.5 ns)");
MB_CLAIM(.id = "C13", .family = "stack", .after = "C12", .text = "2 MB stacks cut reserved virtual memory by 75%, not resident memory",
         .a = {"stack/threads/stack_kib:2048/threads:64", "vm_mib_total"}, .b = {"stack/threads/stack_kib:8192/threads:64", "vm_mib_total"},
         .c = {"stack/threads/stack_kib:2048/threads:64", "rss_kib_per_thread"}, .rule = "a / b >= 0.2 && a / b <= 0.3 && c < 256",
         .measured = "64 threads reserve {b:0} MiB with 8 MiB stacks, {a:0} MiB with 2 MiB (−{m:0}%); resident {c:1} KiB per thread",
         .holds = "holds (rule: 70–80% less, under 256 KiB resident)", .differs = "differs (rule: 70–80% less, under 256 KiB resident)");
MB_CLAIM(.id = "C14", .family = "stack", .after = "C13", .text = "large buffers come from mmap and cost nothing until touched",
         .a = {"stack/heap_untouched/pages:512", "real_time", 512e3}, .b = {"stack/heap_first_touch/pages:512", "real_time", 512e3},
         .c = {"stack/heap_malloc_fixed/size:1048576", "mmapped"}, .rule = "a / b < 0.1 && c > 0.5",
         .d = {"stack/heap_first_touch/pages:512", "real_time", 1e6},
         .measured = "512 pages mapped and unmapped, per page: untouched {a:3} µs, touched {b:2} µs ({d:2} ms in all); "
                     "1 MiB malloc with the threshold fixed came from mmap: {c:0} (1: yes)",
         .holds = "holds (rule: untouched under 10% of touched; mmap'd)", .differs = "differs (rule: untouched under 10% of touched; mmap'd)");
