/*
 * hierarchy.c: latency and bandwidth of each level of the memory hierarchy, the cache
 * boundaries found from the latency curve, stride and TLB effects, core-to-core latency.
 *
 * Names: hierarchy/<variant>/<arg>:<value>
 *   latency_random/ws:N     dependent loads over a random cyclic permutation of 64-byte
 *                           nodes spanning N bytes (Sattolo: one cycle through every node;
 *                           prefetchers cannot guess the next address), 4 KiB pages
 *   latency_seq/ws:N        the same chase with each node pointing to the next line: what
 *                           the prefetcher buys
 *   latency_huge/ws:N       latency_random on 2 MiB pages: whole huge pages however small N
 *                           (explicit hugetlbfs pages where the system has them free, else a
 *                           MADV_HUGEPAGE region); counters huge_kib (what the kernel really
 *                           backed with 2 MiB pages) and hugetlb; a point not wholly on huge
 *                           pages is skipped with the reason, never shown under this name
 *   latency_1g/ws:N         the same on explicit 1 GiB pages (hugetlbfs' pool, MAP_HUGE_1GB):
 *                           TLB reach beyond 2 MiB pages; skipped, saying how many pages are
 *                           free and how to reserve them, where there are too few
 *   boundaries/from:latency_random   the levels detected from latency_random's curve in this
 *                           run (harness/detect.c, the detector tools/mbdetect runs too),
 *                           beside what hwloc claims; latency_huge's curve tells TLB steps
 *                           from caches (counters tlb_steps, TLB<k>_bytes; runs after both)
 *   read|write|copy|triad/ws:N   STREAM's operations over arrays of doubles totalling N
 *                           bytes; STREAM's byte accounting (8, 8, 16, 24 bytes per element);
 *                           write_allocate_bytes_per_second adds the line read each ordinary
 *                           store makes (8 bytes per element written: 16, 24, 32)
 *   write_nt|copy_nt/ws:N   with non-temporal stores (x86 with AVX: MOVNTPD; AArch64: STNP)
 *   stride/stride:S         one 8-byte load every S bytes over 64 MiB: the cache line and the
 *                           prefetchers show as S grows
 *   c2c/a:A/b:B             round trip of a cache line between PUs A and B (two pinned
 *                           threads passing a counter back and forth: a modified line each
 *                           way): every pair of PUs where there are at most 256 (16 with
 *                           --mb_quick, all with --mb_long), else a sample that keeps each kind
 *                           of distance (args_c2c); counters a_rank, b_rank (places in
 *                           topology order, for the heat map) and pairs_coverage
 *   c2c_modified|c2c_clean/a:A/b:B   one load by PU B of a line PU A holds modified (it has
 *                           just written it) or clean (read back after a flush): B chases a
 *                           random chain of 256 lines A holds, one round after another;
 *                           latency_ns per load, A the first PU in topology order and B every
 *                           other (its neighbour and the farthest with --mb_quick)
 *   false_sharing/same_line:1|0/scatter:0|1   two pinned threads incrementing their own
 *                           counters, on one cache line or on separate lines
 *
 * Latency: ns per load (= wall time per iteration). A chase's run is timed in CHASE_SAMPLES
 * consecutive slices (one clock read between slices: the chase itself goes on); counters
 * sample_median_ns and sample_spread (half the range over the median) say how steady it was,
 * and the detector reads the median and the spread, so one disturbed slice decides nothing.
 * Cycles per load are the "cycles" counter (per iteration) where the hardware counts them;
 * no figure is derived from a nominal clock.
 * Working sets are capped by MemAvailable: a point that does not fit is skipped with the
 * reason. Every kernel is verified over the memory it names: the chase ends on the node the
 * permutation predicts, and a "random" chain must pass a test of its steps (chase.h), so a
 * sequential or strided one fails; read sums position-dependent data (mb_val) to an exact
 * total, so a re-read part fails; every pass of a store kernel leaves a mark its fold reads
 * back (passes.h), and the last pass's result is checked at 65 places, as STREAM checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chase.h"
#include "mb_detect.h"
#include "crew.h"
#include "membench.h"
#include "smaps.h"
#include "passes.h"
#include "stream.h"

#define LINE MB_CHASE_LINE
#define KiB 1024LL
#define MiB (1024LL * 1024)
#define HUGE_ALIGN (2UL << 20)

/* ---- Memory: mmap'd, 2 MiB aligned, 4 KiB or 2 MiB pages, first-touched by setup ---- */

typedef struct region {
  void *base;
  size_t len;
  char *p; /* aligned start */
  int hugetlb; /* explicit huge pages (MAP_HUGETLB, from the system's hugetlbfs pool) */
} region_t;

/* The bytes of whole 2 MiB pages that hold `bytes`. */
static size_t huge_round(size_t bytes) { return (bytes + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1); }
/* 1 GiB pages: only explicit ones (hugetlbfs' pool; THP never maps them). */
#define GIGA_PAGE (1UL << 30)
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
static size_t giga_round(size_t bytes) { return (bytes + GIGA_PAGE - 1) & ~(GIGA_PAGE - 1); }
/* The pool's free 1 GiB pages, -1 where the kernel has none of that size. */
static long giga_free(void) {
  FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "r");
  long n = -1;
  if (f) {
    if (fscanf(f, "%ld", &n) != 1) n = -1;
    fclose(f);
  }
  return n;
}

/* `bytes` at a 2 MiB boundary. On huge pages: whole 2 MiB pages, however small the working set
 * (a madvise range smaller than one huge page gets none: latency_huge below 2 MiB ran on 4 KiB
 * pages), from the hugetlbfs pool where the system has one, else transparent huge pages. */
static int region_alloc(region_t *r, size_t bytes, int huge) {
  r->hugetlb = 0;
  if (huge == 2) { /* 1 GiB pages or nothing */
    r->len = giga_round(bytes);
    r->base = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 0);
    if (r->base == MAP_FAILED) return -1;
    r->p = r->base;
    r->hugetlb = 1;
    return 0;
  }
  if (huge) {
    r->len = huge_round(bytes);
    r->base = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    if (r->base != MAP_FAILED) {
      r->p = r->base; /* hugetlb mappings are aligned to their page size */
      r->hugetlb = 1;
      return 0;
    }
    bytes = r->len;
  }
  r->len = bytes + HUGE_ALIGN;
  r->base = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r->base == MAP_FAILED) return -1;
  r->p = (char *)(((uintptr_t)r->base + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1));
  madvise(r->p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  return 0;
}

static void region_free(region_t *r) {
  if (r->base && r->base != MAP_FAILED) munmap(r->base, r->len);
  r->base = NULL;
}

/* ---- Pointer chase ---- */

#define CHASE_SAMPLES 5
#define CHASE_SAMPLE_MIN 4096 /* loads per slice at least, or the run is one slice */

typedef struct chase {
  region_t mem;
  size_t nodes, line; /* one node per cache line of `line` bytes (the machine's) */
  uint32_t *order; /* order[k] = node visited after k steps from node 0 */
  int huge;
  int nsamples;                      /* slices timed in the last run (0: too short to slice) */
  double sample_ns[CHASE_SAMPLES];   /* ns per load in each slice */
} chase_t;

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void **chase_for(void **p, uint64_t n) {
  for (uint64_t i = 0, m = MB_WORK(n); i < m; i++) p = (void **)*p;
  return p;
}

/* One chase of `iters` loads from node 0, timed in slices; the pointer carries on across
 * slices, so it is the same chain of dependent loads as one loop. */
static uint64_t k_chase(uint64_t iters, void *data) {
  chase_t *c = data;
  void **p = (void **)c->mem.p;
  const uint64_t per = iters / CHASE_SAMPLES;
  if (per < CHASE_SAMPLE_MIN) {
    c->nsamples = 0;
    return (uint64_t)(uintptr_t)chase_for(p, iters);
  }
  double t = now_ns();
  for (int s = 0; s < CHASE_SAMPLES; s++) {
    uint64_t n = s + 1 < CHASE_SAMPLES ? per : iters - per * (CHASE_SAMPLES - 1);
    p = chase_for(p, n);
    double t1 = now_ns();
    c->sample_ns[s] = (t1 - t) / (double)n;
    t = t1;
  }
  c->nsamples = CHASE_SAMPLES;
  return (uint64_t)(uintptr_t)p;
}

