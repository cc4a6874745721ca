/*
 * machine.c: the whole machine, not one core: memory bandwidth with 1, 2, 4, ... threads up
 * to every core, latency while other cores load memory, and NUMA latency and bandwidth
 * between nodes (Intel MLC, STREAM and likwid-bench do parts of this).
 *
 * Names: machine/<variant>/<arg>:<value>
 *   <op>_<placement>/threads:N/ws:B   op read, write, copy, triad, write_nt (stream.h: the hierarchy
 *        family's kernels, STREAM's byte accounting: 8, 8, 16, 24 bytes per element, no
 *        write-allocate traffic counted: write_allocate_bytes_per_second adds it); placement compact or scatter (harness policies);
 *        N = 1, 2, 4, ... up to the cores, then every PU where there is SMT (every count
 *        with --mb_long); B the working set of all threads together: memory (4x the
 *        largest cache hwloc reports, at least 1 GiB; 64-256 MiB with --mb_quick) and one
 *        in-cache size (half an L2 per thread). Each thread first-touches its own part of
 *        every array on its own PU and works only on it; the threads make each pass together
 *        (a barrier between passes, as STREAM's parallel loops). bytes_per_second is the
 *        total over the wall time of the run; best_bytes_per_second that of the shortest pass
 *        (what STREAM reports); per_thread_bytes_per_second the mean of each thread's bytes
 *        over its own time.
 *   loaded_latency/loaders:K   a random chase (as hierarchy/latency_random) over the memory
 *        working set on the first PU while K other cores stream reads over their own parts of
 *        another array as fast as they can, K = 0 (idle latency) to every other core:
 *        latency_ns per load of the chase, loaders_bytes_per_second their total. The chase
 *        is on 2 MiB pages (MADV_HUGEPAGE), as Intel MLC's: chase_huge_fraction says how
 *        much of it the kernel backed so.
 *   loaded_<mix>/delay:D   the same chase while every other core makes traffic of one mix: per
 *        group of lines, read r lines of one array and write w lines of another (read: 1:0;
 *        3r1w, 2r1w, 1r1w; 2r1w_nt with non-temporal stores), spinning D empty loop turns
 *        per line, after each block of eight groups (D = 0: as fast as they can; 20000:
 *        nearly idle). Intel MLC's
 *        --loaded_latency with its traffic types (-W) and delays (-d): latency against the
 *        loaders' bandwidth, one curve per mix. latency_ns, loaders_bytes_per_second (lines
 *        read and written, 64 B each), delay_ns_per_line (the spin, timed once per process).
 *        The 2 x memory working set is built once and kept between these benchmarks (they
 *        run together in a child process of their own).
 *   loaded_numa/from:I/to:J  the chase on a core of node I while node I's other cores stream
 *        reads, all over memory bound to node J: loaded latency per node.
 *   numa_latency/from:I/to:J, numa_bandwidth/from:I/to:J   the chase on a PU of node I, and
 *        a read with every core of node I, over memory bound to node J (hwloc membind): the
 *        matrices; skipped with the reason on a machine with one NUMA node.
 * Counters: threads, thread<i>_pu (where each thread ran, first 32), threads_migrated (threads
 * found off their PU when their share began or ended: the number is suspect when non-zero).
 * Every thread's work is checked over its own part: read sums position-dependent data (mb_val)
 * to an exact total, loaders each chunk they read; the stores' every pass leaves a mark that
 * its fold reads back (passes.h), and the last pass is checked at poisoned positions (arm);
 * a mix's loaders leave in each chunk of the written array the value of their last visit,
 * checked at poisoned positions of the first chunks and of 64 spread over the array;
 * the chase must pass chase.h's randomness test. The harness's own thread only waits: these run on wall time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "chase.h"
#include "crew.h"
#include "membench.h"
#include "passes.h"
#include "smaps.h"
#include "stream.h"

#define KiB 1024ULL
#define MiB (1024ULL * 1024)
#define GiB (1024ULL * MiB)
#define CHUNK (128 * 1024) /* doubles a loader reads between looks at the stop flag: 1 MiB */

enum op { READ, WRITE, COPY, TRIAD, WRITE_NT, LOADED, NUMA_LAT, NUMA_BW, MIX };
static const int arrays_of[] = {1, 1, 2, 3, 1, 1, 1, 1, 2};
static const double bytes_of[] = {8, 8, 16, 24, 8, 8, 8, 8, 8};

/* loaded_<mix>: lines read of a and written to b per group (Intel MLC's traffic types). */
typedef struct mix {
  const char *name;
  int r, w, nt;
} mix_t;
static const mix_t mixes[] = {{"read", 1, 0, 0}, {"3r1w", 3, 1, 0}, {"2r1w", 2, 1, 0}, {"1r1w", 1, 1, 0}, {"2r1w_nt", 2, 1, 1}};
#define MIX_FINE 768            /* doubles (96 lines) of a: the chunk sums' grain; every visit a multiple */
#define MIX_UNIT (16320 * 8)    /* a loader's part is a multiple of this (where it is that big) */

typedef struct job {
  enum op op;
  crew_t *crew;
  int n;            /* threads */
  size_t per;       /* elements per thread and array (a multiple of 1024) */
  double *arr[3];   /* a, b, c: thread t's part starts at t * per */
  size_t len;       /* bytes mapped per array */
  int bound_node;   /* NUMA: arrays allocated on this node (-1: mmap) */
  uint64_t stamp;
  uint64_t seed;    /* of the arrays' data (mb_val), the same in every run */
  double sum[MB_CREW_MAX]; /* read: each thread's sum; stores: each thread's fold (passes.h) */
  double part_sum[MB_CREW_MAX]; /* the sum of a's elements in thread t's part */
  double *chunk_sum; /* loaded_latency: the sum of each chunk of a, part after part */
  uint64_t chunks[MB_CREW_MAX]; /* loaded_latency: chunks each loader read */
  size_t chunk;     /* loaded_latency: doubles per chunk (CHUNK, or a whole part if smaller) */
  double best_pass; /* bandwidth: the shortest pass of all threads together, seconds */
  /* The chase (loaded_latency, numa_latency). */
  char *chase;
  size_t chase_len, nodes, line;
  uint32_t *order;
  double chase_huge; /* the share of it on 2 MiB pages (after the first touch) */
  void *end; /* where the chase stopped */
  volatile int stop;
  /* loaded_<mix>: the mix, the spin per line, doubles of a per visit (a multiple of chunk,
   * dividing per) and of b (mix_chunk * w / r). */
  const mix_t *mix;
  unsigned delay;
  size_t mix_chunk, mix_bchunk;
} job_t;

