/*
 * alloc.c: what an allocation costs, per allocator (lesson claims C4-C6, C16): the pool
 * allocator of alloc/ (pymalloc's design), its fixed-size free list and bump region, and
 * the general-purpose allocators glibc, jemalloc, mimalloc and tcmalloc.
 *
 * Names: alloc/<allocator>/<pattern>[/size:N]
 *   allocator  glibc jemalloc mimalloc tcmalloc: malloc/free in a child membench process
 *              of their own (harness .process), the library LD_PRELOADed as mimalloc-bench
 *              does; setup checks that malloc really is that library's (dladdr) and skips
 *              with the reason when it is not (not installed);
 *              pool freelist bump: mballoc.h, called directly (inline fast paths), in a
 *              child process of their own too, "mballoc", without a preload (the pool
 *              passes requests above MBP_SMALL_MAX to glibc's malloc: counter fallback=1).
 *   pair/size:N            malloc + free of one block, in a tight loop (the block escapes
 *                          to code the compiler cannot see between the two)
 *   batch_lifo|batch_fifo|batch_random/size:N
 *                          10,000 allocations, then 10,000 frees in reverse, the same or a
 *                          shuffled order; items = pairs (bump: one reset per batch)
 *   mixed                  replace a random one of 10,000 live blocks with a new one whose
 *                          size comes from a small-object distribution (MIXED_SIZES):
 *                          random lifetimes, mixed sizes; one item = one free + one malloc
 *   prodcon_compact|prodcon_scatter/size:N
 *                          two threads placed by the harness's policy: one allocates and
 *                          hands blocks through a ring, the other checks and frees them
 *                          (pool and free list in their MB_ALLOC_LOCKED mode)
 *   footprint/size:N, footprint_mixed
 *                          memory cost, in a fresh process per measurement: 8 MiB requested
 *                          in blocks of N (or mixed sizes), all written; counters
 *                          requested_kib, usable_kib (internal fragmentation: what the
 *                          allocator handed out), peak_rss_kib (VmHWM growth),
 *                          rss_half_freed_kib (every other block freed: external
 *                          fragmentation), rss_all_freed_kib (what stays after freeing all);
 *                          pymalloc also its own account: arena_bytes, pool_bytes, arenas_before (in use
 *                          before the workload), arenas_peak (most at once), arenas_reclaimed
 *                          (given back to the OS while the workload freed), arenas_left.
 *                          The time is the probe process's, start to exit.
 * The bump region cannot free blocks of mixed lifetimes or another thread's blocks, and the
 * free list serves one size: those combinations are skipped with the reason.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crew.h"
#include "mballoc.h"
#include "membench.h"
#include "smaps.h"
#include "pyembed.h"

#define BATCH 10000
#define MIXED_LIVE 10000
#define MIXED_OPS (1 << 16)
#define RING 1024
#define FOOT_BYTES (8u << 20)

enum kind { GLIBC, JEMALLOC, MIMALLOC, TCMALLOC, POOL, FREELIST, BUMP, PYMALLOC, NKINDS };
static const struct {
  const char *name;
  const char *preload; /* LD_PRELOAD of its child process; NULL: glibc's own */
  const char *library; /* a piece of the path dladdr must give for malloc */
  const char *package; /* Debian's package, for the skip reason */
} kinds[NKINDS] = {
    [GLIBC] = {"glibc", NULL, "libc.so", "libc6"},
    [JEMALLOC] = {"jemalloc", "libjemalloc.so.2", "libjemalloc", "libjemalloc2"},
    [MIMALLOC] = {"mimalloc", "libmimalloc.so.2", "libmimalloc", "libmimalloc2.0"},
    [TCMALLOC] = {"tcmalloc", "libtcmalloc_minimal.so.4", "libtcmalloc", "libgoogle-perftools4"},
    [POOL] = {"pool", NULL, NULL, NULL},
    [FREELIST] = {"freelist", NULL, NULL, NULL},
    [BUMP] = {"bump", NULL, NULL, NULL},
    [PYMALLOC] = {"pymalloc", NULL, "libpython", "libpython3.11"},
};

/* A small-object size distribution: most requests are small, with a tail to 4 KiB. Weight
 * per cent for sizes up to `max` (uniform within the bucket). */
static const struct {
  unsigned max, weight;
} MIXED_SIZES[] = {{16, 20}, {32, 30}, {64, 20}, {128, 12}, {256, 8}, {512, 6}, {1024, 2}, {4096, 2}};

typedef struct actx {
  enum kind kind;
  size_t size;
  void **ptrs;             /* the batch, or the live blocks of mixed */
  uint32_t *order;         /* batch_random: the order of the frees */
  uint32_t *op_slot;       /* mixed: which live block to replace... */
  uint32_t *op_size;       /* ...with a block of this size */
  uint64_t pos;
  uint64_t fails;          /* allocations that returned NULL */
  uint64_t bad;            /* prodcon: blocks that arrived with the wrong contents */
  mbp_pool_t pool;
  mbf_freelist_t fl;
  mbb_region_t bump;
  /* prodcon: a ring of blocks from the producer to the consumer */
  _Alignas(64) volatile uint64_t head;
  _Alignas(64) volatile uint64_t tail;
  _Alignas(64) void *ring[RING];
  crew_t *crew;           /* prodcon: the producer and the consumer */
  uint64_t moved[2];       /* prodcon: blocks each of them handled in the last run */
  mb_probe_result_t probe; /* footprint: what the last probe process replied */
  uint64_t seed;           /* footprint: the mixed sizes' stream (the instance's) */
} actx_t;

static size_t mixed_size(mb_rng_t *rng) {
  unsigned r = (unsigned)(mb_rng_next(rng) % 100), lo = 1;
  for (size_t i = 0; i < sizeof MIXED_SIZES / sizeof *MIXED_SIZES; i++) {
    if (r < MIXED_SIZES[i].weight) return lo + mb_rng_next(rng) % (MIXED_SIZES[i].max - lo + 1);
    r -= MIXED_SIZES[i].weight;
    lo = MIXED_SIZES[i].max + 1;
  }
  return 4096;
}

/* ---- The kernels, one set per allocator: the calls are direct (inlined for the free
 * list and the bump region), as a program would make them. ---- */

