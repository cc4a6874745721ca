/*
 * test_hierarchy.c: the pointer-chase builder makes one cycle through every node; the
 * boundary detector finds known steps on synthetic curves (sharp, gradual, with DRAM
 * climbing through TLB misses) and nothing on a flat one; working sets above half of
 * MemAvailable are skipped with the reason (run through the binary, MB_MEM_AVAILABLE).
 * Usage: test_hierarchy path/to/membench
 */
#include <jansson.h>
#include <math.h>

#include "chase.h"
#include "detect.h"
#include "testutil.h"

static void check_chain(size_t nodes, int random_order, uint64_t seed) {
  char *mem = aligned_alloc(64, nodes * MB_CHASE_LINE);
  uint32_t *order = malloc(nodes * sizeof *order);
  char *seen = calloc(nodes, 1);
  CHECK_EQ_INT(mb_chase_build(mem, nodes, random_order, order, seed), nodes);
  size_t distinct = 0, in_sequence = 0;
  for (size_t k = 0; k < nodes; k++) {
    CHECK(order[k] < nodes);
    if (order[k] < nodes && !seen[order[k]]++) distinct++;
    if (k && order[k] == order[k - 1] + 1) in_sequence++;
  }
  CHECK_EQ_INT(distinct, nodes); /* every node once per lap */
  CHECK_EQ_INT(order[0], 0);
  if (random_order && nodes >= 1024) CHECK(in_sequence < nodes / 64); /* not a stride in disguise */
  if (!random_order) CHECK_EQ_INT(in_sequence, nodes - 1);
  free(mem), free(order), free(seen);
}

/* The sweep the family uses: powers of two and midpoints, plus 0.75..1.25 of each cache. */
static int make_sweep(uint64_t *ws, const uint64_t *caches, int ncaches) {
  int n = 0;
  for (uint64_t s = 4096; s <= (512ULL << 20); s *= 2) {
    ws[n++] = s;
    if (s + s / 2 <= (512ULL << 20)) ws[n++] = s + s / 2;
  }
  for (int c = 0; c < ncaches; c++)
    for (int k = 6; k <= 10; k++) ws[n++] = caches[c] * (uint64_t)k / 8;
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

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  size_t sizes[] = {2, 3, 64, 1000, 65536};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    check_chain(sizes[i], 1, 42);
    check_chain(sizes[i], 1, 0x12345);
    check_chain(sizes[i], 0, 0);
  }

  const uint64_t caches[] = {48 << 10, 1 << 20, 32 << 20};
  const double lat[] = {1.0, 4.0, 12.0, 90.0};
  uint64_t ws[256];
  double ns[256];
  mb_level_t lv[MB_DETECT_MAX];
  int n = make_sweep(ws, caches, 3);

  /* Sharp steps (a perfect LRU cache): exact sizes. */
  for (int i = 0; i < n; i++) {
    int l = 0;
    while (l < 3 && ws[i] > caches[l]) l++;
    ns[i] = lat[l];
  }
  int nl = mb_detect_levels(ws, ns, n, 1.25, 1.10, lv);
  CHECK_EQ_INT(nl, 4);
  for (int l = 0; l < 3 && l < nl; l++) {
    CHECK_EQ_INT(lv[l].bytes, caches[l]);
    CHECK(fabs(lv[l].ns - lat[l]) < 1e-9);
  }
  if (nl == 4) CHECK(lv[3].bytes == 0 && fabs(lv[3].ns - 90) < 1e-9);

  /* Gradual edges, as a random chase sees in a real L2: the hit rate starts falling at 0.6 of
   * the size and reaches 0 just past it (a cyclic walk larger than an LRU-like cache gets
   * no hits at all); and DRAM climbing through TLB misses. One level per cache, each placed
   * inside its transition (0.6 to 1.1 of the size), and one memory level. (On the real curve
   * of the development machine the detector finds L1 and L2 within one sweep step.) */
  for (int i = 0; i < n; i++) {
    double w = (double)ws[i], miss_lat = 0;
    double t = lat[3] * (1 + 0.3 * log2(w > (64 << 20) ? w / (64 << 20) : 1)); /* DRAM + TLB */
    miss_lat = t;
    for (int l = 2; l >= 0; l--) {
      double c = (double)caches[l], h = w <= 0.6 * c ? 1 : (w >= 1.1 * c ? 0 : (1.1 * c - w) / (0.5 * c));
      miss_lat = h * lat[l] + (1 - h) * miss_lat;
    }
    ns[i] = miss_lat;
  }
  nl = mb_detect_levels(ws, ns, n, 1.25, 1.10, lv);
  CHECK_EQ_INT(nl, 4);
  for (int l = 0; l < 3 && l < nl; l++) {
    int inside = lv[l].bytes * 10 >= caches[l] * 6 && lv[l].bytes * 10 <= caches[l] * 11;
    if (!inside)
      fprintf(stderr, "gradual: level %d detected at %llu, real %llu\n", l + 1, (unsigned long long)lv[l].bytes,
              (unsigned long long)caches[l]);
    CHECK(inside);
  }
  if (nl >= 1) CHECK_EQ_INT(lv[nl - 1].bytes, 0);

  /* Flat: no boundary at all, one level. */
  for (int i = 0; i < n; i++) ns[i] = 5.0 + 0.01 * (i % 3);
  nl = mb_detect_levels(ws, ns, n, 1.25, 1.10, lv);
  CHECK_EQ_INT(nl, 1);
  CHECK_EQ_INT(lv[0].bytes, 0);
  CHECK_EQ_INT(mb_detect_levels(ws, ns, 1, 1.25, 1.10, lv), 0);

  /* Memory capping, through the binary: 32 MiB "available" leaves room for 4 KiB but not
   * for a 32 MiB working set, which is skipped with the reason. */
  char dir[64], out[128], arg_out[160];
  test_tmpdir(dir);
  snprintf(out, sizeof out, "%s/r.json", dir);
  snprintf(arg_out, sizeof arg_out, "--benchmark_out=%s", out);
  setenv("MB_MEM_AVAILABLE", "33554432", 1);
  test_proc_t *p = malloc(sizeof *p);
  char *av[] = {argv[1], "--benchmark_filter=^hierarchy/(latency_random|read)/ws:(4096|33554432)$",
                "--benchmark_min_time=0.001", arg_out, NULL};
  CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  json_t *doc = json_load_file(out, 0, NULL);
  CHECK(doc != NULL);
  size_t i;
  json_t *b;
  int skipped = 0, ran = 0;
  json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *msg = json_string_value(json_object_get(b, "error_message"));
    if (strstr(name, "ws:33554432")) {
      CHECK(msg && strstr(msg, "skipped:") && strstr(msg, "MemAvailable"));
      skipped++;
    } else {
      CHECK(msg == NULL);
      ran++;
    }
  }
  CHECK_EQ_INT(skipped, 2);
  CHECK_EQ_INT(ran, 2);
  json_decref(doc);
  setenv("MB_MEM_AVAILABLE", "lots", 1);
  char *bad[] = {argv[1], "--benchmark_filter=harness/empty", NULL};
  CHECK_EQ_INT(test_run(p, bad, 0, 0), 0);
  CHECK(p->status == 2 && strstr(p->err, "MB_MEM_AVAILABLE") && test_lines(p->err) == 1);
  unsetenv("MB_MEM_AVAILABLE");
  free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
