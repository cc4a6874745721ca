/*
 * test_layout_family.c: the traverse, gemm, layout and align families, run for real through
 * the binary (quick sweeps). Every kernel's own check passed (sums, copies, transposes,
 * products against dot products, loads and stores); the struct sizes are the lesson's; the
 * boxed objects occupy more than a double; the misaligned accesses say what they cross;
 * the split-lock variant stays off unless asked. No timing is asserted.
 * Usage: test_layout_family path/to/membench
 */
#include "testjson.h"

/* Lines of another size: 128 bytes told by MB_CACHE_LINE, none in the topology (qemu-user). */
static void other_cache_lines(family_test_t *ft, const char *membench) {
  json_t *doc, *ctx;
  /* A machine with 128-byte lines (Apple's cores), told by MB_CACHE_LINE: offset 60 of size 8
   * still crosses a line, offset 0 does not, as the addresses themselves say; the touched
   * stack variants store to every 128th byte and still pass their checks. */
  setenv("MB_CACHE_LINE", "128", 1);
  doc = family_test_run(ft, membench, "^(align/(load|store)_l1_line/size:8/offset:(0|60)|stack/malloc_touched/size:4096)$");
  unsetenv("MB_CACHE_LINE");
  if (doc) {
    ctx = json_object_get(json_object_get(doc, "context"), "membench");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(ctx, "topology"), "cache_line_used")), 128);
    CHECK_EQ_INT(json_integer_value(json_object_get(ctx, "failed")), 0);
    static const char *op[] = {"load", "store"};
    for (int k = 0; k < 2; k++) {
      char name[128];
      for (int off = 0; off <= 60; off += 60) { /* the quick sweep's offsets */
        snprintf(name, sizeof name, "align/%s_l1_line/size:8/offset:%d/iterations:262144", op[k], off);
        json_t *e = find_bench(doc, name);
        CHECK(e && !error_of(e) && num(e, "line_split") == (off == 60) && num(e, "page_split") == 0);
      }
    }
    json_t *m = find_bench(doc, "stack/malloc_touched/size:4096");
    CHECK(m && !error_of(m));
    json_decref(doc);
  }

  /* A topology with no caches at all (as qemu-user's, where align kernels overflowed their
   * buffers with a line of 0): a sane line from sysconf or 64 with the reason, and the
   * line-split kernels run and pass their checks. */
  setenv("HWLOC_SYNTHETIC", "pack:1 core:2 pu:1", 1);
  doc = family_test_run(ft, membench, "^align/(load|store)_l1_line/size:8/offset:(0|60)$");
  unsetenv("HWLOC_SYNTHETIC");
  if (doc) {
    ctx = json_object_get(json_object_get(doc, "context"), "membench");
    json_t *topo = json_object_get(ctx, "topology");
    long long used = json_integer_value(json_object_get(topo, "cache_line_used"));
    const char *from = json_string_value(json_object_get(topo, "cache_line_from"));
    printf("no caches in the topology: line %lld from %s\n", used, from ? from : "?");
    CHECK_EQ_INT(json_integer_value(json_object_get(topo, "cache_line")), 0);
    CHECK(used >= 16 && used <= 256 && !(used & (used - 1)));
    CHECK(from && strcmp(from, "hwloc"));
    CHECK_EQ_INT(json_integer_value(json_object_get(ctx, "failed")), 0);
    CHECK(find_bench(doc, "align/store_l1_line/size:8/offset:60/iterations:262144") != NULL);
    json_decref(doc);
  }

}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  family_test_t ft;
  family_test_begin(&ft);

  json_t *doc = family_test_run(&ft, argv[1], "^(traverse|gemm|layout|align)/");
  if (!doc) return TEST_EXIT();
  json_t *ctx = json_object_get(json_object_get(doc, "context"), "membench");
  CHECK_EQ_INT(json_integer_value(json_object_get(ctx, "failed")), 0);
  CHECK(json_is_true(json_object_get(ctx, "pinned")));

  /* Every benchmark ran (only the opt-in split lock is skipped), pinned where it says. */
  size_t i, ran = 0, skipped = 0;
  json_t *b;
  json_array_foreach(test_entries(doc), i, b) {
    const char *e = json_string_value(json_object_get(b, "error_message"));
    const char *n = json_string_value(json_object_get(b, "name"));
    if (e) {
      skipped++;
#if defined(__aarch64__)
      CHECK(strstr(n, "align/atomic_split/") == n && strstr(e, "no split lock on AArch64"));
#else
      CHECK(strstr(n, "align/atomic_split/") == n && strstr(e, "opt-in: MB_SPLIT_LOCK=1"));
#endif
      continue;
    }
    ran++;
    CHECK(num(b, "mb_pu") == (double)json_integer_value(json_object_get(ctx, "pu")));
  }
  CHECK(ran > 100);
  CHECK_EQ_INT(skipped, 3);

  /* The lesson's structs. */
  CHECK(num(find_bench(doc, "layout/padded_one/records:1000"), "bytes_per_record") == 24);
  CHECK(num(find_bench(doc, "layout/reordered_one/records:1000"), "bytes_per_record") == 16);
  CHECK(num(find_bench(doc, "layout/packed_all/records:1000"), "bytes_per_record") == 14);
  CHECK(fabs(num(find_bench(doc, "layout/padded_one/records:1000"), "mib_per_million") - 24e6 / 1048576) < 1e-9);
  /* A boxed double: a pointer and an object of at least 24 bytes. */
  CHECK(num(find_bench(doc, "layout/unboxed/n:10000"), "bytes_per_element") == 8);
  CHECK(num(find_bench(doc, "layout/boxed_malloc_inorder/n:10000"), "bytes_per_element") >= 32);
  CHECK(num(find_bench(doc, "layout/boxed_pool_inorder/n:10000"), "bytes_per_element") == 8 + 32);

  /* Misaligned accesses: what each crosses. */
  json_t *a = find_bench(doc, "align/load_l1_line/size:8/offset:60/iterations:262144");
  CHECK(a && num(a, "line_split") == 1 && num(a, "page_split") == 0);
  a = find_bench(doc, "align/store_l1_page/size:8/offset:60/iterations:262144");
  CHECK(a && num(a, "line_split") == 1 && num(a, "page_split") == 1);
  a = find_bench(doc, "align/load_dram_page/size:4/offset:60/iterations:1");
  CHECK(a && num(a, "line_split") == 0 && num(a, "page_split") == 0);
  /* From memory: one pass over 32,768 flushed lines per run, stated per access (a miss to
   * DRAM takes nanoseconds, an L1 hit well under one). */
  CHECK(a && num(a, "ns_per_access") > 0 && num(a, "items_per_second") > 0);
  a = find_bench(doc, "align/load_l1_line/size:64/offset:0/iterations:262144");
  CHECK(a && num(a, "line_split") == 0);
  /* The same locations as a dependent chain: every size, measured and checked (the chain
   * came back to its start, every value loaded), what it crosses as the loads say. */
  static const int chase_sizes[] = {4, 8, 16, 32, 64};
  for (int k = 0; k < 5; k++) {
    char n[96];
    snprintf(n, sizeof n, "align/chase_dram_line/size:%d/offset:60/iterations:1", chase_sizes[k]);
    a = find_bench(doc, n);
    CHECK(a && !error_of(a) && num(a, "ns_per_access") > 0 && num(a, "line_split") == (60 + chase_sizes[k] > 64));
  }
  a = find_bench(doc, "align/chase_dram_page/size:8/offset:60/iterations:1");
  CHECK(a && !error_of(a) && num(a, "page_split") == 1);

  /* Traversal: the matrix level is reported; the products were checked entry by entry. */
  json_t *t = find_bench(doc, "traverse/col_sum/n:1024");
  CHECK(t && num(t, "matrix_bytes") == 1024.0 * 1024 * 8 && num(t, "level") >= 0 && num(t, "level") <= 9);
  CHECK(find_bench(doc, "gemm/blas_col_t/n:64") != NULL);
  CHECK(num(find_bench(doc, "gemm/blas_row/n:64"), "blas_threads") == 1);
  CHECK(num(find_bench(doc, "gemm/ikj/n:64"), "items_per_second") > 0);
  json_decref(doc);

  other_cache_lines(&ft, argv[1]);

  family_test_end(&ft);
  return TEST_EXIT();
}