/* Array k's element i: position-dependent (mb_val), so a sum over the wrong elements fails. */
static double init_val(const job_t *j, int k, size_t i) { return mb_val(j->seed + (uint64_t)k * 0x9E3779B97F4A7C15ULL, i); }
/* Where thread t's passes leave their marks (passes.h), in its own part. */
static mb_passes_t passes_of(const job_t *j, int t) { return mb_passes_start(j->stamp + (uint64_t)t * 0x632BE59BD9B4E019ULL, j->per); }

/* ---- Memory ---- */

static double *map_array(job_t *j, size_t len) {
  if (j->bound_node >= 0) return mb_alloc_on_node(len, j->bound_node);
  /* The system's page policy (transparent huge pages as configured: mb_thp in the context),
   * as STREAM's and likwid-bench's arrays get it: a whole-machine figure is what a program
   * meets, not the 4 KiB-page experiment of the hierarchy family. */
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}
static void unmap_array(job_t *j, void *p, size_t len) {
  if (!p) return;
  if (j->bound_node >= 0) mb_free_on_node(p, len);
  else munmap(p, len);
}

/* First touch: every worker writes its own parts (so they live on its node); worker 0 builds
 * the chase. */
static void touch(crew_t *c, int who, uint64_t iters) {
  (void)iters;
  job_t *j = c->user;
  const size_t off = (size_t)who * j->per;
  /* The chase's thread has no part of the arrays to read (its part stays untouched: no pages). */
  if (j->chase && who == 0) goto chase;
  for (int k = 0; k < arrays_of[j->op]; k++)
    for (size_t i = 0; i < j->per; i++) j->arr[k][off + i] = init_val(j, k, off + i);
  if (j->per) { /* the sums the checks expect, each thread its own part's */
    double part = 0, *chunk = j->chunk_sum ? j->chunk_sum + (size_t)who * (j->per / j->chunk) : NULL;
    for (size_t c = 0; c < j->per / j->chunk; c++) {
      double s = 0;
      for (size_t i = 0; i < j->chunk; i++) s += j->arr[0][off + c * j->chunk + i];
      if (chunk) chunk[c] = s;
      part += s;
    }
    j->part_sum[who] = part;
  }
chase:
  if (who == 0 && j->chase) mb_chase_build(j->chase, j->nodes, j->line, 1, j->order, 0x9E3779B97F4A7C15ULL ^ j->chase_len);
}

/* ---- The work of one thread ---- */

static void chase_work(job_t *j, uint64_t iters) {
  void **p = (void **)j->chase;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) p = (void **)*p;
  j->end = p;
  j->stop = 1;
}

static void mix_work(job_t *j, int who);

/* Passes in step, as STREAM's parallel loops are: the threads meet at a barrier after every
 * `group` passes (one pass at memory sizes; enough passes for 16 MiB per thread in cache, so
 * the barrier costs under a percent), and thread 0 times each group from barrier to barrier:
 * a group takes as long as its slowest thread. best_pass is the shortest group over its
 * passes, as STREAM reports its best time. */
MB_NO_LIBCALL static void work(crew_t *c, int who, uint64_t iters) {
  job_t *j = c->user;
  const size_t off = (size_t)who * j->per, n = MB_WORK(j->per);
  double *a = MB_OPAQUE(j->arr[0] + off), *b = j->arr[1] ? j->arr[1] + off : NULL, *cc = j->arr[2] ? j->arr[2] + off : NULL;
  double t = 0, t0 = crew_now();
  if (j->op <= WRITE_NT || j->op == NUMA_BW) {
    const double pass_bytes = (double)j->per * bytes_of[j->op];
    const uint64_t group = pass_bytes >= 16.0 * MiB ? 1 : (uint64_t)(16.0 * MiB / pass_bytes) + 1;
    if (who == 0) j->best_pass = 0;
    /* Stores mark every pass (passes.h): the stamp in the source, its copy read back. */
    mb_passes_t ps = passes_of(j, who);
    double *src = j->op == COPY ? a : j->op == TRIAD ? b : NULL, *dst = j->op == COPY ? b : a;
    mb_passes_stamp_first(&ps, src, j->stamp);
    for (uint64_t it = 0; it < iters; it++) {
      const int does = MB_DOES_PASS(it, iters);
      switch (j->op) {
      case WRITE: if (does) mb_stream_write(a, n, mb_pass_value(j->stamp, it)); break;
#if MB_STREAM_NT
      case WRITE_NT: if (does) mb_stream_write_nt(a, n, mb_pass_value(j->stamp, it)); break;
#endif
      case COPY: if (does) mb_stream_copy(b, a, n); break;
      case TRIAD: if (does) mb_stream_triad(a, b, cc, 3.0, n); break;
      default: t += mb_stream_read(a, n); break;
      }
      mb_clobber();
      if (j->op != READ && j->op != NUMA_BW && MB_PASS_MARKED(ps, it)) t += dst[ps.pos], mb_passes_stamp_next(&ps, src, j->stamp, iters);
      if ((it + 1) % group && it + 1 < iters) continue;
      crew_sync(c);
      if (who == 0) {
        const double t1 = crew_now(), pass = (t1 - t0) / (double)(it % group + 1);
        if (j->best_pass == 0 || pass < j->best_pass) j->best_pass = pass;
        t0 = t1;
      }
    }
    j->sum[who] = t;
    return;
  }
  switch (j->op) {
  case MIX:
    if (who == 0) chase_work(j, iters);
    else mix_work(j, who);
    break;
  default:
  case LOADED:
  case NUMA_LAT:
    if (who == 0) {
      chase_work(j, iters);
      break;
    }
    j->chunks[who] = 0;
    for (size_t pos = 0; !j->stop; pos = pos + j->chunk >= MB_WORK(j->per) ? 0 : pos + j->chunk) {
      t += mb_stream_read(a + pos, j->chunk);
      j->chunks[who]++;
    }
    j->sum[who] = t;
    break;
  }
}

/* One visit of a mix's loader: `blocks` blocks of eight groups, each group r lines of a read
 * and w lines of b written with x, the spin after every line (delay turns). r, w and nt are
 * constants where it is inlined: one loop per mix. The read's eight accumulators (stream.h)
 * are independent; stores are plain (write-allocate) or non-temporal, fenced by the caller. */
