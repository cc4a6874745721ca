/*
 * test_registry.c: registration by one MB_BENCH line, expansion into named instances under
 * default, quick and long configurations, computed argument lists, malformed descriptors,
 * and the run-side API (mb_skip, mb_fail, mb_counter).
 */
#include "registry.h"
#include "mb_rule.h"
#include "testutil.h"

static uint64_t k_loop(uint64_t iters, void *data) {
  (void)data;
  return iters;
}

static int sizes_fn(mb_arglist_t *l, const mb_config_t *c) {
  for (int64_t s = 1024; s <= (c->quick ? 2048 : 8192); s *= 2) mb_arglist_add1(l, s);
  return 0;
}

MB_BENCH(.family = "zeta", .variant = "last", .kernel = k_loop);
MB_BENCH(.family = "alpha", .variant = "one", .kernel = k_loop, .argnames = {"size"}, .args = MB_ARGS(8, 16, 32),
         .quick_args = MB_ARGS(8), .long_args = MB_ARGS(8, 16, 32, 64));
MB_BENCH(.family = "alpha", .variant = "two", .kernel = k_loop, .argnames = {"n", "stride"}, .args = MB_ARGS(64, 1, 64, 8));
MB_BENCH(.family = "alpha", .variant = "computed", .kernel = k_loop, .argnames = {"ws"}, .args_fn = sizes_fn,
         .bytes_per_iter = 64, .items_per_iter = 1);

/* Registered by hand in main, after the good ones have been checked. */
static mb_bench_t bad = {.family = "bad", .variant = "odd", .kernel = k_loop, .argnames = {"a", "b"}, .args = MB_ARGS(1, 2, 3)};

static int find(mb_instance_t *in, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(in[i].name, name)) return i;
  return -1;
}

MB_FAMILY(.name = "alpha", .title = "Alpha");
MB_VIEW(.family = "alpha", .heading = "Alpha", .corner = "size", .cols = {"one", "two"},
        .rows = {{"8", {"alpha/one/size:8", "alpha/two/n:64/stride:8"}}, {"64 (not in every mode)", {"alpha/one/size:64"}}});
MB_CHART(.family = "alpha", .file = "alpha", .title = "Alpha", .series = {{"alpha/one", "real_time"}, {"alpha/two/n:64", "items_per_second", "two"}});
MB_CLAIM(.id = "A1", .family = "alpha", .text = "one is cheaper than two", .a = {"alpha/one/size:8"}, .b = {"alpha/two/n:64/stride:1", NULL, 2},
         .bound = 1, .measured = "{a:1} vs {b:1}", .holds = "holds", .differs = "differs");

/* Figures put together over a prefix, lines (MB_TEXT) and grids: each checked at start as a
 * claim's figures are. */
