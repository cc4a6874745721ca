/*
 * layout.c: data layout (lesson claims C12, C15): struct padding and field order, arrays of
 * structs vs structs of arrays, boxed vs unboxed values. Misaligned access: align.c.
 *
 * layout/<struct>_<fields>/records:N
 *   struct   padded    {char a; int b; char c; double d;}  24 bytes (the lesson's)
 *            reordered {double d; int b; char a; char c;}  16 bytes
 *            packed    the first, __attribute__((packed)): 14 bytes, d at offset 6
 *            soa       four arrays a[], b[], c[], d[]: 14 bytes per record
 *   fields   one: sum of d; all: sum of a + b + c + d
 *   records  sized for L1, L2, L3 and memory (1,000; 16,000; 250,000; 4,000,000)
 *   Counters: bytes_per_record; mib_per_million (10^6 records, as the lesson counts).
 *   The packed struct is read through its own type (p[i].d): the compiler knows the field
 *   may be misaligned and emits an unaligned load, which is defined behaviour; nothing is
 *   read through a cast to a misaligned double *.
 * layout/<boxing>/n:N   sum of N doubles
 *   unboxed                 a flat array of doubles
 *   boxed_malloc_inorder    an array of pointers to objects {16-byte header; double},
 *                           malloc'd one by one, visited in allocation order
 *   boxed_malloc_shuffled   the same pointers in shuffled order (the heap as a program that
 *                           has run a while leaves it)
 *   boxed_pool_inorder, boxed_pool_shuffled: the objects from the pool allocator (mballoc)
 *   Counters: bytes_per_element = 8 (the pointer) + the address distance between two
 *   consecutive objects (what one object really occupies, allocator overhead included);
 *   8 for unboxed.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mballoc.h"
#include "membench.h"
#include "sum8.h"

/* ---- The lesson's structs ---- */

struct padded {
  char a;
  int b;
  char c;
  double d;
};
struct reordered {
  double d;
  int b;
  char a;
  char c;
};
struct __attribute__((packed)) packed {
  char a;
  int b;
  char c;
  double d;
};
_Static_assert(sizeof(struct padded) == 24, "the lesson's struct is 24 bytes");
_Static_assert(offsetof(struct padded, b) == 4 && offsetof(struct padded, c) == 8 && offsetof(struct padded, d) == 16,
               "padding after a (3 bytes) and after c (7 bytes)");
_Static_assert(sizeof(struct reordered) == 16, "largest first: 16 bytes");
_Static_assert(offsetof(struct reordered, b) == 8 && offsetof(struct reordered, a) == 12 && offsetof(struct reordered, c) == 13,
               "no padding until the 2-byte tail");
_Static_assert(sizeof(struct packed) == 14, "packed: 14 bytes");
_Static_assert(offsetof(struct packed, b) == 1 && offsetof(struct packed, c) == 5 && offsetof(struct packed, d) == 6,
               "packed: d at offset 6, misaligned");

enum layout { PADDED, REORDERED, PACKED, SOA };
static const size_t record_bytes[] = {sizeof(struct padded), sizeof(struct reordered), sizeof(struct packed), 14};

typedef struct recs {
  enum layout layout;
  int all; /* sum every field, not only d */
  size_t n;
  void *mem;
  signed char *a, *c; /* soa */
  int *b;
  double *d;
  uint64_t expect_one, expect_all;
} recs_t;

/* Record i's fields: position-dependent (mb_val), so a sum over other records than it should
 * (a re-read part) fails; a and c fit a signed char, b an int. */
static inline int fa(size_t i) { return (int)mb_val(0xA, i) & 127; }
static inline int fb(size_t i) { return (int)mb_val(0xB, i); }
static inline int fc(size_t i) { return (int)mb_val(0xC, i) & 127; }
static inline double fd(size_t i) { return mb_val(0xD, i); }