static int s_chase(mb_run_t *run, int random_order, int huge) {
  uint64_t ws = (uint64_t)run->arg[0];
  if (mb_fits_memory(run, (huge == 2 ? giga_round(ws) : huge ? huge_round(ws) : ws) + ws / 16)) return 1;
  chase_t *c = calloc(1, sizeof *c);
  if (!c) return mb_skip(run, "out of memory");
  run->data = c;
  c->line = run->config->cache_line;
  c->nodes = ws / c->line;
  c->huge = huge;
  if (c->nodes < 2) return mb_skip(run, "working set below two cache lines");
  if (region_alloc(&c->mem, ws, huge)) {
    if (huge == 2) {
      long n = giga_free();
      return n < 0 ? mb_skip(run, "no 1 GiB pages on this kernel or CPU (no /sys/kernel/mm/hugepages/hugepages-1048576kB)")
                   : mb_skip(run, "needs %zu free 1 GiB hugetlbfs pages, %ld free (as root: echo N > "
                                  "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages)", giga_round(ws) / GIGA_PAGE, n);
    }
    return mb_skip(run, "mmap of %llu bytes: %s", (unsigned long long)ws, strerror(errno));
  }
  c->order = malloc(c->nodes * sizeof *c->order);
  if (!c->order) return mb_skip(run, "out of memory for the visit order");
  /* Building the chain writes every node: the first touch happens here, on the pinned
   * thread, outside the timed region. */
  size_t len = mb_chase_build(c->mem.p, c->nodes, c->line, random_order, c->order, mb_rng_of(run, 0).s);
  if (len != c->nodes) return mb_fail(run, "the chain is not one cycle through every node (%zu of %zu)", len, c->nodes);
  char why[160];
  if (random_order && mb_chase_unpredictable(c->order, c->nodes, why, sizeof why))
    return mb_fail(run, "the chain is not random: %s", why);
  run->items_per_iter = 1; /* loads */
  if (huge) {
    /* How much of the region the kernel backed with huge pages: all of it, or the figure
     * would be a 4 KiB-page one under the huge-page name (skipped, with the reason). */
    const size_t want_kb = (huge == 2 ? giga_round(ws) : huge_round(ws)) / 1024;
    long kb = c->mem.hugetlb ? (long)want_kb : mb_anon_huge_kb(c->mem.p);
    mb_counter(run, "huge_kib", (double)kb, MB_COUNTER_VALUE);
    mb_counter(run, "hugetlb", c->mem.hugetlb, MB_COUNTER_VALUE);
    if (kb < (long)want_kb)
      return mb_skip(run, "only %ld of its %zu KiB on 2 MiB pages (transparent huge pages: %s; no hugetlbfs pages free)", kb < 0 ? 0 : kb,
                     want_kb, run->config->thp ? run->config->thp : "unknown");
  }
  return 0;
}
static int s_latency_random(mb_run_t *run) { return s_chase(run, 1, 0); }
static int s_latency_seq(mb_run_t *run) { return s_chase(run, 0, 0); }
static int s_latency_huge(mb_run_t *run) { return s_chase(run, 1, 1); }
static int s_latency_1g(mb_run_t *run) { return s_chase(run, 1, 2); }

static void t_chase(mb_run_t *run) {
  chase_t *c = run->data;
  if (!c) return;
  region_free(&c->mem);
  free(c->order);
  free(c);
}

/* The random curve of this run, for the boundary detector: per working set, the slices of
 * the longest clean run (Google Benchmark's last; repetitions of it add their slices). A
 * disturbed run adds nothing: a point with only disturbed runs is left out of the detection
 * and named (a busy run once made the detector find an L1 of 1.25 MiB); its re-measured
 * run, when clean, takes its place whatever its length. */
#define CURVE_MAX 128
#define CURVE_SAMPLES 32
typedef struct curve {
  int n;
  uint64_t ws[CURVE_MAX];
  uint64_t iters[CURVE_MAX];
  int nsamples[CURVE_MAX];
  int disturbed[CURVE_MAX]; /* only disturbed runs so far */
  double sample[CURVE_MAX][CURVE_SAMPLES];
} curve_t;
/* latency_random's (4 KiB pages) and latency_huge's (2 MiB pages, points wholly on them) */
static curve_t curve, curve_huge;

static void curve_record(curve_t *cv, uint64_t ws, const double *ns, int nsamples, uint64_t iters, int disturbed) {
  int i;
  for (i = 0; i < cv->n; i++)
    if (cv->ws[i] == ws) break;
  if (i == CURVE_MAX) return;
  if (i == cv->n) cv->n++, cv->ws[i] = ws, cv->nsamples[i] = 0, cv->iters[i] = 0;
  if (disturbed) {
    cv->disturbed[i] = !cv->nsamples[i];
    return;
  }
  if (cv->nsamples[i] && iters < cv->iters[i]) return;
  if (iters > cv->iters[i] || cv->disturbed[i]) cv->nsamples[i] = 0; /* a longer run replaces a calibration run */
  cv->disturbed[i] = 0;
  cv->iters[i] = iters;
  for (int k = 0; k < nsamples && cv->nsamples[i] < CURVE_SAMPLES; k++) cv->sample[i][cv->nsamples[i]++] = ns[k];
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median and relative spread (half the range over the median) of n values, sorted here. */
static double median_spread(double *v, int n, double *spread) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  double med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  *spread = med > 0 ? (v[n - 1] - v[0]) / (2 * med) : 0;
  return med;
}

static int v_chase(mb_run_t *run, uint64_t result, uint64_t iters) {
  chase_t *c = run->data;
  uintptr_t want = (uintptr_t)(c->mem.p + (size_t)c->order[iters % c->nodes] * c->line);
  if (result != want) return mb_fail(run, "the chase did not end on the predicted node after %llu loads", (unsigned long long)iters);
  double v[CHASE_SAMPLES], spread = 0, med;
  if (c->nsamples) {
    memcpy(v, c->sample_ns, sizeof v);
    med = median_spread(v, c->nsamples, &spread);
  } else {
    med = run->seconds * 1e9 / (double)iters;
  }
  mb_counter(run, "sample_median_ns", med, MB_COUNTER_VALUE);
  mb_counter(run, "sample_spread", spread, MB_COUNTER_VALUE);
  return 0;
}

/* A random chase's point joins its curve (4 KiB or huge pages) for the detector. */
static int v_latency_random(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (v_chase(run, result, iters)) return 1;
  chase_t *c = run->data;
  if (c->huge == 2) return 0; /* the detector reads the 4 KiB and 2 MiB curves */
  curve_t *cv = c->huge ? &curve_huge : &curve;
  double one = run->seconds * 1e9 / (double)iters;
  if (c->nsamples) curve_record(cv, (uint64_t)run->arg[0], c->sample_ns, c->nsamples, iters, run->disturbed);
  else curve_record(cv, (uint64_t)run->arg[0], &one, 1, iters, run->disturbed);
  return 0;
}

/* Working sets: powers of two and midpoints from 4 KiB, plus points at 0.75, 0.875, 1,
 * 1.125 and 1.25 of each cache size hwloc reports, up to `top`. */
static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int sweep(mb_arglist_t *l, const mb_config_t *c, int64_t top, int midpoints, int around_caches) {
  int64_t v[256];
  int n = 0;
  for (int64_t s = 4 * KiB; s <= top && n < 200; s *= 2) {
    v[n++] = s;
    if (midpoints && s + s / 2 <= top) v[n++] = s + s / 2;
  }
  if (around_caches)
    for (int lvl = 1; lvl <= 4; lvl++) {
      int64_t cs = (int64_t)c->cache_size[lvl];
      static const int num[] = {6, 7, 8, 9, 10};
      for (int k = 0; cs && k < 5 && n < 250; k++) {
        int64_t p = (cs * num[k] / 8) & ~(int64_t)(LINE - 1);
        if (p >= 4 * KiB && p <= top) v[n++] = p;
      }
    }
  qsort(v, (size_t)n, sizeof v[0], cmp_i64);
  for (int i = 0; i < n; i++)
    if ((i == 0 || v[i] != v[i - 1]) && mb_arglist_add1(l, v[i])) return -1;
  return 0;
}