static void aggregates_lines_grids(const double *fv) {
  char err[512];
  int malformed = 0;
  /* Figures put together over a prefix: one way each, pick and over only with largest or smallest. */
  static const mb_claim_t cl_two = {.id = "T", .family = "alpha", .text = "t", .a = {"alpha/one", .largest = 1, .sum = 1}, .measured = "m", .holds = "h",
                                    .differs = "d"},
                          cl_pick = {.id = "P", .family = "alpha", .text = "t", .a = {"alpha/one", .count = 1, .pick = "real_time"}, .measured = "m",
                                     .holds = "h", .differs = "d"},
                          cl_over = {.id = "O", .family = "alpha", .text = "t", .a = {"alpha/one", .smallest = 1, .over = "alpha/onee"}, .measured = "m",
                                     .holds = "h", .differs = "d"},
                          cl_agg = {.id = "A", .family = "alpha", .text = "t", .a = {"alpha/one", .arg = "size", .largest = 1, .pick = "real_time"},
                                    .b = {"alpha/one", .smallest = 1, .at_largest = "size", .over = "alpha/one"}, .rule = "a > b && known(b)",
                                    .measured = "m", .holds = "h", .differs = "d"};
  CHECK_EQ_INT(mb_claim_check(&cl_two, err, sizeof err), -1);
  CHECK(strstr(err, "figure a is more than one of largest, smallest, count and sum") != NULL);
  CHECK_EQ_INT(mb_claim_check(&cl_pick, err, sizeof err), -1);
  CHECK_EQ_INT(mb_claim_check(&cl_over, err, sizeof err), -1);
  CHECK(strstr(err, "'alpha/onee' is not a registered benchmark") != NULL);
  CHECK_EQ_INT(mb_claim_check(&cl_agg, err, sizeof err), 0);
  CHECK(mb_rule_eval("known(c) == 0 && known(a)", fv, &malformed) == 1 && !malformed);
  /* Lines (MB_TEXT) likewise: a family, a first cell, no gap between cells, their figures and
   * their condition checked as a claim's. */
  static const mb_text_t tx_ok = {.family = "alpha", .cells = {"a", "{a:ns}", "{=a / b:2}"}, .a = {"alpha/one/size:8"}, .b = {"alpha/one", .count = 1},
                                  .when = "known(a) || b > 1"},
                         tx_typo = {.family = "alpha", .cells = {"{a:0}"}, .a = {"alpha/onee/size:8"}},
                         tx_gap = {.family = "alpha", .cells = {"a", NULL, "c"}},
                         tx_when = {.family = "alpha", .cells = {"a"}, .when = "c > 1"},
                         tx_nofam = {.family = "nosuch", .cells = {"a"}};
  CHECK_EQ_INT(mb_text_check(&tx_ok, err, sizeof err), 0);
  CHECK_EQ_INT(mb_text_check(&tx_typo, err, sizeof err), -1);
  CHECK(strstr(err, "report line '{a:0}' (alpha): 'alpha/onee/size:8' is not a registered benchmark") != NULL);
  CHECK_EQ_INT(mb_text_check(&tx_gap, err, sizeof err), -1);
  CHECK(strstr(err, "cell 3 follows an empty one") != NULL);
  CHECK_EQ_INT(mb_text_check(&tx_when, err, sizeof err), -1);
  CHECK(strstr(err, "its .when uses c, which it does not declare") != NULL);
  CHECK_EQ_INT(mb_text_check(&tx_nofam, err, sizeof err), -1);
  /* A grid: its prefixes registered, a cell template and a corner, no rows besides. */
  static const mb_view_t v_grid = {.family = "alpha", .corner = "c", .grid = {"alpha/one", "alpha/two"}, .grid_figure = {"real_time"}, .grid_cell = "{a:ns}"},
                         v_grid_typo = {.family = "alpha", .corner = "c", .grid = {"alpha/one", "alpha/twoo"}, .grid_cell = "{a:ns}"},
                         v_grid_nocell = {.family = "alpha", .corner = "c", .grid = {"alpha/one"}};
  CHECK_EQ_INT(mb_view_check(&v_grid, err, sizeof err), 0);
  CHECK_EQ_INT(mb_view_check(&v_grid_typo, err, sizeof err), -1);
  CHECK(strstr(err, "its grid names no registered benchmark") != NULL);
  CHECK_EQ_INT(mb_view_check(&v_grid_nocell, err, sizeof err), -1);
}

/* Charts: each series a registered benchmark (its leading arguments, or none), a figure's
 * name, a file name, places and scales from their lists. */