static int setup_recs(mb_run_t *run, enum layout layout, int all) {
  recs_t *r = calloc(1, sizeof *r);
  if (!r) return mb_skip(run, "out of memory");
  run->data = r;
  r->layout = layout;
  r->all = all;
  size_t n = r->n = (size_t)run->arg[0];
  size_t rb = record_bytes[layout];
  r->mem = aligned_alloc(64, (n * rb + 63) & ~(size_t)63);
  if (!r->mem) return mb_skip(run, "out of memory");
  if (layout == SOA) {
    r->d = r->mem; /* the widest first: every array stays aligned */
    r->b = (int *)(r->d + n);
    r->a = (signed char *)(r->b + n);
    r->c = r->a + n;
  }
  for (size_t i = 0; i < n; i++) {
    switch (layout) {
    case PADDED: ((struct padded *)r->mem)[i] = (struct padded){.a = (char)fa(i), .b = fb(i), .c = (char)fc(i), .d = fd(i)}; break;
    case REORDERED: ((struct reordered *)r->mem)[i] = (struct reordered){.a = (char)fa(i), .b = fb(i), .c = (char)fc(i), .d = fd(i)}; break;
    case PACKED: ((struct packed *)r->mem)[i] = (struct packed){.a = (char)fa(i), .b = fb(i), .c = (char)fc(i), .d = fd(i)}; break;
    case SOA: r->a[i] = (signed char)fa(i), r->b[i] = fb(i), r->c[i] = (signed char)fc(i), r->d[i] = fd(i); break;
    }
    r->expect_one += (uint64_t)fd(i);
    r->expect_all += (uint64_t)(fa(i) + fb(i) + fc(i)) + (uint64_t)fd(i);
  }
  mb_counter(run, "bytes_per_record", (double)rb, MB_COUNTER_VALUE);
  mb_counter(run, "mib_per_million", rb * 1e6 / 1048576.0, MB_COUNTER_VALUE);
  run->items_per_iter = (double)n;
  run->bytes_per_iter = (double)(all || layout != SOA ? n * rb : n * sizeof(double));
  return 0;
}

static void t_recs(mb_run_t *run) {
  recs_t *r = run->data;
  if (!r) return;
  free(r->mem);
  free(r);
  run->data = NULL;
}

/* One kernel per layout and field set: the field accesses are the struct's own. */
#define REC_KERNEL(NAME, T)                                                          \
  static uint64_t k_##NAME##_one(uint64_t iters, void *data) {                       \
    recs_t *r = data;                                                                \
    const size_t n = r->n;                                                           \
    double total = 0;                                                                \
    for (uint64_t it = 0; it < iters; it++) {                                        \
      const T *p = MB_OPAQUE((const T *)r->mem);                                     \
      total += MB_SUM8(MB_WORK(n), i, p[i].d);                                       \
    }                                                                                \
    return (uint64_t)total;                                                          \
  }                                                                                  \
  static uint64_t k_##NAME##_all(uint64_t iters, void *data) {                       \
    recs_t *r = data;                                                                \
    const size_t n = r->n;                                                           \
    uint64_t total = 0;                                                              \
    for (uint64_t it = 0; it < iters; it++) {                                        \
      const T *p = MB_OPAQUE((const T *)r->mem);                                     \
      total += (uint64_t)MB_SUM8(MB_WORK(n), i, (double)(p[i].a + p[i].b + p[i].c) + p[i].d); \
    }                                                                                \
    return total;                                                                    \
  }
REC_KERNEL(padded, struct padded)
REC_KERNEL(reordered, struct reordered)
REC_KERNEL(packed, struct packed)

static uint64_t k_soa_one(uint64_t iters, void *data) {
  recs_t *r = data;
  const size_t n = r->n;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    total += mb_sum_rows(MB_OPAQUE(r->d), 1, MB_WORK(n), 0); /* contiguous: vector loads */
  }
  return (uint64_t)total;
}

static uint64_t k_soa_all(uint64_t iters, void *data) {
  recs_t *r = data;
  const size_t n = r->n;
  uint64_t total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    const double *d = MB_OPAQUE(r->d);
    const signed char *a = r->a, *c = r->c;
    const int *b = r->b;
    total += (uint64_t)MB_SUM8(MB_WORK(n), i, (double)(a[i] + b[i] + c[i]) + d[i]);
  }
  return total;
}

static int v_recs(mb_run_t *run, uint64_t result, uint64_t iters) {
  const recs_t *r = run->data;
  return mb_check_sum(run, result, (r->all ? r->expect_all : r->expect_one) * iters);
}