/* Default: up to 512 MiB; --mb_long: to 4x the largest cache hwloc reports (at least 1 GiB);
 * --mb_quick: powers of two to 64 MiB. */
static int args_latency(mb_arglist_t *l, const mb_config_t *c) {
  if (c->quick) return sweep(l, c, 64 * MiB, 0, 0);
  int64_t top = 512 * MiB;
  if (c->long_sweep) {
    int64_t big = 0;
    for (int lvl = 1; lvl <= 4; lvl++)
      if ((int64_t)c->cache_size[lvl] > big) big = (int64_t)c->cache_size[lvl];
    top = 4 * big > 1024 * MiB ? 4 * big : 1024 * MiB;
  }
  return sweep(l, c, top, 1, 1);
}

static int args_latency_seq(mb_arglist_t *l, const mb_config_t *c) {
  return sweep(l, c, c->quick ? 64 * MiB : 512 * MiB, 0, 0);
}

/* ---- Boundaries ---- */

typedef struct boundaries {
  int n;                       /* curve points */
  int left_out;                /* points with only disturbed runs, not given to the detector */
  char left_out_ws[160];       /* their working sets */
  uint64_t ws[CURVE_MAX];
  double ns[CURVE_MAX], spread[CURVE_MAX];
  int hn;                      /* latency_huge's clean points (0: it did not run) */
  uint64_t hws[CURVE_MAX];
  double hns[CURVE_MAX], hspread[CURVE_MAX];
  mb_detect_t d;
} boundaries_t;

static uint64_t k_boundaries(uint64_t iters, void *data) {
  boundaries_t *b = data;
  uint64_t ok = 0;
  for (uint64_t it = 0, m = MB_WORK(iters); it < m; it++)
    ok += mb_detect_levels_tlb(b->ws, b->ns, b->spread, b->n, b->hws, b->hns, b->hn, &b->d) == 0;
  return ok;
}

/* A curve's clean points, sorted by working set: each one's median slice and its spread. The
 * disturbed ones are counted into *left_out and named in names (when not NULL). */
static int curve_points(const curve_t *cv, uint64_t *ws, double *ns, double *spread, int *left_out, char *names, size_t len) {
  int idx[CURVE_MAX], n = 0;
  for (int i = 0; i < cv->n; i++) idx[i] = i;
  for (int i = 1; i < cv->n; i++)
    for (int j = i; j > 0 && cv->ws[idx[j - 1]] > cv->ws[idx[j]]; j--) {
      int t = idx[j];
      idx[j] = idx[j - 1];
      idx[j - 1] = t;
    }
  size_t w = 0;
  for (int i = 0; i < cv->n; i++) {
    if (cv->disturbed[idx[i]]) {
      ++*left_out;
      if (names && w < len) w += (size_t)snprintf(names + w, len - w, "%s%llu", w ? " " : "", (unsigned long long)cv->ws[idx[i]]);
      continue;
    }
    double v[CURVE_SAMPLES];
    memcpy(v, cv->sample[idx[i]], sizeof v);
    ws[n] = cv->ws[idx[i]];
    ns[n] = median_spread(v, cv->nsamples[idx[i]], &spread[n]);
    n++;
  }
  return n;
}

/* latency_random's curve, and latency_huge's beside it where it ran (points it skipped, not
 * wholly on huge pages, are not in it): a step of the first that the second does not show
 * is a TLB step, not a cache (mb_detect.h). */
static int s_boundaries(mb_run_t *run) {
  int clean = 0;
  for (int i = 0; i < curve.n; i++) clean += !curve.disturbed[i];
  if (clean < 8)
    return mb_skip(run, "needs hierarchy/latency_random's sweep in the same run (%d clean points so far, %d disturbed)", clean,
                   curve.n - clean);
  boundaries_t *b = calloc(1, sizeof *b);
  if (!b) return mb_skip(run, "out of memory");
  run->data = b;
  b->n = curve_points(&curve, b->ws, b->ns, b->spread, &b->left_out, b->left_out_ws, sizeof b->left_out_ws);
  int huge_left = 0;
  b->hn = curve_points(&curve_huge, b->hws, b->hns, b->hspread, &huge_left, NULL, 0);
  if (b->hn < 2) b->hn = 0; /* one point says nothing of a step */
  return 0;
}

static void t_free(mb_run_t *run) {
  free(run->data);
  run->data = NULL;
}

static void counter_at(mb_run_t *run, const char *fmt, int lvl, double value) {
  char key[48];
  snprintf(key, sizeof key, fmt, lvl);
  mb_counter(run, key, value, MB_COUNTER_VALUE);
}

static int v_boundaries(mb_run_t *run, uint64_t result, uint64_t iters) {
  const boundaries_t *b = run->data;
  if (result != iters) return mb_fail(run, "the detector refused the curve of %d points", b->n);
  const mb_detect_t *d = &b->d;
  char text[512];
  size_t w = 0;
  for (int i = 0; i < d->ncaches && w < sizeof text; i++) {
    int lvl = i + 1;
    uint64_t hw = lvl <= 4 ? run->config->cache_size[lvl] : 0, bytes = d->cache[i].bytes;
    /* Agreement: the detected size within a factor 1.25 of hwloc's (one sweep step around
     * the cache sizes); a disagreement is flagged, not hidden. */
    int agree = hw && bytes * 4 >= hw * 3 && bytes * 4 <= hw * 5;
    counter_at(run, "L%d_bytes", lvl, (double)bytes);
    counter_at(run, "L%d_ns", lvl, d->cache[i].ns);
    counter_at(run, "L%d_hwloc_bytes", lvl, (double)hw);
    counter_at(run, "L%d_agrees_with_hwloc", lvl, agree);
    w += (size_t)snprintf(text + w, sizeof text - w, "%sL%d %llu B at %.2f ns (hwloc: %llu B%s)", w ? "; " : "", lvl,
                          (unsigned long long)bytes, d->cache[i].ns, (unsigned long long)hw, agree ? "" : ", DISAGREES");
  }
  if (w < sizeof text) {
    if (d->memory_known) w += (size_t)snprintf(text + w, sizeof text - w, "%smemory at %.2f ns", w ? "; " : "", d->memory_ns);
    else w += (size_t)snprintf(text + w, sizeof text - w, "%smemory unknown (the sweep ends before it)", w ? "; " : "");
  }
  mb_levels_t pub = {.n = d->ncaches < MB_MAX_LEVELS ? d->ncaches : MB_MAX_LEVELS, .memory_known = d->memory_known, .memory_ns = d->memory_ns};
  for (int i = 0; i < pub.n; i++) pub.bytes[i] = d->cache[i].bytes, pub.ns[i] = d->cache[i].ns;
  mb_levels_publish(&pub);
  if (d->memory_known) mb_counter(run, "memory_ns", d->memory_ns, MB_COUNTER_VALUE);
  mb_counter(run, "memory_known", d->memory_known, MB_COUNTER_VALUE);
  mb_counter(run, "levels", d->ncaches, MB_COUNTER_VALUE);
  mb_counter(run, "noise", d->noise, MB_COUNTER_VALUE);
  mb_counter(run, "points", b->n, MB_COUNTER_VALUE);
  mb_counter(run, "huge_points", b->hn, MB_COUNTER_VALUE);
  mb_counter(run, "tlb_steps", d->ntlb, MB_COUNTER_VALUE);
  for (int i = 0; i < d->ntlb && i < 4; i++) {
    counter_at(run, "TLB%d_bytes", i + 1, (double)d->tlb[i].bytes);
    counter_at(run, "TLB%d_ns", i + 1, d->tlb[i].ns);
    if (w < sizeof text)
      w += (size_t)snprintf(text + w, sizeof text - w, "; a TLB step after %llu B (to %.2f ns; not on huge pages)", (unsigned long long)d->tlb[i].bytes,
                            d->tlb[i].ns);
  }
  if (!b->hn && w < sizeof text) w += (size_t)snprintf(text + w, sizeof text - w, "; no huge-page curve: TLB steps not told from caches");
  mb_counter(run, "points_disturbed", b->left_out, MB_COUNTER_VALUE);
  if (b->left_out) { /* levels found without those points may be missing or misplaced: said */
    mb_disturbed(run, "%d of %d curve points had only disturbed runs and were left out (ws %s)", b->left_out, b->n + b->left_out,
                 b->left_out_ws);
    if (w < sizeof text)
      w += (size_t)snprintf(text + w, sizeof text - w, "; %d disturbed points left out (ws %s)", b->left_out, b->left_out_ws);
  }
  mb_context_add("hierarchy_detected", "%s", text);
  /* hwloc levels the curve did not show at all (the VM's 508 MB "L3", for one). */
  for (int lvl = d->ncaches + 1; lvl <= 4; lvl++)
    if (run->config->cache_size[lvl]) counter_at(run, "L%d_hwloc_not_seen_bytes", lvl, (double)run->config->cache_size[lvl]);
  return 0;
}

