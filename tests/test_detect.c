/*
 * test_detect.c: the cache-level detector (harness/detect.c) on curves with known answers.
 *  - synthetic curves from a model (plateaus, sharp or gradual edges, DRAM creeping through
 *    TLB misses) on three sweeps (the family's default, its quick one, another tool's
 *    geometric one), with spikes, dips, alternating and random noise, fast memory, a slow
 *    L3, a smooth ramp, truncated sweeps, flat and two-level curves;
 *  - TLB steps of 1.2-2x on the 4 KiB curve, told from caches by the huge-page curve;
 *  - real curves of three machines (tests/data/curves/, provenance in each file's header),
 *    alone and with their huge-page curves;
 *  - tools/mbdetect: the same answers through the binary, and one line + exit 2 on bad input.
 * A level's size must be within one sweep step of where the curve settles on the next level.
 * Usage: test_detect path/to/mbdetect   (run from tests/)
 */
#include <math.h>

#include "mb_detect.h"
#include "testutil.h"

#define KiB 1024ULL
#define MiB (1024ULL * 1024)

/* ---- Sweeps ---- */

static int finish_sweep(uint64_t *ws, int n) {
  for (int i = 1; i < n; i++) /* insertion sort, drop duplicates */
    for (int j = i; j > 0 && ws[j - 1] >= ws[j]; j--) {
      uint64_t t = ws[j];
      ws[j] = ws[j - 1];
      ws[j - 1] = t;
    }
  int w = 0;
  for (int i = 0; i < n; i++)
    if (!w || ws[i] != ws[w - 1]) ws[w++] = ws[i];
  return w;
}

/* hierarchy/latency_random's default: powers of two and midpoints from 4 KiB to `top`, plus
 * 0.75..1.25 of each cache hwloc reports. */
static int sweep_default(uint64_t *ws, const uint64_t *hwloc, int nh, uint64_t top) {
  int n = 0;
  for (uint64_t s = 4 * KiB; s <= top; s *= 2) {
    ws[n++] = s;
    if (s + s / 2 <= top) ws[n++] = s + s / 2;
  }
  for (int c = 0; c < nh; c++)
    for (int k = 6; k <= 10; k++)
      if (hwloc[c] * (uint64_t)k / 8 <= top) ws[n++] = hwloc[c] * (uint64_t)k / 8;
  return finish_sweep(ws, n);
}
static int sweep_quick(uint64_t *ws, uint64_t top) {
  int n = 0;
  for (uint64_t s = 4 * KiB; s <= top; s *= 2) ws[n++] = s;
  return n;
}
static int sweep_geometric(uint64_t *ws, double step, uint64_t from, uint64_t top) {
  int n = 0;
  for (double s = (double)from; s <= (double)top; s *= step) ws[n++] = (uint64_t)s & ~63ULL;
  return finish_sweep(ws, n);
}

/* ---- The model: caches up to size[k] at lat[k], memory at lat[ncache]; an edge rises in
 * log-log from size[k] to size[k] * ramp, where the curve settles on the next level;
 * memory creeps as (ws / start)^creep (TLB misses). ---- */

typedef struct model {
  int ncache;
  uint64_t size[4];
  double lat[5];
  double ramp;  /* 1: sharp edges */
  double creep; /* memory's slope in log-log */
} model_t;

static double model_ns(const model_t *m, double w) {
  for (int k = 0; k < m->ncache; k++) {
    double lo = (double)m->size[k], hi = lo * m->ramp;
    if (w <= lo) return m->lat[k];
    if (w < hi) return m->lat[k] * pow(m->lat[k + 1] / m->lat[k], log(w / lo) / log(hi / lo));
    if (k + 1 < m->ncache && w <= (double)m->size[k + 1]) return m->lat[k + 1];
  }
  double start = (double)m->size[m->ncache - 1] * m->ramp;
  return m->lat[m->ncache] * pow(w / start, m->creep);
}