#define A_GENERAL(c, n) malloc(n)
#define F_GENERAL(c, p) free(p)
#define A_POOL(c, n) mbp_alloc(&(c)->pool, n)
#define F_POOL(c, p) mbp_free(&(c)->pool, p)
#define A_FREELIST(c, n) ((void)(n), mbf_alloc(&(c)->fl))
#define F_FREELIST(c, p) mbf_free(&(c)->fl, p)
/* The region is rewound (everything freed at once) when its chunk is full. */
#define A_BUMP(c, n) ((size_t)((c)->bump.end - (c)->bump.cur) < (n) + 16 ? mbb_reset(&(c)->bump) : (void)0, mbb_alloc(&(c)->bump, n))
#define F_BUMP(c, p) mbb_free(&(c)->bump, p)
#define END_BATCH_BUMP(c) mbb_reset(&(c)->bump)
/* CPython's own: PyObject_Malloc and PyObject_Free of libpython (pyembed.h), GIL held. */
#define A_PYMALLOC(c, n) mb_py.malloc(n)
#define F_PYMALLOC(c, p) mb_py.free(p)
#define END_BATCH_NONE(c) (void)0

#define KERNELS(K, ALLOC, FREE, END_BATCH)                                                    \
  static uint64_t k_pair_##K(uint64_t iters, void *data) {                                   \
    actx_t *c = data;                                                                         \
    const size_t n = c->size;                                                                 \
    uint64_t done = 0;                                                                        \
    for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {                                    \
      void *p = ALLOC(c, n);                                                                  \
      mb_sink_ptr(p); /* the block escapes */                                                 \
      done += p != NULL;                                                                      \
      FREE(c, p);                                                                             \
    }                                                                                         \
    return done;                                                                              \
  }                                                                                           \
  static inline uint64_t fill_##K(actx_t *c) {                                                \
    uint64_t done = 0;                                                                        \
    for (int j = 0; j < BATCH; j++) {                                                         \
      void *p = ALLOC(c, c->size);                                                            \
      mb_sink_ptr(p);                                                                         \
      c->ptrs[j] = p;                                                                         \
      done += p != NULL;                                                                      \
    }                                                                                         \
    return done;                                                                              \
  }                                                                                           \
  /* The order of the frees (reverse, same, shuffled) is c->order, made by s_batch. */       \
  static uint64_t k_batch_##K(uint64_t iters, void *data) {                                  \
    actx_t *c = data;                                                                         \
    uint64_t done = 0;                                                                        \
    for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {                                    \
      done += fill_##K(c);                                                                    \
      for (int j = 0; j < BATCH; j++) FREE(c, c->ptrs[c->order[j]]);                          \
      END_BATCH(c);                                                                           \
    }                                                                                         \
    return done;                                                                              \
  }                                                                                           \
  static uint64_t k_mixed_##K(uint64_t iters, void *data) {                                  \
    actx_t *c = data;                                                                         \
    uint64_t done = 0, pos = c->pos;                                                          \
    for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++, pos++) {                             \
      const uint32_t s = c->op_slot[pos & (MIXED_OPS - 1)];                                   \
      FREE(c, c->ptrs[s]);                                                                    \
      void *p = ALLOC(c, c->op_size[pos & (MIXED_OPS - 1)]);                                  \
      mb_sink_ptr(p);                                                                         \
      c->ptrs[s] = p;                                                                         \
      done += p != NULL;                                                                      \
    }                                                                                         \
    c->pos = pos;                                                                             \
    return done;                                                                              \
  }                                                                                           \
  static void prodcon_##K(crew_t *crew, int who, uint64_t iters) {                            \
    actx_t *c = crew->user;                                                                   \
    uint64_t n = 0;                                                                           \
    if (who == 0) {                                                                           \
      for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {                                  \
        uint64_t *p = ALLOC(c, c->size);                                                      \
        if (!p) {                                                                             \
          c->fails++;                                                                         \
          continue;                                                                           \
        }                                                                                     \
        *p = i;                                                                               \
        while (c->tail - __atomic_load_n(&c->head, __ATOMIC_ACQUIRE) >= RING) mb_cpu_relax(); \
        c->ring[c->tail % RING] = p;                                                          \
        __atomic_store_n(&c->tail, c->tail + 1, __ATOMIC_RELEASE);                            \
        n++;                                                                                  \
      }                                                                                       \
      __atomic_store_n(&c->tail, c->tail | (1ull << 63), __ATOMIC_RELEASE); /* done */        \
    } else {                                                                                  \
      uint64_t expect = 0;                                                                    \
      for (;;) {                                                                              \
        uint64_t t;                                                                           \
        while ((t = __atomic_load_n(&c->tail, __ATOMIC_ACQUIRE)) == c->head) mb_cpu_relax();  \
        if ((t & ~(1ull << 63)) == c->head) break; /* producer done, ring empty */            \
        uint64_t *p = c->ring[c->head % RING];                                                \
        while (*p != expect && expect < iters) expect++; /* skipped: a failed allocation */   \
        c->bad += *p != expect++;                                                             \
        FREE(c, p);                                                                           \
        __atomic_store_n(&c->head, c->head + 1, __ATOMIC_RELEASE);                            \
        n++;                                                                                  \
      }                                                                                       \
    }                                                                                         \
    c->moved[who] = n;                                                                        \
  }

KERNELS(general, A_GENERAL, F_GENERAL, END_BATCH_NONE)
KERNELS(pool, A_POOL, F_POOL, END_BATCH_NONE)
KERNELS(freelist, A_FREELIST, F_FREELIST, END_BATCH_NONE)
KERNELS(bump, A_BUMP, F_BUMP, END_BATCH_BUMP)
KERNELS(pymalloc, A_PYMALLOC, F_PYMALLOC, END_BATCH_NONE)

/* ---- Setup ---- */

/* Which library malloc resolves to in this process. */
static const char *malloc_library(void) {
  Dl_info info;
  void *f = dlsym(RTLD_DEFAULT, "malloc");
  return f && dladdr(f, &info) && info.dli_fname ? info.dli_fname : "unknown";
}

static enum kind kind_of(const mb_run_t *run) { return (enum kind)run->bench->param; }

