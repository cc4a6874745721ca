/*
 * align.c: misaligned access (lesson claim C11): loads, stores and chases at every offset of a
 * line, within a line or across a page, in L1 and from memory; split locks.
 *
 * align/<op>_<where>/size:S/offset:O   loads, stores or a chase of S bytes (4, 8, 16, 32, 64) at byte
 *   O of a cache line (0..63; offsets in the default sweep, all 64 with --mb_long). O counts
 *   from 64 bytes before the line's end, so O + S > 64 crosses a line whatever its size (the
 *   machine's, from the configuration: 128 bytes on Apple's cores); with 64-byte lines O is
 *   the offset into the line.
 *   where  l1_line: 8 lines in L1; l1_page: the last line of 8 pages, so O + S > 64 also
 *          crosses a page; dram_line, dram_page: one location in each of 32,768 pages of a
 *          128 MiB buffer, in random order, every line flushed from the caches before the
 *          run and one pass per run: each access misses every cache. load_ and store_ are
 *          independent accesses, so several misses overlap: their ns_per_access is a
 *          throughput (a pass's time over its accesses), not a miss's latency; chase_ loads
 *          the same locations as a dependent chain (each value's first 4 bytes say where
 *          the next is): one miss at a time, ns_per_access the latency of one access
 *   Counters: line_split, page_split (0/1: what the access crosses); ns_per_access.
 *   Every run writes new values (loads) or a poison (stores) into each location first, from
 *   the run's stamp: the check expects the values only this run's accesses produce.
 *   Loads and stores go through memcpy into GCC vector types: defined behaviour at any
 *   alignment, one instruction where the ISA has one (64 bytes is one AVX-512 access, two
 *   without AVX-512: counter ops_per_access).
 * align/atomic_split/offset:O   lock add on 8 bytes at byte O of a line: O = 60 splits the
 *   line (a split lock). Opt-in (MB_SPLIT_LOCK=1), with a warning: the kernel may trap or
 *   throttle split locks (split_lock_detect), and they stall the whole machine's memory bus.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch.h"
#include "membench.h"

MB_FAMILY(.name = "align", .title = "Alignment", .x = "offset",
          .doc = "Loads and stores at every offset into a line, in L1 and from memory; split locks.");

/* ---- Misaligned access ---- */

typedef char v16 __attribute__((vector_size(16)));
typedef char v32 __attribute__((vector_size(32)));
typedef char v64 __attribute__((vector_size(64)));

#define L1_SPOTS 8
#define DRAM_PAGES 32768 /* 128 MiB: far beyond any L3 here */

enum where { L1_LINE, L1_PAGE, DRAM_LINE, DRAM_PAGE };

typedef struct spots {
  size_t count;   /* locations visited per iteration */
  char **at;      /* the locations (offset applied) */
  int size;
  int cold;       /* dram_*: every line flushed before the run, one pass per run */
  size_t line;    /* the cache line size the locations are placed by */
  uint64_t stamp; /* this run's: the values arm wrote (loads) or the first value stored */
  uint64_t fold;  /* loads: the first 8 bytes of the xor of every value loaded */
  uint64_t sum;   /* loads: the sum of the first 8 bytes of every value loaded, mod 2^64 */
  int chain;      /* chase_*: each location's first 4 bytes hold the page of the next */
  size_t delta;   /* chase_*: a location's offset in its page (the same for all) */
  char *end;      /* chase_*: where the last run's chain stopped */
} spots_t;

static char *dram_buf; /* shared by every DRAM instance: mapped once */
static uint64_t k_chase(uint64_t iters, void *data);

/* Byte j of the value at location k in a run with this stamp. */
static unsigned char spot_byte(uint64_t stamp, size_t k, int j) {
  uint64_t z = (stamp ^ (k * 0x9E3779B97F4A7C15ull)) + (uint64_t)j * 0xBF58476D1CE4E5B9ull;
  z ^= z >> 29;
  z *= 0x94D049BB133111EBull;
  return (unsigned char)(z >> 56);
}
/* What a load finds there: for a chase, the first 4 bytes are the page of the next location
 * (little-endian; the chain goes through the locations in their random order and back). */
