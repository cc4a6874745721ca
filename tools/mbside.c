/*
 * mbside: machines side by side, as Markdown: the results of two to eight machines (or runs),
 * the first one the reference. For each benchmark measured in every result, its primary
 * figure (as the newest result that declares one names it; real_time for results from before
 * descriptors carried one) on each machine and each machine against the first, in the
 * figure's own direction ("2× better" is half the time or twice the bandwidth); per family a
 * summary row (geometric mean of those ratios) and the full table folded under it.
 *
 * Usage: mbside [--charts=DIR] [--views=FILE] A.json B.json [...] > REPORT.md
 *   --charts=DIR   link the side-by-side charts of plots/machines.sh found in DIR, a directory
 *                  beside the report (linked by its last component, as make plots puts it):
 *                  those the families declare (MB_CHART's .machines), in the reference's
 *                  presentation or in FILE (what `membench --mb_views` prints)
 * Bad input: one line on stderr, exit 2. Every field of a result is data: names are printed
 * inside code spans with backticks and pipes removed.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entries.h"
#include "escape.h"
#include "env.h" /* mb_machine_name_valid */
#include "fmt.h"
#include "tooldie.h"

#define MAX_RESULTS 8

typedef struct result {
  const char *path;
  json_t *doc, *benches, *ctx, *mctx;
  char machine[104];
} result_t;

static result_t R[MAX_RESULTS];
static int nr;

/* A string from a result, fit for a Markdown table cell: no pipe, backtick or newline. */
/* A string from a result in a table cell: Markdown text (escape.h). */
static const char *cell(const char *s) { return mb_md_text(s ? s : "unknown"); }

static void load(result_t *r, const char *path) {
  json_error_t e;
  r->path = path;
  if (!(r->doc = json_load_file(path, 0, &e))) die("%s: not valid JSON (line %d: %s)", path, e.line, e.text);
  r->ctx = json_object_get(r->doc, "context");
  r->mctx = json_object_get(r->ctx, "membench");
  r->benches = json_object_get(r->doc, "benchmarks");
  if (!json_is_array(r->benches) || !json_is_object(r->mctx)) die("%s: not a membench result", path);
  const char *m = json_string_value(json_object_get(r->ctx, "mb_machine")); /* as mbextract */
  if (!m || !mb_machine_name_valid(m)) die("%s: its machine name is missing or not a plain name", path);
  snprintf(r->machine, sizeof r->machine, "%s", m);
  /* Two runs of one machine: told apart by their position. */
  for (int k = 0; k < nr; k++)
    if (!strcmp(R[k].machine, r->machine)) snprintf(r->machine, sizeof r->machine, "%.90s#%d", m, nr + 1);
}

/* The first iteration entry named `name` in r, or NULL (skipped and failed ones left out). */
static json_t *entry(const result_t *r, const char *name) {
  size_t i;
  json_t *b;
  json_array_foreach(mb_run_entries(r->benches, name), i, b) if (!json_is_true(json_object_get(b, "error_occurred"))) return b;
  return NULL;
}

/* How benchmark `name` is compared: the primary figure, unit and direction the first result
 * that declares them gives (they are the same in every result of one method version). */
typedef struct figure {
  const char *key, *unit;
  int bigger;
} figure_t;
static figure_t figure_of(const char *name) {
  figure_t f = {"real_time", "ns", 0};
  for (int k = nr - 1; k >= 0; k--) {
    json_t *b = entry(&R[k], name);
    const char *p = json_string_value(json_object_get(b, "primary"));
    if (!p || strlen(p) > 48) continue;
    const char *u = json_string_value(json_object_get(b, "unit"));
    const char *d = json_string_value(json_object_get(b, "direction"));
    f.key = p, f.unit = u && strlen(u) < 16 ? u : "", f.bigger = d && !strcmp(d, "bigger_is_better");
    if (mb_is_time_field(p)) f.unit = "ns"; /* row_values reads times in ns */
    break;
  }
  return f;
}

/* The method version of `name` in r (1 when the result does not say). */
static long long version_of(const result_t *r, const char *name) {
  json_t *v = json_object_get(entry(r, name), "method_version");
  return json_is_integer(v) ? json_integer_value(v) : 1;
}

typedef struct row row_t;
static int row_values(row_t *r);
struct row {
  const char *name;
  figure_t f;
  double v[MAX_RESULTS];
  int order;    /* position in the reference result */
  int fallback; /* real_time stands in for a primary figure some result lacks */
};