/* The allocator object for this run. */
static int ctx_new(mb_run_t *run, actx_t **out, int locked) {
  actx_t *c = aligned_alloc(64, (sizeof(actx_t) + 63) & ~(size_t)63);
  if (!c) return mb_skip(run, "out of memory");
  memset(c, 0, sizeof *c);
  run->data = c;
  *out = c;
  c->kind = kind_of(run);
  c->size = run->bench->argnames[0] ? (size_t)run->arg[0] : 0;
  c->seed = mb_rng_of(run, 0).s;
  const int flags = locked ? MB_ALLOC_LOCKED : 0;
  switch (c->kind) {
  case GLIBC: case JEMALLOC: case MIMALLOC: case TCMALLOC: {
    const char *lib = malloc_library();
    char key[64];
    snprintf(key, sizeof key, "alloc_%s_library", kinds[c->kind].name);
    mb_context_add(key, "%s", lib);
    if (!strstr(lib, kinds[c->kind].library))
      return mb_skip(run, "malloc here is %s, not %s's (LD_PRELOAD=%s failed: is Debian's %s installed?)", lib,
                     kinds[c->kind].name, kinds[c->kind].preload ? kinds[c->kind].preload : "", kinds[c->kind].package);
    break;
  }
  case POOL:
    if (mbp_pool_init(&c->pool, flags)) return mb_skip(run, "pool: %s", strerror(errno));
    mb_counter(run, "fallback", c->size > MBP_SMALL_MAX, MB_COUNTER_VALUE);
    break;
  case FREELIST:
    if (!c->size) return mb_skip(run, "a free list serves one size");
    if (mbf_init(&c->fl, c->size, 0, flags)) return mb_skip(run, "free list: %s", strerror(errno));
    break;
  case BUMP: {
    size_t chunk = (size_t)BATCH * ((c->size + 15) & ~(size_t)15) + 4096;
    if (mbb_init(&c->bump, chunk < (1u << 20) ? 1u << 20 : chunk)) return mb_skip(run, "bump: %s", strerror(errno));
    break;
  }
  case PYMALLOC:
    if (mb_py_load()) return mb_skip(run, "%s", mb_py.why);
    mb_context_add("alloc_pymalloc_library", "%s (Python %.*s)", mb_py.path, (int)strcspn(mb_py.version, " "), mb_py.version);
    mb_counter(run, "fallback", c->size > 512, MB_COUNTER_VALUE); /* above 512 B: PyMem_RawMalloc, i.e. malloc */
    break;
  default:
    return mb_fail(run, "unknown allocator in %s", run->bench->variant);
  }
  return 0;
}

static void t_alloc(mb_run_t *run) {
  actx_t *c = run->data;
  if (!c) return;
  crew_stop(c->crew);
  if (c->ptrs) { /* mixed: the blocks still live */
    for (int j = 0; j < MIXED_LIVE && c->op_slot; j++) {
      if (c->kind == POOL) mbp_free(&c->pool, c->ptrs[j]);
      else if (c->kind == PYMALLOC) mb_py.free(c->ptrs[j]);
      else if (c->kind <= TCMALLOC) free(c->ptrs[j]);
    }
  }
  if (c->kind == POOL) mbp_pool_destroy(&c->pool);
  if (c->kind == FREELIST) mbf_destroy(&c->fl);
  if (c->kind == BUMP) mbb_destroy(&c->bump);
  free(c->ptrs);
  free(c->order);
  free(c->op_slot);
  free(c->op_size);
  free(c);
  run->data = NULL;
}

static int s_pair(mb_run_t *run) {
  actx_t *c;
  if (ctx_new(run, &c, 0)) return 1;
  run->items_per_iter = 1;
  return 0;
}

static int s_batch(mb_run_t *run) {
  actx_t *c;
  if (ctx_new(run, &c, 0)) return 1;
  c->ptrs = calloc(BATCH, sizeof *c->ptrs);
  c->order = malloc(BATCH * sizeof *c->order);
  if (!c->ptrs || !c->order) return mb_skip(run, "out of memory");
  const char *pattern = strchr(run->bench->variant, '/') + 1;
  for (uint32_t j = 0; j < BATCH; j++) c->order[j] = strcmp(pattern, "batch_lifo") ? j : BATCH - 1 - j;
  mb_rng_t rng = mb_rng_of(run, 0);
  for (uint32_t j = BATCH - 1; j > 0 && !strcmp(pattern, "batch_random"); j--) { /* Fisher-Yates */
    uint32_t k = (uint32_t)(mb_rng_next(&rng) % (j + 1)), t = c->order[j];
    c->order[j] = c->order[k];
    c->order[k] = t;
  }
  run->items_per_iter = BATCH;
  /* One untimed round: the allocator's first pages are faulted in outside the timing. */
  run->bench->kernel(1, c);
  return 0;
}

static int s_mixed(mb_run_t *run) {
  actx_t *c;
  if (ctx_new(run, &c, 0)) return 1;
  if (c->kind == BUMP) return mb_skip(run, "a bump region cannot free blocks of mixed lifetimes one by one");
  c->ptrs = calloc(MIXED_LIVE, sizeof *c->ptrs);
  c->op_slot = malloc(MIXED_OPS * sizeof *c->op_slot);
  c->op_size = malloc(MIXED_OPS * sizeof *c->op_size);
  if (!c->ptrs || !c->op_slot || !c->op_size) return mb_skip(run, "out of memory");
  uint64_t requested = 0;
  mb_rng_t rng = mb_rng_of(run, 0);
  for (int i = 0; i < MIXED_OPS; i++) {
    c->op_slot[i] = (uint32_t)(mb_rng_next(&rng) % MIXED_LIVE);
    c->op_size[i] = (uint32_t)mixed_size(&rng);
    requested += c->op_size[i];
  }
  for (int j = 0; j < MIXED_LIVE; j++) {
    size_t n = mixed_size(&rng);
    c->ptrs[j] = c->kind == POOL ? mbp_alloc(&c->pool, n) : c->kind == PYMALLOC ? mb_py.malloc(n) : malloc(n);
    if (!c->ptrs[j]) return mb_skip(run, "out of memory");
  }
  mb_counter(run, "mean_size", (double)requested / MIXED_OPS, MB_COUNTER_VALUE);
  run->items_per_iter = 1;
  run->bench->kernel(MIXED_OPS, c); /* warm: every live block replaced once on average */
  return 0;
}