static unsigned char spot_value(const spots_t *s, size_t k, int j) {
  if (!s->chain || j >= 4) return spot_byte(s->stamp, k, j);
  const uint32_t next = (uint32_t)((size_t)(s->at[(k + 1) % s->count] - dram_buf) / 4096);
  return (unsigned char)(next >> (8 * j));
}

static int setup_align(mb_run_t *run, enum where where) {
  spots_t *s = calloc(1, sizeof *s);
  if (!s) return mb_skip(run, "out of memory");
  run->data = s;
  s->size = (int)run->arg[0];
  const int off = (int)run->arg[1];
  static char *l1_buf;
  if (!l1_buf) {
    if (!(l1_buf = aligned_alloc(4096, (L1_SPOTS + 1) * 4096))) return mb_skip(run, "out of memory");
    memset(l1_buf, 0, (L1_SPOTS + 1) * 4096);
  }
  s->cold = where >= DRAM_LINE;
  s->chain = run->bench->kernel == k_chase;
  const size_t L = s->line = run->config->cache_line;
  if (s->cold && mb_flush_lines(l1_buf, 1, L)) return mb_skip(run, "no instruction to flush a cache line on this architecture");
  if (s->cold && !dram_buf) {
    dram_buf = mmap(NULL, (size_t)DRAM_PAGES * 4096 + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dram_buf == MAP_FAILED) {
      dram_buf = NULL;
      return mb_skip(run, "cannot map 128 MiB");
    }
    madvise(dram_buf, (size_t)DRAM_PAGES * 4096, MADV_NOHUGEPAGE); /* 4 KiB pages: page splits are real */
    memset(dram_buf, 0, (size_t)DRAM_PAGES * 4096 + 4096);
  }
  s->count = s->cold ? DRAM_PAGES : L1_SPOTS;
  if (!(s->at = malloc(s->count * sizeof *s->at))) return mb_skip(run, "out of memory");
  /* The offset counts from 64 bytes before a line's end, so offset + size > 64 crosses into
   * the next line whatever the line size L (with L = 64: the offset into the line).
   * l1_line: the end of line 2k + 1 (every other line); *_page: the end of page k;
   * dram_line: the line that ends in the middle of page k. */
  for (size_t k = 0; k < s->count; k++) {
    /* (A line shorter than 64 bytes, as qemu-user's sysconf says: the first location's line
     * ends 64 bytes in, so the 64 bytes before it are inside the buffer.) */
    size_t end = where == L1_LINE ? (2 * k + 1) * L + (L < 64 ? 64 : 0) : where == DRAM_LINE ? k * 4096 + 2048 : k * 4096 + 4096;
    s->at[k] = (s->cold ? dram_buf : l1_buf) + end - 64 + off;
  }
  s->delta = (where == DRAM_LINE ? 2048 : 4096) - 64 + (size_t)off;
  if (s->cold) { /* random page order (seeded by the instance): no prefetcher guesses the next */
    mb_rng_t r = mb_rng_of(run, 0);
    for (size_t k = s->count - 1; k > 0; k--) {
      size_t j = mb_rng_next(&r) % (k + 1);
      char *t = s->at[k];
      s->at[k] = s->at[j];
      s->at[j] = t;
    }
  }
  /* What the accesses cross, from the addresses themselves. */
  const uintptr_t a0 = (uintptr_t)s->at[0];
  mb_counter(run, "line_split", a0 % L + (size_t)s->size > L, MB_COUNTER_VALUE);
  mb_counter(run, "page_split", a0 % 4096 + (size_t)s->size > 4096, MB_COUNTER_VALUE);
  const int widest = MB_VEC_BYTES; /* the widest load or store the build has */
  mb_counter(run, "ops_per_access", s->size > widest ? s->size / widest : 1, MB_COUNTER_VALUE);
  run->items_per_iter = (double)s->count; /* accesses: items_per_second is accesses/s */
  run->bytes_per_iter = (double)s->count * s->size;
  return 0;
}

/* Before every run: each location gets this run's values (loads) or a poison (stores: the
 * complement of what the run will leave there), so only this run's accesses can pass the
 * check; for dram_* every line touched is then flushed, so every access of the run (one pass)
 * misses every cache. */