static void chart_checks(void) {
  char err[256];
  /* Charts likewise: each series a registered benchmark (its leading arguments, or none), a
   * figure's name, a file name, places and scales from their lists. */
  CHECK_EQ_INT(mb_chart_count(), 1);
  static const mb_chart_t ch_typo = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/onee", "real_time"}}},
                          ch_arg = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/two/stride:1", "real_time"}}},
                          ch_fig = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/one", "real_time u 1:2"}}},
                          ch_file = {.family = "alpha", .file = "../a", .title = "t", .series = {{"alpha/one", "real_time"}}},
                          ch_range = {.family = "alpha", .file = "a", .title = "t", .yrange = "0:1]; set", .series = {{"alpha/one", "real_time"}}},
                          ch_log = {.family = "alpha", .file = "a", .title = "t", .logy = 3, .series = {{"alpha/one", "real_time"}}},
                          ch_key = {.family = "alpha", .file = "a", .title = "t", .key = (enum mb_key)42, .series = {{"alpha/one", "real_time"}}},
                          ch_none = {.family = "alpha", .file = "a", .title = "t"},
                          ch_label = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/one", "real_time", .label = "x"}}},
                          ch_fam = {.family = "zeta", .file = "a", .title = "t", .series = {{"alpha/one", "real_time"}}},
                          ch_big = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/one", "real_time", .largest = "size:"}}},
                          ch_panel = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/one", "real_time", .panel = 1}}},
                          ch_over = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/one", "real_time", .over = "alpha/onee"}}},
                          ch_kind = {.family = "alpha", .file = "a", .title = "t", .kind = (enum mb_chart_kind)9, .series = {{"alpha/one", "real_time"}}},
                          ch_five = {.family = "alpha", .file = "a", .title = "t", .kind = MB_CHART_MATRIX,
                                     .series = {{"alpha/one", "real_time"}, {"alpha/one", "real_time"}, {"alpha/one", "real_time"}, {"alpha/one", "real_time"}, {"alpha/one", "real_time"}}},
                          ch_place = {.family = "alpha", .file = "a", .title = "t", .series = {{"alpha/one", "real_time", .row_place = "a_rank"}}},
                          ch_zr = {.family = "alpha", .file = "a", .title = "t", .kind = MB_CHART_MATRIX, .zrange = "1:2]", .series = {{"alpha/one", "real_time"}}},
                          ch_tag = {.family = "alpha", .file = "a", .title = "t", .kind = MB_CHART_BARS, .series = {{"alpha/one", "real_time", .tag = "end ing"}}};
  static const mb_chart_t ch_machines = {.family = "alpha", .file = "a", .title = "t", .kind = MB_CHART_MATRIX, .machines = 1,
                                         .series = {{"alpha/one", "real_time"}}};
  const mb_chart_t *bad_charts[] = {&ch_typo, &ch_arg, &ch_fig, &ch_file, &ch_range, &ch_log, &ch_key, &ch_none, &ch_label, &ch_fam, &ch_big, &ch_panel,
                                    &ch_over, &ch_kind, &ch_five, &ch_place, &ch_zr, &ch_tag, &ch_machines};
  const char *chart_said[] = {"no registered benchmark: alpha/onee", "no registered benchmark: alpha/two/stride:1", "not a figure's name",
                              "no file name", "has a range other than", "log base", "MB_KEY_", "has no series", "labels the points", "without MB_FAMILY",
                              "not an argument's name", "a panel the chart does not have", "divides a series by one that is no registered benchmark",
                              "none of MB_CHART_*", "more than four heat maps", "in a chart that is no heat map", "colour scale", "not a figure's name",
                              "for machines side by side but of neither lines nor bars"};
  for (int k = 0; k < 19; k++) {
    err[0] = 0;
    CHECK_EQ_INT(mb_chart_check(bad_charts[k], err, sizeof err), -1);
    CHECK(strstr(err, chart_said[k]) != NULL);
  }

}

/* Report sections, claims and their rules: every name registered, every rule an expression
 * over what it declares, with known answers. */