static int s_prodcon(mb_run_t *run, mb_policy_t policy) {
  actx_t *c;
  if (ctx_new(run, &c, 1)) return 1;
  if (c->kind == BUMP) return mb_skip(run, "a bump region cannot free the blocks another thread hands back");
  if (c->kind == PYMALLOC)
    return mb_skip(run, "PyObject_Malloc and PyObject_Free need the GIL: one thread at a time, so no producer and consumer");
  int pus[2];
  if (mb_place(policy, 2, pus)) return mb_skip(run, "needs two PUs");
  run->items_per_iter = 1;
  if (crew_start(run, &c->crew, 2, pus, c)) return 1;
  crew_report_pus(run, c->crew);
  return 0;
}

#define PRODCON_SETUP(K)                                                                                       \
  static int s_prodcon_compact_##K(mb_run_t *run) { return s_prodcon(run, MB_COMPACT); }                     \
  static int s_prodcon_scatter_##K(mb_run_t *run) { return s_prodcon(run, MB_SCATTER); }                      \
  static uint64_t k_prodcon_##K(uint64_t iters, void *data) {                                                  \
    actx_t *c = data;                                                                                          \
    c->head = c->tail = 0;                                                                                     \
    crew_run(c->crew, prodcon_##K, iters);                                                                     \
    return c->moved[0] + c->moved[1];                                                                          \
  }
PRODCON_SETUP(general)
PRODCON_SETUP(pool)
PRODCON_SETUP(freelist)
PRODCON_SETUP(bump)
PRODCON_SETUP(pymalloc)

static int v_count(mb_run_t *run, uint64_t result, uint64_t iters) {
  uint64_t want = iters * (uint64_t)run->items_per_iter;
  if (result != want)
    return mb_fail(run, "%llu of %llu allocations succeeded", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

static int v_prodcon(mb_run_t *run, uint64_t result, uint64_t iters) {
  actx_t *c = run->data;
  if (c->bad) return mb_fail(run, "%llu blocks arrived with the wrong contents", (unsigned long long)c->bad);
  if (result != 2 * iters || c->fails)
    return mb_fail(run, "%llu of %llu blocks made and freed", (unsigned long long)result / 2, (unsigned long long)iters);
  return 0;
}

/* ---- Memory cost, in a fresh process ---- */

/* What the footprint probe replies, in this order; -1: not known for this allocator. */
enum foot_field { F_BLOCKS, F_REQUESTED, F_USABLE, F_PEAK, F_HALF, F_ALL, F_LIBRARY_OK, F_BLOCK, F_ARENA_BYTES,
                  F_ARENAS_LEFT, F_ARENAS_RECLAIMED, F_CLASSES, F_THRESHOLD, F_ARENAS_BEFORE, F_ARENAS_PEAK, F_POOL_BYTES, F_NFIELDS };

static void *foot_alloc(actx_t *c, size_t s) {
  switch (c->kind) {
  case POOL: return mbp_alloc(&c->pool, s);
  case FREELIST: return mbf_alloc(&c->fl);
  case BUMP: return mbb_alloc(&c->bump, s);
  case PYMALLOC: return mb_py.malloc(s);
  default: return malloc(s);
  }
}

static void foot_free(actx_t *c, void *p) {
  switch (c->kind) {
  case POOL: mbp_free(&c->pool, p); break;
  case FREELIST: mbf_free(&c->fl, p); break;
  case BUMP: break;
  case PYMALLOC: mb_py.free(p); break;
  default: free(p);
  }
}

/* The probe (a fresh membench: nothing of the harness allocated, no constructor freed
 * anything). Spec: kind, size (0: mixed sizes drawn from `seed`), seed. Allocates FOOT_BYTES
 * in blocks, writes them, frees every other one, then the rest; replies what it cost. */
static int probe_footprint(const int64_t *spec, int nspec) {
  if (nspec != 3 || spec[0] < 0 || spec[0] >= NKINDS || spec[1] < 0) return 2;
  static actx_t c; /* static: nothing allocated before the baseline */
  const int kind = (int)spec[0];
  const size_t size = (size_t)spec[1];
  c.kind = (enum kind)kind;
  if ((kind == POOL && mbp_pool_init(&c.pool, 0)) || (kind == FREELIST && mbf_init(&c.fl, size ? size : 16, 0, 0)) ||
      (kind == BUMP && mbb_init(&c.bump, 1 << 20)))
    return 3;
  if (kind == PYMALLOC && mb_py_load()) return 6; /* the interpreter's own memory is before the baseline */
  mb_py_stats_t st0 = {-1, -1, -1, -1, -1, -1, -1};
  if (kind == PYMALLOC) mb_py_read_stats(&st0); /* the interpreter's arenas before the workload */
  const size_t max_blocks = FOOT_BYTES / 8;
  void **ptrs = mmap(NULL, max_blocks * sizeof *ptrs, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (ptrs == MAP_FAILED) return 3;
  /* The baseline: peak RSS reset to the current RSS. */
  int fd = open("/proc/self/clear_refs", O_WRONLY);
  if (fd < 0 || write(fd, "5", 1) != 1) return 4;
  close(fd);
  const long rss0 = mb_status_kb("VmRSS");
  mb_rng_t rng = mb_rng_seed((uint64_t)spec[2]);
  uint64_t requested = 0, usable = 0;
  size_t n = 0;
  while (requested < FOOT_BYTES && n < max_blocks) {
    size_t s = size ? size : mixed_size(&rng);
    void *p = foot_alloc(&c, s);
    if (!p) return 5;
    memset(p, 0x5a, s);
    requested += s;
    /* pymalloc has no usable-size call: its 16-byte classes up to 512 B (which the measured
     * block below checks), malloc's above. */
    usable += kind == POOL ? mbp_usable_size(&c.pool, p) : kind == FREELIST ? c.fl.block : kind == BUMP || (kind == PYMALLOC && s <= 512) ? (s + 15) & ~(size_t)15 : malloc_usable_size(p);
    ptrs[n++] = p;
  }
  int64_t r[F_NFIELDS];
  for (int k = 0; k < F_NFIELDS; k++) r[k] = -1;
  r[F_BLOCKS] = (int64_t)n, r[F_REQUESTED] = (int64_t)requested, r[F_USABLE] = (int64_t)usable;
  r[F_PEAK] = mb_status_kb("VmHWM") - rss0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = (size_t)pass; i < n; i += 2) foot_free(&c, ptrs[i]);
    if (pass == 0) r[F_HALF] = mb_status_kb("VmRSS") - rss0;
  }
  if (kind == BUMP) mbb_reset(&c.bump);
  if (kind == PYMALLOC) {
    /* The block really handed out for one size: the commonest distance between neighbouring
     * blocks (the first 4,096 of them, sorted by address); and what the allocator says. */
    if (size && n > 1) r[F_BLOCK] = (int64_t)mb_block_of(ptrs, n < 4096 ? n : 4096);
    mb_py_stats_t st;
    mb_py_read_stats(&st);
    /* Arenas: those in use before the workload, the most at once, and those given back to
     * the OS while it freed (pymalloc's own counts, from _PyObject_DebugMallocStats). */
    r[F_ARENA_BYTES] = st.arena_bytes, r[F_ARENAS_LEFT] = st.arenas;
    r[F_ARENAS_RECLAIMED] = st.reclaimed >= 0 && st0.reclaimed >= 0 ? st.reclaimed - st0.reclaimed : -1;
    r[F_ARENAS_BEFORE] = st0.arenas, r[F_ARENAS_PEAK] = st.highwater;
    r[F_CLASSES] = st.classes, r[F_THRESHOLD] = st.threshold, r[F_POOL_BYTES] = st.pool_bytes;
  }
  if (kind == POOL) { /* its parameters, for the report's table beside pymalloc's */
    mbp_pool_trim(&c.pool);
    r[F_ARENA_BYTES] = MBP_ARENA_SIZE, r[F_POOL_BYTES] = MBP_POOL_SIZE, r[F_THRESHOLD] = MBP_SMALL_MAX, r[F_CLASSES] = MBP_SMALL_MAX / MBP_ALIGNMENT;
  }
  r[F_ALL] = mb_status_kb("VmRSS") - rss0;
  /* The allocator measured is the one named (LD_PRELOAD reached this process too). */
  r[F_LIBRARY_OK] = (kind > TCMALLOC && kind != PYMALLOC) || strstr(kind == PYMALLOC ? mb_py.path : malloc_library(), kinds[kind].library) != NULL;
  mb_probe_reply(r, F_NFIELDS);
  return 0;
}
MB_PROBE("alloc_footprint", probe_footprint);

static int s_footprint(mb_run_t *run) {
  actx_t *c;
  if (ctx_new(run, &c, 0)) return 1; /* checks the library in the general allocators' child */
  run->items_per_iter = 1;
  return 0;
}

/* One fresh probe process per iteration; the counters come from the last one's reply. */
static uint64_t k_footprint(uint64_t iters, void *data) {
  actx_t *c = data;
  const int64_t spec[3] = {(int64_t)c->kind, (int64_t)c->size, (int64_t)(c->seed >> 1)};
  uint64_t ok = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++)
    ok += mb_probe("alloc_footprint", spec, 3, &c->probe) == 0 && c->probe.exited && c->probe.status == 0 && c->probe.n == F_NFIELDS;
  return ok;
}