static uint64_t rng_state = 88172645463325252ULL;
static double uniform(void) {
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double gauss(void) {
  double u = uniform() + 1e-12, v = uniform();
  return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* Index of the first working set past cache k where the curve has settled: within 15% of
 * the next level's latency. */
static int settle_index(const uint64_t *ws, int n, const model_t *m, int k) {
  for (int i = 0; i < n; i++)
    if (ws[i] > m->size[k] && model_ns(m, (double)ws[i]) >= m->lat[k + 1] / 1.15) return i;
  return n;
}
static int index_of(const uint64_t *ws, int n, uint64_t v) {
  for (int i = 0; i < n; i++)
    if (ws[i] == v) return i;
  return -1;
}

/* Check a detection against the model: every cache (up to `expect` of them) within one
 * sweep step of where the curve settles, at its latency within 25%; memory as expected. */
static void expect_levels(const char *what, const uint64_t *ws, int n, const model_t *m, const mb_detect_t *d,
                          int expect, int memory_known) {
  int bad = d->ncaches != expect || d->memory_known != memory_known;
  for (int k = 0; !bad && k < expect; k++) {
    int got = index_of(ws, n, d->cache[k].bytes), want = settle_index(ws, n, m, k);
    if (got < 0 || abs(got - want) > 1 || fabs(log(d->cache[k].ns / m->lat[k])) > log(1.25)) bad = 1;
  }
  if (!bad && memory_known) {
    /* Memory's median over its plateau: within the creep's range. */
    double lo = m->lat[m->ncache] * 0.8, hi = model_ns(m, (double)ws[n - 1]) * 1.25;
    if (d->memory_ns < lo || d->memory_ns > hi) bad = 1;
  }
  test_checks++;
  if (bad) {
    test_failures++;
    fprintf(stderr, "%s: expected %d caches and memory %s; got %d:", what, expect, memory_known ? "known" : "unknown",
            d->ncaches);
    for (int k = 0; k < d->ncaches; k++) fprintf(stderr, " L%d %llu %.3g ns;", k + 1, (unsigned long long)d->cache[k].bytes, d->cache[k].ns);
    if (d->memory_known) fprintf(stderr, " memory %.4g ns\n", d->memory_ns);
    else fprintf(stderr, " memory unknown\n");
  }
}

static void detect(const uint64_t *ws, const double *ns, int n, mb_detect_t *d) {
  CHECK_EQ_INT(mb_detect_levels(ws, ns, NULL, n, d), 0);
}

static const model_t base = {3, {32 * KiB, 1 * MiB, 16 * MiB}, {1.0, 4.0, 14.0, 90.0}, 1.0, 0.0};

/* The model on a sweep, with `noise` (relative deviation) and one seed. */
static int curve(const model_t *m, int sweep, double noise, uint64_t *ws, double *ns) {
  int n = sweep == 0 ? sweep_default(ws, m->size, m->ncache, 512 * MiB)
        : sweep == 1 ? sweep_quick(ws, 64 * MiB)
                     : sweep_geometric(ws, 1.25, 1 * KiB, 256 * MiB);
  for (int i = 0; i < n; i++) ns[i] = model_ns(m, (double)ws[i]) * exp(noise * gauss());
  return n;
}

static void synthetic(void) {
  uint64_t ws[512];
  double ns[512];
  mb_detect_t d;
  static const char *sweeps[] = {"default sweep", "quick sweep", "geometric sweep"};
  char what[128];

  for (int s = 0; s < 3; s++) {
    /* Clean sharp steps; then random noise of 4%, twenty seeds. */
    int n = curve(&base, s, 0, ws, ns);
    detect(ws, ns, n, &d);
    snprintf(what, sizeof what, "sharp, %s", sweeps[s]);
    expect_levels(what, ws, n, &base, &d, 3, 1);
    for (int seed = 0; seed < 20; seed++) {
      n = curve(&base, s, 0.04, ws, ns);
      detect(ws, ns, n, &d);
      snprintf(what, sizeof what, "4%% noise, %s, seed %d", sweeps[s], seed);
      expect_levels(what, ws, n, &base, &d, 3, 1);
    }
    /* Fast memory (45 ns) is memory; a slow L3 (70 ns, memory at 250) is a cache. */
    model_t fast = base, slow = base;
    fast.lat[2] = 12, fast.lat[3] = 45;
    slow.lat[2] = 70, slow.lat[3] = 250;
    for (int seed = 0; seed < 5; seed++) {
      n = curve(&fast, s, 0.03, ws, ns);
      detect(ws, ns, n, &d);
      snprintf(what, sizeof what, "fast memory, %s, seed %d", sweeps[s], seed);
      expect_levels(what, ws, n, &fast, &d, 3, 1);
      n = curve(&slow, s, 0.03, ws, ns);
      detect(ws, ns, n, &d);
      snprintf(what, sizeof what, "slow L3, %s, seed %d", sweeps[s], seed);
      expect_levels(what, ws, n, &slow, &d, 3, 1);
    }
    /* Gradual edges that settle at 1.6x the size, and memory creeping through TLB misses. */
    model_t g = base;
    g.ramp = 1.6, g.creep = 0.25;
    n = curve(&g, s, 0.02, ws, ns);
    detect(ws, ns, n, &d);
    snprintf(what, sizeof what, "gradual edges, creeping memory, %s", sweeps[s]);
    expect_levels(what, ws, n, &g, &d, 3, 1);
  }

  int n = curve(&base, 0, 0, ws, ns);
  /* One disturbed point anywhere (3x, or half) changes nothing: every point in turn. */
  for (int i = 1; i + 1 < n; i++)
    for (int k = 0; k < 2; k++) {
      double save = ns[i];
      ns[i] *= k ? 3.0 : 0.5;
      detect(ws, ns, n, &d);
      snprintf(what, sizeof what, "%s at %llu", k ? "spike" : "dip", (unsigned long long)ws[i]);
      expect_levels(what, ws, n, &base, &d, 3, 1);
      ns[i] = save;
    }
  /* Alternating noise: +8%, -7%. */
  for (int i = 0; i < n; i++) ns[i] *= i % 2 ? 1.08 : 0.93;
  detect(ws, ns, n, &d);
  expect_levels("alternating noise", ws, n, &base, &d, 3, 1);

  /* The last point disturbed (3x): memory is still memory. Two spikes far apart: nothing. */
  n = curve(&base, 0, 0.02, ws, ns);
  ns[n - 1] *= 3;
  detect(ws, ns, n, &d);
  expect_levels("spike at the last point", ws, n, &base, &d, 3, 1);
  n = curve(&base, 0, 0.02, ws, ns);
  ns[5] *= 2.5, ns[n / 2] *= 2.5;
  detect(ws, ns, n, &d);
  expect_levels("two spikes", ws, n, &base, &d, 3, 1);

  /* A smooth ramp from L2 to L3 over a factor 4 of working set: no phantom level in it. */
  model_t ramp = base;
  ramp.ramp = 4.0;
  ramp.size[2] = 64 * MiB;
  n = curve(&ramp, 0, 0.01, ws, ns);
  detect(ws, ns, n, &d);
  expect_levels("smooth ramp", ws, n, &ramp, &d, 3, 1);

  /* Truncated sweeps end inside a cache: the caches seen before it, memory unknown. */
  n = curve(&base, 0, 0.02, ws, ns);
  int cut = index_of(ws, n, 8 * MiB) + 1;
  detect(ws, ns, cut, &d);
  expect_levels("sweep ending inside L3", ws, cut, &base, &d, 2, 0);
  cut = index_of(ws, n, 512 * KiB) + 1;
  detect(ws, ns, cut, &d);
  expect_levels("sweep ending inside L2", ws, cut, &base, &d, 1, 0);

  /* Two levels only (an L1 and memory); a flat curve has no level and no memory. */
  model_t two = {1, {64 * KiB}, {2.0, 80.0}, 1.0, 0.1};
  n = curve(&two, 0, 0.02, ws, ns);
  detect(ws, ns, n, &d);
  expect_levels("L1 and memory", ws, n, &two, &d, 1, 1);
  for (int i = 0; i < n; i++) ns[i] = 5.0 * (1 + 0.01 * (i % 3));
  detect(ws, ns, n, &d);
  CHECK_EQ_INT(d.ncaches, 0);
  CHECK_EQ_INT(d.memory_known, 0);

  /* Measured spreads set the tolerance: with 15% spread, a 20% step inside L2 is noise. */
  n = curve(&base, 0, 0, ws, ns);
  double spread[512];
  for (int i = 0; i < n; i++) {
    spread[i] = 0.15;
    if (ws[i] > 256 * KiB && ws[i] <= 1 * MiB) ns[i] *= 1.2;
  }
  CHECK_EQ_INT(mb_detect_levels(ws, ns, spread, n, &d), 0);
  CHECK_EQ_INT(d.ncaches, 3);

  /* Bad curves are refused. */
  uint64_t w2[] = {4096, 4096};
  double n2[] = {1, 2}, neg[] = {1, -2};
  CHECK(mb_detect_levels(w2, n2, NULL, 2, &d) == -1 && errno == EINVAL);
  uint64_t w3[] = {4096, 8192};
  CHECK(mb_detect_levels(w3, neg, NULL, 2, &d) == -1);
  CHECK(mb_detect_levels(w3, n2, NULL, 0, &d) == -1);
}

/* ---- TLB steps: an Intel-like machine (L1 48 KiB, L2 2 MiB, L3 16 MiB) whose 4 KiB-page
 * curve steps up by x r beyond 256 KiB (64 L1 DTLB entries: the STLB's cost added to every
 * load from there on), and the same chase on huge pages (latency_huge's sweep: powers of two)
 * without the step. With both curves the levels are the caches and the step is one TLB level,
 * for every r from 1.2 to 2, on every sweep, with noise; a step both curves show is a cache. */

static void tlb_steps(void) {
  static const model_t intel = {3, {48 * KiB, 2 * MiB, 16 * MiB}, {1.2, 4.5, 36.0, 170.0}, 1.0, 0.1};
  static const double ratios[] = {1.2, 1.35, 1.5, 1.55, 1.75, 2.0};
  static const char *sweeps[] = {"default sweep", "quick sweep", "geometric sweep"};
  uint64_t ws[512], hws[512];
  double ns[512], hns[512];
  mb_detect_t d;
  char what[160];
  int phantom = 0, cases = 0;
  for (size_t r = 0; r < sizeof ratios / sizeof *ratios; r++)
    for (int s = 0; s < 3; s++)
      for (int seed = 0; seed < 8; seed++) {
        const double noise = seed ? 0.02 : 0;
        int n = curve(&intel, s, noise, ws, ns);
        for (int i = 0; i < n; i++)
          if (ws[i] > 256 * KiB) ns[i] += (ratios[r] - 1) * intel.lat[1];
        int hn = curve(&intel, 1, noise, hws, hns);
        CHECK_EQ_INT(mb_detect_levels_tlb(ws, ns, NULL, n, hws, hns, hn, &d), 0);
        snprintf(what, sizeof what, "TLB step x%.2f at 256 KiB, %s, seed %d", ratios[r], sweeps[s], seed);
        /* A step under 1.5x may stay inside the L2 plateau (too gentle to be a rise): no
         * TLB level is named then, and none is needed, as it makes no level either. */
        int bad = d.ncaches != 3 || !d.memory_known || d.ntlb > 1 || (ratios[r] >= 1.5 && d.ntlb != 1);
        for (int k = 0; !bad && k < 3; k++) {
          int got = index_of(ws, n, d.cache[k].bytes), want = settle_index(ws, n, &intel, k);
          bad = got < 0 || abs(got - want) > 1;
        }
        if (!bad && d.ntlb) bad = d.tlb[0].bytes < 128 * KiB || d.tlb[0].bytes > 512 * KiB;
        mb_detect_t one; /* the 4 KiB curve alone: a step of 1.5x or more is a phantom cache */
        CHECK_EQ_INT(mb_detect_levels(ws, ns, NULL, n, &one), 0);
        phantom += one.ncaches > 3;
        test_checks++, cases++;
        if (bad) {
          test_failures++;
          fprintf(stderr, "%s: expected 3 caches, memory and one TLB step; got %d caches:", what, d.ncaches);
          for (int k = 0; k < d.ncaches; k++) fprintf(stderr, " L%d %llu %.3g ns;", k + 1, (unsigned long long)d.cache[k].bytes, d.cache[k].ns);
          for (int k = 0; k < d.ntlb; k++) fprintf(stderr, " TLB %llu %.3g ns;", (unsigned long long)d.tlb[k].bytes, d.tlb[k].ns);
          fprintf(stderr, " memory %s\n", d.memory_known ? "known" : "unknown");
        }
      }
  printf("TLB steps: %d curves right with the huge-page curve; %d of them get a phantom cache without it\n", cases, phantom);
  CHECK(phantom > 0); /* the case the second curve is for */
  /* A step the huge-page curve shows too is a cache: the base model on both curves, and a
   * fourth cache (256 KiB) on both. */
  int n = curve(&base, 0, 0.02, ws, ns), hn = curve(&base, 1, 0.02, hws, hns);
  CHECK_EQ_INT(mb_detect_levels_tlb(ws, ns, NULL, n, hws, hns, hn, &d), 0);
  expect_levels("the same caches on both curves", ws, n, &base, &d, 3, 1);
  CHECK_EQ_INT(d.ntlb, 0);
  static const model_t four = {4, {32 * KiB, 256 * KiB, 2 * MiB, 16 * MiB}, {1.0, 3.0, 9.0, 30.0, 120.0}, 1.0, 0.0};
  n = curve(&four, 0, 0.02, ws, ns), hn = curve(&four, 1, 0.02, hws, hns);
  CHECK_EQ_INT(mb_detect_levels_tlb(ws, ns, NULL, n, hws, hns, hn, &d), 0);
  expect_levels("four caches on both curves", ws, n, &four, &d, 4, 1);
  CHECK_EQ_INT(d.ntlb, 0);
  /* A huge-page curve that does not reach a step cannot call it a TLB's. */
  n = curve(&intel, 0, 0, ws, ns);
  for (int i = 0; i < n; i++)
    if (ws[i] > 256 * KiB) ns[i] *= 1.8;
  hn = 0;
  for (uint64_t w = 512 * KiB; w <= 512 * MiB; w *= 2) hws[hn] = w, hns[hn++] = model_ns(&intel, (double)w);
  CHECK_EQ_INT(mb_detect_levels_tlb(ws, ns, NULL, n, hws, hns, hn, &d), 0);
  CHECK_EQ_INT(d.ntlb, 0);
  /* Bad huge curves are refused. */
  const uint64_t w2[] = {8192, 4096};
  const double n2[] = {1, 2};
  CHECK(mb_detect_levels_tlb(ws, ns, NULL, n, w2, n2, 2, &d) == -1 && errno == EINVAL);
  CHECK(mb_detect_levels_tlb(ws, ns, NULL, n, NULL, NULL, 3, &d) == -1);
}

/* ---- Real curves, through the binary ---- */

typedef struct expect_real {
  const char *file, *huge; /* huge: the huge-page curve beside it, or NULL */
  uint64_t lo[3], hi[3]; /* each cache's size range */
  double mem_lo, mem_hi;
} expect_real_t;

/* Bad input: one line on stderr, exit 2 (good: a curve file that reads). */
static void bad_input(test_proc_t *p, const char *mbdetect, const char *dir, const char *good) {
  char path[512];
  /* Bad input: one line on stderr, exit 2. */
  static const char *bad[] = {"4096 1.2\nfour 2\n", "4096 -1\n", "4096 1\n4096 2\n", "# nothing\n",
                              "4096.5 1\n", "4096 1 2 3\n", "4096 nan\n", "4096 1e999\n"};
  for (size_t i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
    snprintf(path, sizeof path, "%s/c%zu.txt", dir, i);
    if (i < sizeof bad / sizeof bad[0]) {
      FILE *f = fopen(path, "w");
      fputs(bad[i], f);
      fclose(f);
    } /* else: a file that does not exist */
    char *av[] = {(char *)mbdetect, path, NULL};
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    if (p->status != 2 || test_lines(p->err) != 1 || !strstr(p->err, "mbdetect: ") || *p->out)
      fprintf(stderr, "bad input %zu: status %d, stderr '%s'\n", i, p->status, p->err);
    CHECK(p->status == 2 && test_lines(p->err) == 1 && strstr(p->err, "mbdetect: ") && !*p->out);
  }
  char *none[] = {(char *)mbdetect, NULL};
  CHECK_EQ_INT(test_run(p, none, 0, 0), 0);
  CHECK(p->status == 2 && test_lines(p->err) == 1);
  /* --huge: without its file, twice, with a bad curve, both curves from standard input. */
  snprintf(path, sizeof path, "%s/c0.txt", dir); /* bad[0] */
  char *huge_bad[][6] = {{(char *)mbdetect, (char *)good, "--huge", NULL},
                         {(char *)mbdetect, (char *)good, "--huge", (char *)good, "--huge", (char *)good},
                         {(char *)mbdetect, (char *)good, "--huge", path, NULL},
                         {(char *)mbdetect, "-", "--huge", "-", NULL}};
  for (size_t i = 0; i < sizeof huge_bad / sizeof huge_bad[0]; i++) {
    char *av[7] = {0};
    memcpy(av, huge_bad[i], sizeof huge_bad[i]);
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    if (p->status != 2 || test_lines(p->err) != 1 || *p->out) fprintf(stderr, "--huge case %zu: status %d, stderr '%s'\n", i, p->status, p->err);
    CHECK(p->status == 2 && test_lines(p->err) == 1 && !*p->out);
  }
}

static void real_curves(const char *mbdetect) {
  /* Intel Xeon VM (../shared/machines): L1 48 KiB, L2 2 MiB with a TLB-blurred edge, a small
   * L3 share to ~4 MiB, memory from ~6 MiB; a one-measurement-per-point curve with spikes.
   * The development VM: L1 48 KiB, L2 1 MiB (hwloc), an effective L3 of 4-8 MiB. */
  static const expect_real_t cases[] = {
      {"data/curves/intel-xeon-16c-vm.txt", NULL, {43008, 1835008, 4194304}, {55296, 2359296, 6291456}, 150, 220},
      /* The same Intel VM measured in slices by this revision: its L2 ramp settles at 3 MiB,
       * the L3 share reached 8 MiB that day. */
      {"data/curves/intel-xeon-16c-vm-sliced.txt", NULL, {43008, 1835008, 6291456}, {55296, 3145728, 12582912}, 120, 180},
      {"data/curves/amd-epyc-2c-2026-11-24.txt", NULL, {43008, 917504, 4194304}, {55296, 1310720, 8388608}, 150, 300},
      {"data/curves/amd-epyc-2c-2026-11-23.txt", NULL, {43008, 917504, 4194304}, {55296, 1310720, 8388608}, 150, 300},
      /* The same VM another day (hwloc: L1 32 KiB), measured in slices: spikes on the L1 edge
       * and on the L2 ramp (768 KiB). */
      {"data/curves/amd-epyc-2c-2026-11-24-sliced.txt", NULL, {28672, 917504, 3145728}, {36864, 1310720, 6291456}, 150, 250},
      /* The 2-vCPU Intel VM (../shared/machines): L1 48 KiB, L2 2 MiB (its ramp settles at
       * 2.5 MiB), an L3 share to about 12 MiB, memory 170 ns; alone and with its huge-page
       * curve (on 4 KiB pages below 2 MiB in that revision: no TLB step is taken from it). */
      {"data/curves/intel-xeon-2c-vm-random.txt", NULL, {43008, 1835008, 8388608}, {55296, 3145728, 16777216}, 150, 200},
      {"data/curves/intel-xeon-2c-vm-random.txt", "data/curves/intel-xeon-2c-vm-huge.txt", {43008, 1835008, 8388608}, {55296, 3145728, 16777216}, 150, 200},
      /* This VM (AMD EPYC, hwloc L1 32 KiB, L2 512 KiB), both curves of one quick run with
       * the huge-page curve wholly on 2 MiB pages: no TLB step, the three levels. */
      {"data/curves/amd-epyc-2c-2026-12-03-random.txt", "data/curves/amd-epyc-2c-2026-12-03-huge.txt", {28672, 458752, 4194304}, {36864, 786432, 8388608}, 100, 200},
      /* The same VM's full run that day: an L2 ramp with two short flats (448-512 KiB,
       * 576-640 KiB) is a ramp, not a level of its own. */
      {"data/curves/amd-epyc-2c-2026-12-03-ramp.txt", NULL, {28672, 393216, 4194304}, {36864, 1048576, 16777216}, 100, 200},
      /* The same VM (hwloc L2 1 MiB) on 2026-12-08, alone and with its huge-page curve: two
       * points 1.5x apart that agree on the L2 ramp (512 and 768 KiB) are the ramp too. */
      {"data/curves/amd-epyc-2c-2026-12-08-random.txt", NULL, {28672, 786432, 4194304}, {36864, 1310720, 8388608}, 100, 200},
      {"data/curves/amd-epyc-2c-2026-12-08-random.txt", "data/curves/amd-epyc-2c-2026-12-08-huge.txt", {28672, 786432, 4194304}, {36864, 1310720, 8388608}, 100, 200},
  };
  test_proc_t *p = malloc(sizeof *p);
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    char *av[] = {(char *)mbdetect, (char *)cases[c].file, cases[c].huge ? "--huge" : NULL, (char *)cases[c].huge, NULL};
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    CHECK_EQ_INT(p->status, 0);
    printf("%s:\n%s", cases[c].file, p->out);
    int k = 0;
    double mem = -1;
    for (char *line = p->out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
      int lvl;
      unsigned long long bytes;
      double ns;
      if (sscanf(line, "L%d %llu %lf", &lvl, &bytes, &ns) == 3) {
        CHECK_EQ_INT(lvl, k + 1);
        if (k < 3 && !(bytes >= cases[c].lo[k] && bytes <= cases[c].hi[k])) {
          fprintf(stderr, "%s: L%d at %llu, expected %llu..%llu\n", cases[c].file, lvl, bytes,
                  (unsigned long long)cases[c].lo[k], (unsigned long long)cases[c].hi[k]);
          CHECK(0);
        }
        k++;
      } else if (!strncmp(line, "TLB ", 4)) {
        CHECK(cases[c].huge != NULL); /* a TLB step is named only from a huge-page curve */
      } else if (sscanf(line, "memory %lf", &mem) != 1) {
        CHECK(0 && "unexpected output line");
      }
    }
    CHECK_EQ_INT(k, 3);
    CHECK(mem >= cases[c].mem_lo && mem <= cases[c].mem_hi);
  }

  /* A busy moment: with another task on the PU three points (36 KiB, 192 KiB, 384 KiB) read
   * twice their latency. Marked "disturbed" they are left out and named, and the levels are
   * the clean curve's (L1 and L2 within their ranges above), none named from a slowed point. */
  char dir[64], path[128];
  test_tmpdir(dir);
  {
    char *clean = test_slurp(cases[2].file);
    CHECK(clean != NULL);
    snprintf(path, sizeof path, "%s/busy.txt", dir);
    FILE *f = fopen(path, "w");
    int marked = 0;
    for (char *line = clean; f && line && *line;) {
      char *nl = strchr(line, '\n');
      if (nl) *nl = 0;
      double b, t;
      if (line[0] != '#' && sscanf(line, "%lf %lf", &b, &t) == 2 && (b == 36864 || b == 196608 || b == 393216)) fprintf(f, "%.0f %.3f disturbed\n", b, 2 * t), marked++;
      else fprintf(f, "%s\n", line);
      line = nl ? nl + 1 : NULL;
    }
    if (f) fclose(f);
    free(clean);
    char *av[] = {(char *)mbdetect, path, NULL};
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    CHECK_EQ_INT(p->status, 0);
    char want[64];
    snprintf(want, sizeof want, ": %d disturbed points left out", marked);
    CHECK(marked == 3 && strstr(p->err, want) && strstr(p->err, " 36864 196608 393216"));
    unsigned long long l1 = 0, l2 = 0;
    double ns;
    const char *l = strstr(p->out, "L1 "), *m = strstr(p->out, "L2 ");
    CHECK(l && sscanf(l, "L1 %llu %lf", &l1, &ns) == 2 && m && sscanf(m, "L2 %llu %lf", &l2, &ns) == 2);
    CHECK(l1 >= cases[2].lo[0] && l1 <= cases[2].hi[0] && l2 >= cases[2].lo[1] && l2 <= cases[2].hi[1]);
    printf("busy curve, %d points marked disturbed: L1 %llu, L2 %llu\n", marked, l1, l2);
  }

  bad_input(p, mbdetect, dir, cases[0].file);
  test_rmtree(dir);
  free(p);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  synthetic();
  tlb_steps();
  real_curves(argv[1]);
  return TEST_EXIT();
}