static uint64_t k_load(uint64_t iters, void *data);
static void a_align(mb_run_t *run) {
  spots_t *s = run->data;
  s->stamp = run->stamp;
  const int load = run->bench->kernel == k_load;
  for (size_t k = 0; k < s->count; k++) {
    for (int j = 0; j < s->size; j++) s->at[k][j] = (char)(load || s->chain ? spot_value(s, k, j) : ~spot_byte(s->stamp, 0, j));
    if (s->cold) mb_flush_lines(s->at[k], s->size, s->line);
  }
  if (s->cold) mb_flush_done();
}

static void t_align(mb_run_t *run) {
  spots_t *s = run->data;
  if (!s) return;
  free(s->at);
  free(s);
  run->data = NULL;
}

/* Loads: every value folded into an xor (so every byte is loaded) and its first 8 bytes into
 * a sum (which, unlike the xor, counts every iteration). Stores: a value that changes every
 * iteration, starting from the stamp's. One scalar access each, never a gather. */
#define ACCESS_KERNELS(S, T)                                                           \
  static uint64_t k_load_##S(uint64_t iters, void *data) {                             \
    spots_t *s = data;                                                                 \
    const size_t count = MB_WORK(s->count);                                            \
    T acc = {0};                                                                       \
    uint64_t sum = 0;                                                                  \
    for (uint64_t it = 0; it < iters; it++)                                            \
      for (size_t k = 0; k < count; k++) {                                             \
        T v;                                                                           \
        uint64_t lo = 0;                                                               \
        memcpy(&v, MB_OPAQUE(s->at[k]), S);                                            \
        acc ^= v;                                                                      \
        memcpy(&lo, &v, 8 < S ? 8 : S);                                                \
        sum += lo;                                                                     \
      }                                                                                \
    s->fold = 0;                                                                       \
    memcpy(&s->fold, &acc, 8 < S ? 8 : S);                                             \
    s->sum = sum;                                                                      \
    return iters * s->count;                                                           \
  }                                                                                    \
  static uint64_t k_store_##S(uint64_t iters, void *data) {                            \
    spots_t *s = data;                                                                 \
    const size_t count = MB_WORK(s->count);                                            \
    T v;                                                                               \
    for (int j = 0; j < S; j++) ((unsigned char *)&v)[j] = spot_byte(s->stamp, 0, j);  \
    v -= (T){1};                                                                       \
    for (uint64_t it = 0; it < iters; it++) {                                          \
      v += (T){1};                                                                     \
      for (size_t k = 0; k < count; k++) memcpy(MB_OPAQUE(s->at[k]), &v, S);           \
    }                                                                                  \
    mb_clobber();                                                                      \
    return iters * s->count;                                                           \
  }                                                                                    \
  /* The chase: each load's first 4 bytes say where the next is (a dependent chain: one  \
   * miss at a time, the latency a program waits for such a load); the xor of every     \
   * value loaded is kept, as for the loads. */                                         \
  static uint64_t k_chase_##S(uint64_t iters, void *data) {                            \
    spots_t *s = data;                                                                 \
    const size_t count = MB_WORK(s->count), delta = s->delta;                          \
    const char *base = MB_OPAQUE(dram_buf), *p = s->at[0];                             \
    T acc = {0};                                                                       \
    for (uint64_t it = 0; it < iters; it++)                                            \
      for (size_t k = 0; k < count; k++) {                                             \
        T v;                                                                           \
        uint32_t next;                                                                 \
        memcpy(&v, p, S);                                                              \
        acc ^= v;                                                                      \
        memcpy(&next, &v, 4);                                                          \
        p = base + (size_t)next * 4096 + delta;                                        \
      }                                                                                \
    s->fold = 0;                                                                       \
    memcpy(&s->fold, &acc, 8 < S ? 8 : S);                                             \
    s->end = (char *)p;                                                                \
    return iters * s->count;                                                           \
  }                                                                                    \
  /* The value a store run of `iters` iterations leaves in every location. */          \
  static void last_store_##S(uint64_t stamp, uint64_t iters, unsigned char *out) {     \
    T v;                                                                               \
    for (int j = 0; j < S; j++) ((unsigned char *)&v)[j] = spot_byte(stamp, 0, j);     \
    for (uint64_t it = 1; it < iters; it++) v += (T){1};                               \
    memcpy(out, &v, S);                                                                \
  }
