/*
 * test_compare.c: the regression gate. The U test's p-values equal scipy 1.10's (values
 * below computed with scipy.stats.mannwhitneyu(alternative='two-sided'), which compare.py
 * calls); on Google Benchmark's sample inputs the changes and p-values equal compare.py's;
 * the committed baseline passes against itself and fails with one benchmark made 30% slower;
 * family thresholds, deterministic counts, machines, files in one side only; bad input is
 * one line and exit 2. It fails closed (exit 2, never 0) on what it cannot judge, and exit 1
 * is a regression alone; disturbed repetitions are no measurement; --paired (rounds of two
 * builds) finds a slowdown in one benchmark and none in noise alike on both sides.
 * Usage: test_compare path/to/mbcompare path/to/baseline.json
 */
#include <jansson.h>

#include "mwu.h"
#include "signrank.h"
#include "testutil.h"

static const char *bin;

static int gate(test_proc_t *p, const char *a1, const char *a2, const char *a3, const char *a4) {
  char *av[] = {(char *)bin, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
  test_run(p, av, 0, 0);
  return p->status;
}

/* The context of a membench result of machine `m`: its name and a fingerprint of its own. */
static json_t *context_of(const char *m) {
  return json_pack("{s:s, s:{s:{s:s, s:i, s:s}}}", "mb_machine", m, "membench", "fingerprint", "cpu_model", m, "cores", 2, "kernel", "6.1");
}

/* A result with `reps` repetitions of each named benchmark, the values scaled by factor
 * for the one named `slow`. */
static void write_result(const char *path, const char *machine, const char *slow, double factor, int deterministic) {
  json_t *doc = json_object(), *ctx = machine ? context_of(machine) : json_object(), *bs = json_array();
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
  json_object_set_new(doc, "context", context_of("box"));
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


/* A result of `n` benchmarks fam/k0.. each with `reps` repetitions at 100 * scale ns (times
 * in `unit`), the first `disturbed` repetitions of each marked mb_disturbed; with `primary`,
 * a bandwidth figure declared primary (bytes_per_second = 1e9 / scale); `aggregates_only`:
 * only a mean entry per benchmark, as --benchmark_report_aggregates_only writes it. */
static void write_many(const char *path, int n, int reps, double scale, const char *unit, int disturbed, int primary, int aggregates_only,
                       unsigned seed) {
  json_t *doc = json_object(), *bs = json_array();
  json_object_set_new(doc, "context", context_of("box"));
  double per = !strcmp(unit, "us") ? 1e-3 : !strcmp(unit, "ms") ? 1e-6 : 1;
  for (int k = 0; k < n; k++) {
    char name[32];
    snprintf(name, sizeof name, "fam/k%d", k);
    for (int r = 0; r < reps; r++) {
      seed = seed * 1103515245u + 12345u;
      double j = 1 + 0.01 * (double)((seed >> 16) % 100) / 100; /* 0-1% noise */
      json_t *b = json_pack("{s:s, s:s, s:s, s:i, s:f, s:f, s:s, s:f}", "name", name, "run_name", name, "run_type",
                            aggregates_only ? "aggregate" : "iteration", "iterations", 10, "real_time", 100 * scale * j * per, "cpu_time",
                            100 * scale * j * per, "time_unit", unit, "bytes_per_second", 1e9 / (scale * j));
      if (aggregates_only) json_object_set_new(b, "aggregate_name", json_string("mean"));
      if (primary) {
        json_object_set_new(b, "primary", json_string("bytes_per_second"));
        json_object_set_new(b, "direction", json_string("bigger_is_better"));
      }
      if (r < disturbed) {
        json_object_set_new(b, "mb_disturbed", json_true());
        json_object_set_new(b, "mb_disturbed_reason", json_string("run-queue wait 50%"));
      }
      json_array_append_new(bs, b);
      if (aggregates_only) break;
    }
  }
  json_object_set_new(doc, "benchmarks", bs);
  json_dump_file(doc, path, 0);
  json_decref(doc);
}

/* The gate's statistics against scipy 1.10 (scipy.stats.wilcoxon(d, alternative=...,
 * method='exact'); the Walsh averages' median and the 95% bounds by hand). */
static void check_signrank(void) {
  double d[] = {0.12, 0.08, -0.03, 0.15, 0.09, 0.11, 0.02, 0.13, -0.01, 0.10}, pp, pn, lo, hi;
  CHECK_EQ_INT(mb_signrank(d, 10, &pp, &pn), 10);
  CHECK(fabs(pp - 0.0068359375) < 1e-12 && fabs(pn - 0.9951171875) < 1e-12);
  double hl = mb_hodges_lehmann(d, 10, 0.05, &lo, &hi);
  CHECK(fabs(hl - 0.085) < 1e-12 && fabs(lo - 0.035) < 1e-12 && fabs(hi - 0.12) < 1e-12);
  double t[] = {1, 2, 2, 3, -1, 0}; /* ties share a mid-rank; the zero is dropped */
  CHECK_EQ_INT(mb_signrank(t, 6, &pp, &pn), 5);
  CHECK(fabs(pp - 3.0 / 32) < 1e-12);
  double p[] = {0.01, 0.04, 0.03, 0.005};
  int sig[4];
  mb_holm(p, 4, 0.05, sig);
  CHECK(sig[0] && !sig[1] && !sig[2] && sig[3]);
}

/* Rounds of a paired run: base and head files per round in dir, head's fam/k0 `slow` times
 * slower, every value moved by a drift common to the round (up to 2x, as this machine's) and
 * noise of its own; `disturbed_rounds` of head's rounds all disturbed. Paths into files. */
static int write_rounds(const char *dir, int rounds, double slow, int disturbed_rounds, char files[][128]) {
  unsigned seed = 7;
  for (int r = 0; r < rounds; r++) {
    seed = seed * 1103515245u + 12345u;
    double drift = 1 + (double)((seed >> 16) % 100) / 100;
    for (int side = 0; side < 2; side++) {
      char *f = files[2 * r + side];
      snprintf(f, 128, "%s/%s-%d.json", dir, side ? "head" : "base", r);
      write_many(f, 5, 3, drift, "ns", side && r < disturbed_rounds ? 3 : 0, 0, 0, seed + (unsigned)side);
      if (side && slow != 1) { /* fam/k0 slower in head */
        json_t *doc = json_load_file(f, 0, NULL);
        size_t i;
        json_t *b;
        json_array_foreach(json_object_get(doc, "benchmarks"), i, b) if (!strcmp(json_string_value(json_object_get(b, "name")), "fam/k0"))
          json_object_set_new(b, "real_time", json_real(slow * json_number_value(json_object_get(b, "real_time"))));
        json_dump_file(doc, f, 0);
        json_decref(doc);
      }
    }
  }
  return 2 * rounds;
}

static int gate_argv(test_proc_t *p, char **extra, int nextra, char files[][128], int nfiles) {
  char *av[160];
  int n = 0;
  av[n++] = (char *)bin;
  for (int i = 0; i < nextra; i++) av[n++] = extra[i];
  for (int i = 0; i < nfiles; i++) av[n++] = files[i];
  av[n] = NULL;
  test_run(p, av, 0, 0);
  return p->status;
}

/* What the gate cannot judge, it says, exit 2; disturbed repetitions are no measurement. */
static void check_fail_closed(test_proc_t *p, const char *dir) {
  char a[128], b[128], d[128];
  snprintf(a, sizeof a, "%s/fc_a.json", dir);
  snprintf(b, sizeof b, "%s/fc_b.json", dir);
  snprintf(d, sizeof d, "%s/fc_d.json", dir);
  /* --benchmark_report_aggregates_only, 10x slower: refused, not "4 same". */
  write_many(a, 4, 9, 1, "ns", 0, 0, 0, 1);
  write_many(b, 4, 9, 10, "ns", 0, 0, 1, 2);
  CHECK_EQ_INT(gate(p, a, b, NULL, NULL), 2);
  CHECK(strstr(p->err, "aggregates only") && test_lines(p->err) == 1);
  /* One repetition each, 3x slower: not "no regression". */
  write_many(b, 4, 1, 3, "ns", 0, 0, 0, 3);
  CHECK_EQ_INT(gate(p, a, b, NULL, NULL), 2);
  CHECK(strstr(p->out, "too few repetitions"));
  /* An older baseline without the declared primary figure: judged on the bandwidth NEW
   * declares, which the old entries have too (3x less: worse, exit 1). */
  write_many(d, 4, 9, 3, "ns", 0, 1, 0, 5); /* a (the base) declares no primary figure */
  CHECK_EQ_INT(gate(p, a, d, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/k0") && strstr(line_of(p->out, "fam/k0"), "WORSE"));
  /* Times in other units are converted, never left out: 100 ns against 0.1 us is the same. */
  write_many(b, 4, 9, 1, "us", 0, 0, 0, 6);
  CHECK_EQ_INT(gate(p, a, b, NULL, NULL), 0);
  CHECK(strstr(p->out, "4 of 4 benchmarks judged"));
  /* A baseline of 3 benchmarks against a run of 40: only 3 judged of 40, under the floor. */
  write_many(a, 3, 9, 1, "ns", 0, 0, 0, 7);
  write_many(b, 40, 9, 1, "ns", 0, 0, 0, 8);
  CHECK_EQ_INT(gate(p, a, b, NULL, NULL), 2);
  CHECK(strstr(p->err, "only 3 of 40 benchmarks judged"));
  /* Disturbed: every repetition of new 1.3x slower but marked: never called a regression. */
  write_many(a, 4, 9, 1, "ns", 0, 0, 0, 9);
  write_many(b, 4, 9, 1.3, "ns", 9, 0, 0, 10);
  CHECK(gate(p, a, b, NULL, NULL) != 1);
  CHECK(line_of(p->out, "fam/k0") && strstr(line_of(p->out, "fam/k0"), "disturbed: not judged"));
  CHECK(strstr(p->out, "4 disturbed"));
  /* Two of nine disturbed: judged on the seven clean ones (1.3x slower: a regression). */
  write_many(b, 4, 9, 1.3, "ns", 2, 0, 0, 11);
  CHECK_EQ_INT(gate(p, a, b, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/k0") && strstr(line_of(p->out, "fam/k0"), "SLOWER") && strstr(line_of(p->out, "fam/k0"), "disturbed repetitions left out"));
}

/* Rounds of two builds: drift common to a round (up to 2x) falls out; 12% slower in one
 * benchmark is found and named; disturbed rounds are left out and counted; too few rounds
 * cannot be judged. */
static void check_paired(test_proc_t *p, const char *dir) {
  static char files[2 * 40][128];
  char *paired[] = {"--paired"};
  int n = write_rounds(dir, 20, 1, 0, files);
  CHECK_EQ_INT(gate_argv(p, paired, 1, files, n), 0);
  CHECK(strstr(p->out, "no regression") && strstr(p->out, "5 of 5 benchmarks judged"));
  n = write_rounds(dir, 20, 1.12, 0, files);
  CHECK_EQ_INT(gate_argv(p, paired, 1, files, n), 1);
  const char *l = line_of(p->out, "fam/k0");
  CHECK(l && strstr(l, "SLOWER") && strstr(l, "+12."));
  CHECK(line_of(p->out, "fam/k1") && strstr(line_of(p->out, "fam/k1"), "same"));
  /* Within the minimum effect (--threshold=0.15): not a regression. */
  char *loose[] = {"--paired", "--threshold=0.15"};
  CHECK_EQ_INT(gate_argv(p, loose, 2, files, n), 0);
  /* Eight disturbed rounds of twenty: judged on twelve. */
  n = write_rounds(dir, 20, 1.12, 8, files);
  CHECK_EQ_INT(gate_argv(p, paired, 1, files, n), 1);
  CHECK((l = line_of(p->out, "fam/k0")) && strstr(l, "12 rounds") && strstr(l, "disturbed rounds left out"));
  /* Eighteen of twenty disturbed: not judged, and never a regression. */
  n = write_rounds(dir, 20, 1.12, 18, files);
  CHECK_EQ_INT(gate_argv(p, paired, 1, files, n), 2);
  CHECK((l = line_of(p->out, "fam/k0")) && strstr(l, "disturbed: not judged"));
  /* Three rounds can never reach significance over five benchmarks: said, exit 2. */
  n = write_rounds(dir, 3, 1.5, 0, files);
  CHECK_EQ_INT(gate_argv(p, paired, 1, files, n), 2);
  CHECK((l = line_of(p->out, "fam/k0")) && strstr(l, "too few rounds"));
  /* An odd number of files is no set of rounds. */
  CHECK_EQ_INT(gate_argv(p, paired, 1, files, 5), 2);
  CHECK(test_lines(p->err) == 1);
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
    /* They carry no fingerprint; single runs: the changes are shown, nothing judged (2). */
    CHECK_EQ_INT(gate(p, "--any_machine", f1, f2, NULL), 2);
    struct {
      const char *name, *change;
    } t1[] = {{"BM_2xFaster", "-50.0%"}, {"BM_2xSlower", "+100.0%"}, {"BM_1PercentSlower", "+1.0%"},
              {"BM_10PercentFaster", "-10.0%"}, {"BM_100xSlower", "+9900.0%"}, {"BM_ThirdFaster", "-33.3%"},
              {"BM_NotBadTimeUnit", "-90.0%"}};
    for (size_t i = 0; i < sizeof t1 / sizeof t1[0]; i++) {
      const char *l = line_of(p->out, t1[i].name);
      CHECK(l && strstr(l, t1[i].change) && strstr(l, t1[i].change) < strchr(l, '\n'));
    }
    /* compare.py leaves it out; the gate converts both to ns (1 s and 1 ms in the file). */
    const char *l = line_of(p->out, "BM_DifferentTimeUnit");
    CHECK(l && strstr(l, "-100.0%") && strstr(l, "too few repetitions"));
    snprintf(f1, sizeof f1, "%s/test3_run0.json", in);
    snprintf(f2, sizeof f2, "%s/test3_run1.json", in);
    tag_copy(f1, dir, "test3_run0.json", f1, sizeof f1);
    tag_copy(f2, dir, "test3_run1.json", f2, sizeof f2);
    CHECK_EQ_INT(gate(p, "--any_machine", f1, f2, NULL), 2); /* two repetitions: p shown, no verdict */
    CHECK((l = line_of(p->out, "BM_Two")) && strstr(l, "1.0000"));
    CHECK((l = line_of(p->out, "short")) && strstr(l, "0.7671"));
    CHECK_EQ_INT(gate(p, "--field=cpu_time", "--any_machine", f1, f2), 2);
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
  /* Another machine's result: refused, naming what differs (the fingerprint's fields). */
  CHECK_EQ_INT(gate(p, base, other, NULL, NULL), 2);
  CHECK(strstr(p->err, "different machines") && strstr(p->err, "cpu_model") && !strstr(p->err, "kernel") && test_lines(p->err) == 1);
  CHECK_EQ_INT(gate(p, "--any_machine", base, other, NULL), 0);
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
  /* Skipped or vanished in the new result: not judged (2) unless allowed; a failed check is
   * not judged either: exit 1 is a regression and nothing else. */
  CHECK_EQ_INT(gate(p, n0, nskip, NULL, NULL), 2);
  CHECK(line_of(p->out, "fam/gone") && strstr(line_of(p->out, "fam/gone"), "skipped in new"));
  CHECK(strstr(p->err, "could not judge") && strstr(p->err, "not measured in new"));
  CHECK_EQ_INT(gate(p, "--allow_missing", "--coverage=0.5", n0, nskip), 0);
  CHECK_EQ_INT(gate(p, n0, nfail, NULL, NULL), 2);
  CHECK(line_of(p->out, "fam/gone") && strstr(line_of(p->out, "fam/gone"), "FAILED in new"));
  /* The primary figure in its own direction: 30% less bandwidth is worse, 30% more better. */
  CHECK_EQ_INT(gate(p, n0, nworse, NULL, NULL), 1);
  CHECK(line_of(p->out, "fam/bw") && strstr(line_of(p->out, "fam/bw"), "WORSE"));
  CHECK_EQ_INT(gate(p, n0, nbetter, NULL, NULL), 0);
  CHECK(line_of(p->out, "fam/bw") && strstr(line_of(p->out, "fam/bw"), "better"));
  /* A changed method is not compared, and counts against the coverage (2 of 3 judged); too
   * few repetitions to ever reach significance: not judged, exit 2. */
  CHECK_EQ_INT(gate(p, n0, nver, NULL, NULL), 2);
  CHECK(line_of(p->out, "fam/t") && strstr(line_of(p->out, "fam/t"), "method changed"));
  CHECK(strstr(p->err, "only 2 of 3 benchmarks judged"));
  CHECK_EQ_INT(gate(p, "--coverage=0.6", n0, nver, NULL), 0);
  CHECK_EQ_INT(gate(p, n3, n3, NULL, NULL), 2);
  CHECK(line_of(p->out, "fam/t") && strstr(line_of(p->out, "fam/t"), "too few repetitions") && strstr(line_of(p->out, "fam/t"), "needs 4"));

  check_signrank();
  check_fail_closed(p, dir);
  check_paired(p, dir);

  /* The committed baseline: passes against itself; one benchmark 30% slower fails. */
  json_t *doc = json_load_file(argv[2], 0, NULL);
  if (doc) {
    CHECK_EQ_INT(gate(p, "--any_machine", argv[2], argv[2], NULL), 0); /* this machine's or not */
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
    CHECK_EQ_INT(gate(p, "--any_machine", argv[2], inj, NULL), 1);
    CHECK(victim && line_of(p->out, victim) && strstr(line_of(p->out, victim), "SLOWER"));
    json_decref(doc);
  } else {
    printf("note: no committed baseline at %s: the injected-regression check was not made\n", argv[2]);
  }
  free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