/* Before every run: no reply yet, so verify reads only what this run's probe replied. */
static void a_footprint(mb_run_t *run) {
  actx_t *c = run->data;
  memset(&c->probe, 0, sizeof c->probe);
}

static int v_footprint(mb_run_t *run, uint64_t result, uint64_t iters) {
  actx_t *c = run->data;
  char how[64];
  if (result != iters)
    return mb_fail(run, "%llu of %llu probe processes succeeded (the last ended with %s)", (unsigned long long)result,
                   (unsigned long long)iters, mb_probe_ending(&c->probe, how, sizeof how));
  const int64_t *r = c->probe.v;
  if (r[F_REQUESTED] < (int64_t)FOOT_BYTES || r[F_USABLE] < r[F_REQUESTED] || r[F_BLOCKS] <= 0)
    return mb_fail(run, "probe reported requested=%lld usable=%lld blocks=%lld", (long long)r[F_REQUESTED], (long long)r[F_USABLE],
                   (long long)r[F_BLOCKS]);
  if (r[F_LIBRARY_OK] != 1) return mb_fail(run, "the probe's malloc was not %s's", kinds[c->kind].name);
  const double requested = (double)r[F_REQUESTED], usable = (double)r[F_USABLE];
  mb_counter(run, "blocks", (double)r[F_BLOCKS], MB_COUNTER_VALUE);
  mb_counter(run, "requested_kib", requested / 1024.0, MB_COUNTER_VALUE);
  mb_counter(run, "usable_kib", usable / 1024.0, MB_COUNTER_VALUE);
  mb_counter(run, "internal_frag", usable / requested, MB_COUNTER_VALUE);
  mb_counter(run, "peak_rss_kib", (double)r[F_PEAK], MB_COUNTER_VALUE);
  mb_counter(run, "rss_per_requested", (double)r[F_PEAK] * 1024.0 / requested, MB_COUNTER_VALUE);
  mb_counter(run, "rss_half_freed_kib", (double)r[F_HALF], MB_COUNTER_VALUE);
  mb_counter(run, "rss_all_freed_kib", (double)r[F_ALL], MB_COUNTER_VALUE);
  /* pymalloc: the measured block, and its own account of arenas and classes. */
  static const struct {
    enum foot_field f;
    const char *name;
  } extra[] = {{F_BLOCK, "block_bytes"}, {F_ARENA_BYTES, "arena_bytes"}, {F_ARENAS_LEFT, "arenas_left"},
               {F_ARENAS_RECLAIMED, "arenas_reclaimed"}, {F_CLASSES, "classes"}, {F_THRESHOLD, "threshold"},
               {F_ARENAS_BEFORE, "arenas_before"}, {F_ARENAS_PEAK, "arenas_peak"}, {F_POOL_BYTES, "pool_bytes"}};
  for (size_t k = 0; k < sizeof extra / sizeof *extra; k++)
    if (r[extra[k].f] >= 0) mb_counter(run, extra[k].name, (double)r[extra[k].f], MB_COUNTER_VALUE);
  return 0;
}

/* ---- Registration ---- */

