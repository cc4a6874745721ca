/*
 * test_alloc_family.c: the allocator family, run for real through the binary (quick
 * sweep). Every allocator reports its patterns in one JSON file, the general ones from
 * child processes whose malloc was proved to be the named library; the pool passes large
 * requests to malloc and says so; the footprint probe sees the class sizes (a 20-byte
 * request gets 32 bytes from the pool) and the pool's arenas going back to the OS; the
 * combinations an allocator cannot do are skipped with the reason; a child whose library
 * did not load skips instead of measuring glibc under another name; a benchmark's random
 * sizes do not depend on what ran before it. No timing is asserted.
 * Usage: test_alloc_family path/to/membench
 */
#include <sys/stat.h>

#include "testjson.h"

static const char *const general[] = {"glibc", "jemalloc", "mimalloc", "tcmalloc"};
static const char *const all[] = {"pool", "freelist", "bump", "glibc", "jemalloc", "mimalloc", "tcmalloc"};

static json_t *bench(json_t *doc, const char *fmt, const char *alloc) {
  char name[160];
  snprintf(name, sizeof name, fmt, alloc);
  json_t *b = find_bench(doc, name);
  if (!b) fprintf(stderr, "missing: %s\n", name);
  return b;
}


/* The lesson's Python half (benches/pylesson.c) in a quick run: what each entry says is what
 * the interpreter did, and a crash in a recursion probe is its reply, not the run's end. */
static void lesson_checks(json_t *doc) {
  json_t *g = find_bench(doc, "python/gc_collect/n:10000");
  CHECK(g && !error_of(g) && num(g, "collected_rooted") == 0 && num(g, "collected_unreferenced") == num(g, "containers"));
  json_t *r0 = find_bench(doc, "python/retain/kept_of_64:0/iterations:1/real_time");
  json_t *rh = find_bench(doc, "python/retain/kept_of_64:32/iterations:1/real_time");
  CHECK(r0 && rh && !error_of(r0) && !error_of(rh));
  CHECK(num(r0, "survivors") == 0 && num(rh, "survivors") == num(rh, "floats") / 2);
  CHECK(num(rh, "rss_kept_kib") > num(r0, "rss_kept_kib") && num(rh, "rss_added_kib") > 0);
  json_t *rp = find_bench(doc, "python/recursion_pure/limit:1000000/iterations:1/real_time");
  json_t *rc = find_bench(doc, "python/recursion_via_c/limit:1000000/iterations:1/real_time");
  CHECK(rp && rc && !error_of(rp) && !error_of(rc));
  CHECK(num(rp, "ending") >= 1 && num(rp, "ending") <= 4 && num(rp, "depth") > 1000);
  /* A segfault in the child is caught and reported: the entries after it were measured. */
  CHECK(num(rc, "ending") >= 1 && num(rc, "ending") <= 4 && num(rc, "depth") > 100);
  if (num(rc, "ending") == 4) CHECK(num(rc, "signal") == 11 || num(rc, "signal") == 7);
  json_t *l3 = find_bench(doc, "python/getsizeof_list3"), *d3 = find_bench(doc, "python/getsizeof_dict3");
  CHECK(l3 && d3 && num(l3, "getsizeof_bytes") >= 56 + 24 && num(d3, "deep_bytes") > num(d3, "getsizeof_bytes"));
  json_t *w = find_bench(doc, "python/floats_workload_ratio/n:100000/iterations:1/real_time");
  CHECK(w && !error_of(w) && num(w, "rounds") == 7 && num(w, "malloc_slower_rounds") >= 0 && num(w, "malloc_slower_rounds") <= 7 && num(w, "pymalloc_ns") > 0 && num(w, "malloc_ns") > 0);
  json_t *t = find_bench(doc, "python/floats_traced/n:100000");
  CHECK(t && !error_of(t) && num(t, "top_line_is_workload") == 1 && num(t, "traced_bytes_per_float") >= 24);
  json_t *si = find_bench(doc, "python/small_ints"), *in = find_bench(doc, "python/interned/n:10000");
  CHECK(si && num(si, "cache_low") <= 0 && num(si, "cache_high") > 0 && num(si, "contiguous") == 1);
  CHECK(in && num(in, "intern_returns_same") == 1 && num(in, "strings_freed_pct") > 0);
  const char *v = json_string_value(json_object_get(json_object_get(json_object_get(json_object_get(doc, "context"), "membench"), "families"), "python_version"));
  CHECK(v && !strncmp(v, "3.", 2));
}

/* What the lesson does without NumPy, and the pymalloc child without libpython: skips, each
 * with its reason. */