/* The row's figure in every result (medians over repetitions): 1 when all are positive. */
static int row_values(row_t *r) {
  for (int k = 0; k < nr; k++) {
    int cap = mb_run_count(R[k].benches, r->name);
    double *v = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *v);
    int m = v ? mb_run_values(R[k].benches, r->name, r->f.key, 1, v, cap) : 0;
    r->v[k] = mb_median(v, m);
    free(v);
    if (m <= 0 || !(r->v[k] > 0)) return 0;
  }
  return 1;
}

/* By family, then in the reference's order (a family's children may have been merged last). */
static int by_family(const void *x, const void *y) {
  const row_t *a = x, *b = y;
  size_t la = strcspn(a->name, "/"), lb = strcspn(b->name, "/");
  int c = strncmp(a->name, b->name, la < lb ? la : lb);
  if (!c && la != lb) c = la < lb ? -1 : 1;
  return c ? c : a->order - b->order;
}

/* One past the last row of the family of rows[s] (rows sorted by family). */
static int family_end(const row_t *rows, int s, int n) {
  size_t fl = strcspn(rows[s].name, "/");
  int e = s;
  while (e < n && strcspn(rows[e].name, "/") == fl && !strncmp(rows[e].name, rows[s].name, fl)) e++;
  return e;
}

static void header(void) {
  printf("# membench: %d machines side by side\n\n", nr);
  printf("The first is the reference: every other machine's figure is compared with its figure, in the figure's "
         "own direction (\"2× better\" is half the time, or twice the bandwidth). Each result is one run: "
         "treat a ratio as one sample.\n\n");
  printf("| | machine | CPU | cores | run | git | compiler |\n|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < nr; k++) {
    json_t *topo = json_object_get(R[k].mctx, "topology");
    const char *cpu = json_string_value(json_object_get(R[k].mctx, "cpu_model"));
    printf("| %c | %s | %s | %lld | %s | %s | %s |\n", 'A' + k, R[k].machine,
           cell(cpu ? cpu : json_string_value(json_object_get(R[k].ctx, "mb_cpu_model"))),
           (long long)json_integer_value(json_object_get(topo, "cores")), cell(json_string_value(json_object_get(R[k].ctx, "date"))),
           cell(json_string_value(json_object_get(R[k].ctx, "mb_git_revision"))),
           cell(json_string_value(json_object_get(R[k].ctx, "mb_compiler"))));
  }
}

/* A link to each chart for machines side by side (MB_CHART's .machines, declared in the
 * reference's presentation or in --views) that DIR holds, under its title. */
static void charts(const char *dir, json_t *views) {
  json_t *pres[2] = {json_object_get(R[0].mctx, "presentation"), views}, *f, *c, *seen = json_object();
  const char *fam;
  size_t k;
  int any = 0;
  for (int p = 0; p < 2; p++) json_object_foreach(pres[p], fam, f) json_array_foreach(json_object_get(f, "charts"), k, c) {
      const char *file = json_string_value(json_object_get(c, "file")), *title = json_string_value(json_object_get(c, "title"));
      if (!json_integer_value(json_object_get(c, "machines")) || !file || !mb_machine_name_valid(file) || json_object_get(seen, file)) continue;
      json_object_set_new(seen, file, json_true());
      char path[4200];
      snprintf(path, sizeof path, "%s/%s.svg", dir, file);
      if (access(path, R_OK)) continue;
      if (!any++) printf("\n## Charts\n\n");
      const char *rel = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
      char what[256];
      snprintf(what, sizeof what, "%s", mb_md_text(title ? title : file));
      for (char *q = what; *q; q++)
        if (*q == '[' || *q == ']') *q = ' ';
      printf("%s:\n\n![%s](%s/%s.svg)\n\n", what, what, rel, file);
    }
  json_decref(seen);
}

/* "1.8× better", "0.55× (worse)" for machine k against the reference. */
static const char *verdict(double better) {
  char *b = fmt_buf();
  if (!isfinite(better)) snprintf(b, 32, "–");
  else if (better >= 0.9995) snprintf(b, 32, "%.3g× better", better); /* what prints as 1× is not "worse" */
  else snprintf(b, 32, "%.3g× (worse)", better);
  return b;
}
static double better_of(const row_t *r, int k) { return r->f.bigger ? r->v[k] / r->v[0] : r->v[0] / r->v[k]; }