/* Record counts for L1 (24 KB padded), L2 (384 KB), L3 (6 MB) and memory (96 MB). */
#define RECORDS MB_ARGS(1000, 16000, 250000, 4000000)
#define RECORDS_QUICK MB_ARGS(1000, 250000)
MB_FAMILY(.name = "layout", .title = "Struct layout", .x = "records", .logx = 1, .logy = 1,
          .doc = "Padding, field order, packing, structure of arrays and boxing, by record count.");

#define LAYOUT(L, LNAME, ALL, FNAME, DOC)                                                                        \
  static int s_##LNAME##_##FNAME(mb_run_t *run) { return setup_recs(run, L, ALL); }                            \
  MB_BENCH(.family = "layout", .variant = #LNAME "_" #FNAME, .kernel = k_##LNAME##_##FNAME,                    \
           .setup = s_##LNAME##_##FNAME, .teardown = t_recs, .verify = v_recs, .argnames = {"records"},          \
           .args = RECORDS, .quick_args = RECORDS_QUICK, .doc = DOC)
LAYOUT(PADDED, padded, 0, one, "sum d over {char a; int b; char c; double d;} (24 B)");
LAYOUT(PADDED, padded, 1, all, "sum every field of the 24-byte struct");
LAYOUT(REORDERED, reordered, 0, one, "sum d over {double d; int b; char a; char c;} (16 B)");
LAYOUT(REORDERED, reordered, 1, all, "sum every field of the 16-byte struct");
LAYOUT(PACKED, packed, 0, one, "sum d over the packed struct (14 B, d misaligned)");
LAYOUT(PACKED, packed, 1, all, "sum every field of the packed struct");
LAYOUT(SOA, soa, 0, one, "sum d[] of a struct of arrays");
LAYOUT(SOA, soa, 1, all, "sum a[] + b[] + c[] + d[] of a struct of arrays");

/* ---- Boxed vs unboxed ---- */

typedef struct box {
  uint64_t header[2]; /* a type pointer and a reference count, as an interpreter's object */
  double value;
} box_t;
_Static_assert(sizeof(box_t) == 24, "a 16-byte header and an 8-byte value");

enum boxing { UNBOXED, BOXED_MALLOC, BOXED_POOL };

typedef struct boxes {
  size_t n;
  double *flat;
  box_t **ptr;
  mbp_pool_t pool;
  enum boxing boxing;
  uint64_t expect;
} boxes_t;

static int by_value(const void *x, const void *y) {
  uintptr_t a = *(const uintptr_t *)x, b = *(const uintptr_t *)y;
  return a < b ? -1 : a > b;
}

static int setup_boxes(mb_run_t *run, enum boxing boxing, int shuffled) {
  boxes_t *bx = calloc(1, sizeof *bx);
  if (!bx) return mb_skip(run, "out of memory");
  run->data = bx;
  bx->boxing = boxing;
  size_t n = bx->n = (size_t)run->arg[0];
  run->items_per_iter = (double)n;
  if (boxing == UNBOXED) {
    if (!(bx->flat = malloc(n * sizeof *bx->flat))) return mb_skip(run, "out of memory");
    for (size_t i = 0; i < n; i++) bx->expect += (uint64_t)(bx->flat[i] = mb_val(0xE, i));
    mb_counter(run, "bytes_per_element", sizeof(double), MB_COUNTER_VALUE);
    return 0;
  }
  if (boxing == BOXED_POOL && mbp_pool_init(&bx->pool, 0)) return mb_skip(run, "pool: out of memory");
  if (!(bx->ptr = malloc(n * sizeof *bx->ptr))) return mb_skip(run, "out of memory");
  for (size_t i = 0; i < n; i++) {
    box_t *b = boxing == BOXED_POOL ? mbp_alloc(&bx->pool, sizeof *b) : malloc(sizeof *b);
    if (!b) return mb_skip(run, "out of memory");
    b->header[0] = (uintptr_t)&bx->expect;
    b->header[1] = 1;
    b->value = mb_val(0xE, i);
    bx->expect += (uint64_t)b->value;
    bx->ptr[i] = b;
  }
  /* What one object occupies: the median distance between consecutive objects. */
  uintptr_t *gaps = malloc(n * sizeof *gaps);
  size_t g = 0;
  for (size_t i = 1; gaps && i < n; i++)
    if (bx->ptr[i] > bx->ptr[i - 1]) gaps[g++] = (uintptr_t)bx->ptr[i] - (uintptr_t)bx->ptr[i - 1];
  if (g) {
    qsort(gaps, g, sizeof *gaps, by_value);
    mb_counter(run, "bytes_per_element", 8.0 + (double)gaps[g / 2], MB_COUNTER_VALUE);
  }
  free(gaps);
  mb_rng_t rng = mb_rng_of(run, 0);
  if (shuffled)
    for (size_t i = n - 1; i > 0; i--) {
      size_t k = mb_rng_next(&rng) % (i + 1);
      box_t *t = bx->ptr[i];
      bx->ptr[i] = bx->ptr[k];
      bx->ptr[k] = t;
    }
  return 0;
}