MB_NO_LIBCALL static inline __attribute__((always_inline)) double mix_visit(const double *a, double *b, size_t blocks, const int r, const int w,
                                                                           const int nt, unsigned delay, double x) {
  double t = 0;
  (void)nt;
  for (size_t k = 0, m = MB_WORK(blocks); k < m; k++) {
    /* Sabotaged (part): the visit's first eighth of blocks, eight times (MB_AT). */
    t += mb_stream_read_(a + MB_AT(k, m) * 64 * (size_t)r, 64 * (size_t)r);
    if (w && MB_DOES_PASS(0, 0)) { /* sabotaged (last): no stores at all */
      double *d = b + k * 64 * (size_t)w;
#if MB_STREAM_NT
      if (nt) {
        const mb_nt_vec v = MB_NT_SET1(x);
        for (size_t i = 0; i < 64 * (size_t)w; i += MB_NT_WIDTH) MB_NT_STORE(d + i, v);
      } else
#endif
        mb_stream_write(d, 64 * (size_t)w, x);
    }
    for (unsigned s = delay * 8 * (unsigned)(r + w); s; s--) __asm__ volatile("");
  }
  return t;
}

/* A mix's loader: visits of its part of a, chunk after chunk, each with its share of b, until
 * the chase stops; the value written in visit v is mb_pass_value(stamp + who * 7919, v). */
static void mix_work(job_t *j, int who) {
  const size_t off = (size_t)who * j->per, P = j->per / j->mix_chunk, PB = j->mix->w ? j->per / j->mix_bchunk : 1;
  const size_t blocks = j->mix_chunk / (64 * (size_t)j->mix->r);
  const double *a = j->arr[0] + off;
  double *b = j->arr[1] + off;
  const uint64_t seed = j->stamp + (uint64_t)who * 7919;
  const unsigned delay = j->delay;
  double t = 0;
  uint64_t v = 0;
  for (; !j->stop; v++) {
    const double *pa = a + (size_t)(v % P) * j->mix_chunk, x = mb_pass_value(seed, v);
    double *pb = b + (size_t)(v % PB) * j->mix_bchunk;
    switch (j->mix - mixes) {
    case 0: t += mix_visit(pa, pb, blocks, 1, 0, 0, delay, x); break;
    case 1: t += mix_visit(pa, pb, blocks, 3, 1, 0, delay, x); break;
    case 2: t += mix_visit(pa, pb, blocks, 2, 1, 0, delay, x); break;
    case 3: t += mix_visit(pa, pb, blocks, 1, 1, 0, delay, x); break;
    default:
#if MB_STREAM_NT
      t += mix_visit(pa, pb, blocks, 2, 1, 1, delay, x);
      MB_NT_FENCE();
#endif
      break;
    }
  }
  j->chunks[who] = v;
  j->sum[who] = t;
}

static uint64_t k_machine(uint64_t iters, void *data) {
  job_t *j = data;
  j->stop = 0;
  crew_run(j->crew, work, iters);
  return iters;
}

/* ---- Checks ---- */

/* The positions checked in thread t's part: one in each 64th, chosen by the stamp, and the
 * part's last element. */
static size_t check_pos(const job_t *j, int t, int k) {
  const size_t slice = j->per / 64;
  return (size_t)t * j->per + (k == 64 ? j->per - 1 : (size_t)k * slice + (size_t)((j->stamp >> 8) + (uint64_t)k * 7919) % slice);
}
static double *written(const job_t *j) { return j->op == COPY ? j->arr[1] : j->arr[0]; }

/* The positions of b checked in loader t's part: k < 64 in its k-th chunk, k >= 64 in one of
 * 64 chunks spread over the part (chosen by the stamp), at an element the stamp chooses.
 * *slot: the chunk; SIZE_MAX where the part has no such chunk. */
#define MIX_CHECKS 128
static size_t mix_pos(const job_t *j, int t, int k, size_t *slot) {
  const size_t PB = j->per / j->mix_bchunk, spread = PB / 64 ? PB / 64 : 1;
  const size_t s = k < 64 ? (size_t)k : (size_t)(k - 64) * spread + (size_t)((j->stamp >> 9) + (uint64_t)k * 31) % spread;
  *slot = s;
  if (s >= PB) return SIZE_MAX;
  return (size_t)t * j->per + s * j->mix_bchunk + (size_t)((j->stamp >> 3) + (uint64_t)s * 7919) % j->mix_bchunk;
}

/* Before every run: the stamp, and poison (no kernel writes a negative) where verify looks. */
static void a_machine(mb_run_t *run) {
  job_t *j = run->data;
  j->stamp = run->stamp;
  if (j->op == MIX && j->mix->w) {
    size_t slot, i;
    for (int t = 1; t < j->n; t++)
      for (int k = 0; k < MIX_CHECKS; k++)
        if ((i = mix_pos(j, t, k, &slot)) != SIZE_MAX) j->arr[1][i] = -1;
  }
  if (j->op != WRITE && j->op != WRITE_NT && j->op != COPY && j->op != TRIAD) return;
  for (int t = 0; t < j->n; t++)
    for (int k = 0; k <= 64; k++) written(j)[check_pos(j, t, k)] = -1;
}

static double want(const job_t *j, size_t i, uint64_t iters) {
  switch (j->op) {
  case WRITE:
  case WRITE_NT: return mb_pass_value(j->stamp, iters - 1);
  case COPY: return j->arr[0][i];
  default: return j->arr[1][i] + 3.0 * j->arr[2][i];
  }
}

/* Thread t's passes' fold replayed: the stamp each pass left (triad: plus 3 c there). */
static double fold_of(const job_t *j, int t, uint64_t iters) {
  double f = 0;
  for (mb_passes_t ps = passes_of(j, t); ps.next < iters; mb_passes_next(&ps))
    f += mb_pass_value(j->stamp, ps.next) + (j->op == TRIAD ? 3.0 * j->arr[2][(size_t)t * j->per + ps.pos] : 0);
  return f;
}

