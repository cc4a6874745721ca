/*
 * test_hierarchy.c: the pointer-chase builder makes one cycle through every node, and the
 * randomness test passes every random chain and fails sequential and strided ones; working
 * sets above half of MemAvailable are skipped with the reason (run through the binary,
 * MB_MEM_AVAILABLE). The boundary detector has its own test, test_detect.
 * Usage: test_hierarchy path/to/membench
 */
#include <jansson.h>
#include <math.h>

#include "chase.h"
#include "testjson.h"

static void check_chain(size_t nodes, size_t line, int random_order, uint64_t seed) {
  char *mem = aligned_alloc(line, nodes * line);
  uint32_t *order = malloc(nodes * sizeof *order);
  char *seen = calloc(nodes, 1);
  CHECK_EQ_INT(mb_chase_build(mem, nodes, line, random_order, order, seed), nodes);
  /* Each node starts a line and links to the start of another: one node per line. */
  size_t off_line = 0;
  for (size_t i = 0; i < nodes; i++) {
    size_t to = (size_t)(*(char **)(mem + i * line) - mem);
    off_line += to % line != 0 || to >= nodes * line;
  }
  CHECK_EQ_INT(off_line, 0);
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
  char why[160];
  /* The randomness test the benchmarks apply: every random chain passes it, a sequential one
   * of 64 nodes or more fails it. */
  CHECK_EQ_INT(mb_chase_unpredictable(order, nodes, why, sizeof why), random_order || nodes < 64 ? 0 : -1);
  free(mem), free(order), free(seen);
}

/* Orders no prefetcher must be able to follow, against ones it can: the test fails a stride
 * of k lines, a chain random for only its first half, and alternating +1/+2 steps. */
static void check_randomness(void) {
  char why[160];
  const size_t nodes[] = {64, 96, 100, 1000, 4096, 6144, 65536, 1 << 20};
  for (size_t t = 0; t < sizeof nodes / sizeof *nodes; t++) {
    const size_t n = nodes[t];
    uint32_t *order = malloc(n * sizeof *order);
    char *mem = aligned_alloc(64, n * 64);
    for (uint64_t seed = 1; seed <= (n <= 4096 ? 200u : 4u); seed++) { /* many random chains: none fails */
      CHECK_EQ_INT(mb_chase_build(mem, n, 64, 1, order, seed * 0x9E3779B97F4A7C15ULL), n);
      int bad = mb_chase_unpredictable(order, n, why, sizeof why);
      if (bad) fprintf(stderr, "random chain of %zu nodes, seed %llu: %s\n", n, (unsigned long long)seed, why);
      CHECK_EQ_INT(bad, 0);
    }
    const size_t strides[] = {1, 7, 33};
    for (size_t k = 0; k < 3; k++) {
      for (size_t i = 0; i < n; i++) order[i] = (uint32_t)(i * strides[k] % n);
      CHECK_EQ_INT(mb_chase_unpredictable(order, n, why, sizeof why), -1);
    }
    for (size_t i = 0, v = 0; i < n; i++, v += 1 + i % 2) order[i] = (uint32_t)(v % n); /* +1, +2, +1, ... */
    CHECK_EQ_INT(mb_chase_unpredictable(order, n, why, sizeof why), -1);
    if (n >= 1000) { /* random in its first half, sequential after */
      CHECK_EQ_INT(mb_chase_build(mem, n, 64, 1, order, 7), n);
      for (size_t i = n / 2; i < n; i++) order[i] = (uint32_t)((order[n / 2 - 1] + (i - n / 2 + 1)) % n);
      CHECK_EQ_INT(mb_chase_unpredictable(order, n, why, sizeof why), -1);
    }
    free(order), free(mem);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  size_t sizes[] = {2, 3, 64, 1000, 65536};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    check_chain(sizes[i], MB_CHASE_LINE, 1, 42);
    check_chain(sizes[i], MB_CHASE_LINE, 1, 0x12345);
    check_chain(sizes[i], MB_CHASE_LINE, 0, 0);
    check_chain(sizes[i], 128, 1, 42); /* Apple's cores: 128-byte lines */
    check_chain(sizes[i], 128, 0, 0);
  }
  check_randomness();

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
  json_array_foreach(test_entries(doc), i, b) {
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