/* ---- Bandwidth (STREAM's operations) ---- */

typedef struct stream {
  region_t mem;
  double *a, *b, *c;
  size_t n; /* elements per array */
  double s;
  double read_sum; /* the sum of a's elements: one pass of read */
  uint64_t stamp; /* this run's (arm): the passes' values and the positions verify checks */
} stream_t;

static int s_stream(mb_run_t *run, int arrays, double bytes_per_elem) {
  uint64_t ws = (uint64_t)run->arg[0];
  if (mb_fits_memory(run, ws)) return 1;
  stream_t *st = calloc(1, sizeof *st);
  if (!st) return mb_skip(run, "out of memory");
  run->data = st;
  /* Each array gets an equal share, a multiple of 512 bytes (the unrolled vector step). */
  st->n = (size_t)(ws / (uint64_t)arrays) / sizeof(double) & ~(size_t)63;
  if (st->n < 64) return mb_skip(run, "working set too small for %d arrays", arrays);
  /* Arrays start 1088 bytes (17 lines) apart modulo 4 KiB, as STREAM's OFFSET does: with
   * equal low address bits a store to b[i] and the load of a[i] would falsely alias. */
  size_t per = st->n * sizeof(double), gap = per + 1088;
  if (region_alloc(&st->mem, gap * (size_t)arrays, 0)) return mb_skip(run, "mmap: %s", strerror(errno));
  st->a = (double *)st->mem.p;
  st->b = arrays > 1 ? (double *)(st->mem.p + gap) : NULL;
  st->c = arrays > 2 ? (double *)(st->mem.p + 2 * gap) : NULL;
  st->s = 3.0;
  /* First touch, on the pinned thread; every element its own value (mb_val), so a kernel
   * that sums or copies other elements than it should fails its check. */
  const uint64_t seed = mb_rng_of(run, 1).s;
  for (size_t i = 0; i < st->n; i++) {
    st->read_sum += st->a[i] = mb_val(seed, i);
    if (st->b) st->b[i] = mb_val(seed ^ 0xB, i);
    if (st->c) st->c[i] = mb_val(seed ^ 0xC, i);
  }
  run->bytes_per_iter = bytes_per_elem * (double)st->n; /* STREAM's accounting */
  run->items_per_iter = (double)st->n;
  return 0;
}
static int s_read(mb_run_t *run) { return s_stream(run, 1, 8); }
static int s_write(mb_run_t *run) { return s_stream(run, 1, 8); }
static int s_copy(mb_run_t *run) { return s_stream(run, 2, 16); }
static int s_triad(mb_run_t *run) { return s_stream(run, 3, 24); }

static void t_stream(mb_run_t *run) {
  stream_t *st = run->data;
  if (!st) return;
  region_free(&st->mem);
  free(st);
}

static void a_stream(mb_run_t *run);

/* One pass = every element once (stream.h, shared with the machine family). */
static uint64_t k_read(uint64_t iters, void *data) {
  const stream_t *st = data;
  uint64_t total = 0;
  for (uint64_t it = 0; it < iters; it++) total += (uint64_t)mb_stream_read(MB_OPAQUE(st->a), MB_WORK(st->n));
  return total;
}