static void t_boxes(mb_run_t *run) {
  boxes_t *bx = run->data;
  if (!bx) return;
  if (bx->ptr && bx->boxing == BOXED_MALLOC)
    for (size_t i = 0; i < bx->n; i++) free(bx->ptr[i]);
  if (bx->boxing == BOXED_POOL) mbp_pool_destroy(&bx->pool);
  free(bx->ptr);
  free(bx->flat);
  free(bx);
  run->data = NULL;
}

static uint64_t k_unboxed(uint64_t iters, void *data) {
  boxes_t *bx = data;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    total += mb_sum_rows(MB_OPAQUE(bx->flat), 1, MB_WORK(bx->n), 0); /* vector loads */
  }
  return (uint64_t)total;
}

static uint64_t k_boxed(uint64_t iters, void *data) {
  boxes_t *bx = data;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    box_t *const *p = MB_OPAQUE(bx->ptr);
    total += MB_SUM8(MB_WORK(bx->n), i, p[i]->value); /* a scalar load per pointer, never a gather */
  }
  return (uint64_t)total;
}

static int v_boxes(mb_run_t *run, uint64_t result, uint64_t iters) {
  const boxes_t *bx = run->data;
  return mb_check_sum(run, result, bx->expect * iters);
}

/* .param: the boxing, times two, plus one when shuffled. */
static int s_boxes(mb_run_t *run) { return setup_boxes(run, (enum boxing)(run->bench->param / 2), (int)(run->bench->param % 2)); }

#define BOXES(V, K, BOXING, SHUFFLED, DOC)                                                              \
  MB_BENCH(.family = "layout", .variant = #V, .kernel = K, .setup = s_boxes, .param = (BOXING) * 2 + (SHUFFLED), \
           .teardown = t_boxes, .verify = v_boxes, .argnames = {"n"}, .args = MB_ARGS(10000, 1000000),          \
           .quick_args = MB_ARGS(10000), .doc = DOC)
BOXES(unboxed, k_unboxed, UNBOXED, 0, "sum of a flat array of doubles");
BOXES(boxed_malloc_inorder, k_boxed, BOXED_MALLOC, 0, "sum through pointers to malloc'd {header; double}, in allocation order");
BOXES(boxed_malloc_shuffled, k_boxed, BOXED_MALLOC, 1, "the same, pointers shuffled");
BOXES(boxed_pool_inorder, k_boxed, BOXED_POOL, 0, "sum through pointers to pool-allocated {header; double}");
BOXES(boxed_pool_shuffled, k_boxed, BOXED_POOL, 1, "the same, pointers shuffled");

/* Time per record: one field (solid), every field (dashed). */
#define LY_ONE(L, TITLE, STYLE) {"layout/" L "_one", "real_time", TITLE, STYLE, .per_x = 1}
#define LY_ALL(L, STYLE) {"layout/" L "_all", "real_time", NULL, STYLE, 2, 1, .per_x = 1}
MB_CHART(.family = "layout", .file = "layout", .title = "Summing one field (solid) or every field (dashed) of N records, by layout", .xlabel = "records",
         .ylabel = "time per record (ns)", .logx = 10, .logy = 10, .key = MB_KEY_BOTTOM_RIGHT,
         .series = {LY_ONE("padded", "{char a; int b; char c; double d;} 24 B", 4), LY_ONE("reordered", "{double d; int b; char a; char c;} 16 B", 1),
                    LY_ONE("packed", "packed, 14 B", 2), LY_ONE("soa", "struct of arrays", 3), LY_ALL("padded", 4), LY_ALL("reordered", 1), LY_ALL("packed", 2),
                    LY_ALL("soa", 3)});