static void report_threads(mb_run_t *run, const job_t *j, uint64_t iters) {
  const crew_t *c = j->crew;
  double per = 0;
  for (int t = 0; t < c->n; t++) {
    char key[32];
    if (t < 32) {
      snprintf(key, sizeof key, "thread%d_pu", t);
      mb_counter(run, key, c->pu[t], MB_COUNTER_VALUE);
    }
    if (c->secs[t] > 0) per += run->bytes_per_iter / c->n * (double)iters / c->secs[t];
  }
  mb_counter(run, "threads", c->n, MB_COUNTER_VALUE);
  mb_counter(run, "threads_migrated", crew_migrated(c), MB_COUNTER_VALUE);
  if (j->op <= WRITE_NT || j->op == NUMA_BW) {
    mb_counter(run, "per_thread_bytes_per_second", per / c->n, MB_COUNTER_VALUE);
    if (j->best_pass > 0) mb_counter(run, "best_bytes_per_second", run->bytes_per_iter / j->best_pass, MB_COUNTER_VALUE);
  }
  /* The stores' write-allocate reads (8 B per element written), which STREAM's count omits. */
  if ((j->op == WRITE || j->op == COPY || j->op == TRIAD) && run->seconds > 0)
    mb_counter(run, "write_allocate_bytes_per_second", (run->bytes_per_iter + 8.0 * (double)c->n * (double)j->per) * (double)iters / run->seconds,
               MB_COUNTER_VALUE);
  if (j->chase) mb_counter(run, "chase_huge_fraction", j->chase_huge, MB_COUNTER_VALUE);
}

static int v_bandwidth(mb_run_t *run, uint64_t result, uint64_t iters) {
  job_t *j = run->data;
  if (result != iters) return mb_fail(run, "pass count");
  for (int t = 0; t < j->n; t++) {
    if (j->op == READ || j->op == NUMA_BW) {
      if (j->sum[t] != j->part_sum[t] * (double)iters)
        return mb_fail(run, "thread %d: sum %.0f, expected %.0f", t, j->sum[t], j->part_sum[t] * (double)iters);
      continue;
    }
    const double f = fold_of(j, t, iters);
    if (j->sum[t] != f)
      return mb_fail(run, "thread %d: the marks of its %llu passes fold to %.1f, expected %.1f (a pass skipped or over other elements)", t,
                     (unsigned long long)iters, j->sum[t], f);
    for (int k = 0; k <= 64; k++) {
      size_t i = check_pos(j, t, k);
      if (written(j)[i] != want(j, i, iters))
        return mb_fail(run, "thread %d: element %zu is %g, expected %g", t, i, written(j)[i], want(j, i, iters));
    }
  }
  report_threads(run, j, iters);
  return 0;
}

/* The chase ended on the node its order predicts, and each loader's sum is that of the chunks
 * it visited (`chunk` doubles of a each, in order, part after part). */
static int check_loaded(mb_run_t *run, const job_t *j, uint64_t result, uint64_t iters, size_t chunk) {
  if (result != iters) return mb_fail(run, "pass count");
  if ((char *)j->end != j->chase + (size_t)j->order[iters % j->nodes] * j->line)
    return mb_fail(run, "the chase did not end on the predicted node after %llu loads", (unsigned long long)iters);
  for (int t = 1; t < j->crew->n; t++) {
    const size_t grains = j->per / j->chunk, per_part = j->per / chunk, m = chunk / j->chunk;
    const double *cs = j->chunk_sum + (size_t)t * grains;
    double want_sum = j->part_sum[t] * (double)(j->chunks[t] / per_part);
    for (size_t k = 0; k < j->chunks[t] % per_part * m; k++) want_sum += cs[k];
    if (j->sum[t] != want_sum)
      return mb_fail(run, "loader %d: sum %.0f over %llu chunks, expected %.0f", t, j->sum[t], (unsigned long long)j->chunks[t], want_sum);
  }
  return 0;
}

/* latency_ns, loaders and their bandwidth (`bytes` per chunk visited), the threads. */
static void report_loaded(mb_run_t *run, const job_t *j, uint64_t iters, double bytes) {
  const crew_t *c = j->crew;
  double bw = 0;
  for (int t = 1; t < c->n; t++)
    if (c->secs[t] > 0) bw += (double)j->chunks[t] * bytes / c->secs[t];
  mb_counter(run, "latency_ns", c->secs[0] * 1e9 / (double)iters, MB_COUNTER_VALUE);
  mb_counter(run, "loaders", c->n - 1, MB_COUNTER_VALUE);
  mb_counter(run, "loaders_bytes_per_second", bw, MB_COUNTER_VALUE);
  report_threads(run, j, iters);
}

static int v_latency(mb_run_t *run, uint64_t result, uint64_t iters) {
  job_t *j = run->data;
  int bad = check_loaded(run, j, result, iters, j->chunk);
  if (bad) return bad;
  report_loaded(run, j, iters, (double)j->chunk * 8.0);
  return 0;
}

static double spin_turn_ns(void);

/* The chase, the reads, and in every checked chunk of b the value of its last visit. */
static int v_mix(mb_run_t *run, uint64_t result, uint64_t iters) {
  job_t *j = run->data;
  int bad = check_loaded(run, j, result, iters, j->mix_chunk);
  if (bad) return bad;
  for (int t = 1; t < j->n && j->mix->w; t++) {
    const uint64_t V = j->chunks[t], PB = j->per / j->mix_bchunk;
    size_t slot, i;
    for (int k = 0; k < MIX_CHECKS; k++) {
      if ((i = mix_pos(j, t, k, &slot)) == SIZE_MAX || slot >= V) continue;
      const uint64_t last = slot + PB * ((V - 1 - slot) / PB);
      const double x = mb_pass_value(j->stamp + (uint64_t)t * 7919, last);
      if (j->arr[1][i] != x)
        return mb_fail(run, "loader %d: element %zu of the written array is %g after %llu visits, expected %g (visit %llu's)", t, i - (size_t)t * j->per,
                       j->arr[1][i], (unsigned long long)V, x, (unsigned long long)last);
    }
  }
  report_loaded(run, j, iters, (double)(j->mix_chunk + j->mix_bchunk) * 8.0);
  mb_counter(run, "delay_ns_per_line", spin_turn_ns() * j->delay, MB_COUNTER_VALUE);
  return 0;
}

/* ---- Setup ---- */

static job_t *kept; /* loaded_<mix>: the last one's job, kept for the next (threads, PUs and size alike) */

static void free_job(job_t *j) {
  crew_stop(j->crew);
  for (int k = 0; k < 3; k++) unmap_array(j, j->arr[k], j->len);
  if (j->chase) unmap_array(j, j->chase, j->chase_len);
  free(j->order);
  free(j->chunk_sum);
  free(j);
}

static void t_machine(mb_run_t *run) {
  job_t *j = run->data;
  run->data = NULL;
  if (!j) return;
  if (j->op == MIX && (!kept || kept == j) && j->crew) {
    kept = j; /* built and checked: the next mix reuses it */
    return;
  }
  free_job(j);
}

__attribute__((destructor)) static void free_kept(void) {
  if (kept) free_job(kept);
  kept = NULL;
}

