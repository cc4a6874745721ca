/*
 * test_compare.c: the regression gate. The U test's p-values equal scipy 1.10's (values
 * below computed with scipy.stats.mannwhitneyu(alternative='two-sided'), which compare.py
 * calls); on Google Benchmark's sample inputs the changes and p-values equal compare.py's;
 * the committed baseline passes against itself and fails with one benchmark made 30% slower;
 * family thresholds, deterministic counts, machines, files in one side only; bad input is
 * one line and exit 2.
 * Usage: test_compare path/to/mbcompare path/to/baseline.json
 */
#include <jansson.h>

#include "mwu.h"
#include "testutil.h"

static const char *bin;

static int gate(test_proc_t *p, const char *a1, const char *a2, const char *a3, const char *a4) {
  char *av[] = {(char *)bin, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
  test_run(p, av, 0, 0);
  return p->status;
}

/* A result with `reps` repetitions of each named benchmark, the values scaled by factor
 * for the one named `slow`. */
static void write_result(const char *path, const char *machine, const char *slow, double factor, int deterministic) {
  json_t *doc = json_object(), *ctx = json_object(), *bs = json_array();
  if (machine) json_object_set_new(ctx, "mb_machine", json_string(machine));
  if (deterministic) json_object_set_new(ctx, "mb_deterministic", json_string("callgrind"));
  const char *names[] = {"fam/a", "fam/b", "other/c"};
  for (int k = 0; k < 3; k++)
    for (int r = 0; r < (deterministic ? 1 : 9); r++) {
      double v = (100 + 10 * k) * (1 + 0.003 * ((r * 7) % 5)) * (slow && !strcmp(slow, names[k]) ? factor : 1);
      json_t *b = json_pack("{s:s, s:s, s:i, s:f, s:f, s:s}", "name", names[k], "run_type", "iteration", "iterations", 1000,
                            "real_time", v, "cpu_time", v, "time_unit", "ns");
      if (deterministic) json_object_set_new(b, "instructions", json_real(slow && !strcmp(slow, names[k]) ? 100 * factor : 100));
      json_array_append_new(bs, b);
    }
  json_object_set_new(doc, "context", ctx);
  json_object_set_new(doc, "benchmarks", bs);
  json_dump_file(doc, path, 0);
  json_decref(doc);
}

/* A copy of a Google Benchmark file in dir, with a machine in its context as membench writes
 * it; its path into out. */
static void tag_copy(const char *from, const char *dir, const char *name, char *out, size_t len) {
  json_t *doc = json_load_file(from, 0, NULL);
  snprintf(out, len, "%s/%s", dir, name);
  if (!doc) return;
  json_object_set_new(json_object_get(doc, "context"), "mb_machine", json_string("gbench-inputs"));
  json_dump_file(doc, out, 0);
  json_decref(doc);
}

/* A result of membench's new form: `reps` repetitions of fam/bw (bytes_per_second, bigger is
 * better) at `bw`, of fam/t (real_time) at 100 ns; fam/gone in not_measured with `status`
 * (NULL: measured at 50 ns); method version `ver` for fam/t. */
static void write_new(const char *path, int reps, double bw, const char *status, int ver) {
  json_t *doc = json_object(), *bs = json_array(), *nm = json_array();
  json_object_set_new(doc, "context", json_pack("{s:s, s:{}}", "mb_machine", "box", "membench"));
  for (int r = 0; r < reps; r++) {
    double j = 1 + 0.003 * ((r * 7) % 5);
    json_array_append_new(bs, json_pack("{s:s, s:s, s:s, s:i, s:f, s:f, s:s, s:f, s:s, s:s}", "name", "fam/bw", "run_name", "fam/bw", "run_type",
                                        "iteration", "iterations", 10, "real_time", 100.0, "cpu_time", 100.0, "time_unit", "ns",
                                        "bytes_per_second", bw * j, "primary", "bytes_per_second", "direction", "bigger_is_better"));
    json_array_append_new(bs, json_pack("{s:s, s:s, s:i, s:f, s:f, s:s, s:s, s:s, s:i}", "name", "fam/t", "run_type", "iteration", "iterations", 10,
                                        "real_time", 100 * j, "cpu_time", 100 * j, "time_unit", "ns", "primary", "real_time", "direction",
                                        "smaller_is_better", "method_version", ver));
    if (!status)
      json_array_append_new(bs, json_pack("{s:s, s:s, s:i, s:f, s:f, s:s}", "name", "fam/gone", "run_type", "iteration", "iterations", 10,
                                          "real_time", 50 * j, "cpu_time", 50 * j, "time_unit", "ns"));
  }
  if (status) json_array_append_new(nm, json_pack("{s:s, s:s, s:s}", "name", "fam/gone", "status", status, "reason", "because"));
  json_object_set_new(doc, "benchmarks", bs);
  json_object_set_new(doc, "not_measured", nm);
  json_dump_file(doc, path, 0);
  json_decref(doc);
}

static const char *line_of(const char *out, const char *name) {
  const char *p = out;
  size_t l = strlen(name);
  while ((p = strstr(p, name)))
    if ((p == out || p[-1] == '\n') && p[l] == ' ') return p;
    else p++;
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  bin = argv[1];
  /* scipy 1.10.1 */
  double a[] = {10, 11, 12, 13, 14}, b[] = {15, 16, 17, 18, 19, 20};
  double c[] = {1, 2, 2, 3, 4, 5, 6, 7, 8, 9}, d[] = {2, 3, 5, 5, 6, 8, 9, 10, 11, 12};
  double e[] = {1.1, 2.3, 0.7, 4.4, 3.3, 9.1, 5.5, 6.6, 7.7, 8.8, 0.2, 1.9}, f[] = {2.2, 3.1, 4.2, 5.1, 6.2, 7.1, 8.2, 9.3, 10.1, 11.4};
  CHECK(fabs(mb_mwu_two_sided(a, 5, b, 6) - 0.0043290043) < 1e-9);  /* exact */
  CHECK(fabs(mb_mwu_two_sided(c, 10, d, 10) - 0.1195434088) < 1e-9); /* ties: normal, corrected */
  CHECK(fabs(mb_mwu_two_sided(e, 12, f, 10) - 0.1062063207) < 1e-9); /* large: normal */

  test_proc_t *p = malloc(sizeof *p);
  const char *in = "/usr/share/benchmark/gbench/Inputs";
  char f1[256], f2[256], dir[64];
  test_tmpdir(dir);
  snprintf(f1, sizeof f1, "%s/test1_run1.json", in);
  if (access(f1, R_OK) == 0) {
    /* A Google Benchmark file of another program is not membench's: refused. */
    snprintf(f2, sizeof f2, "%s/test1_run2.json", in);
    CHECK_EQ_INT(gate(p, f1, f2, NULL, NULL), 2);
    CHECK(strstr(p->err, "not membench's") && test_lines(p->err) == 1);
    /* compare.py (Google Benchmark 1.7.1, scipy 1.10.1) on its own inputs, given a machine. */
    tag_copy(f1, dir, "test1_run1.json", f1, sizeof f1);
    tag_copy(f2, dir, "test1_run2.json", f2, sizeof f2);
    CHECK_EQ_INT(gate(p, f1, f2, NULL, NULL), 0);
    struct {
      const char *name, *change;
    } t1[] = {{"BM_2xFaster", "-50.0%"}, {"BM_2xSlower", "+100.0%"}, {"BM_1PercentSlower", "+1.0%"},
              {"BM_10PercentFaster", "-10.0%"}, {"BM_100xSlower", "+9900.0%"}, {"BM_ThirdFaster", "-33.3%"},
              {"BM_NotBadTimeUnit", "-90.0%"}};
    for (size_t i = 0; i < sizeof t1 / sizeof t1[0]; i++) {
      const char *l = line_of(p->out, t1[i].name);
      CHECK(l && strstr(l, t1[i].change) && strstr(l, t1[i].change) < strchr(l, '\n'));
    }
    const char *l = line_of(p->out, "BM_DifferentTimeUnit"); /* compare.py leaves it out */
    CHECK(l && strstr(l, "not compared"));
    snprintf(f1, sizeof f1, "%s/test3_run0.json", in);
    snprintf(f2, sizeof f2, "%s/test3_run1.json", in);
    tag_copy(f1, dir, "test3_run0.json", f1, sizeof f1);
    tag_copy(f2, dir, "test3_run1.json", f2, sizeof f2);
    CHECK_EQ_INT(gate(p, f1, f2, NULL, NULL), 0);
    CHECK((l = line_of(p->out, "BM_Two")) && strstr(l, "1.0000"));
    CHECK((l = line_of(p->out, "short")) && strstr(l, "0.7671"));
    CHECK_EQ_INT(gate(p, "--field=cpu_time", f1, f2, NULL), 0);
    CHECK((l = line_of(p->out, "BM_Two")) && strstr(l, "0.6667"));
    CHECK((l = line_of(p->out, "short")) && strstr(l, "0.2000"));
  } else {
    printf("note: %s missing (package libbenchmark-tools): compare.py agreement not checked\n", in);
  }

  char base[128], same[128], slow[128], slow5[128], other[128], det0[128], det1[128], bad[128], inj[128];
  snprintf(base, sizeof base, "%s/base.json", dir);
  snprintf(same, sizeof same, "%s/same.json", dir);
  snprintf(slow, sizeof slow, "%s/slow.json", dir);
  snprintf(slow5, sizeof slow5, "%s/slow5.json", dir);
  snprintf(other, sizeof other, "%s/other.json", dir);
  snprintf(det0, sizeof det0, "%s/det0.json", dir);
  snprintf(det1, sizeof det1, "%s/det1.json", dir);
  snprintf(bad, sizeof bad, "%s/bad.json", dir);
  snprintf(inj, sizeof inj, "%s/injected.json", dir);
  write_result(base, "box", NULL, 1, 0);
  write_result(same, "box", NULL, 1, 0);
  write_result(slow, "box", "fam/b", 1.3, 0);
  write_result(slow5, "box", "fam/b", 1.05, 0);
  write_result(other, "elsewhere", NULL, 1, 0);
  CHECK_EQ_INT(gate(p, base, same, NULL, NULL), 0);
  CHECK(strstr(p->out, "no regression"));
  CHECK_EQ_INT(gate(p, base, slow, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/b") && strstr(line_of(p->out, "fam/b"), "SLOWER"));
  CHECK(strstr(p->out, "REGRESSION"));
  CHECK_EQ_INT(gate(p, base, slow5, NULL, NULL), 0); /* significant, but within 10% */
  CHECK_EQ_INT(gate(p, "--threshold=0.02", base, slow5, NULL), 1);
  CHECK_EQ_INT(gate(p, "--family_threshold=fam=0.5", base, slow, NULL), 0);
  CHECK_EQ_INT(gate(p, "--family_threshold=other=0.5", base, slow, NULL), 1);
  CHECK_EQ_INT(gate(p, base, other, NULL, NULL), 0);
  CHECK(strstr(p->err, "different machines"));
  write_result(det0, NULL, NULL, 1, 1);
  write_result(det1, NULL, "fam/a", 1.01, 1);
  CHECK_EQ_INT(gate(p, det0, det0, NULL, NULL), 0);
  CHECK_EQ_INT(gate(p, det0, det1, NULL, NULL), 1);
  CHECK(strstr(p->out, "MORE INSTRUCTIONS"));
  CHECK_EQ_INT(gate(p, "--tolerance=0.02", det0, det1, NULL), 0);
  CHECK_EQ_INT(gate(p, det0, base, NULL, NULL), 2); /* counts against timings */

  /* Bad input: one line, exit 2. */
  FILE *fb = fopen(bad, "w");
  fputs("{\"context\": {}, \"benchmarks\": [{\"name\": \"fam/a\", \"real_", fb);
  fclose(fb);
  const char *bads[][3] = {{base, bad, NULL}, {base, "/nonexistent.json", NULL}, {"--threshold=lots", base, same},
                           {"--bogus", base, same}, {base, NULL, NULL}, {"--family_threshold=fam", base, same}};
  for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
    int rc = gate(p, bads[i][0], bads[i][1], bads[i][2], NULL);
    if (rc != 2 || test_lines(p->err) != 1) fprintf(stderr, "bad case %zu: exit %d, stderr:\n%s", i, rc, p->err);
    CHECK(rc == 2 && test_lines(p->err) == 1);
  }

  /* The gate fails closed: an empty result, one where everything errored, a NaN threshold:
   * nothing compared or no verdict possible, exit 2. */
  char n0[128], n1[128], nskip[128], nfail[128], nworse[128], nbetter[128], nver[128], n3[128], empty[128], allerr[128];
  const char *names[] = {n0, n1, nskip, nfail, nworse, nbetter, nver, n3, empty, allerr};
  const char *stems[] = {"n0", "n1", "nskip", "nfail", "nworse", "nbetter", "nver", "n3", "empty", "allerr"};
  for (int k = 0; k < 10; k++) snprintf((char *)names[k], 128, "%s/%s.json", dir, stems[k]);
  write_new(n0, 9, 1e9, NULL, 1);
  write_new(n1, 9, 1e9, NULL, 1);
  write_new(nskip, 9, 1e9, "skipped", 1);
  write_new(nfail, 9, 1e9, "failed", 1);
  write_new(nworse, 9, 0.7e9, NULL, 1);
  write_new(nbetter, 9, 1.3e9, NULL, 1);
  write_new(nver, 9, 1e9, NULL, 2);
  write_new(n3, 3, 1e9, NULL, 1);
  write_new(empty, 0, 1e9, NULL, 1);
  write_new(allerr, 0, 1e9, "failed", 1);
  CHECK_EQ_INT(gate(p, n0, n1, NULL, NULL), 0);
  CHECK_EQ_INT(gate(p, n0, empty, NULL, NULL), 2);
  CHECK(strstr(p->err, "nothing was compared"));
  CHECK_EQ_INT(gate(p, n0, allerr, NULL, NULL), 2);
  CHECK_EQ_INT(gate(p, "--threshold=nan", n0, n1, NULL), 2);
  CHECK_EQ_INT(gate(p, "--threshold=inf", n0, n1, NULL), 2);
  /* Skipped or vanished in the new result: a failure unless allowed; a failed check fails. */
  CHECK_EQ_INT(gate(p, n0, nskip, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/gone") && strstr(line_of(p->out, "fam/gone"), "skipped in new"));
  CHECK_EQ_INT(gate(p, "--allow_missing", n0, nskip, NULL), 0);
  CHECK_EQ_INT(gate(p, n0, nfail, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/gone") && strstr(line_of(p->out, "fam/gone"), "FAILED in new"));
  /* The primary figure in its own direction: 30% less bandwidth is worse, 30% more better. */
  CHECK_EQ_INT(gate(p, n0, nworse, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/bw") && strstr(line_of(p->out, "fam/bw"), "WORSE"));
  CHECK_EQ_INT(gate(p, n0, nbetter, NULL, NULL), 0);
  CHECK(line_of(p->out, "fam/bw") && strstr(line_of(p->out, "fam/bw"), "better"));
  /* A changed method is not compared; too few repetitions are named. */
  CHECK_EQ_INT(gate(p, n0, nver, NULL, NULL), 0);
  CHECK(line_of(p->out, "fam/t") && strstr(line_of(p->out, "fam/t"), "method changed"));
  CHECK_EQ_INT(gate(p, n3, n3, NULL, NULL), 0);
  CHECK(strstr(p->err, "can never reach p < 0.05") && strstr(p->err, "at least 4"));

  /* The committed baseline: passes against itself; one benchmark 30% slower fails. */
  json_t *doc = json_load_file(argv[2], 0, NULL);
  if (doc) {
    CHECK_EQ_INT(gate(p, argv[2], argv[2], NULL, NULL), 0);
    size_t i;
    json_t *bb;
    const char *victim = NULL;
    json_array_foreach(json_object_get(doc, "benchmarks"), i, bb) {
      const char *name = json_string_value(json_object_get(bb, "name"));
      const char *prim = json_string_value(json_object_get(bb, "primary")); /* gated on its primary figure: a time here */
      if (!victim && !json_object_get(bb, "aggregate_name") && (!prim || !strcmp(prim, "real_time"))) victim = name;
      if (victim && !strcmp(name, victim) && !json_object_get(bb, "aggregate_name"))
        json_object_set_new(bb, "real_time", json_real(1.3 * json_number_value(json_object_get(bb, "real_time"))));
    }
    json_dump_file(doc, inj, 0);
    CHECK_EQ_INT(gate(p, argv[2], inj, NULL, NULL), 1);
    CHECK(victim && line_of(p->out, victim) && strstr(line_of(p->out, victim), "SLOWER"));
    json_decref(doc);
  } else {
    printf("note: no committed baseline at %s: the injected-regression check was not made\n", argv[2]);
  }
  free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
