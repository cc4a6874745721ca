/*
 * test_deterministic.c: the deterministic mode counts the same twice. Two consecutive
 * mbgrind runs of the same build give identical instruction counts and simulated misses;
 * the empty kernel costs its three loop instructions per iteration plus a fixed few, so
 * setup is not counted. Skipped, with the reason, in a build valgrind cannot decode
 * (-march=native on an AVX-512 machine: valgrind 3.19 has no AVX-512).
 * Usage: test_deterministic path/to/membench path/to/mbgrind
 */
#include <jansson.h>
#include <math.h>

#include "testutil.h"

static json_t *grind(const char *membench, const char *mbgrind, const char *out, test_proc_t *p) {
  char o[256];
  snprintf(o, sizeof o, "--out=%s", out);
  char *av[] = {(char *)mbgrind, "--filter=^(harness/empty|stack/malloc/size:64|hierarchy/latency_random/ws:16384)(/iterations:[0-9]+)?$",
                "--iterations=2000", o, (char *)membench, NULL};
  if (test_run(p, av, 0, 0)) return NULL;
  if (p->status) fprintf(stderr, "mbgrind exited %d:\n%s\n", p->status, p->err);
  CHECK_EQ_INT(p->status, 0);
  return json_load_file(out, 0, NULL);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
#if !MB_HAVE_CALLGRIND
  printf("SKIP: built without valgrind's headers (valgrind/callgrind.h): the deterministic mode is off; "
         "install valgrind (Debian/Ubuntu) or valgrind-devel (Fedora) and reconfigure\n");
  (void)argv;
  return TEST_SKIP;
#endif
#if MB_TEST_NATIVE && defined(__AVX512F__)
  printf("SKIP: this build uses AVX-512 (-march=native), which valgrind 3.19 cannot decode; "
         "the deterministic mode runs on a portable build (make bench-deterministic, or cmake -DMB_NATIVE=OFF)\n");
  (void)argv;
  return TEST_SKIP;
#endif
  if (getenv("MB_TEST_EMULATOR")) {
    printf("SKIP: under qemu-user: this host's valgrind runs this host's programs only\n");
    return TEST_SKIP;
  }
  if (system("valgrind --version >/dev/null 2>&1")) {
    printf("SKIP: valgrind is not installed\n");
    return TEST_SKIP;
  }
  char dir[64], a[128], b[128];
  test_tmpdir(dir);
  snprintf(a, sizeof a, "%s/a.json", dir);
  snprintf(b, sizeof b, "%s/b.json", dir);
  test_proc_t *p = malloc(sizeof *p);
  json_t *x = grind(argv[1], argv[2], a, p), *y = grind(argv[1], argv[2], b, p);
  CHECK(x && y);
  if (!x || !y) return TEST_EXIT();
  json_t *bx = json_object_get(x, "benchmarks"), *by = json_object_get(y, "benchmarks");
  CHECK_EQ_INT(json_array_size(bx), 3);
  CHECK_EQ_INT(json_array_size(by), 3);
  static const char *keys[] = {"instructions", "D1_misses", "LL_misses", "data_refs"};
  for (size_t i = 0; i < json_array_size(bx) && i < json_array_size(by); i++) {
    json_t *u = json_array_get(bx, i), *v = json_array_get(by, i);
    const char *name = json_string_value(json_object_get(u, "name"));
    CHECK_STR(name, json_string_value(json_object_get(v, "name")));
    for (int k = 0; k < 4; k++) {
      double s = json_number_value(json_object_get(u, keys[k])), t = json_number_value(json_object_get(v, keys[k]));
      if (s != t) fprintf(stderr, "%s %s: %.6f then %.6f\n", name, keys[k], s, t);
      CHECK(s == t); /* exactly */
    }
    double ir = json_number_value(json_object_get(u, "instructions"));
    fprintf(stderr, "%s: %.3f instructions per iteration\n", name, ir);
    if (strstr(name, "harness/empty")) CHECK(ir >= 3.0 && ir < 3.05);
    if (strstr(name, "latency_random")) CHECK(ir >= 3.0 && ir < 6.0); /* one load, inc, cmp, branch */
  }
  CHECK(json_is_string(json_object_get(json_object_get(x, "context"), "mb_deterministic")));
  json_decref(x);
  json_decref(y);
  free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