MB_FAMILY(.name = "alloc", .title = "Allocators", .x = "size", .logx = 1, .logy = 1,
          .doc = "The pool, free-list and bump allocators beside glibc, jemalloc, mimalloc and tcmalloc: time per operation and memory cost.");

#define SIZES MB_ARGS(8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
#define QUICK MB_ARGS(32, 4096)
#define FOOT_SIZES MB_ARGS(8, 20, 32, 48, 100, 256, 500, 512, 1000, 4096)

/* Every pattern of one allocator K (kernels K_) whose child process is PROC/PRELOAD. */
#define ALLOCATOR(NAME, K, KIND, PROC, PRELOAD)                                                                           \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/pair", .kernel = k_pair_##K, .setup = s_pair, .teardown = t_alloc,      \
           .verify = v_count, .argnames = {"size"}, .args = SIZES, .quick_args = QUICK, .process = PROC,               \
           .preload = PRELOAD, .doc = "malloc + free of one block");                                                   \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/batch_lifo", .kernel = k_batch_##K, .setup = s_batch,                   \
           .teardown = t_alloc, .verify = v_count, .argnames = {"size"}, .args = SIZES, .quick_args = QUICK,          \
           .process = PROC, .preload = PRELOAD, .doc = "10,000 mallocs, frees in reverse order");                     \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/batch_fifo", .kernel = k_batch_##K, .setup = s_batch,                   \
           .teardown = t_alloc, .verify = v_count, .argnames = {"size"}, .args = SIZES, .quick_args = QUICK,          \
           .process = PROC, .preload = PRELOAD, .doc = "10,000 mallocs, frees in the same order");                    \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/batch_random", .kernel = k_batch_##K, .setup = s_batch,               \
           .teardown = t_alloc, .verify = v_count, .argnames = {"size"}, .args = SIZES, .quick_args = QUICK,          \
           .process = PROC, .preload = PRELOAD, .doc = "10,000 mallocs, frees in random order");                      \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/mixed", .kernel = k_mixed_##K, .setup = s_mixed, .teardown = t_alloc, \
           .verify = v_count, .process = PROC, .preload = PRELOAD,                                                     \
           .doc = "free + malloc in a live set of 10,000 small objects of mixed sizes");                               \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/prodcon_compact", .kernel = k_prodcon_##K,                             \
           .setup = s_prodcon_compact_##K, .teardown = t_alloc, .verify = v_prodcon, .argnames = {"size"},             \
           .args = MB_ARGS(32, 256), .quick_args = MB_ARGS(32), .real_time = 1, .process = PROC, .preload = PRELOAD,   \
           .doc = "one thread mallocs, another frees (compact placement)");                                            \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/prodcon_scatter", .kernel = k_prodcon_##K,                             \
           .setup = s_prodcon_scatter_##K, .teardown = t_alloc, .verify = v_prodcon, .argnames = {"size"},             \
           .args = MB_ARGS(32, 256), .quick_args = MB_ARGS(32), .real_time = 1, .process = PROC, .preload = PRELOAD,   \
           .doc = "one thread mallocs, another frees (scatter placement)");                                            \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/footprint", .primary = {"rss_per_requested", "x", MB_SMALLER_IS_BETTER}, .figures = {{"peak_rss_kib", "KiB", MB_SMALLER_IS_BETTER}, {"internal_frag", "x", MB_SMALLER_IS_BETTER}, {"rss_all_freed_kib", "KiB", MB_SMALLER_IS_BETTER}}, .kernel = k_footprint, .setup = s_footprint, .arm = a_footprint, \
           .teardown = t_alloc, .verify = v_footprint, .argnames = {"size"}, .args = FOOT_SIZES,                       \
           .quick_args = MB_ARGS(20), .iterations = 1, .real_time = 1, .process = PROC, .preload = PRELOAD,            \
           .doc = "memory cost of 8 MiB in blocks of one size (fresh process)");                                       \
  MB_BENCH(.family = "alloc", .param = KIND, .variant = NAME "/footprint_mixed", .primary = {"rss_per_requested", "x", MB_SMALLER_IS_BETTER}, .figures = {{"peak_rss_kib", "KiB", MB_SMALLER_IS_BETTER}, {"internal_frag", "x", MB_SMALLER_IS_BETTER}, {"rss_all_freed_kib", "KiB", MB_SMALLER_IS_BETTER}}, .kernel = k_footprint, .setup = s_footprint, .arm = a_footprint, \
           .teardown = t_alloc, .verify = v_footprint, .iterations = 1, .real_time = 1, .process = PROC,                \
           .preload = PRELOAD, .doc = "memory cost of 8 MiB of mixed sizes (fresh process)")

/* mballoc's allocators run in a child process too, so that all seven run back to back at
 * the end of a run: on a shared host the speed drifts over minutes, and an allocator
 * measured at the start of a five-minute run cannot be compared with one at its end. */
ALLOCATOR("pool", pool, POOL, "mballoc", NULL);
ALLOCATOR("freelist", freelist, FREELIST, "mballoc", NULL);
ALLOCATOR("bump", bump, BUMP, "mballoc", NULL);
ALLOCATOR("glibc", general, GLIBC, "glibc", NULL);
ALLOCATOR("jemalloc", general, JEMALLOC, "jemalloc", "libjemalloc.so.2");
ALLOCATOR("mimalloc", general, MIMALLOC, "mimalloc", "libmimalloc.so.2");
ALLOCATOR("tcmalloc", general, TCMALLOC, "tcmalloc", "libtcmalloc_minimal.so.4");
/* CPython's own allocator, libpython loaded into a child process of its own (pyembed.h). */
ALLOCATOR("pymalloc", pymalloc, PYMALLOC, "pymalloc", NULL);