static void view_and_claim_checks(void) {
  char err[256];
  /* Report sections (MB_VIEW) name registered benchmarks: family, variant, argument names in
   * order and integer values; anything else is an error naming it. */
  CHECK_EQ_INT(mb_views_check(err, sizeof err), 0); /* the declared one below */
  static const mb_view_t typo = {.family = "alpha", .heading = "T", .corner = "c", .cols = {"x"}, .rows = {{"r", {"alpha/onee/size:8"}}}},
                         argname = {.family = "alpha", .heading = "A", .corner = "c", .cols = {"x"}, .rows = {{"r", {"alpha/two/stride:1/n:64"}}}},
                         value = {.family = "alpha", .heading = "V", .corner = "c", .cols = {"x"}, .rows = {{"r", {"alpha/one/size:8k"}}}},
                         nofam = {.family = "zeta", .heading = "Z"},
                         nohead = {.family = "alpha", .heading = "H", .corner = "c", .rows = {{"r", {"alpha/one/size:8"}}}};
  const mb_view_t *bad_views[] = {&typo, &argname, &value, &nofam, &nohead};
  const char *said_of[] = {"'alpha/onee/size:8' is not a registered benchmark", "'alpha/two/stride:1/n:64' is not",
                           "'alpha/one/size:8k' is not", "without MB_FAMILY", "a column without a header"};
  for (int k = 0; k < 5; k++) {
    err[0] = 0;
    CHECK_EQ_INT(mb_view_check(bad_views[k], err, sizeof err), -1);
    CHECK(strstr(err, said_of[k]) != NULL);
  }
  /* A column's unit from the list, its figures names, a ratio of two other columns with cells;
   * a section without a heading continues the one before and needs a table. */
  static const mb_view_t v_unit = {.family = "alpha", .heading = "U", .corner = "c", .cols = {"x"}, .unit = {"parsecs"}, .rows = {{"r", {"alpha/one/size:8"}}}},
                         v_self = {.family = "alpha", .heading = "S", .corner = "c", .cols = {"x", "y"}, .ratio = {[1] = {2, 1}}, .rows = {{"r", {"alpha/one/size:8"}}}},
                         v_chain = {.family = "alpha", .heading = "C", .corner = "c", .cols = {"x", "y", "z"}, .ratio = {[1] = {1, 1}, [2] = {2, 1}},
                                    .rows = {{"r", {"alpha/one/size:8"}}}},
                         v_fig = {.family = "alpha", .heading = "F", .corner = "c", .cols = {"x"}, .share_of = {"a b"}, .rows = {{"r", {"alpha/one/size:8"}}}},
                         v_bare = {.family = "alpha"};
  const mb_view_t *bad_cols[] = {&v_unit, &v_self, &v_chain, &v_fig, &v_bare};
  const char *cols_said[] = {"column 1 has a unit that is none of", "column 2 has a ratio of columns", "column 3 has a ratio of columns",
                             "column 1 has a figure that is not", "neither a heading nor a table"};
  for (int k = 0; k < 5; k++) {
    err[0] = 0;
    CHECK_EQ_INT(mb_view_check(bad_cols[k], err, sizeof err), -1);
    CHECK(strstr(err, cols_said[k]) != NULL);
  }
  static const mb_view_t v_ok = {.family = "alpha", .corner = "c", .cols = {"x", "y", "x/y"}, .unit = {"ns", "%", "x"}, .per = {2},
                                 .share_of = {[1] = "real_time"}, .ratio = {[2] = {1, 2}}, .rows = {{"r", {"alpha/one/size:8", "alpha/one/size:16"}}}};
  CHECK_EQ_INT(mb_view_check(&v_ok, err, sizeof err), 0);
  CHECK_EQ_INT(mb_view_count(), 1);
  /* Claims likewise: their benchmarks registered, their texts there. */
  static const mb_claim_t cl_typo = {.id = "X", .family = "alpha", .text = "t", .a = {"alpha/one/size:8"}, .b = {"alpha/twoo/n:64/stride:1"},
                                     .measured = "m", .holds = "h", .differs = "d"},
                          cl_noa = {.id = "Y", .family = "alpha", .text = "t", .measured = "m", .holds = "h", .differs = "d"},
                          cl_notext = {.id = "Z", .family = "alpha", .a = {"alpha/one/size:8"}, .measured = "m", .holds = "h", .differs = "d"};
  CHECK_EQ_INT(mb_claim_check(&cl_typo, err, sizeof err), -1);
  CHECK(strstr(err, "claim X (alpha): 'alpha/twoo/n:64/stride:1' is not a registered benchmark") != NULL);
  CHECK_EQ_INT(mb_claim_check(&cl_noa, err, sizeof err), -1);
  CHECK(strstr(err, "'(no a)'") != NULL);
  CHECK_EQ_INT(mb_claim_check(&cl_notext, err, sizeof err), -1);
  CHECK(strstr(err, "claim Z: an id, a text") != NULL);
  /* A rule is an expression over the figures it declares; anything else is refused at start. */
  static const mb_claim_t cl_rule = {.id = "R", .family = "alpha", .text = "t", .a = {"alpha/one/size:8"}, .b = {.ctx = "some_number"},
                                     .rule = "a / b >= 2 && !(a == 3) || -a < 0.5", .measured = "m", .holds = "h", .differs = "d"},
                          cl_syntax = {.id = "S", .family = "alpha", .text = "t", .a = {"alpha/one/size:8"}, .rule = "a >= ; system(1)",
                                       .measured = "m", .holds = "h", .differs = "d"},
                          cl_undeclared = {.id = "U", .family = "alpha", .text = "t", .a = {"alpha/one/size:8"}, .rule = "a > c",
                                           .measured = "m", .holds = "h", .differs = "d"};
  CHECK_EQ_INT(mb_claim_check(&cl_rule, err, sizeof err), 0);
  CHECK_EQ_INT(mb_claim_check(&cl_syntax, err, sizeof err), -1);
  CHECK(strstr(err, "its rule 'a >= ; system(1)' is no expression") != NULL);
  CHECK_EQ_INT(mb_claim_check(&cl_undeclared, err, sizeof err), -1);
  CHECK(strstr(err, "its rule uses c, which it does not declare") != NULL);
  /* The rules' values, with known answers: precedence, a missing figure (NAN: no verdict),
   * nesting beyond 32 refused. */
  const double fv[6] = {4, 2, NAN, 0, 1, -5};
  int malformed = 0;
  CHECK(mb_rule_eval("a / b >= 2 && e == 1", fv, &malformed) == 1 && !malformed);
  CHECK(mb_rule_eval("a - b * 2 == 0 || d", fv, &malformed) == 1 && !malformed);
  CHECK(mb_rule_eval("f == -5 && !d && a != b", fv, &malformed) == 1 && !malformed);
  CHECK(mb_rule_eval("a < b || (b > a)", fv, &malformed) == 0 && !malformed);
  CHECK(isnan(mb_rule_eval("c > 1 && a > 1", fv, &malformed)) && !malformed);
  CHECK(isnan(mb_rule_eval("a >", fv, &malformed)) || malformed);
  CHECK((mb_rule_eval("a > 1 b", fv, &malformed), malformed));
  CHECK((mb_rule_eval("((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))", fv, &malformed), malformed));
  CHECK(mb_rule_uses("a / b >= 2 && e == 1") == (1u | 2u | 16u));
  aggregates_lines_grids(fv);
  CHECK_EQ_INT(mb_claim_count(), 1);
}