/* Bytes and time per record at 4,000,000 records (memory), and boxing at 10^6 doubles. */
#define LY_ROW(L, LABEL) {LABEL, {"layout/" L "_one/records:4000000", "layout/" L "_one/records:4000000", "layout/" L "_one/records:4000000", "layout/" L "_all/records:4000000"}}
MB_VIEW(.family = "layout", .heading = "Data layout", .place = 70, .charts = {{"layout", "struct layouts"}}, .corner = "layout",
        .cols = {"bytes per record", "MiB per 10^6 records", "sum of d, per record (4,000,000 records)", "every field, per record"},
        .figure = {"bytes_per_record", "mib_per_million", "real_time", "real_time"}, .unit = {"1", "1", "ns", "ns"}, .per = {0, 0, 4e6, 4e6},
        .rows = {LY_ROW("padded", "padded struct (char, int, char, double)"), LY_ROW("reordered", "reordered (double, int, char, char)"),
                 LY_ROW("packed", "packed (no padding)"), LY_ROW("soa", "struct of arrays")});
#define BX_ROW(V, LABEL) {LABEL, {"layout/" #V "/n:1000000", "layout/" #V "/n:1000000"}}
MB_VIEW(.family = "layout", .place = 71, .corner = "10^6 doubles", .cols = {"bytes per element", "sum, per element"},
        .figure = {"bytes_per_element", "real_time"}, .unit = {"1", "ns"}, .per = {0, 1e6},
        .rows = {BX_ROW(unboxed, "flat array"), BX_ROW(boxed_malloc_inorder, "boxed (malloc), in allocation order"),
                 BX_ROW(boxed_malloc_shuffled, "boxed (malloc), shuffled"), BX_ROW(boxed_pool_inorder, "boxed (pool), in allocation order"),
                 BX_ROW(boxed_pool_shuffled, "boxed (pool), shuffled")});

MB_CLAIM(.id = "C15", .family = "layout", .after = "C14", .text = "a flat array is several times smaller and faster than pointers to boxed values",
         .a = {"layout/boxed_malloc_inorder/n:1000000", "real_time", 1e6}, .b = {"layout/unboxed/n:1000000", "real_time", 1e6},
         .c = {"layout/boxed_malloc_inorder/n:1000000", "bytes_per_element"}, .rule = "a / b > 2 && c > 15.5",
         .d = {"layout/boxed_malloc_shuffled/n:1000000", "real_time", 1e6},
         .measured = "10^6 doubles: flat {b:2} ns and 8 B per element; boxed (malloc) {a:2} ns in allocation order, {d:2} ns shuffled, {c:0} B per element",
         .holds = "holds (rule: ≥ 2× time and size)", .differs = "differs (rule: ≥ 2× time and size)");

#define LY_SIZE(V, FIG) {"layout/" V "/records:1000", FIG}
MB_CLAIM(.id = "C10", .family = "layout", .after = "C9", .text = "struct padding: 24 / 16 / 14 bytes; a million records 24 MB vs 16 MB",
         .a = LY_SIZE("padded_one", "bytes_per_record"), .b = LY_SIZE("reordered_one", "bytes_per_record"), .c = LY_SIZE("packed_one", "bytes_per_record"),
         .d = LY_SIZE("padded_one", "mib_per_million"), .e = LY_SIZE("reordered_one", "mib_per_million"), .f = LY_SIZE("packed_one", "mib_per_million"),
         .rule = "a == 24 && b == 16 && c == 14",
         .measured = "sizeof: {a:0} / {b:0} / {c:0} bytes (_Static_assert'ed); 10^6 records: {d:1} / {e:1} / {f:1} MiB", .holds = "holds",
         .differs = "differs (rule: 24 / 16 / 14 bytes)");