/* A tight pair (solid) and a batch freed at random (dashed: ns per pair from pairs per second). */
#define AL_PAIR(A, TITLE, STYLE) {"alloc/" A "/pair", "real_time", TITLE, STYLE}
#define AL_BATCH(A, STYLE) {"alloc/" A "/batch_random", "items_per_second", NULL, STYLE, 2, 1, .inv = 1e9}
MB_CHART(.family = "alloc", .file = "alloc_pair", .title = "malloc + free: tight pairs (solid) and 10,000-block batches freed in random order (dashed)",
         .xlabel = "block size", .ylabel = "time per allocation + free (ns)", .logx = 2, .bytes = 2, .logy = 10, .key = MB_KEY_TOP_LEFT,
         .note = "pool: above 512 B it passes requests to glibc's malloc", .note_at = MB_NOTE_TOP,
         .series = {AL_PAIR("pool", "pool (mballoc)", 1), AL_PAIR("freelist", "free list", 2), AL_PAIR("bump", "bump region", 3), AL_PAIR("glibc", "glibc", 4),
                    AL_PAIR("jemalloc", "jemalloc", 5), AL_PAIR("mimalloc", "mimalloc", 6), AL_PAIR("tcmalloc", "tcmalloc", 7), AL_BATCH("pool", 1),
                    AL_BATCH("freelist", 2), AL_BATCH("bump", 3), AL_BATCH("glibc", 4), AL_BATCH("jemalloc", 5), AL_BATCH("mimalloc", 6), AL_BATCH("tcmalloc", 7)});

/* Memory cost, two panels sharing x: peak RSS per byte requested, bytes handed out per byte. */
#define AL_MEM(A, FIG, TITLE, STYLE, PANEL) {"alloc/" A "/footprint", FIG, TITLE, STYLE, .panel = PANEL}
#define AL_MEM2(A, TITLE, STYLE) AL_MEM(A, "rss_per_requested", TITLE, STYLE, 0), AL_MEM(A, "internal_frag", NULL, STYLE, 1)
MB_CHART(.family = "alloc", .file = "alloc_memory", .title = "8 MiB requested in blocks of one size, in a fresh process", .xlabel = "block size requested",
         .logx = 2, .bytes = 2, .plain_y = 1, .yrange = "0.8:*", .key = MB_KEY_TOP_RIGHT,
         .panel_title = {"peak resident memory per byte requested", "bytes handed out (the usable size of each block) per byte requested"},
         .panel_ylabel = {"bytes per byte requested", "bytes per byte requested"},
         .series = {AL_MEM2("pool", "pool", 1), AL_MEM2("freelist", "free list", 2), AL_MEM2("bump", "bump region", 3), AL_MEM2("glibc", "glibc", 4),
                    AL_MEM2("jemalloc", "jemalloc", 5), AL_MEM2("mimalloc", "mimalloc", 6), AL_MEM2("tcmalloc", "tcmalloc", 7)});

/* Machines side by side: a bar per machine for each allocator. */
#define AL_BAR(A) {"alloc/" A "/pair/size:64", "real_time", A}
MB_CHART(.family = "alloc", .file = "machines_alloc_pair", .machines = 1, .kind = MB_CHART_BARS,
         .title = "malloc + free of 64 bytes, by allocator and machine (smaller is better)", .ylabel = "ns per pair", .yrange = "0:*",
         .key = MB_KEY_TOP_LEFT,
         .series = {AL_BAR("pool"), AL_BAR("freelist"), AL_BAR("bump"), AL_BAR("glibc"), AL_BAR("jemalloc"), AL_BAR("mimalloc"), AL_BAR("tcmalloc"),
                    AL_BAR("pymalloc")});
/* The allocators side by side: time per operation at 32 bytes, memory at 20-byte blocks. */
#define AL_ROW(A, LABEL)                                                                                                            \
  {LABEL,                                                                                                                           \
   {"alloc/" A "/pair/size:32", "alloc/" A "/batch_random/size:32", "alloc/" A "/mixed", "alloc/" A "/prodcon_scatter/size:32",     \
    "alloc/" A "/footprint/size:20", "alloc/" A "/footprint/size:20", "alloc/" A "/footprint/size:20", "alloc/" A "/footprint/size:20"}}
MB_VIEW(.family = "alloc", .heading = "Allocators", .place = 50, .charts = {{"alloc_pair", "allocation cost"}, {"alloc_memory", "memory cost"}},
        .corner = "allocator",
        .cols = {"pair, 32 B", "batch of 10,000 freed at random, 32 B, per pair", "mixed sizes, per free + malloc", "producer/consumer (scatter), 32 B",
                 "20-byte blocks: bytes handed out per byte", "peak RSS per byte requested", "resident after freeing half", "after freeing all"},
        .figure = {"real_time", "items_per_second", "real_time", "real_time", "internal_frag", "rss_per_requested", "rss_half_freed_kib", "rss_all_freed_kib"},
        .unit = {[1] = "ns", [4] = "x", [5] = "x"}, .inv = {[1] = 1e9}, .share_of = {[6] = "peak_rss_kib", [7] = "peak_rss_kib"},
        .rows = {AL_ROW("pool", "pool"), AL_ROW("freelist", "free list"), AL_ROW("bump", "bump region"), AL_ROW("glibc", "glibc"),
                 AL_ROW("jemalloc", "jemalloc"), AL_ROW("mimalloc", "mimalloc"), AL_ROW("tcmalloc", "tcmalloc")},
        .note = "The last two columns: the resident memory left after freeing every other block, then every block, as a share of the peak "
                "(8 MiB requested in 20-byte blocks, in a fresh process). 100% means nothing went back to the operating system; over 100%, "
                "freeing itself grew the process (the allocator's own bookkeeping). The pool and the bump region give their arenas back once "
                "they are empty.");

/* The pool beside the allocator it imitates, as this run measured both (after the other
 * families' sections). */
#define AL_FOOT(A, FIG) {"alloc/" A "/footprint/size:20", FIG}
MB_VIEW(.family = "alloc", .heading = "The pool beside CPython's pymalloc", .place = 80);
MB_TEXT(.family = "alloc", .place = 80, .a = {"alloc/pymalloc/pair/size:32", "real_time"}, .when = "known(a)",
        .cells = {"The pool (`alloc/`) imitates pymalloc as the lesson describes it; `alloc/pymalloc/*` is the real one, "
                  "`PyObject_Malloc` of libpython ({s:alloc_pymalloc_library})."});
MB_TEXT(.family = "alloc", .place = 80, .header = 1, .cells = {"", "pool", "CPython's pymalloc"}, .a = {"alloc/pymalloc/pair/size:32", "real_time"});
MB_TEXT(.family = "alloc", .place = 80, .cells = {"size classes", "every {=c / d:0} B up to {c:0} B ({d:0} classes)", "up to {a:0} B, {b:0} classes"},
        .a = AL_FOOT("pymalloc", "threshold"), .b = AL_FOOT("pymalloc", "classes"), .c = AL_FOOT("pool", "threshold"), .d = AL_FOOT("pool", "classes"));