static void without_numpy_or_libpython(family_test_t *ft, const char *membench) {
  json_t *doc;
  /* Without NumPy (here: a numpy on PYTHONPATH that cannot be imported, as a missing one) its
   * rows skip with the reason; the rest of the lesson runs. */
  char fake[600];
  snprintf(fake, sizeof fake, "%s/fakenumpy", ft->dir);
  CHECK(mkdir(fake, 0755) == 0);
  strcat(fake, "/numpy");
  CHECK(mkdir(fake, 0755) == 0);
  strcat(fake, "/__init__.py");
  FILE *np = fopen(fake, "w");
  CHECK(np != NULL);
  if (np) fputs("raise ImportError('no NumPy here (a test)')\n", np), fclose(np);
  *strrchr(fake, '/') = 0, *strrchr(fake, '/') = 0;
  setenv("PYTHONPATH", fake, 1);
  doc = family_test_run(ft, membench, "^python/getsizeof_(ndarray_1m|list3)$");
  unsetenv("PYTHONPATH");
  json_t *nd = doc ? find_bench(doc, "python/getsizeof_ndarray_1m") : NULL, *l3 = doc ? find_bench(doc, "python/getsizeof_list3") : NULL;
  if (l3 && !error_of(l3)) CHECK(nd && error_of(nd) && strstr(error_of(nd), "skipped: NumPy is not installed"));
  json_decref(doc);
  /* Without libpython (here: a library that does not exist) the pymalloc child skips. */
  setenv("MB_LIBPYTHON", "/nonexistent/libpython3.11.so.1.0", 1);
  doc = family_test_run(ft, membench, "^(alloc/pymalloc/pair/size:32|python/new_int|python/gc_collect/.*|python/recursion_pure/.*)$");
  unsetenv("MB_LIBPYTHON");
  static const char *const without[] = {"alloc/pymalloc/pair/size:32", "python/new_int", "python/gc_collect/n:10000",
                                        "python/recursion_pure/limit:1000000/iterations:1/real_time"};
  for (size_t k = 0; doc && k < sizeof without / sizeof *without; k++) {
    const char *m = error_of(find_bench(doc, without[k]));
    if (!(m && strstr(m, "skipped: no libpython3 to load"))) fprintf(stderr, "%s: %s\n", without[k], m ? m : "(measured)");
    CHECK(m && strstr(m, "skipped: no libpython3 to load"));
  }
  json_decref(doc);

}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  family_test_t ft;
  family_test_begin(&ft);
  test_proc_t *p = ft.p;

  json_t *doc = family_test_run(&ft, argv[1], "^alloc/");
  if (!doc) return TEST_EXIT();
  json_t *ctx = json_object_get(json_object_get(doc, "context"), "membench");
  const double pu = (double)json_integer_value(json_object_get(ctx, "pu"));
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    json_t *b = bench(doc, "alloc/%s/pair/size:32", all[i]);
    CHECK(b && !error_of(b));
    CHECK(num(b, "items_per_second") > 0);
    CHECK(num(b, "mb_pu") == pu); /* children run on the parent's PU */
    b = bench(doc, "alloc/%s/batch_random/size:32", all[i]);
    CHECK(b && !error_of(b));
  }
  /* The general allocators ran in children and proved their library. */
  json_t *fam = json_object_get(ctx, "families");
  for (size_t i = 0; i < sizeof general / sizeof *general; i++) {
    char key[64], want[32];
    snprintf(key, sizeof key, "alloc_%s_library", general[i]);
    snprintf(want, sizeof want, "%s", strcmp(general[i], "glibc") ? general[i] : "libc.so");
    const char *lib = json_string_value(json_object_get(fam, key));
    CHECK(lib && strstr(lib, want));
    json_t *b = bench(doc, "alloc/%s/prodcon_scatter/size:32/real_time", general[i]);
    CHECK(b && !error_of(b) && num(b, "thread0_pu") != num(b, "thread1_pu"));
    b = bench(doc, "alloc/%s/mixed", general[i]);
    CHECK(b && !error_of(b) && num(b, "mean_size") > 16);
  }
  /* The pool: malloc above 512 bytes. */
  CHECK(num(bench(doc, "alloc/%s/pair/size:32", "pool"), "fallback") == 0);
  CHECK(num(bench(doc, "alloc/%s/pair/size:4096", "pool"), "fallback") == 1);
  /* What cannot be done is skipped with the reason. */
  const char *e = error_of(bench(doc, "alloc/%s/mixed", "bump"));
  CHECK(e && strstr(e, "skipped: a bump region cannot free"));
  e = error_of(bench(doc, "alloc/%s/mixed", "freelist"));
  CHECK(e && strstr(e, "skipped: a free list serves one size"));
  e = error_of(bench(doc, "alloc/%s/prodcon_compact/size:32/real_time", "bump"));
  CHECK(e && strstr(e, "skipped"));
  /* Memory cost: internal fragmentation as the classes say; the pool gives arenas back. */
  json_t *pool = bench(doc, "alloc/%s/footprint/size:20/iterations:1/real_time", "pool");
  CHECK(pool && !error_of(pool));
  CHECK(num(pool, "requested_kib") >= 8192);
  CHECK(fabs(num(pool, "internal_frag") - 32.0 / 20.0) < 1e-9);
  CHECK(num(pool, "peak_rss_kib") >= num(pool, "requested_kib"));
  if (!test_emulated("the pool's RSS falls once all is freed", "qemu-user ignores madvise(MADV_DONTNEED)"))
    CHECK(num(pool, "rss_all_freed_kib") < 0.1 * num(pool, "peak_rss_kib"));
  json_t *glibc = bench(doc, "alloc/%s/footprint/size:20/iterations:1/real_time", "glibc");
  CHECK(glibc && fabs(num(glibc, "internal_frag") - 24.0 / 20.0) < 1e-9); /* 24 usable bytes */
  json_t *bump = bench(doc, "alloc/%s/footprint/size:20/iterations:1/real_time", "bump");
  CHECK(bump && fabs(num(bump, "internal_frag") - 32.0 / 20.0) < 1e-9);
  /* Nothing is freed block by block in a region: half freed is as resident as all. */
  CHECK(bump && num(bump, "rss_half_freed_kib") >= 0.9 * num(bump, "peak_rss_kib"));
  /* CPython's pymalloc, from libpython in its own child: proved by dladdr, its patterns
   * measured (no producer/consumer: the GIL), its block for 20 bytes measured (32 since
   * CPython 3.8's 16-byte classes) and its own account of arenas; or, without libpython,
   * every one skipped with the reason. */
  json_t *py = bench(doc, "alloc/%s/pair/size:32", "pymalloc");
  if (py && error_of(py)) {
    CHECK(strstr(error_of(py), "skipped:") && strstr(error_of(py), "libpython"));
  } else {
    CHECK(py && num(py, "items_per_second") > 0 && num(py, "mb_pu") == pu);
    const char *lib = json_string_value(json_object_get(fam, "alloc_pymalloc_library"));
    CHECK(lib && strstr(lib, "libpython"));
    CHECK(!error_of(bench(doc, "alloc/%s/batch_random/size:32", "pymalloc")) && !error_of(bench(doc, "alloc/%s/mixed", "pymalloc")));
    e = error_of(bench(doc, "alloc/%s/prodcon_scatter/size:32/real_time", "pymalloc"));
    CHECK(e && strstr(e, "skipped:") && strstr(e, "GIL"));
    json_t *pf = bench(doc, "alloc/%s/footprint/size:20/iterations:1/real_time", "pymalloc");
    CHECK(pf && !error_of(pf) && num(pf, "block_bytes") == 32 && num(pf, "threshold") == 512);
    CHECK(num(pf, "arena_bytes") >= 256 * 1024 && num(pf, "classes") >= 32);
    CHECK(num(pf, "rss_all_freed_kib") < num(pf, "peak_rss_kib"));
  }
  /* What a benchmark draws is its own (a stream seeded by its name): the mixed pattern's
   * sizes are the same run alone as after the rest of the family. */
  const double mean_size = num(bench(doc, "alloc/%s/mixed", "pool"), "mean_size");
  json_decref(doc);
  doc = family_test_run(&ft, argv[1], "^alloc/pool/mixed$");
  CHECK(doc && mean_size > 16 && num(find_bench(doc, "alloc/pool/mixed"), "mean_size") == mean_size);
  json_decref(doc);
  /* Python objects, in the same child: sizes from the interpreter itself. */
  doc = family_test_run(&ft, argv[1], "^python/");
  json_t *fl = doc ? find_bench(doc, "python/new_float") : NULL;
  if (fl && error_of(fl)) {
    CHECK(strstr(error_of(fl), "libpython"));
  } else if (fl) {
    CHECK(num(fl, "sizeof_bytes") >= 16 && num(fl, "block_bytes") >= num(fl, "sizeof_bytes"));
    json_t *t = find_bench(doc, "python/new_tuple2");
    CHECK(t && num(t, "getsizeof_bytes") > num(t, "sizeof_bytes")); /* the GC header */
    json_t *ls = find_bench(doc, "python/list_floats_sum/n:10000");
    CHECK(ls && !error_of(ls) && num(ls, "bytes_per_element") == 8 + num(fl, "block_bytes"));
    lesson_checks(doc);
  }
  json_decref(doc);
  without_numpy_or_libpython(&ft, argv[1]);

  /* A child whose LD_PRELOAD did not take skips with the reason (run one by hand). */
  setenv("MB_CHILD_PROCESS", "jemalloc", 1);
  char *av[] = {argv[1], "--mb_quick", "--benchmark_filter=^alloc/jemalloc/pair/size:32$", NULL};
  CHECK(test_run(p, av, 0, 0) == 0);
  unsetenv("MB_CHILD_PROCESS");
  CHECK_EQ_INT(p->status, 0);
  CHECK(strstr(p->out, "skipped: malloc here is") && strstr(p->out, "not jemalloc's"));

  /* JSON on stdout stays one document: the children's console goes to stderr. */
  char *av2[] = {argv[1], "--mb_quick", "--benchmark_format=json", "--benchmark_filter=^(harness/empty|alloc/glibc/pair/size:32)$", NULL};
  CHECK(test_run(p, av2, 0, 0) == 0);
  CHECK_EQ_INT(p->status, 0);
  json_t *j = json_loads(p->out, 0, NULL);
  CHECK(j && find_bench(j, "harness/empty"));
  CHECK(strstr(p->err, "alloc/glibc/pair/size:32"));
  json_decref(j);

  family_test_end(&ft);
  return TEST_EXIT();
}