/* The machine's memory working set: 4x the largest cache hwloc reports, at least 1 GiB;
 * with --mb_quick the same between 64 and 256 MiB (a VM's hwloc may report the host's
 * whole L3: then quick mode is not beyond every cache). */
static uint64_t memory_ws(const mb_config_t *c) {
  uint64_t big = 0;
  for (int l = 1; l <= 4; l++)
    if (c->cache_size[l] > big) big = c->cache_size[l];
  uint64_t ws = 4 * big;
  if (c->quick) return ws < 64 * MiB ? 64 * MiB : ws > 256 * MiB ? 256 * MiB : ws;
  return ws > GiB ? ws : GiB;
}

/* A job over `ws` bytes in all for n threads on pus[], arrays bound to node (or -1). */
static int setup_job(mb_run_t *run, enum op op, int n, const int *pus, uint64_t ws, int node, int chase) {
  job_t *j = calloc(1, sizeof *j);
  if (!j) return mb_skip(run, "out of memory");
  run->data = j;
  j->op = op;
  j->n = n;
  j->bound_node = node;
  const int loaders = op == LOADED || op == NUMA_LAT || op == MIX ? n - 1 : n;
  const uint64_t need = ws * (chase ? 2 : 1);
  if (mb_fits_memory(run, need)) return 1;
  const size_t raw = loaders > 0 ? (size_t)(ws / (uint64_t)arrays_of[op] / 8 / (uint64_t)loaders) : 0;
  if (op == MIX) { /* whole units, where a part is that big: every visit size divides it */
    j->per = raw >= MIX_UNIT ? raw / MIX_UNIT * MIX_UNIT : raw / MIX_FINE * MIX_FINE;
    j->chunk = MIX_FINE;
  } else {
    j->per = raw & ~(size_t)(CHUNK - 1);
    if (j->per < CHUNK) j->per = raw & ~(size_t)1023;
    j->chunk = j->per < CHUNK ? j->per : CHUNK;
  }
  if (loaders > 0 && j->per < 1024) return mb_skip(run, "working set too small for %d threads", loaders);
  j->seed = mb_rng_of(run, 1).s;
  if (chase && loaders > 0 && !(j->chunk_sum = malloc((size_t)n * (j->per / j->chunk) * sizeof *j->chunk_sum)))
    return mb_skip(run, "out of memory");
  j->len = ((size_t)n * j->per * 8 + 4095) & ~(size_t)4095;
  for (int k = 0; k < arrays_of[op] && loaders > 0; k++)
    if (!(j->arr[k] = map_array(j, j->len))) return mb_skip(run, "cannot map %zu bytes%s: %s", j->len, node >= 0 ? " on the node" : "", strerror(errno));
  if (chase) {
    j->chase_len = (size_t)ws;
    j->line = run->config->cache_line;
    j->nodes = j->chase_len / j->line;
    if (!(j->chase = (char *)map_array(j, j->chase_len)) || !(j->order = malloc(j->nodes * sizeof *j->order)))
      return mb_skip(run, "cannot map the chase: %s", strerror(errno));
    madvise(j->chase, j->chase_len, MADV_HUGEPAGE); /* before the first touch; counter chase_huge_fraction */
  }
  if (crew_start(run, &j->crew, n, pus, j)) return 1;
  crew_run(j->crew, touch, 0);
  if (chase) {
    /* The chase on 2 MiB pages where the kernel gave them at the first touch (Intel MLC
     * measures idle latency on huge pages: on 4 KiB pages every load also walks the page
     * tables); read once here, not from smaps after every run. */
    long kb = mb_anon_huge_kb(j->chase);
    j->chase_huge = kb > 0 ? (double)kb * 1024.0 / (double)j->chase_len : 0;
  }
  char why[160];
  if (chase && mb_chase_unpredictable(j->order, j->nodes, why, sizeof why)) return mb_fail(run, "the chain is not random: %s", why);
  run->bytes_per_iter = loaders > 0 && !chase ? (double)n * (double)j->per * bytes_of[op] : 0;
  run->items_per_iter = chase ? 1 : (double)n * (double)j->per;
  return 0;
}

static int s_bandwidth(mb_run_t *run, enum op op, mb_policy_t policy) {
#if !MB_STREAM_NT
  if (op == WRITE_NT) return mb_skip(run, "%s", MB_STREAM_NT_NONE);
#endif
  int n = (int)run->arg[0], pus[MB_CREW_MAX];
  if (n > MB_CREW_MAX || mb_place(policy, n, pus)) return mb_skip(run, "cannot place %d threads", n);
  return setup_job(run, op, n, pus, (uint64_t)run->arg[1], -1, 0);
}

static int s_loaded(mb_run_t *run) {
  int k = (int)run->arg[0], pus[MB_CREW_MAX];
  if (k + 1 > MB_CREW_MAX || mb_place(MB_COMPACT, k + 1, pus)) return mb_skip(run, "cannot place %d threads", k + 1);
  return setup_job(run, LOADED, k + 1, pus, memory_ws(run->config), -1, 1);
}

/* The spin of a mix's delay: ns per empty loop turn, timed once per process (16M turns). */
static double spin_turn_ns(void) {
  static double ns;
  if (ns == 0) {
    const unsigned turns = 1u << 24;
    const double t0 = crew_now();
    for (unsigned s = turns; s; s--) __asm__ volatile("");
    ns = (crew_now() - t0) * 1e9 / turns;
  }
  return ns;
}

/* loaded_<mix>/delay:D: the chase on the first core, a loader on every other one (compact:
 * one per core), over the memory working set; the job is the kept one where it fits. */
static int s_mix(mb_run_t *run, const mix_t *mix) {
#if !MB_STREAM_NT
  if (mix->nt) return mb_skip(run, "%s", MB_STREAM_NT_NONE);
#endif
  const int n = run->config->cores < MB_CREW_MAX ? run->config->cores : MB_CREW_MAX;
  int pus[MB_CREW_MAX];
  if (n < 2) return mb_skip(run, "one core: none left to load memory");
  if (mb_place(MB_COMPACT, n, pus)) return mb_skip(run, "cannot place %d threads", n);
  const uint64_t ws = memory_ws(run->config);
  if (kept && (kept->n != n || memcmp(kept->crew->pu, pus, (size_t)n * sizeof *pus) || kept->chase_len != (size_t)ws)) free_kept();
  int bad = 0;
  if (kept) {
    run->data = kept;
    kept->crew->run = run; /* the workers' evidence of disturbance joins this one's runs */
  } else if ((bad = setup_job(run, MIX, n, pus, ws, -1, 1))) {
    return bad;
  }
  job_t *j = run->data;
  j->mix = mix;
  j->delay = (unsigned)run->arg[0];
  /* Visits of up to 16320 lines; fewer with a delay, so that the stop is seen within about
   * half a millisecond (a spin turn is about a nanosecond). */
  static const size_t lines[] = {16320, 8160, 3264, 1632, 960, 480, 192, 96};
  const size_t most = 16320 / (1 + j->delay / 16);
  size_t cl = 96;
  for (size_t k = 0; k < sizeof lines / sizeof *lines; k++)
    if (lines[k] <= most && j->per % (lines[k] * 8) == 0) {
      cl = lines[k];
      break;
    }
  j->mix_chunk = cl * 8;
  j->mix_bchunk = j->mix_chunk * (size_t)mix->w / (size_t)mix->r;
  spin_turn_ns();
  run->bytes_per_iter = 0;
  run->items_per_iter = 1;
  return 0;
}

