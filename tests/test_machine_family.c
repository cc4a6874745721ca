/*
 * test_machine_family.c: the machine family runs for real (quick mode): every op with both
 * placements and every thread count, each thread on its own distinct PU and the PUs
 * recorded, every thread's work checked (no failure), the loaded-latency points with their
 * loaders' bandwidth, the loaded latency of every traffic mix at every quick delay (a
 * loader on every other core, the spin's time per line recorded), and the NUMA matrices skipped with the reason on a one-node machine.
 * Usage: test_machine_family path/to/membench
 */
#include <math.h>

#include "testjson.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  family_test_t ft;
  family_test_begin(&ft);
  json_t *doc = family_test_run(&ft, argv[1], "^machine/");
  if (!doc) return TEST_EXIT();
  json_t *ctx = json_object_get(json_object_get(doc, "context"), "membench");
  CHECK_EQ_INT(json_integer_value(json_object_get(ctx, "failed")), 0);
  const int pus = (int)json_integer_value(json_object_get(json_object_get(ctx, "topology"), "pus"));
  const int nodes = (int)json_integer_value(json_object_get(json_object_get(ctx, "topology"), "numa_nodes"));
  size_t i;
  json_t *b;
  const int cores = (int)json_integer_value(json_object_get(json_object_get(ctx, "topology"), "cores"));
  int bandwidth = 0, loaded = 0, numa = 0, most_threads = 0, mixes = 0;
  json_array_foreach(test_entries(doc), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *msg = json_string_value(json_object_get(b, "error_message"));
    int n;
    long long ws;
    char op[32];
    if (sscanf(name, "machine/%31[a-z_]/threads:%d/ws:%lld", op, &n, &ws) == 3) {
      if (msg && !strncmp(op, "write_nt_", 9) && strstr(msg, "no non-temporal vector stores")) { /* a build without them */
        bandwidth++;
        continue;
      }
      CHECK(msg == NULL);
      /* Write-allocate traffic beside STREAM's count for ordinary stores: 8 more bytes per
       * element written (write 8 -> 16, copy 16 -> 24, triad 24 -> 32); none for the rest. */
      const double stream_b = !strncmp(op, "write_nt", 8) || !strncmp(op, "read", 4) ? 0 : !strncmp(op, "write", 5) ? 8 : !strncmp(op, "copy", 4) ? 16 : 24;
      json_t *wa = json_object_get(b, "write_allocate_bytes_per_second");
      if (stream_b == 0) CHECK(wa == NULL);
      else CHECK(wa && fabs(num(b, "write_allocate_bytes_per_second") / num(b, "bytes_per_second") - (stream_b + 8) / stream_b) < 0.02);
      CHECK(strstr(op, "_compact") || strstr(op, "_scatter"));
      CHECK(n >= 1 && n <= pus);
      CHECK_EQ_INT(num(b, "threads"), n);
      CHECK_EQ_INT(num(b, "threads_migrated"), 0);
      CHECK(num(b, "bytes_per_second") > 0 && num(b, "per_thread_bytes_per_second") > 0);
      for (int t = 0; t < n && t < 32; t++) { /* every thread on its own PU */
        char key[32];
        snprintf(key, sizeof key, "thread%d_pu", t);
        double pu = num(b, key);
        CHECK(pu >= 0 && pu < 1024);
        for (int u = 0; u < t; u++) {
          char k2[32];
          snprintf(k2, sizeof k2, "thread%d_pu", u);
          CHECK(num(b, k2) != pu);
        }
      }
      if (n > most_threads) most_threads = n;
      bandwidth++;
    } else if (sscanf(name, "machine/loaded_latency/loaders:%d", &n) == 1) {
      CHECK(msg == NULL);
      CHECK(num(b, "latency_ns") > 0);
      CHECK_EQ_INT(num(b, "loaders"), n);
      if (n > 0) CHECK(num(b, "loaders_bytes_per_second") > 0);
      CHECK(json_object_get(b, "chase_huge_fraction") && num(b, "chase_huge_fraction") >= 0 && num(b, "chase_huge_fraction") <= 1);
      loaded++;
    } else if (sscanf(name, "machine/loaded_%15[a-z0-9_]/delay:%d", op, &n) == 2) {
      /* loaded_<mix>/delay:D: a loader on every core but the chase's; the spin per line in
       * proportion to D (one calibration per process). */
      mixes++;
      if (cores < 2) {
        CHECK(msg && strstr(msg, "one core"));
        continue;
      }
      if (msg && !strcmp(op, "2r1w_nt") && strstr(msg, "no non-temporal vector stores")) continue;
      CHECK(msg == NULL);
      CHECK(num(b, "latency_ns") > 0);
      CHECK_EQ_INT(num(b, "loaders"), cores - 1);
      CHECK_EQ_INT(num(b, "threads"), cores);
      CHECK(num(b, "loaders_bytes_per_second") > 0);
      /* The spin is timed once per process (a re-measure is another): a turn is a cycle or so. */
      const double per_turn = num(b, "delay_ns_per_line") / (n ? n : 1);
      if (n == 0) CHECK(num(b, "delay_ns_per_line") == 0);
      else CHECK(per_turn > 0.01 && per_turn < 100);
    } else if (!strncmp(name, "machine/numa_", 13) || !strncmp(name, "machine/loaded_numa/", 20)) {
      if (nodes < 2) CHECK(msg && strstr(msg, "skipped: one NUMA node"));
      numa++;
    } else {
      fprintf(stderr, "unexpected benchmark %s\n", name);
      CHECK(0);
    }
  }
  /* 5 ops (read, write, copy, triad, write_nt) x 2 placements x (memory, in cache) per
   * thread count; the last count is every core (or every PU with SMT). */
  CHECK(bandwidth >= 20 && bandwidth % 20 == 0);
  CHECK_EQ_INT(most_threads, pus);
  CHECK(loaded >= 1 + (pus > 1));
  CHECK_EQ_INT(mixes, 5 * 3); /* read, 3r1w, 2r1w, 1r1w, 2r1w_nt at the quick delays 0, 1000, 20000 */
  CHECK_EQ_INT(numa, 3 * (nodes > 1 ? nodes * nodes : 1)); /* latency, bandwidth, loaded latency */
  json_decref(doc);
  family_test_end(&ft);
  return TEST_EXIT();
}