ACCESS_KERNELS(4, uint32_t)
ACCESS_KERNELS(8, uint64_t)
ACCESS_KERNELS(16, v16)
ACCESS_KERNELS(32, v32)
ACCESS_KERNELS(64, v64)

/* The kernel of each size, by the instance's size. */
#define BY_SIZE(K)                                          \
  static uint64_t K(uint64_t iters, void *data) {           \
    switch (((const spots_t *)data)->size) {                \
    case 4: return K##_4(iters, data);                      \
    case 8: return K##_8(iters, data);                      \
    case 16: return K##_16(iters, data);                    \
    case 32: return K##_32(iters, data);                    \
    default: return K##_64(iters, data);                    \
    }                                                       \
  }
BY_SIZE(k_load)
BY_SIZE(k_chase)
BY_SIZE(k_store)
static void last_store(const spots_t *s, uint64_t iters, unsigned char *out) {
  switch (s->size) {
  case 4: last_store_4(s->stamp, iters, out); break;
  case 8: last_store_8(s->stamp, iters, out); break;
  case 16: last_store_16(s->stamp, iters, out); break;
  case 32: last_store_32(s->stamp, iters, out); break;
  default: last_store_64(s->stamp, iters, out);
  }
}

/* Loads: the values arm wrote, summed and xor-folded here byte by byte, against what the
 * kernel loaded. Stores: every location holds exactly the run's last value (arm left the
 * complement there). Both expect this run's stamp: nothing setup or an earlier run left
 * behind can pass. */
static int v_align(mb_run_t *run, uint64_t result, uint64_t iters) {
  spots_t *s = run->data;
  uint64_t want = iters * s->count;
  if (result != want) return mb_fail(run, "%llu of %llu accesses", (unsigned long long)result, (unsigned long long)want);
  mb_counter(run, "ns_per_access", run->seconds * 1e9 / (double)want, MB_COUNTER_VALUE);
  const int w = s->size < 8 ? s->size : 8;
  if (s->chain) { /* around the whole chain every pass, every byte of it loaded */
    if (s->end != s->at[0]) return mb_fail(run, "the chain did not come back to its start after %llu loads", (unsigned long long)want);
    unsigned char x[8] = {0};
    for (size_t k = 0; k < s->count; k++)
      for (int b = 0; b < w; b++) x[b] ^= spot_value(s, k, b);
    uint64_t fold = 0;
    if (iters & 1) memcpy(&fold, x, (size_t)w);
    if (s->fold != fold) return mb_fail(run, "the values chased fold to %#llx, expected %#llx", (unsigned long long)s->fold, (unsigned long long)fold);
    return 0;
  }
  if (run->bench->kernel == k_load) {
    unsigned char x[8] = {0};
    uint64_t sum = 0;
    for (size_t k = 0; k < s->count; k++) {
      uint64_t lo = 0;
      for (int b = 0; b < w; b++) {
        x[b] ^= spot_byte(s->stamp, k, b);
        lo |= (uint64_t)spot_byte(s->stamp, k, b) << (8 * b);
      }
      sum += lo;
    }
    uint64_t fold = 0;
    if (iters & 1) memcpy(&fold, x, (size_t)w);
    if (s->sum != sum * iters || s->fold != fold)
      return mb_fail(run, "loaded values sum to %#llx, expected %#llx", (unsigned long long)s->sum, (unsigned long long)(sum * iters));
    return 0;
  }
  unsigned char last[64];
  last_store(s, iters, last);
  for (size_t k = 0; k < s->count; k++)
    if (memcmp(s->at[k], last, (size_t)s->size)) return mb_fail(run, "location %zu does not hold the last value stored", k);
  return 0;
}

