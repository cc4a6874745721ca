/*
 * mlp.c: memory-level parallelism, as multichase's parallelN chases measure it: how many
 * cache misses one core keeps in flight.
 *
 * mlp/chase/chains:N/ws:B   N independent pointer chases advanced in turn by one thread, over
 *                           one random cyclic permutation of the B-byte working set's lines
 *                           (Sattolo, chase.h), the chains starting evenly spaced along it;
 *                           each iteration moves every chain one node: N loads that do not
 *                           depend on each other. B = 256 MiB (multichase's default), far
 *                           beyond the caches of the machines we know, so every load misses;
 *                           4 KiB pages (MADV_NOHUGEPAGE), as hierarchy/latency_random.
 *   Figures: real_time, the time per iteration = the latency of each chain's load while the
 *   others are in flight; ns_per_load = real_time / N (the core's throughput of misses);
 *   misses_in_flight = t1 / (tN / N), the one chain's ns per load over this count's: how many
 *   misses overlap on average, from this run's chains:1 (absent when it did not run first). ns_per_load falls as 1/N while the core has miss
 *   buffers free, then flattens: the plateau's t1 / ns_per_load is the core's MLP.
 *   Check: every chain ends on the node the permutation predicts after the iterations run;
 *   the chain must pass chase.h's randomness test, so a kernel that skips loads, advances one
 *   chain only or walks a predictable order fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "chase.h"
#include "membench.h"

#define MLP_MAX 16
#define MLP_WS (256 * 1024 * 1024LL)

typedef struct mlp {
  char *mem;
  size_t len, nodes, line;
  uint32_t *order;          /* order[k]: the node k steps from node 0 */
  int chains;
  void (*run)(struct mlp *, uint64_t); /* the kernel for this count */
  size_t start[MLP_MAX];    /* each chain's first node, as a step count along the cycle */
  void **at[MLP_MAX];       /* where each chain starts the next run */
  void **end[MLP_MAX];      /* where each chain ended the last run */
} mlp_t;

/* N chains, N a constant: the compiler unrolls the inner loop into N independent loads held
 * in registers (objdump: N `mov (%reg),%reg` a turn, no store). */
#define MLP_RUN(N)                                                        \
  static void run_##N(mlp_t *m, uint64_t iters) {                         \
    void **p[N];                                                          \
    for (int j = 0; j < N; j++) p[j] = m->at[j];                          \
    for (uint64_t i = 0, n = MB_WORK(iters); i < n; i++)                  \
      for (int j = 0; j < N; j++) p[j] = (void **)*p[j];                  \
    for (int j = 0; j < N; j++) m->end[j] = p[j];                         \
  }
MLP_RUN(1)
MLP_RUN(2)
MLP_RUN(3)
MLP_RUN(4)
MLP_RUN(6)
MLP_RUN(8)
MLP_RUN(10)
MLP_RUN(12)
MLP_RUN(16)

/* The chain counts there is a kernel for, and the kernels. */
static const struct {
  int chains;
  void (*run)(mlp_t *, uint64_t);
} kernels[] = {{1, run_1}, {2, run_2}, {3, run_3}, {4, run_4}, {6, run_6}, {8, run_8}, {10, run_10}, {12, run_12}, {16, run_16}};

static uint64_t k_mlp(uint64_t iters, void *data) {
  mlp_t *m = data;
  m->run(m, iters);
  uint64_t x = 0;
  for (int j = 0; j < m->chains; j++) x ^= (uint64_t)(uintptr_t)m->end[j];
  return x;
}

static int s_mlp(mb_run_t *run) {
  const int chains = (int)run->arg[0];
  const uint64_t ws = (uint64_t)run->arg[1];
  void (*fn)(mlp_t *, uint64_t) = NULL;
  for (size_t k = 0; k < sizeof kernels / sizeof *kernels; k++)
    if (kernels[k].chains == chains) fn = kernels[k].run;
  if (!fn) return mb_fail(run, "no kernel for %d chains (1, 2, 3, 4, 6, 8, 10, 12, 16)", chains);
  if (mb_fits_memory(run, ws + ws / 16)) return 1;
  mlp_t *m = calloc(1, sizeof *m);
  if (!m) return mb_skip(run, "out of memory");
  run->data = m;
  m->chains = chains;
  m->run = fn;
  m->line = run->config->cache_line;
  m->nodes = ws / m->line;
  m->len = ws;
  if (m->nodes < 64 * MLP_MAX) return mb_skip(run, "working set under %d lines", 64 * MLP_MAX);
  m->mem = mmap(NULL, ws, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m->mem == MAP_FAILED) {
    m->mem = NULL;
    return mb_skip(run, "mmap of %llu bytes: %s", (unsigned long long)ws, strerror(errno));
  }
  madvise(m->mem, ws, MADV_NOHUGEPAGE);
  if (!(m->order = malloc(m->nodes * sizeof *m->order))) return mb_skip(run, "out of memory for the visit order");
  /* The chain is the same for every chain count (seeded by the family, not the benchmark's
   * name), so the counts differ only in how many chains walk it. */
  size_t len = mb_chase_build(m->mem, m->nodes, m->line, 1, m->order, mb_rng_seed(0x6d6c70).s);
  if (len != m->nodes) return mb_fail(run, "the chain is not one cycle through every node (%zu of %zu)", len, m->nodes);
  char why[160];
  if (mb_chase_unpredictable(m->order, m->nodes, why, sizeof why)) return mb_fail(run, "the chain is not random: %s", why);
  for (int j = 0; j < chains; j++) {
    m->start[j] = (size_t)j * (m->nodes / (size_t)chains);
    m->at[j] = (void **)(m->mem + (size_t)m->order[m->start[j]] * m->line);
  }
  run->items_per_iter = (uint64_t)chains; /* loads */
  return 0;
}