static int numa_pus(mb_run_t *run, int node, int all, int *pus) {
  if (run->config->numa_nodes < 2) return -1;
  int got = mb_place_node(node, all ? MB_CREW_MAX : 1, pus);
  return got > 0 ? got : -1;
}

static int s_numa_latency(mb_run_t *run) {
  int pus[MB_CREW_MAX];
  if (numa_pus(run, (int)run->arg[0], 0, pus) < 0) return mb_skip(run, "one NUMA node here: no matrix between nodes");
  uint64_t ws = memory_ws(run->config) / 2;
  return setup_job(run, NUMA_LAT, 1, pus, ws, (int)run->arg[1], 1);
}

static int s_numa_bandwidth(mb_run_t *run) {
  int pus[MB_CREW_MAX], n = numa_pus(run, (int)run->arg[0], 1, pus);
  if (n < 0) return mb_skip(run, "one NUMA node here: no matrix between nodes");
  /* One thread per core of node I (SMT siblings left out). */
  int cores = run->config->cores / run->config->numa_nodes;
  if (cores >= 1 && n > cores) n = cores;
  return setup_job(run, NUMA_BW, n, pus, memory_ws(run->config), (int)run->arg[1], 0);
}

/* loaded_numa/from:I/to:J: the chase on the first core of node I while every other core of
 * node I streams reads, the chase and the loaders' arrays all bound to node J: MLC's loaded
 * latency per node (one thread per core, SMT siblings left out, as numa_bandwidth). */
static int s_loaded_numa(mb_run_t *run) {
  int pus[MB_CREW_MAX], n = numa_pus(run, (int)run->arg[0], 1, pus);
  if (n < 0) return mb_skip(run, "one NUMA node here: no loaded latency between nodes");
  int cores = run->config->cores / run->config->numa_nodes;
  if (cores >= 1 && n > cores) n = cores;
  if (n < 2) return mb_skip(run, "one core on node %d: none left to load memory", (int)run->arg[0]);
  return setup_job(run, LOADED, n, pus, memory_ws(run->config), (int)run->arg[1], 1);
}

#define S_BW(OP, POL, NAME) \
  static int s_##NAME(mb_run_t *run) { return s_bandwidth(run, OP, POL); }
S_BW(READ, MB_COMPACT, read_compact)
S_BW(READ, MB_SCATTER, read_scatter)
S_BW(WRITE, MB_COMPACT, write_compact)
S_BW(WRITE, MB_SCATTER, write_scatter)
S_BW(COPY, MB_COMPACT, copy_compact)
S_BW(COPY, MB_SCATTER, copy_scatter)
S_BW(TRIAD, MB_COMPACT, triad_compact)
S_BW(TRIAD, MB_SCATTER, triad_scatter)
S_BW(WRITE_NT, MB_COMPACT, write_nt_compact)
S_BW(WRITE_NT, MB_SCATTER, write_nt_scatter)
#define S_MIX(NAME, K) \
  static int s_mix_##NAME(mb_run_t *run) { return s_mix(run, &mixes[K]); }
S_MIX(read, 0)
S_MIX(3r1w, 1)
S_MIX(2r1w, 2)
S_MIX(1r1w, 3)
S_MIX(2r1w_nt, 4)

/* ---- Arguments ---- */

/* 1, 2, 4, ... up to the cores and the cores themselves, then every PU where there is SMT;
 * every count with --mb_long. */
static int thread_counts(const mb_config_t *c, int *out) {
  int n = 0, cores = c->cores > 0 ? c->cores : 1, pus = c->pus > 0 ? c->pus : cores;
  if (cores > MB_CREW_MAX) cores = MB_CREW_MAX;
  if (pus > MB_CREW_MAX) pus = MB_CREW_MAX;
  for (int t = 1; t <= cores; t = c->long_sweep ? t + 1 : 2 * t) out[n++] = t;
  if (out[n - 1] != cores) out[n++] = cores;
  if (pus > cores) out[n++] = pus;
  return n;
}

static int args_bandwidth(mb_arglist_t *l, const mb_config_t *c) {
  int t[MB_CREW_MAX + 2], nt = thread_counts(c, t);
  uint64_t l2 = c->cache_size[2] ? c->cache_size[2] : 1 * MiB;
  for (int i = 0; i < nt; i++) {
    int64_t cache = (int64_t)((uint64_t)t[i] * l2 / 2), mem = (int64_t)memory_ws(c);
    int64_t a[2] = {t[i], cache}, b[2] = {t[i], mem};
    if (mb_arglist_add(l, b) || mb_arglist_add(l, a)) return -1;
  }
  return 0;
}

/* K = 0, 1, 2, 4, ... other cores, and all of them. */
static int args_loaded(mb_arglist_t *l, const mb_config_t *c) {
  int t[MB_CREW_MAX + 2], nt = thread_counts(c, t);
  if (mb_arglist_add1(l, 0)) return -1;
  for (int i = 0; i < nt; i++)
    if (t[i] - 1 >= 1 && mb_arglist_add1(l, t[i] - 1)) return -1;
  return 0;
}

static int args_numa(mb_arglist_t *l, const mb_config_t *c) {
  int nodes = c->numa_nodes > 1 ? c->numa_nodes : 1;
  for (int i = 0; i < nodes; i++)
    for (int j = 0; j < nodes; j++) {
      int64_t a[2] = {i, j};
      if (mb_arglist_add(l, a)) return -1;
    }
  return 0;
}

MB_FAMILY(.name = "machine", .title = "The whole machine", .x = "threads",
          .doc = "Bandwidth of every core together, latency under load, and NUMA distances.");