static int v_read(mb_run_t *run, uint64_t result, uint64_t iters) {
  const stream_t *st = run->data;
  const uint64_t want = (uint64_t)st->read_sum * iters;
  if (result != want) return mb_fail(run, "checksum %llu, expected %llu", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

/* Every store kernel marks its passes (passes.h): a marked pass finds a stamp in its source
 * SRC (write stores its stamp everywhere: SRC NULL), and the fold adds what the pass wrote from
 * it, read back from the destination DST; the kernel returns twice the fold (a whole number:
 * values end in .5). PASS is one pass over the n elements (DST opaque to the compiler). */
#define STORE_KERNEL(NAME, SRC, DST, PASS)                                                            \
  MB_NO_LIBCALL static uint64_t NAME(uint64_t iters, void *data) {                                   \
    stream_t *st = data;                                                                              \
    mb_passes_t ps = mb_passes_start(st->stamp, st->n);                                               \
    double fold = 0;                                                                                  \
    mb_passes_stamp_first(&ps, SRC, st->stamp);                                                       \
    for (uint64_t it = 0; it < iters; it++) {                                                         \
      double *DST = MB_OPAQUE(st->DST);                                                               \
      const size_t n = MB_WORK(st->n);                                                                \
      mb_clobber();                                                                                   \
      if (MB_DOES_PASS(it, iters)) PASS;                                                              \
      mb_clobber();                                                                                   \
      if (MB_PASS_MARKED(ps, it)) fold += DST[ps.pos], mb_passes_stamp_next(&ps, SRC, st->stamp, iters); \
    }                                                                                                 \
    return (uint64_t)(2 * fold);                                                                      \
  }
STORE_KERNEL(k_write, NULL, a, mb_stream_write(a, n, mb_pass_value(st->stamp, it)))
STORE_KERNEL(k_copy, st->a, b, mb_stream_copy(b, st->a, n))
STORE_KERNEL(k_triad, st->b, a, mb_stream_triad(a, st->b, st->c, st->s, n))

/* Non-temporal stores (stream.h's mb_stream_write_nt / mb_stream_copy_nt). */
#if MB_STREAM_NT
STORE_KERNEL(k_write_nt, NULL, a, mb_stream_write_nt(a, n, mb_pass_value(st->stamp, it)))
STORE_KERNEL(k_copy_nt, st->a, b, mb_stream_copy_nt(b, st->a, n))
static int s_write_nt(mb_run_t *run) { return s_write(run); }
static int s_copy_nt(mb_run_t *run) { return s_copy(run); }
#else
static uint64_t k_write_nt(uint64_t iters, void *data) { (void)data; return iters; }
static uint64_t k_copy_nt(uint64_t iters, void *data) { (void)data; return iters; }
static int s_write_nt(mb_run_t *run) { return mb_skip(run, "%s", MB_STREAM_NT_NONE); }
static int s_copy_nt(mb_run_t *run) { return s_write_nt(run); }
#endif

/* The positions verify checks in this run: one in each 64th of the array, where in it chosen
 * by the stamp, and the last element. arm poisons them in the array the kernel writes, so a
 * kernel that skipped any of them leaves the poison (or, for write, an earlier run's value). */
#define CHECKS 65
static size_t check_pos(const stream_t *st, int k) {
  const size_t slice = st->n / 64;
  return k == 64 ? st->n - 1 : (size_t)k * slice + (size_t)((st->stamp >> 8) + (uint64_t)k * 7919) % slice;
}
static double *written(const stream_t *st, const mb_bench_t *b) {
  return b->kernel == k_copy || b->kernel == k_copy_nt ? st->b : st->a;
}
static void a_stream(mb_run_t *run) {
  stream_t *st = run->data;
  st->stamp = run->stamp;
  double *out = written(st, run->bench);
  for (int k = 0; k < CHECKS; k++) out[check_pos(st, k)] = -1; /* no kernel writes a negative */
}

static int check_elems(mb_run_t *run, const char *what, double (*want)(const stream_t *, size_t, uint64_t), uint64_t iters) {
  const stream_t *st = run->data;
  const double *arr = written(st, run->bench);
  for (int k = 0; k < CHECKS; k++) {
    size_t i = check_pos(st, k);
    double w = want(st, i, iters);
    if (arr[i] != w) return mb_fail(run, "%s: element %zu is %g, expected %g", what, i, arr[i], w);
  }
  return 0;
}
static double want_write(const stream_t *st, size_t i, uint64_t iters) {
  (void)i;
  return mb_pass_value(st->stamp, iters - 1);
}
static double want_copy(const stream_t *st, size_t i, uint64_t iters) {
  (void)iters;
  return st->a[i];
}
static double want_triad(const stream_t *st, size_t i, uint64_t iters) {
  (void)iters;
  return st->b[i] + st->s * st->c[i];
}
/* The passes' fold replayed: what each pass must have left where it was read back (triad:
 * the stamp plus s times c there; write and copy: the stamp). */
static int check_passes(mb_run_t *run, const char *what, uint64_t result, uint64_t iters) {
  const stream_t *st = run->data;
  double fold = 0;
  for (mb_passes_t ps = mb_passes_start(st->stamp, st->n); ps.next < iters; mb_passes_next(&ps))
    fold += mb_pass_value(st->stamp, ps.next) + (st->c ? st->s * st->c[ps.pos] : 0);
  if (result != (uint64_t)(2 * fold))
    return mb_fail(run, "%s: the marks of %llu passes fold to %llu, expected %llu (a pass skipped or over other elements)", what,
                   (unsigned long long)iters, (unsigned long long)result, (unsigned long long)(2 * fold));
  return 0;
}
/* STREAM's count leaves out the read an ordinary store makes of every line it writes (write-
 * allocate, RFO): the traffic the stores really cause, beside it. Non-temporal stores write
 * without reading: their count is STREAM's. */
static int write_allocate(mb_run_t *run, uint64_t iters) {
  const stream_t *st = run->data;
  const mb_bench_t *b = run->bench;
  if (b->kernel != k_write_nt && b->kernel != k_copy_nt && run->seconds > 0)
    mb_counter(run, "write_allocate_bytes_per_second", (run->bytes_per_iter + 8.0 * (double)st->n) * (double)iters / run->seconds,
               MB_COUNTER_VALUE);
  return 0;
}
static int v_write(mb_run_t *run, uint64_t r, uint64_t iters) {
  return check_passes(run, "write", r, iters) || check_elems(run, "write", want_write, iters) || write_allocate(run, iters);
}
static int v_copy(mb_run_t *run, uint64_t r, uint64_t iters) {
  return check_passes(run, "copy", r, iters) || check_elems(run, "copy", want_copy, iters) || write_allocate(run, iters);
}
static int v_triad(mb_run_t *run, uint64_t r, uint64_t iters) {
  return check_passes(run, "triad", r, iters) || check_elems(run, "triad", want_triad, iters) || write_allocate(run, iters);
}

static int args_bandwidth(mb_arglist_t *l, const mb_config_t *c) {
  if (c->quick) {
    static const int64_t q[] = {32 * KiB, 512 * KiB, 8 * MiB, 64 * MiB};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
      if (mb_arglist_add1(l, q[i])) return -1;
    return 0;
  }
  /* Powers of two from 4 KiB to 1 GiB (the likwid-bench comparison points are among them). */
  for (int64_t s = 4 * KiB; s <= 1024 * MiB; s *= 2)
    if (mb_arglist_add1(l, s)) return -1;
  return 0;
}

static int args_nt(mb_arglist_t *l, const mb_config_t *c) {
  static const int64_t v[] = {32 * KiB, 512 * KiB, 8 * MiB, 64 * MiB, 512 * MiB};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    if ((!c->quick || v[i] <= 8 * MiB) && mb_arglist_add1(l, v[i])) return -1;
  return 0;
}

/* ---- Stride ---- */

#define STRIDE_WS (64 * MiB)

typedef struct strided {
  region_t mem;
  size_t stride;
} strided_t;

static int s_stride(mb_run_t *run) {
  if (mb_fits_memory(run, STRIDE_WS)) return 1;
  strided_t *s = calloc(1, sizeof *s);
  if (!s) return mb_skip(run, "out of memory");
  run->data = s;
  s->stride = (size_t)run->arg[0];
  if (region_alloc(&s->mem, STRIDE_WS, 0)) return mb_skip(run, "mmap: %s", strerror(errno));
  uint64_t *a = (uint64_t *)s->mem.p;
  for (size_t i = 0; i < STRIDE_WS / 8; i++) a[i] = i;
  run->items_per_iter = 1; /* loads */
  run->bytes_per_iter = 8;
  return 0;
}

/* Whole passes over the buffer plus a partial one: no wrap test per load, so the loop's
 * own arithmetic stays off the critical path. */
static uint64_t stride_pass(const char *base, size_t stride, size_t loads) {
  uint64_t sum = 0;
  for (size_t i = 0, off = 0; i < loads; i++, off += stride) sum += *(const uint64_t *)(base + off);
  return sum;
}

static uint64_t k_stride(uint64_t iters, void *data) {
  const strided_t *s = data;
  const char *base = MB_OPAQUE(s->mem.p);
  const size_t per_pass = STRIDE_WS / s->stride;
  uint64_t sum = 0;
  for (uint64_t done = 0; done < iters;) {
    size_t loads = iters - done < per_pass ? (size_t)(iters - done) : per_pass;
    sum += stride_pass(base, s->stride, MB_WORK(loads));
    done += loads;
  }
  return sum;
}

static int v_stride(mb_run_t *run, uint64_t result, uint64_t iters) {
  const strided_t *s = run->data;
  /* a[i] = i, so a pass of k loads sums the indices 0, stride/8, 2*stride/8, ... */
  const uint64_t per_pass = STRIDE_WS / s->stride, step = s->stride / 8;
  uint64_t full = iters / per_pass, rest = iters % per_pass;
  uint64_t want = full * (step * per_pass * (per_pass - 1) / 2) + step * rest * (rest ? rest - 1 : 0) / 2;
  if (result != want) return mb_fail(run, "stride checksum %llu, expected %llu", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

static void t_stride(mb_run_t *run) {
  strided_t *s = run->data;
  if (!s) return;
  region_free(&s->mem);
  free(s);
}

/* ---- Two pinned threads (crew.h): core-to-core round trip, false sharing ---- */

/* What the two threads share, each on its own line unless same_line puts the counters
 * together. */
typedef struct pair {
  _Alignas(128) volatile uint64_t flag;
  _Alignas(128) volatile uint64_t counter[2 * 128 / 8];
  int same_line;
  uint64_t count[2]; /* each thread's, of the last run */
  crew_t *crew;
  crew_fn fn;
} pair_t;

/* Ping-pong: thread 0 writes odd values, thread 1 answers with the next even one. */
static void pingpong(crew_t *c, int who, uint64_t iters) {
  pair_t *p = c->user;
  uint64_t n = 0;
  for (uint64_t k = 0, m = MB_WORK(iters); k < m; k++) {
    if (who == 0) {
      p->flag = 2 * k + 1;
      while (p->flag != 2 * k + 2) mb_cpu_relax();
    } else {
      while (p->flag != 2 * k + 1) mb_cpu_relax();
      p->flag = 2 * k + 2;
    }
    n++;
  }
  p->count[who] = n;
}

static void increments(crew_t *c, int who, uint64_t iters) {
  pair_t *p = c->user;
  volatile uint64_t *x = &p->counter[who == 0 ? 0 : (p->same_line ? 1 : 16)];
  for (uint64_t k = 0, m = MB_WORK(iters); k < m; k++) *x = *x + 1;
  p->count[who] = *x;
}

/* The kernel: the shared data back to zero, both threads released for `iters`. */
static uint64_t k_pair(uint64_t iters, void *data) {
  pair_t *p = data;
  p->flag = 0;
  p->counter[0] = p->counter[p->same_line ? 1 : 16] = 0;
  crew_run(p->crew, p->fn, iters);
  return p->count[0] + p->count[1];
}

static int s_pair(mb_run_t *run, int pu0, int pu1, crew_fn fn, int same_line) {
  pair_t *p = aligned_alloc(128, sizeof(pair_t));
  if (!p) return mb_skip(run, "out of memory");
  memset(p, 0, sizeof *p);
  p->same_line = same_line;
  p->fn = fn;
  run->data = p;
  run->items_per_iter = 1;
  if (crew_start(run, &p->crew, 2, (const int[]){pu0, pu1}, p)) return 1;
  crew_report_pus(run, p->crew);
  return 0;
}

static void t_pair(mb_run_t *run) {
  pair_t *p = run->data;
  if (p) crew_stop(p->crew);
  free(p);
  run->data = NULL;
}

/* Core to core: the PUs in topology order (compact: SMT siblings, then cores sharing a cache,
 * then the rest), each PU's place in it, and the share of all pairs the run measures. */
#define C2C_MAX_PUS 1024
static int c2c_rank[C2C_MAX_PUS]; /* by OS index: place in the compact order + 1 (0: none) */
static double c2c_coverage;

/* Counters a_rank, b_rank: the places of the run's PUs A and B (its two arguments) in
 * topology order, for the charts. */
static void c2c_report_ranks(mb_run_t *run) {
  const int64_t a = run->arg[0], b = run->arg[1];
  if (a >= 0 && a < C2C_MAX_PUS && b >= 0 && b < C2C_MAX_PUS && c2c_rank[a] && c2c_rank[b]) {
    mb_counter(run, "a_rank", c2c_rank[a] - 1, MB_COUNTER_VALUE);
    mb_counter(run, "b_rank", c2c_rank[b] - 1, MB_COUNTER_VALUE);
  }
}

/* The PUs in topology order (compact) into pus, each one's place in c2c_rank: how many (0:
 * fewer than two). */
static int c2c_order(const mb_config_t *c, int *pus) {
  int n = c->pus > C2C_MAX_PUS ? C2C_MAX_PUS : c->pus;
  if (n < 2 || mb_place(MB_COMPACT, n, pus)) return 0;
  memset(c2c_rank, 0, sizeof c2c_rank);
  for (int i = 0; i < n; i++)
    if (pus[i] >= 0 && pus[i] < C2C_MAX_PUS) c2c_rank[pus[i]] = i + 1;
  return n;
}

static int s_c2c(mb_run_t *run) {
  if (run->arg[0] == run->arg[1]) return mb_skip(run, "a round trip needs two PUs");
  if (s_pair(run, (int)run->arg[0], (int)run->arg[1], pingpong, 0)) return 1;
  c2c_report_ranks(run);
  mb_counter(run, "pairs_coverage", c2c_coverage, MB_COUNTER_VALUE);
  return 0;
}

static int v_c2c(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != 2 * iters) return mb_fail(run, "%llu of %llu exchanges", (unsigned long long)result, (unsigned long long)(2 * iters));
  return 0;
}

/* Which pairs fit the run: every pair where there are at most `budget` (all with --mb_long);
 * beyond, a sample that still shows each kind of distance, in this order: the first PU with
 * every other (a row of the matrix), each PU with its neighbour in topology order (SMT
 * siblings, cores of one cache), each with the PU half the machine away (another package or
 * die), then pairs drawn at random (a fixed seed) up to the budget. pairs_coverage says which
 * share of the n(n-1)/2 pairs was measured. */
#define C2C_BUDGET 256
#define C2C_BUDGET_QUICK 16
static int c2c_add(mb_arglist_t *l, unsigned char *done, const int *pus, int n, int i, int j, int *count) {
  if (i == j) return 0;
  int lo = i < j ? i : j, hi = i < j ? j : i;
  if (done[(size_t)lo * (size_t)n + (size_t)hi]) return 0;
  done[(size_t)lo * (size_t)n + (size_t)hi] = 1;
  int64_t t[2] = {pus[lo] < pus[hi] ? pus[lo] : pus[hi], pus[lo] < pus[hi] ? pus[hi] : pus[lo]};
  (*count)++;
  return mb_arglist_add(l, t);
}

static int args_c2c(mb_arglist_t *l, const mb_config_t *c) {
  static int pus[C2C_MAX_PUS];
  const int n = c2c_order(c, pus);
  if (!n) return 0;
  const long all = (long)n * (n - 1) / 2;
  const long budget = c->long_sweep ? all : c->quick ? C2C_BUDGET_QUICK : C2C_BUDGET;
  unsigned char *done = calloc((size_t)n * (size_t)n, 1);
  if (!done) return -1;
  int count = 0, rc = 0;
  if (all <= budget) {
    for (int i = 0; i < n && !rc; i++)
      for (int j = i + 1; j < n && !rc; j++) rc = c2c_add(l, done, pus, n, i, j, &count);
  } else {
    for (int j = 1; j < n && count < budget && !rc; j++) rc = c2c_add(l, done, pus, n, 0, j, &count);
    for (int i = 1; i + 1 < n && count < budget && !rc; i++) rc = c2c_add(l, done, pus, n, i, i + 1, &count);
    for (int i = 1; i < n / 2 && count < budget && !rc; i++) rc = c2c_add(l, done, pus, n, i, i + n / 2, &count);
    mb_rng_t r = mb_rng_seed(0xc2c);
    for (long tries = 0; count < budget && tries < 64 * budget && !rc; tries++)
      rc = c2c_add(l, done, pus, n, (int)(mb_rng_next(&r) % (uint64_t)n), (int)(mb_rng_next(&r) % (uint64_t)n), &count);
  }
  free(done);
  c2c_coverage = (double)count / (double)all;
  return rc;
}

/* A line in another core's cache: PU A holds a chain of lines, modified (it has just written
 * a stamp in each) or clean (it flushed them out of every cache and read them back: exclusive
 * in its own), and PU B chases the chain, one dependent load per line: what a load costs when
 * another core has the line, as Intel MLC's c2c latency tells HITM from HIT. Each round, A
 * then B, one spinning barrier between; B times its own chases. */
#define HELD_NODES 256
typedef struct held {
  char *lines;
  size_t line;
  uint32_t order[HELD_NODES];
  int clean;
  uint64_t base;                        /* rounds before this kernel call (each stamps its number) */
  uint64_t stamps, visits, owned, ends; /* B: stamps read, lines visited, chases ending at the start; A: lines it touched */
  double secs;                          /* B's time in its chases */
  crew_t *crew;
} held_t;

#define HELD_STAMP(h, i) (*(volatile uint64_t *)((h)->lines + (size_t)(i) * (h)->line + sizeof(void *)))

static void held_owner(held_t *h, uint64_t round) {
  if (h->clean) {
    mb_flush_lines(h->lines, (int)(HELD_NODES * h->line), h->line);
    mb_flush_done();
    uint64_t sum = 0;
    for (size_t i = 0; i < HELD_NODES; i++) sum += HELD_STAMP(h, i);
    mb_sink_u64(&sum);
  } else {
    for (size_t i = 0; i < HELD_NODES; i++) HELD_STAMP(h, i) = round;
  }
  h->owned += HELD_NODES;
}

static void held_reader(held_t *h) {
  const double t0 = crew_now();
  char *p = h->lines;
  uint64_t stamps = 0;
  for (size_t k = 0; k < HELD_NODES; k++) {
    p = *(char *volatile *)p;
    stamps += *(volatile uint64_t *)(p + sizeof(void *));
  }
  h->secs += crew_now() - t0;
  h->stamps += stamps, h->visits += HELD_NODES, h->ends += p == h->lines;
}

static void held_rounds(crew_t *c, int who, uint64_t iters) {
  held_t *h = c->user;
  for (uint64_t r = 1, m = MB_WORK(iters); r <= m; r++) {
    if (who == 0) held_owner(h, h->base + r);
    crew_sync(c);
    if (who == 1) held_reader(h);
    crew_sync(c);
  }
}

static uint64_t k_held(uint64_t iters, void *data) {
  held_t *h = data;
  h->stamps = h->visits = h->owned = h->ends = 0, h->secs = 0;
  crew_run(h->crew, held_rounds, iters);
  h->base += iters;
  return h->visits;
}

static int s_held(mb_run_t *run, int clean) {
  const int a = (int)run->arg[0], b = (int)run->arg[1];
  if (a == b) return mb_skip(run, "needs two PUs");
  if (clean && mb_flush_lines(NULL, 0, 64)) return mb_skip(run, "no cache-line flush instruction on this architecture");
  held_t *h = calloc(1, sizeof *h);
  if (!h) return mb_skip(run, "out of memory");
  run->data = h;
  h->clean = clean;
  h->line = run->config->cache_line >= 64 ? run->config->cache_line : 64;
  if (!(h->lines = aligned_alloc(4096, HELD_NODES * h->line))) return mb_skip(run, "out of memory");
  memset(h->lines, 0, HELD_NODES * h->line);
  if (mb_chase_build(h->lines, HELD_NODES, h->line, 1, h->order, mb_rng_of(run, 0).s) != HELD_NODES)
    return mb_fail(run, "the chain is not one cycle through every node");
  char why[160];
  if (mb_chase_unpredictable(h->order, HELD_NODES, why, sizeof why)) return mb_fail(run, "the chain is not random: %s", why);
  for (size_t i = 0; i < HELD_NODES; i++) HELD_STAMP(h, i) = i + 1; /* a clean line's stamp: its number */
  run->items_per_iter = HELD_NODES;
  if (crew_start(run, &h->crew, 2, (const int[]){a, b}, h)) return 1;
  crew_report_pus(run, h->crew);
  c2c_report_ranks(run);
  return 0;
}
static int s_held_modified(mb_run_t *run) { return s_held(run, 0); }
static int s_held_clean(mb_run_t *run) { return s_held(run, 1); }

/* Every line visited every round, each chase back at its start, A's every line every round,
 * and the stamps B read: A's of that very round (modified), or the lines' numbers (clean). */
static int v_held(mb_run_t *run, uint64_t result, uint64_t iters) {
  const held_t *h = run->data;
  const uint64_t n = HELD_NODES, base = h->base - iters;
  const uint64_t want = h->clean ? iters * (n * (n + 1) / 2) : n * (iters * base + iters * (iters + 1) / 2);
  if (result != iters * n || h->owned != iters * n || h->ends != iters)
    return mb_fail(run, "%llu lines visited, %llu held, %llu chases back at the start, of %llu rounds of %llu", (unsigned long long)result,
                   (unsigned long long)h->owned, (unsigned long long)h->ends, (unsigned long long)iters, (unsigned long long)n);
  if (h->stamps != want) return mb_fail(run, "stamps read sum to %llu, expected %llu", (unsigned long long)h->stamps, (unsigned long long)want);
  mb_counter(run, "latency_ns", h->secs * 1e9 / (double)(iters * n), MB_COUNTER_VALUE);
  return 0;
}

static void t_held(mb_run_t *run) {
  held_t *h = run->data;
  if (h) {
    crew_stop(h->crew);
    free(h->lines);
  }
  free(h);
  run->data = NULL;
}

/* A, the first PU in topology order, with every other (a row of the matrix; with --mb_quick
 * its neighbour and the farthest). */
static int args_held(mb_arglist_t *l, const mb_config_t *c) {
  static int pus[C2C_MAX_PUS];
  const int n = c2c_order(c, pus);
  for (int j = 1; j < n; j++) {
    if (c->quick && j != 1 && j != n - 1) continue;
    int64_t t[2] = {pus[0], pus[j]};
    if (mb_arglist_add(l, t)) return -1;
  }
  return 0;
}

static int s_false_sharing(mb_run_t *run) {
  int pus[2];
  if (mb_place(run->arg[1] ? MB_SCATTER : MB_COMPACT, 2, pus)) return mb_skip(run, "needs two PUs");
  return s_pair(run, pus[0], pus[1], increments, (int)run->arg[0]);
}

static int v_false_sharing(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != 2 * iters) return mb_fail(run, "counters reached %llu, expected %llu", (unsigned long long)result, (unsigned long long)(2 * iters));
  return 0;
}

/* ---- Registration (boundaries after the latency sweeps it reads) ---- */

MB_FAMILY(.name = "hierarchy", .title = "Memory hierarchy", .x = "ws", .logx = 1, .logy = 1,
          .doc = "Latency and bandwidth of each cache level and of memory, by working set, on one pinned core.");

MB_BENCH(.family = "hierarchy", .variant = "latency_random", .primary = {"sample_median_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_chase, .setup = s_latency_random, .teardown = t_chase, .verify = v_latency_random, .argnames = {"ws"}, .args_fn = args_latency, .doc = "random pointer chase: ns per dependent load");
MB_BENCH(.family = "hierarchy", .variant = "latency_seq", .primary = {"sample_median_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_chase, .setup = s_latency_seq, .teardown = t_chase, .verify = v_chase, .argnames = {"ws"}, .args_fn = args_latency_seq, .doc = "sequential pointer chase: what prefetching buys");
MB_BENCH(.family = "hierarchy", .variant = "latency_huge", .version = 2, .primary = {"sample_median_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_chase, .setup = s_latency_huge, .teardown = t_chase, .verify = v_latency_random, .argnames = {"ws"}, .args_fn = args_latency_seq, .doc = "random chase on 2 MiB pages (wholly on them, or skipped)");
MB_BENCH(.family = "hierarchy", .variant = "latency_1g", .primary = {"sample_median_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_chase, .setup = s_latency_1g, .teardown = t_chase, .verify = v_latency_random, .argnames = {"ws"}, .args_fn = args_latency_seq, .doc = "random chase on explicit 1 GiB pages (hugetlbfs; skipped without free ones)");
MB_BENCH(.family = "hierarchy", .variant = "boundaries", .version = 3, .reads = "latency_random", .primary = {"L1_ns", "ns", MB_SMALLER_IS_BETTER}, .figures = {{"L1_bytes", "B", MB_BIGGER_IS_BETTER}, {"L2_bytes", "B", MB_BIGGER_IS_BETTER}, {"L3_bytes", "B", MB_BIGGER_IS_BETTER}, {"L2_ns", "ns", MB_SMALLER_IS_BETTER}, {"L3_ns", "ns", MB_SMALLER_IS_BETTER}, {"memory_ns", "ns", MB_SMALLER_IS_BETTER}}, .kernel = k_boundaries, .setup = s_boundaries, .teardown = t_free, .verify = v_boundaries, .argnames = {"from"}, .args = MB_ARGS(0), .iterations = 1, .doc = "cache levels detected from the latency curve (TLB steps told apart by the huge-page curve)");
MB_BENCH(.family = "hierarchy", .variant = "read", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_read, .setup = s_read, .teardown = t_stream, .verify = v_read, .argnames = {"ws"}, .args_fn = args_bandwidth, .doc = "read bandwidth (sum)");
MB_BENCH(.family = "hierarchy", .variant = "write", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_write, .arm = a_stream, .setup = s_write, .teardown = t_stream, .verify = v_write, .argnames = {"ws"}, .args_fn = args_bandwidth, .doc = "write bandwidth");
MB_BENCH(.family = "hierarchy", .variant = "copy", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_copy, .arm = a_stream, .setup = s_copy, .teardown = t_stream, .verify = v_copy, .argnames = {"ws"}, .args_fn = args_bandwidth, .doc = "copy bandwidth (STREAM: 16 B/element)");
MB_BENCH(.family = "hierarchy", .variant = "triad", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_triad, .arm = a_stream, .setup = s_triad, .teardown = t_stream, .verify = v_triad, .argnames = {"ws"}, .args_fn = args_bandwidth, .doc = "triad bandwidth (STREAM: 24 B/element)");
MB_BENCH(.family = "hierarchy", .variant = "write_nt", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_write_nt, .arm = a_stream, .setup = s_write_nt, .teardown = t_stream, .verify = v_write, .argnames = {"ws"}, .args_fn = args_nt, .doc = "write with non-temporal stores");
MB_BENCH(.family = "hierarchy", .variant = "copy_nt", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_copy_nt, .arm = a_stream, .setup = s_copy_nt, .teardown = t_stream, .verify = v_copy, .argnames = {"ws"}, .args_fn = args_nt, .doc = "copy with non-temporal stores");
MB_BENCH(.family = "hierarchy", .variant = "stride", .kernel = k_stride, .setup = s_stride, .teardown = t_stride, .verify = v_stride, .argnames = {"stride"}, .args = MB_ARGS(8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096), .quick_args = MB_ARGS(8, 64, 4096), .doc = "one load every stride bytes over 64 MiB");
MB_BENCH(.family = "hierarchy", .variant = "c2c", .kernel = k_pair, .setup = s_c2c, .teardown = t_pair, .verify = v_c2c, .argnames = {"a", "b"}, .args_fn = args_c2c, .real_time = 1, .doc = "cache-line round trip between two PUs (every pair, or a sample with its coverage)");
MB_BENCH(.family = "hierarchy", .variant = "c2c_modified", .primary = {"latency_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_held, .setup = s_held_modified,
         .teardown = t_held, .verify = v_held, .argnames = {"a", "b"}, .args_fn = args_held, .real_time = 1,
         .doc = "one load by PU B of a line PU A has just written (modified in A's cache): ns per load of a chase");
MB_BENCH(.family = "hierarchy", .variant = "c2c_clean", .primary = {"latency_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_held, .setup = s_held_clean,
         .teardown = t_held, .verify = v_held, .argnames = {"a", "b"}, .args_fn = args_held, .real_time = 1,
         .doc = "one load by PU B of a line PU A has read after a flush (clean, exclusive in A's cache): ns per load of a chase");
MB_BENCH(.family = "hierarchy", .variant = "false_sharing", .kernel = k_pair, .setup = s_false_sharing, .teardown = t_pair, .verify = v_false_sharing, .argnames = {"same_line", "scatter"}, .args = MB_ARGS(1, 0, 0, 0, 1, 1, 0, 1), .real_time = 1, .doc = "two threads' counters on one line vs separate lines");

MB_CHART(.family = "hierarchy", .file = "latency", .title = "Load latency vs working set (dependent loads)", .xlabel = "working set",
         .ylabel = "latency per load (ns; median of each run's five slices)", .logx = 2, .bytes = 1, .logy = 10, .key = MB_KEY_OUTSIDE_TOP, .caches = 1,
         .series = {{"hierarchy/latency_random", "sample_median_ns", "random chase, 4 KiB pages", 1},
                    {"hierarchy/latency_huge", "sample_median_ns", "random chase, 2 MiB pages", 3},
                    {"hierarchy/latency_seq", "sample_median_ns", "sequential chase (prefetched)", 2},
                    {"hierarchy/latency_1g", "sample_median_ns", "random chase, 1 GiB pages", 4}});
/* Machines side by side (make plots RESULT="a.json b.json"): each machine's curve in its colour. */
MB_CHART(.family = "hierarchy", .file = "machines_latency", .machines = 1, .title = "Load latency vs working set (dependent loads, random order), by machine",
         .xlabel = "working set", .ylabel = "latency per load (ns)", .logx = 2, .bytes = 1, .logy = 10, .key = MB_KEY_TOP_LEFT,
         .series = {{"hierarchy/latency_random", "sample_median_ns"}});
MB_CHART(.family = "hierarchy", .file = "machines_bandwidth", .machines = 1, .title = "Bandwidth vs working set, by machine (solid: read, dashed: triad)",
         .xlabel = "working set", .ylabel = "GB/s (10^9 bytes per second)", .logx = 2, .bytes = 1, .yrange = "0:*", .key = MB_KEY_TOP_RIGHT,
         .series = {{"hierarchy/read", "bytes_per_second", "read", .div = 1e9}, {"hierarchy/triad", "bytes_per_second", "triad", .dash = 2, .div = 1e9}});
#define BW_SERIES(V, TITLE, STYLE, DASH) {"hierarchy/" V, "bytes_per_second", TITLE, STYLE, DASH, .div = 1e9}
MB_CHART(.family = "hierarchy", .file = "bandwidth", .title = "Bandwidth vs working set (STREAM byte accounting)", .xlabel = "working set (all arrays)",
         .ylabel = "bandwidth (GB/s, 1 GB = 10^9 bytes)", .logx = 2, .bytes = 1, .logy = 10, .key = MB_KEY_TOP_RIGHT,
         .series = {BW_SERIES("read", "read", 1, 0), BW_SERIES("write", "write", 2, 0), BW_SERIES("copy", "copy", 3, 0), BW_SERIES("triad", "triad", 4, 0),
                    BW_SERIES("write_nt", "write, non-temporal", 5, 2), BW_SERIES("copy_nt", "copy, non-temporal", 6, 2)});
MB_CHART(.family = "hierarchy", .file = "stride", .title = "One 8-byte load every stride bytes over 64 MiB", .xlabel = "stride", .ylabel = "time per load (ns)",
         .logx = 2, .bytes = 2, .key = MB_KEY_OFF, .series = {{"hierarchy/stride", "real_time", NULL, 1}});
/* The core-to-core matrix: both axes in topology order (compact: SMT siblings, then cores
 * sharing a cache), OS indices as tic labels; pairs a sampled run did not measure stay blank. */
MB_CHART(.family = "hierarchy", .file = "c2c", .kind = MB_CHART_MATRIX, .title = "Core to core: a cache line's round trip between two PUs",
         .xlabel = "PU (OS index), topology order", .ylabel = "PU (OS index), topology order", .zlabel = "ns per round trip", .cell_labels = 16,
         .both_ways = 1, .series = {{"hierarchy/c2c", "real_time", .row_place = "a_rank", .col_place = "b_rank"}});
/* A line in another core's cache, modified or clean, by how far B is from A in topology order. */
MB_CHART(.family = "hierarchy", .file = "c2c_line", .title = "One load of a line another core holds: modified (it wrote it) or clean (it read it)",
         .xlabel = "B's place in topology order (A: place 0; 1: its nearest)", .ylabel = "ns per load (B chasing lines that A holds)",
         .xrange = "0:*", .yrange = "0:*", .xstep = 1, .xpad = 1, .key = MB_KEY_BOTTOM_RIGHT,
         .series = {{"hierarchy/c2c_modified", "latency_ns", "modified in A's cache", 4, .x = "b_rank"},
                    {"hierarchy/c2c_clean", "latency_ns", "clean (exclusive) in A's cache", 3, .x = "b_rank"}});
MB_VIEW(.family = "hierarchy", .heading = "Core to core", .place = 12,
        .charts = {{"c2c", "cache-line round trip between PUs, in topology order"}, {"c2c_line", "a line another core holds, modified or clean"}});
MB_VIEW(.family = "hierarchy", .heading = "Hierarchy", .place = 10, .charts = {{"latency", "latency"}, {"bandwidth", "bandwidth"}},
        .corner = "working set", .cols = {"random-chase latency", "read bandwidth"},
        .rows = {{"16 KiB / 32 KiB", {"hierarchy/latency_random/ws:16384", "hierarchy/read/ws:32768"}},
                 {"256 KiB / 512 KiB", {"hierarchy/latency_random/ws:262144", "hierarchy/read/ws:524288"}},
                 {"4 MiB / 8 MiB", {"hierarchy/latency_random/ws:4194304", "hierarchy/read/ws:8388608"}},
                 {"256 MiB / 1 GiB", {"hierarchy/latency_random/ws:268435456", "hierarchy/read/ws:1073741824"}}});