static void family_table(const char *fam, row_t *rows, int n) {
  printf("<details><summary><code>%s</code>: %d benchmarks</summary>\n\n| benchmark | figure |", fam, n);
  for (int k = 0; k < nr; k++) printf(" %c |", 'A' + k);
  for (int k = 1; k < nr; k++) printf(" %c vs A |", 'A' + k);
  printf("\n|---|---|");
  for (int k = 0; k < 2 * nr - 1; k++) printf("---|");
  printf("\n");
  for (int i = 0; i < n; i++) {
    printf("| `%s` | %s%s |", mb_md_code(rows[i].name), cell(rows[i].f.key), rows[i].fallback ? "*" : "");
    for (int k = 0; k < nr; k++) printf(" %s |", fmt_value(rows[i].v[k], rows[i].f.unit));
    for (int k = 1; k < nr; k++) printf(" %s |", verdict(better_of(&rows[i], k)));
    printf("\n");
  }
  printf("\n</details>\n\n");
}

int main(int argc, char **argv) {
  mb_tool_name = "mbside";
  const char *chart_dir = NULL;
  json_t *views = NULL;
  for (int i = 1; i < argc; i++) {
    json_error_t e;
    if (!strncmp(argv[i], "--charts=", 9)) chart_dir = argv[i] + 9;
    else if (!strncmp(argv[i], "--views=", 8)) {
      json_decref(views);
      if (!(views = json_load_file(argv[i] + 8, 0, &e)) || !json_is_object(views)) die("%s: not the JSON membench --mb_views prints", argv[i] + 8);
    } else if (argv[i][0] == '-') die("unknown flag '%s' (usage: mbside [--charts=DIR] [--views=FILE] A.json B.json [...])", argv[i]);
    else if (nr == MAX_RESULTS) die("at most %d results", MAX_RESULTS);
    else load(&R[nr], argv[i]), nr++;
  }
  if (nr < 2) die("usage: mbside [--charts=DIR] A.json B.json [...] (two results at least)");
  header();
  if (chart_dir) charts(chart_dir, views);

  /* Benchmarks measured everywhere, in the reference's order, grouped by family. */
  json_t *a = R[0].benches;
  row_t *rows = calloc(json_array_size(a) + 1, sizeof *rows);
  int n = 0, only_some = 0, changed = 0, fallbacks = 0;
  for (size_t i = 0; i < json_array_size(a); i++) {
    if (!mb_first_of_run(a, i)) continue;
    json_t *b = json_array_get(a, i);
    if (json_is_true(json_object_get(b, "error_occurred"))) continue;
    const char *name = json_string_value(json_object_get(b, "run_name"));
    if (!name || strlen(name) > 200) continue;
    row_t *r = &rows[n];
    r->name = name;
    r->order = (int)i;
    r->f = figure_of(name);
    int ok = row_values(r), same = 1;
    if (!ok && strcmp(r->f.key, "real_time")) { /* a result from before the figure was declared */
      r->f = (figure_t){"real_time", "ns", 0};
      ok = r->fallback = row_values(r);
      fallbacks += ok;
    }
    for (int k = 0; k < nr; k++) same &= version_of(&R[k], name) == version_of(&R[0], name);
    if (!ok) only_some++;
    else if (!same) changed++;
    else n++;
  }
  qsort(rows, (size_t)n, sizeof *rows, by_family);
  printf("\n## By family\n\n%d benchmarks measured on every machine; %d measured on only some (or with no positive "
         "figure) and %d whose method changed between the results are left out.\n\n",
         n, only_some, changed);
  if (fallbacks)
    printf("For %d of them a result predates the benchmark's declared primary figure: their time per iteration "
           "(real_time, marked *) is compared instead.\n\n", fallbacks);
  printf("| family | benchmarks |");
  for (int k = 1; k < nr; k++) printf(" %s vs %s (geometric mean) |", R[k].machine, R[0].machine);
  printf("\n|---|---|");
  for (int k = 1; k < nr; k++) printf("---|");
  printf("\n");
  for (int s = 0, e; s < n; s = e) {
    e = family_end(rows, s, n);
    printf("| %.*s | %d |", (int)strcspn(rows[s].name, "/"), rows[s].name, e - s);
    for (int k = 1; k < nr; k++) {
      double lg = 0;
      for (int i = s; i < e; i++) lg += log(better_of(&rows[i], k));
      printf(" %s |", verdict(exp(lg / (e - s))));
    }
    printf("\n");
  }
  printf("\n");
  for (int s = 0, e; s < n; s = e) {
    e = family_end(rows, s, n);
    char fam[64];
    snprintf(fam, sizeof fam, "%.*s", (int)strcspn(rows[s].name, "/"), rows[s].name);
    family_table(fam, rows + s, e - s);
  }
  free(rows);
  for (int k = 0; k < nr; k++) json_decref(R[k].doc);
  return 0;
}