#define BW(NAME, DOC)                                                                                              \
  MB_BENCH(.family = "machine", .variant = #NAME, .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_machine, .setup = s_##NAME, .arm = a_machine,       \
           .teardown = t_machine, .verify = v_bandwidth, .argnames = {"threads", "ws"}, .args_fn = args_bandwidth,  \
           .real_time = 1, .doc = DOC)
BW(read_compact, "read bandwidth, N threads placed compact, each over its own part");
BW(read_scatter, "read bandwidth, N threads placed scatter");
BW(write_compact, "write bandwidth, N threads, compact");
BW(write_scatter, "write bandwidth, N threads, scatter");
BW(copy_compact, "copy bandwidth (16 B/element), N threads, compact");
BW(copy_scatter, "copy bandwidth, N threads, scatter");
BW(triad_compact, "triad bandwidth (24 B/element), N threads, compact");
BW(triad_scatter, "triad bandwidth, N threads, scatter");
BW(write_nt_compact, "write bandwidth with non-temporal stores (no write-allocate reads), N threads, compact");
BW(write_nt_scatter, "write bandwidth with non-temporal stores, N threads, scatter");
MB_BENCH(.family = "machine", .variant = "loaded_latency", .primary = {"latency_ns", "ns", MB_SMALLER_IS_BETTER}, .figures = {{"loaders_bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}}, .kernel = k_machine, .setup = s_loaded, .teardown = t_machine,
         .verify = v_latency, .argnames = {"loaders"}, .args_fn = args_loaded, .real_time = 1,
         .doc = "random-chase latency while K other cores stream reads");
/* loaded_<mix>/delay:D, MLC's delays; together in one child process, which keeps their job. */
/* A spin turn is about a cycle and a line from memory a few ns flat out: the knee lies in
 * the first few tens of turns per line, where the points are dense. */
#define MIX_DELAYS MB_ARGS(0, 4, 10, 25, 60, 150, 400, 1000, 5000, 20000)
#define MIX_QUICK MB_ARGS(0, 1000, 20000)
#define MIXB(NAME, DOC)                                                                                                                  \
  MB_BENCH(.family = "machine", .variant = "loaded_" #NAME, .primary = {"latency_ns", "ns", MB_SMALLER_IS_BETTER},                       \
           .figures = {{"loaders_bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}}, .kernel = k_machine, .setup = s_mix_##NAME, .arm = a_machine, \
           .teardown = t_machine, .verify = v_mix, .argnames = {"delay"}, .args = MIX_DELAYS, .quick_args = MIX_QUICK, .real_time = 1,      \
           .process = "machine_mix", .doc = DOC)
MIXB(read, "random-chase latency while every other core reads, D spin turns per line");
MIXB(3r1w, "the chase while every other core reads 3 lines and writes 1, D spin turns per line");
MIXB(2r1w, "the chase while every other core reads 2 lines and writes 1");
MIXB(1r1w, "the chase while every other core reads 1 line and writes 1");
MIXB(2r1w_nt, "the chase while every other core reads 2 lines and writes 1 with non-temporal stores");
#define MIX_ROW(LABEL, M) \
  {LABEL, {"machine/loaded_" M "/delay:20000", "machine/loaded_" M "/delay:1000", "machine/loaded_" M "/delay:0", "machine/loaded_" M "/delay:0"}}
MB_VIEW(.family = "machine", .heading = "Loaded latency by traffic mix", .place = 83,
        .corner = "every other core", .cols = {"chase, loaders idle (delay 20000)", "delay 1000", "delay 0 (flat out)", "loaders' bandwidth, delay 0"},
        .figure = {"latency_ns", "latency_ns", "latency_ns", "loaders_bytes_per_second"},
        .rows = {MIX_ROW("reads", "read"), MIX_ROW("3 reads, 1 write", "3r1w"), MIX_ROW("2 reads, 1 write", "2r1w"),
                 MIX_ROW("1 read, 1 write", "1r1w"), MIX_ROW("2 reads, 1 non-temporal write", "2r1w_nt")});
/* Bandwidth against threads at the memory working set (the larger of the two sizes). */
#define MC_SERIES(OP, P, TITLE, STYLE, DASH) {"machine/" OP "_" P, "bytes_per_second", TITLE, STYLE, DASH, .div = 1e9, .largest = "ws"}
#define MC_OP(OP, STYLE) MC_SERIES(OP, "compact", OP ", compact", STYLE, 0), MC_SERIES(OP, "scatter", OP ", scatter", STYLE, 2)
MB_CHART(.family = "machine", .file = "machine", .title = "Memory bandwidth vs threads (working set {largest}, STREAM byte accounting)", .xlabel = "threads",
         .ylabel = "bandwidth, all threads (GB/s, 1 GB = 10^9 bytes)", .logx = 2, .xstep = 2, .yrange = "0:*", .key = MB_KEY_TOP_LEFT,
         .series = {MC_OP("read", 1), MC_OP("write", 2), MC_OP("copy", 3), MC_OP("triad", 4)});
/* Latency against the loaders' bandwidth: K loaders streaming reads, and each mix along its delays. */
#define MIX_SERIES(M, TITLE, STYLE) {"machine/loaded_" M, "latency_ns", "every other core: " TITLE ", by delay", STYLE, .x = "loaders_bytes_per_second", .xdiv = 1e9}
MB_CHART(.family = "machine", .file = "loaded", .title = "Loaded latency: a random chase while other cores load memory", .xlabel = "loaders' total bandwidth (GB/s)",
         .ylabel = "chase latency (ns per load)", .xrange = "0:*", .yrange = "0:*", .key = MB_KEY_BOTTOM_RIGHT,
         .series = {{"machine/loaded_latency", "latency_ns", "K cores streaming reads", 1, .x = "loaders_bytes_per_second", .xdiv = 1e9, .label = "loader|loaders"},
                    MIX_SERIES("read", "reads", 2), MIX_SERIES("3r1w", "3 reads, 1 write", 3), MIX_SERIES("2r1w", "2 reads, 1 write", 4),
                    MIX_SERIES("1r1w", "1 read, 1 write", 5), MIX_SERIES("2r1w_nt", "2 reads, 1 non-temporal write", 6)});
MB_BENCH(.family = "machine", .variant = "numa_latency", .primary = {"latency_ns", "ns", MB_SMALLER_IS_BETTER}, .kernel = k_machine, .setup = s_numa_latency, .teardown = t_machine,
         .verify = v_latency, .argnames = {"from", "to"}, .args_fn = args_numa, .real_time = 1,
         .doc = "chase latency from a PU of node I to memory bound on node J");
MB_BENCH(.family = "machine", .variant = "numa_bandwidth", .primary = {"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}, .kernel = k_machine, .setup = s_numa_bandwidth, .arm = a_machine,
         .teardown = t_machine, .verify = v_bandwidth, .argnames = {"from", "to"}, .args_fn = args_numa, .real_time = 1,
         .doc = "read bandwidth of every core of node I from memory bound on node J");
MB_BENCH(.family = "machine", .variant = "loaded_numa", .primary = {"latency_ns", "ns", MB_SMALLER_IS_BETTER},
         .figures = {{"loaders_bytes_per_second", "B/s", MB_BIGGER_IS_BETTER}}, .kernel = k_machine, .setup = s_loaded_numa, .teardown = t_machine,
         .verify = v_latency, .argnames = {"from", "to"}, .args_fn = args_numa, .real_time = 1,
         .doc = "random-chase latency from a core of node I while node I's other cores stream reads, all over memory bound to node J");
/* The whole machine: the peak of each operation at the memory working set (the better of
 * compact and scatter), idle against loaded latency, the mixes' loaders against that peak,
 * and the NUMA matrices where there are several nodes. */
MB_VIEW(.family = "machine", .heading = "The whole machine", .place = 81, .charts = {{"machine", "bandwidth vs threads"}, {"loaded", "loaded latency"}});
#define MC_PEAK(OP, P, PICK) {"machine/" OP "_" P, "bytes_per_second", .largest = 1, .at_largest = "ws", .pick = PICK}
#define MC_PEAKS(OP)                                                                                                                      \
  .a = MC_PEAK(OP, "compact", NULL), .b = MC_PEAK(OP, "scatter", NULL), .c = MC_PEAK(OP, "compact", "threads"),                        \
  .d = MC_PEAK(OP, "scatter", "threads"), .e = MC_PEAK(OP, "compact", "per_thread_bytes_per_second"),                               \
  .f = MC_PEAK(OP, "scatter", "per_thread_bytes_per_second")
/* (b > a): scatter's peak is the higher; then d and f, else c and e. */
#define MC_PEAK_ROW(OP)                                                                                                                   \
  MB_TEXT(.family = "machine", .place = 81, MC_PEAKS(OP),                                                                              \
          .cells = {"peak " OP " ({(b > a)?scatter|compact})", "{=(b > a) * d + !(b > a) * c:0}", "{=max(a, b):B/s}",                   \
                    "{=(b > a) * f + !(b > a) * e:B/s}"})
MB_TEXT(.family = "machine", .place = 81, .header = 1, .cells = {"", "threads", "bandwidth (all threads)", "per thread"}, .a = MC_PEAK("read", "compact", NULL),
        .when = "known(a)");
MC_PEAK_ROW("read");
MC_PEAK_ROW("write");
MC_PEAK_ROW("copy");
MC_PEAK_ROW("triad");
MB_TEXT(.family = "machine", .place = 81,
        .cells = {"Memory working set {a:0} MiB. Latency of a random chase: idle {b:ns}, with {c:0} other core{(c == 1)?|s} reading {d:ns} ({e:B/s}): {=d / b:2}×."},
        .a = {"machine/read_compact", .arg = "ws", .largest = 1, .per = 1048576}, .b = {"machine/loaded_latency/loaders:0", "latency_ns"},
        .c = {"machine/loaded_latency", .arg = "loaders", .largest = 1}, .d = {"machine/loaded_latency", .arg = "loaders", .largest = 1, .pick = "latency_ns"},
        .e = {"machine/loaded_latency", .arg = "loaders", .largest = 1, .pick = "loaders_bytes_per_second"}, .when = "known(c)");
/* The mixes' loaders (every core but one) reading flat out should come near the peak read. */
MB_TEXT(.family = "machine", .place = 81,
        .cells = {"The traffic mixes' {a:0} loader{(a == 1)?|s} reading flat out (delay 0) moved {b:B/s}: {=100 * b / max(c, d):0}% of the peak read above "
                  "({=max(c, d):B/s} with {=(d > c) * f + !(d > c) * e:0} thread{(((d > c) * f + !(d > c) * e) == 1)?|s})."},
        .a = {"machine/loaded_read/delay:0", "loaders"}, .b = {"machine/loaded_read/delay:0", "loaders_bytes_per_second"},
        .c = MC_PEAK("read", "compact", NULL), .d = MC_PEAK("read", "scatter", NULL), .e = MC_PEAK("read", "compact", "threads"),
        .f = MC_PEAK("read", "scatter", "threads"), .when = "known(b) && max(c, d) > 0");
MB_TEXT(.family = "machine", .place = 81, .cells = {"One NUMA node: no latency or bandwidth matrix between nodes."},
        .a = {"machine/numa_latency", "latency_ns", .count = 1}, .when = "!known(a)");
MB_VIEW(.family = "machine", .place = 82,
        .charts = {{"numa_latency", "NUMA latency"}, {"numa_bandwidth", "NUMA bandwidth"}, {"numa_loaded", "NUMA loaded latency"}},
        .lead = "Each cell: idle latency, loaded latency (node I's other cores streaming from node J), read bandwidth of node I's cores.",
        .corner = "threads on \\ memory on", .grid = {"machine/numa_latency", "machine/loaded_numa", "machine/numa_bandwidth"},
        .grid_figure = {"latency_ns", "latency_ns", "bytes_per_second"}, .grid_cell = "{a:ns}, {b:ns} loaded, {c:B/s}", .grid_label = "node ");
MB_CHART(.family = "machine", .file = "numa_loaded", .kind = MB_CHART_MATRIX, .title = "NUMA loaded latency: node I's cores streaming from node J, the chase too",
         .xlabel = "memory on node", .ylabel = "threads on node", .zlabel = "ns per load, loaded", .cell_labels = 64,
         .series = {{"machine/loaded_numa", "latency_ns"}});
MB_CHART(.family = "machine", .file = "numa_latency", .kind = MB_CHART_MATRIX, .title = "NUMA latency: threads on node I, memory on node J",
         .xlabel = "memory on node", .ylabel = "threads on node", .zlabel = "ns per load", .cell_labels = 64,
         .series = {{"machine/numa_latency", "latency_ns"}});
MB_CHART(.family = "machine", .file = "numa_bandwidth", .kind = MB_CHART_MATRIX, .title = "NUMA bandwidth: threads on node I, memory on node J",
         .xlabel = "memory on node", .ylabel = "threads on node", .zlabel = "bytes/s", .cell_labels = 64,
         .series = {{"machine/numa_bandwidth", "bytes_per_second"}});