/* chains:1's ns per load in this process, per working set: the serial latency the others
 * are measured against (a run of a single point has none, and says so by its absence). */
static double serial_ns;
static uint64_t serial_ws;

static int v_mlp(mb_run_t *run, uint64_t result, uint64_t iters) {
  mlp_t *m = run->data;
  (void)result;
  for (int j = 0; j < m->chains; j++) {
    void **want = (void **)(m->mem + (size_t)m->order[(m->start[j] + iters) % m->nodes] * m->line);
    if (m->end[j] != want)
      return mb_fail(run, "chain %d of %d did not end on the predicted node after %llu loads", j, m->chains, (unsigned long long)iters);
    m->start[j] = (m->start[j] + iters) % m->nodes; /* the next run goes on from here */
    m->at[j] = m->end[j];
  }
  const double step = run->seconds * 1e9 / (double)iters, per_load = step / m->chains;
  mb_counter(run, "ns_per_load", per_load, MB_COUNTER_VALUE);
  if (m->chains == 1 && !run->disturbed) serial_ns = per_load, serial_ws = (uint64_t)run->arg[1];
  if (serial_ns > 0 && serial_ws == (uint64_t)run->arg[1]) mb_counter(run, "misses_in_flight", serial_ns / per_load, MB_COUNTER_VALUE);
  return 0;
}

static void t_mlp(mb_run_t *run) {
  mlp_t *m = run->data;
  if (!m) return;
  if (m->mem) munmap(m->mem, m->len);
  free(m->order);
  free(m);
}

#define WS MLP_WS
MB_FAMILY(.name = "mlp", .title = "Memory-level parallelism", .x = "chains", .logx = 1, .logy = 1,
          .doc = "Independent pointer chases in one thread over 256 MiB: how many misses a core keeps in flight (multichase's parallelN).");
MB_BENCH(.family = "mlp", .variant = "chase", .primary = {"ns_per_load", "ns", MB_SMALLER_IS_BETTER},
         .figures = {{"misses_in_flight", "x", MB_BIGGER_IS_BETTER}}, .kernel = k_mlp, .setup = s_mlp, .teardown = t_mlp, .verify = v_mlp,
         .argnames = {"chains", "ws"}, .args = MB_ARGS(1, WS, 2, WS, 3, WS, 4, WS, 6, WS, 8, WS, 10, WS, 12, WS, 16, WS),
         .quick_args = MB_ARGS(1, WS, 4, WS, 16, WS), .doc = "N independent random chases in one thread: ns per load");
/* Each load's latency and the core's time per load, by chains; below, the misses in flight
 * against the line of perfect overlap (N chains, N misses). */
MB_CHART(.family = "mlp", .file = "mlp", .title = "Memory-level parallelism: N independent random chases in one thread over 256 MiB",
         .xlabel = "independent chains", .logx = 2, .xstep = 2, .logy = 10, .key = MB_KEY_TOP_RIGHT,
         .panel_title = {"time of a load", "misses in flight: one chain's ns per load over N chains' (dashed: N, perfect overlap)"},
         .panel_ylabel = {"ns", "misses in flight"},
         .series = {{"mlp/chase", "real_time", "latency of each load", 1}, {"mlp/chase", "ns_per_load", "the core's time per load", 2},
                    {"mlp/chase", "misses_in_flight", "measured", 4, .panel = 1},
                    {"mlp/chase", "misses_in_flight", "perfect overlap: N", 7, 2, .line = 1, .slope = 1, .panel = 1}});
MB_VIEW(.family = "mlp", .heading = "Memory-level parallelism", .place = 15, .charts = {{"mlp", "ns per load and misses in flight by chains"}},
        .corner = "independent chains", .cols = {"latency of each load", "ns per load", "misses in flight"},
        .figure = {"real_time", "ns_per_load", "misses_in_flight"},
        .rows = {{"1", {"mlp/chase/chains:1/ws:268435456", "mlp/chase/chains:1/ws:268435456", "mlp/chase/chains:1/ws:268435456"}},
                 {"2", {"mlp/chase/chains:2/ws:268435456", "mlp/chase/chains:2/ws:268435456", "mlp/chase/chains:2/ws:268435456"}},
                 {"4", {"mlp/chase/chains:4/ws:268435456", "mlp/chase/chains:4/ws:268435456", "mlp/chase/chains:4/ws:268435456"}},
                 {"8", {"mlp/chase/chains:8/ws:268435456", "mlp/chase/chains:8/ws:268435456", "mlp/chase/chains:8/ws:268435456"}},
                 {"12", {"mlp/chase/chains:12/ws:268435456", "mlp/chase/chains:12/ws:268435456", "mlp/chase/chains:12/ws:268435456"}},
                 {"16", {"mlp/chase/chains:16/ws:268435456", "mlp/chase/chains:16/ws:268435456", "mlp/chase/chains:16/ws:268435456"}}});