int main(void) {
  char err[256];
  mb_instance_t *in;
  mb_config_t cfg = {.pu = -1};
  CHECK_EQ_INT(mb_registry_count(), 4);

  int n = mb_registry_expand(&cfg, &in, err, sizeof err);
  CHECK_EQ_INT(n, 1 + 3 + 2 + 4);
  /* Sorted by family, registration order kept inside a family. */
  CHECK_STR(in[0].name, "alpha/one/size:8");
  CHECK_STR(in[2].name, "alpha/one/size:32");
  CHECK_STR(in[3].name, "alpha/two/n:64/stride:1");
  CHECK_STR(in[4].name, "alpha/two/n:64/stride:8");
  CHECK_STR(in[5].name, "alpha/computed/ws:1024");
  CHECK_STR(in[8].name, "alpha/computed/ws:8192");
  CHECK_STR(in[n - 1].name, "zeta/last");
  CHECK_EQ_INT(in[4].arg[0], 64);
  CHECK_EQ_INT(in[4].arg[1], 8);

  mb_run_t run;
  mb_run_init(&run, &in[5], &cfg);
  CHECK_EQ_INT(run.arg[0], 1024);
  CHECK(run.bytes_per_iter == 64 && run.items_per_iter == 1);
  CHECK(run.config == &cfg);
  free(in);

  cfg.quick = 1;
  n = mb_registry_expand(&cfg, &in, err, sizeof err);
  CHECK_EQ_INT(n, 1 + 1 + 2 + 2);
  CHECK(find(in, n, "alpha/one/size:16") < 0);
  CHECK(find(in, n, "alpha/computed/ws:2048") >= 0);
  free(in);

  cfg.quick = 0;
  cfg.long_sweep = 1;
  n = mb_registry_expand(&cfg, &in, err, sizeof err);
  CHECK(find(in, n, "alpha/one/size:64") >= 0);
  free(in);

  /* Skip, fail and counters are recorded on the run. */
  CHECK(mb_skip(&run, "needs %d GiB", 4) != 0);
  CHECK_STR(run.reason, "needs 4 GiB");
  CHECK_EQ_INT(run.failed, 0);
  CHECK(mb_fail(&run, "checksum %x", 0xbad) != 0);
  CHECK_STR(run.reason, "checksum bad");
  CHECK_EQ_INT(run.failed, 1);
  mb_counter(&run, "depth", 10, MB_COUNTER_VALUE);
  mb_counter(&run, "depth", 12, MB_COUNTER_VALUE);
  mb_counter(&run, "faults", 3, MB_COUNTER_PER_ITER);
  CHECK_EQ_INT(run.ncounters, 2);
  CHECK(run.counters[0].value == 12);
  /* Past the limit: kept as far as it goes, the rest said on stderr, never silently lost. */
  char tmpl[] = "/tmp/mbtest-regXXXXXX";
  int fd = mkstemp(tmpl), saved = dup(2);
  dup2(fd, 2);
  for (int k = 0; k < MB_MAX_COUNTERS + 1; k++) {
    char name[32];
    snprintf(name, sizeof name, "c%d", k);
    mb_counter(&run, name, k, MB_COUNTER_VALUE);
  }
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  CHECK_EQ_INT(run.ncounters, MB_MAX_COUNTERS);
  char *said = test_slurp(tmpl);
  CHECK(said && strstr(said, "more than 48 counters") && strstr(said, "'c46' left out") && strstr(said, "'c47' left out"));
  free(said);
  close(fd);
  unlink(tmpl);

  view_and_claim_checks();
  chart_checks();

  /* Malformed: two argument names but an odd count of values. */
  mb_register(&bad);
  cfg.long_sweep = 0;
  errno = 0;
  CHECK_EQ_INT(mb_registry_expand(&cfg, &in, err, sizeof err), -1);
  CHECK_EQ_INT(errno, EINVAL);
  CHECK(strstr(err, "bad/odd") != NULL);
  return TEST_EXIT();
}
