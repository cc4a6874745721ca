/*
 * test_stack_family.c: the stack and recursion families, run for real through the binary
 * (quick sweeps): every overflow probe survives and reports a depth that matches the stack
 * size over the measured frame size; fresh pages fault once each and MAP_POPULATE'd ones do
 * not; the fixed mmap threshold sends blocks of 128 KiB and more to mmap; stack sizes that do
 * not fit in what is left of the stack are skipped with the reason. No timing is asserted.
 * Usage: test_stack_family path/to/membench
 */
#include "testjson.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  family_test_t ft;
  family_test_begin(&ft);
  test_proc_t *p = ft.p;

  /* The two-thread hierarchy benchmark first: its joined 8 MiB thread stacks sit in
   * glibc's cache, which must not leak into the "2 MiB" probe. */
  json_t *doc = family_test_run(&ft, argv[1], "^(stack|recursion)/|^hierarchy/false_sharing/same_line:1/scatter:0");
  if (!doc) return TEST_EXIT();
  int probes = 0, have_faults = 0;
  size_t i;
  json_t *b;
  json_array_foreach(test_entries(doc), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    if (json_is_true(json_object_get(b, "error_occurred"))) {
      fprintf(stderr, "%s: %s\n", name, json_string_value(json_object_get(b, "error_message")));
      CHECK(!"no benchmark of the quick stack/recursion run may fail or skip here");
      continue;
    }
    if (strstr(name, "/overflow_")) {
      probes++;
      double depth = num(b, "depth"), frame = num(b, "frame_bytes"), stack = num(b, "stack_bytes");
      double expected = num(b, "expected_depth");
      CHECK_EQ_INT((int)num(b, "signal"), 11); /* SIGSEGV, reported, not a crash */
      const char *kib = strstr(name, "stack_kib:");
      if (kib) CHECK_EQ_INT((long long)stack, atoll(kib + 10) * 1024); /* the stack the name says */
      /* Within one frame of what the stack below the first frame allows, always; and within
       * 1% of stack size / frame size where the stack is 2 MiB or more. On a 256 KiB thread
       * stack glibc's thread descriptor and static TLS take ~5 KiB at the top (about 2%),
       * which the first check accounts for. */
      CHECK(fabs(depth - expected) <= 1.0);
      if (stack >= 2 << 20) CHECK(fabs(depth - stack / frame) <= 0.01 * stack / frame + 1);
      /* The fault is just below the usable stack: the guard, within one frame. */
      double below = num(b, "fault_below_stack");
      CHECK(below >= 0 && below <= frame + 128);
      fprintf(stderr, "%s: depth %.0f, %.0f B/frame, stack %.0f B, fault %.0f B below\n", name, depth, frame, stack, below);
    }
    if (strstr(name, "recursion/vla_max")) {
      CHECK(num(b, "max_vla_bytes") > 0.9 * num(b, "stack_left_bytes"));
      CHECK(num(b, "max_vla_bytes") <= num(b, "stack_left_bytes") + 4096);
    }
    if (!strncmp(name, "recursion/sum_", 14)) CHECK(num(b, "items_per_second") > 0);
    double pf = num(b, "page-faults");
    if (isnan(pf)) continue; /* this machine cannot count page faults: nothing to check */
    have_faults = 1;
    if (strstr(name, "stack/heap_first_touch/pages:64")) CHECK(fabs(pf - 64) <= 0.02 * 64);
    if (strstr(name, "stack/heap_populate/pages:64")) CHECK(pf < 1);
    if (strstr(name, "stack/heap_untouched/pages:64")) CHECK(pf < 1);
    if (strstr(name, "stack/heap_malloc_fixed/size:262144")) {
      CHECK_EQ_INT((int)num(b, "mmapped"), 1);
      CHECK(fabs(pf - 64) <= 0.02 * 64); /* touched: one fault per page of a fresh mmap */
    }
    if (strstr(name, "stack/heap_malloc_fixed/size:65536")) CHECK_EQ_INT((int)num(b, "mmapped"), 0);
    /* calloc of a fresh mapping faults its pages in; a recycled block (the dynamic threshold
     * has risen past 256 KiB after the first free) is memset in cached memory: no faults. */
    if (strstr(name, "stack/heap_calloc_fixed/size:262144")) {
      CHECK_EQ_INT((int)num(b, "mmapped"), 1);
      CHECK(fabs(pf - 64) <= 0.02 * 64);
    }
    if (strstr(name, "stack/heap_calloc/size:262144")) {
      CHECK_EQ_INT((int)num(b, "mmapped"), 0);
      CHECK(pf < 1);
    }
    if (strstr(name, "stack/threads/stack_kib:8192")) CHECK(num(b, "vm_kib_per_thread") >= 8192);
    if (strstr(name, "stack/threads/stack_kib:2048")) {
      CHECK(num(b, "vm_kib_per_thread") >= 2048 && num(b, "vm_kib_per_thread") < 2048 + 64);
      CHECK(num(b, "rss_kib_per_thread") < 256); /* reserved, not resident */
    }
  }
  CHECK(probes >= 4);
  if (!have_faults) printf("note: page-faults not countable here; the fault checks were not made\n");
  json_t *ctx = json_object_get(doc, "context");
  CHECK(json_is_string(json_object_get(ctx, "stack_layout_heap")));
  CHECK(json_is_string(json_object_get(ctx, "stack_layout_maps")));
  json_decref(doc);

  /* A 512 KiB stack: the 1 MiB stack variants cannot fit and are skipped with the reason;
   * small ones run; malloc of the same size does not care. */
  if (!test_emulated("a smaller RLIMIT_STACK skips the 1 MiB stack variants", "qemu-user gives a new process an 8 MiB stack whatever the limit")) {
    test_child_stack_limit = 512 * 1024;
    doc = run_json(argv[1], "^stack/(array_untouched|alloca_untouched|vla_untouched|malloc)/size:(16|1048576)$", ft.out, p);
    test_child_stack_limit = 0;
    CHECK(doc != NULL);
    int skipped = 0;
    json_array_foreach(test_entries(doc), i, b) {
      const char *name = json_string_value(json_object_get(b, "name"));
      int err = json_is_true(json_object_get(b, "error_occurred"));
      if (strstr(name, "size:1048576") && !strstr(name, "malloc")) {
        const char *msg = json_string_value(json_object_get(b, "error_message"));
        CHECK(err && msg && strstr(msg, "skipped:") && strstr(msg, "do not fit"));
        skipped += err;
      } else {
        CHECK(!err);
      }
    }
    CHECK_EQ_INT(skipped, 3);
    json_decref(doc);
  }
  family_test_end(&ft);
  return TEST_EXIT();
}