static int args_align(mb_arglist_t *l, const mb_config_t *c) {
  static const int sizes[] = {4, 8, 16, 32, 64};
  static const int quick[] = {0, 60};
  static const int some[] = {0, 1, 8, 16, 32, 33, 48, 56, 57, 60, 61, 63};
  for (int si = 0; si < 5; si++) {
    int n = c->long_sweep ? 64 : c->quick ? 2 : (int)(sizeof some / sizeof *some);
    for (int k = 0; k < n; k++) {
      int64_t t[2] = {sizes[si], c->long_sweep ? k : c->quick ? quick[k] : some[k]};
      if (mb_arglist_add(l, t)) return -1;
    }
  }
  return 0;
}

/* L1: 2^18 passes over 8 locations. DRAM: one pass over 32,768 cold lines per run (arm
 * flushed them): each access a miss to memory, as its name says. */
static int s_align(mb_run_t *run) { return setup_align(run, (enum where)run->bench->param); }
/* The DRAM variants became cold misses (one pass over flushed lines) in method version 2. */
#define ALIGN(OP, NAME, WHERE, ITERS)                                                                             \
  MB_BENCH(.family = "align", .variant = #OP "_" NAME, .kernel = k_##OP, .setup = s_align, .param = WHERE,       \
           .teardown = t_align, .verify = v_align, .arm = a_align, .argnames = {"size", "offset"},              \
           .args_fn = args_align, .iterations = ITERS, .version = (ITERS) == 1 ? 2 : 1,                          \
           .doc = #OP "s of size bytes at offset bytes into a line")
ALIGN(load, "l1_line", L1_LINE, 1 << 18);
ALIGN(store, "l1_line", L1_LINE, 1 << 18);
ALIGN(load, "l1_page", L1_PAGE, 1 << 18);
ALIGN(store, "l1_page", L1_PAGE, 1 << 18);
ALIGN(load, "dram_line", DRAM_LINE, 1);
ALIGN(store, "dram_line", DRAM_LINE, 1);
ALIGN(load, "dram_page", DRAM_PAGE, 1);
ALIGN(store, "dram_page", DRAM_PAGE, 1);
ALIGN(chase, "dram_line", DRAM_LINE, 1);
ALIGN(chase, "dram_page", DRAM_PAGE, 1);

/* ---- Split locks (opt-in) ---- */

typedef struct lockspot {
  char *buf;
  uint64_t *unused;
  char *at;
} lockspot_t;

static int s_atomic_split(mb_run_t *run) {
#if defined(__aarch64__)
  return mb_skip(run, "no split lock on AArch64: an atomic on an address that crosses a line faults (alignment fault) instead");
#elif !defined(__x86_64__)
  return mb_skip(run, "x86-64 only");
#else
  if (!getenv("MB_SPLIT_LOCK") || strcmp(getenv("MB_SPLIT_LOCK"), "1"))
    return mb_skip(run, "opt-in: MB_SPLIT_LOCK=1 (a split lock may be trapped or throttled by the kernel and stalls every core's memory access)");
  static int warned;
  if (!warned++)
    fprintf(stderr, "membench: warning: align/atomic_split takes split locks on purpose; the kernel may log, "
                    "throttle or kill (split_lock_detect), and other cores stall while it runs\n");
  lockspot_t *ls = calloc(1, sizeof *ls);
  if (!ls) return mb_skip(run, "out of memory");
  run->data = ls;
  if (!(ls->buf = aligned_alloc(64, 128))) return mb_skip(run, "out of memory");
  memset(ls->buf, 0, 128);
  ls->at = ls->buf + run->arg[0];
  mb_counter(run, "line_split", run->arg[0] + 8 > 64, MB_COUNTER_VALUE);
  run->items_per_iter = 1;
  return 0;
#endif
}

static void t_atomic(mb_run_t *run) {
  lockspot_t *ls = run->data;
  if (!ls) return;
  free(ls->buf);
  free(ls);
  run->data = NULL;
}

static uint64_t k_atomic(uint64_t iters, void *data) {
  lockspot_t *ls = data;
  uint64_t before;
  memcpy(&before, ls->at, 8);
  for (uint64_t i = 0; i < iters; i++) {
#if defined(__x86_64__)
    /* The instruction itself: C's atomics on a misaligned object would be undefined. */
    __asm__ volatile("lock addq $1, (%0)" : : "r"(ls->at) : "memory");
#endif
  }
  uint64_t after;
  memcpy(&after, ls->at, 8);
  return after - before;
}

static int v_atomic(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != iters) return mb_fail(run, "%llu of %llu increments arrived", (unsigned long long)result, (unsigned long long)iters);
  return 0;
}