MB_TEXT(.family = "alloc", .place = 80,
        .cells = {"block for a 20-byte request", "{=20 * a:0} B", "{b:0} B (measured: the distance between neighbouring blocks)"},
        .a = AL_FOOT("pool", "internal_frag"), .b = AL_FOOT("pymalloc", "block_bytes"));
MB_TEXT(.family = "alloc", .place = 80, .cells = {"arena", "{a:0} KiB, {b:0} KiB pools", "{c:0} KiB (the allocator's own account)"},
        .a = {"alloc/pool/footprint/size:20", "arena_bytes", 1024}, .b = {"alloc/pool/footprint/size:20", "pool_bytes", 1024},
        .c = {"alloc/pymalloc/footprint/size:20", "arena_bytes", 1024});
MB_TEXT(.family = "alloc", .place = 80,
        .cells = {"after freeing 8 MiB of 20-byte blocks", "{=100 * a / b:1}% of the peak resident", "{=100 * c / d:1}% of the peak resident, {e:0} arenas given back"},
        .a = AL_FOOT("pool", "rss_all_freed_kib"), .b = AL_FOOT("pool", "peak_rss_kib"), .c = AL_FOOT("pymalloc", "rss_all_freed_kib"),
        .d = AL_FOOT("pymalloc", "peak_rss_kib"), .e = AL_FOOT("pymalloc", "arenas_reclaimed"));
#define AL_PAIR32(A) {"alloc/" A "/pair/size:32", "real_time"}
MB_TEXT(.family = "alloc", .place = 80, .cells = {"32-byte malloc + free", "{a:ns}", "{b:ns} (glibc {c:ns})"}, .a = AL_PAIR32("pool"),
        .b = AL_PAIR32("pymalloc"), .c = AL_PAIR32("glibc"));
MB_CLAIM(.id = "C4", .family = "alloc", .after = "C3", .text = "a pool allocator makes small allocation essentially free",
         .a = AL_PAIR32("pool"), .b = AL_PAIR32("glibc"), .c = AL_PAIR32("jemalloc"), .d = AL_PAIR32("mimalloc"), .e = AL_PAIR32("tcmalloc"), .f = AL_PAIR32("freelist"),
         .rule = "b >= 2 * a",
         .measured = "32-byte malloc + free: pool {a:2} ns, glibc {b:2} ns ({=b / a:1}×), the fastest general-purpose {=min(b, c, d, e):2} ns "
                     "({=min(b, c, d, e) / a:1}×; jemalloc {c:2}, mimalloc {d:2}, tcmalloc {e:2}); free list {f:2} ns",
         .holds = "holds (rule: pool at least 2× faster than glibc's malloc)", .differs = "differs (rule: pool at least 2× faster than glibc's malloc)");
MB_CLAIM(.id = "C4, CPython", .family = "alloc", .after = "C4", .text = "pymalloc makes small allocation essentially free",
         .a = {"alloc/glibc/pair/size:32", "real_time"}, .b = {"alloc/pymalloc/pair/size:32", "real_time"}, .c = {"alloc/pool/pair/size:32", "real_time"},
         .above = 1, .bound = 2, .measured = "32-byte PyObject_Malloc + PyObject_Free: {b:2} ns, glibc {a:2} ns ({r:1}×), the pool {c:2} ns",
         .holds = "holds (rule: at least 2× faster than glibc's malloc)", .differs = "differs (rule: at least 2× faster than glibc's malloc)");
MB_CLAIM(.id = "C5", .family = "alloc", .after = "C4, CPython", .text = "a 20-byte request uses a 24-byte block",
         .a = {"alloc/pool/footprint/size:20", "internal_frag", 0.05}, .c = {"alloc/glibc/footprint/size:20", "internal_frag", 0.05}, .bound = 23.5, .high = 24.5,
         .measured = "a 20-byte request gets {a:0} bytes from the pool (16-byte classes, as CPython since 3.8), {c:0} usable from glibc", .holds = "holds",
         .differs = "differs: 8-byte classes were pymalloc's before 3.8 (rule: pool block = 24 B)");
MB_CLAIM(.id = "C5, CPython", .family = "alloc", .after = "C5", .text = "a 20-byte request uses a 24-byte block",
         .a = {"alloc/pymalloc/footprint/size:20", "block_bytes"}, .c = {"alloc/pymalloc/footprint/size:20", "classes"},
         .d = {"alloc/pymalloc/footprint/size:20", "threshold"}, .bound = 23.5, .high = 24.5,
         .measured = "CPython's pymalloc hands out a {a:0}-byte block for 20 bytes (measured), in {c:0} classes up to {d:0} B", .holds = "holds",
         .differs = "differs (rule: block = 24 B; 16-byte classes since CPython 3.8)");
MB_CLAIM(.id = "C6", .family = "alloc", .after = "C5, CPython", .text = "external fragmentation: freed memory scattered among live blocks stays with the process",
         .a = {"alloc/glibc/footprint/size:20", "rss_half_freed_kib"}, .b = {"alloc/glibc/footprint/size:20", "peak_rss_kib"},
         .c = {"alloc/glibc/footprint/size:20", "rss_all_freed_kib"}, .above = 1, .bound = 0.9,
         .measured = "glibc, 8 MiB in 20-byte blocks: peak RSS {b:0} KiB; after freeing every other block {a:0} KiB ({p:0}%); after freeing all {c:0} KiB",
         .holds = "holds (rule: half freed, at least 90% still resident)", .differs = "differs (rule: half freed, at least 90% still resident)");
MB_CLAIM(.id = "C16", .family = "alloc", .after = "C15, CPython", .text = "an arena whose pools are all free goes back to the OS",
         .a = {"alloc/pool/footprint/size:20", "rss_all_freed_kib"}, .b = {"alloc/pool/footprint/size:20", "peak_rss_kib"}, .above = 0, .bound = 0.1,
         .measured = "pool, 8 MiB in 20-byte blocks: peak RSS {b:0} KiB; after freeing every block and trimming {a:0} KiB ({p:1}%)",
         .holds = "holds (rule: under 10% of the peak left resident)", .differs = "differs (rule: under 10% of the peak left resident)");