MB_BENCH(.family = "align", .variant = "atomic_split", .kernel = k_atomic, .setup = s_atomic_split, .teardown = t_atomic,
         .verify = v_atomic, .argnames = {"offset"}, .args = MB_ARGS(0, 56, 60), .doc = "lock add on 8 bytes at offset (60: a split lock)");

/* Misaligned access as heat maps, one panel per operation and placement: a row per access
 * size, a column per offset; the colour is the time per access over offset 0's (the same
 * size), from the rates. */
#define AG_PANEL(OP, LEVEL, W, TITLE) {"align/" OP "_" LEVEL "_" W, "items_per_second", TITLE, .rel = MB_REL_FIRST_OVER}
#define AG_CHART(LEVEL, WHERE)                                                                                                               \
  MB_CHART(.family = "align", .file = "align_" LEVEL, .kind = MB_CHART_MATRIX,                                                              \
           .title = "Misaligned loads and stores in " WHERE ": where the line (and page) splits cost", .xlabel = "offset in the cache line (bytes)", \
           .ylabel = "access size (bytes)", .zlabel = "time / time at offset 0", .logz = 2, .zrange = "0.5:16", .diverging = 1,                  \
           .cols_at_value = 1, .xstep = 8,                                                                                                   \
           .series = {AG_PANEL("load", LEVEL, "line", "load, splitting a cache line"),                                                       \
                      AG_PANEL("load", LEVEL, "page", "load, the last line of a page: splits cross the page"),                               \
                      AG_PANEL("store", LEVEL, "line", "store, splitting a cache line"),                                                     \
                      AG_PANEL("store", LEVEL, "page", "store, the last line of a page: splits cross the page")})
AG_CHART("l1", "L1");
AG_CHART("dram", "memory");


MB_VIEW(.family = "align", .heading = "Alignment", .place = 72,
        .charts = {{"align_l1", "misaligned access in L1"}, {"align_dram", "misaligned access in memory"}});

/* C11: a split load's latency from memory is the dependent chain's (chase_): independent
 * loads overlap their misses, so their time per access is a throughput, shown beside it. */
#define AG_AT(V, OFF, FIG) {"align/" V "/size:8/offset:" #OFF, FIG}
MB_CLAIM(.id = "C11", .family = "align", .after = "C10", .text = "packed (unaligned) access is legal but slow: 2× on cache misses",
         .a = AG_AT("chase_dram_line", 60, "ns_per_access"), .b = AG_AT("chase_dram_line", 0, "ns_per_access"),
         .c = AG_AT("chase_dram_page", 60, "ns_per_access"), .d = AG_AT("load_dram_line", 0, "items_per_second"),
         .e = AG_AT("load_dram_line", 60, "items_per_second"), .f = AG_AT("load_dram_page", 60, "items_per_second"),
         .g = AG_AT("store_l1_page", 0, "items_per_second"), .h = AG_AT("store_l1_page", 60, "items_per_second"),
         .i = {"layout/packed_one/records:4000000", "real_time"}, .j = {"layout/padded_one/records:4000000", "real_time"}, .rule = "a / b >= 2",
         .measured = "an 8-byte load from memory (a dependent chain: one miss at a time) takes {r:2}× the aligned time when it splits a line "
                     "({a:0} vs {b:0} ns), {=c / b:2}× when it splits a page; independent loads (overlapping misses): {=d / e:2}× and {=d / f:2}×; "
                     "8-byte stores in L1 splitting a page {=g / h:1}×; the packed struct's d summed over 4·10^6 records: {=i / j:2}× the padded struct's time",
         .holds = "holds (rule: a line-split load's latency from memory ≥ 2×)", .differs = "differs (rule: a line-split load's latency from memory ≥ 2×)");
