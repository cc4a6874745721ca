/*
 * registry.c: collects descriptors from the MB_BENCH constructors and expands them into
 * named instances. Also the small run-side API (mb_skip, mb_fail, mb_counter), since it
 * only touches mb_run_t.
 */
#define _GNU_SOURCE
#include "registry.h"
#include "mb_rule.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed tables: registration (constructors, before main) allocates and frees nothing, so a
 * probe process starts from a heap nobody has touched (spawn.c). */
#define MB_MAX_BENCHES 4096
static mb_bench_t *benches[MB_MAX_BENCHES];
static int nbenches, dropped;
static mb_config_t the_config = {.pu = -1, .cache_line = 64};

void mb_register(mb_bench_t *bench) {
  if (nbenches == MB_MAX_BENCHES) dropped++; /* constructors cannot report: expansion says so */
  else benches[nbenches++] = bench;
}

int mb_registry_count(void) { return nbenches; }

/* The declarations of one kind (MB_FAMILY, MB_VIEW, MB_CHART, MB_CLAIM) in a fixed table,
 * filled by their constructors before main (one too many is counted in `dropped`, which
 * expansion reports): mb_register_KIND, mb_KIND_count, mb_KIND_at. */
#define MB_DECL_TABLE(kind, type, max)                                          \
  static const type *kind##_table[max];                                         \
  static int kind##_n;                                                          \
  void mb_register_##kind(const type *d) {                                      \
    if (kind##_n < (max)) kind##_table[kind##_n++] = d;                         \
    else dropped++;                                                             \
  }                                                                             \
  int mb_##kind##_count(void) { return kind##_n; }                              \
  const type *mb_##kind##_at(int i) { return kind##_table[i]; }
MB_DECL_TABLE(family, mb_family_t, 64)
MB_DECL_TABLE(view, mb_view_t, 128)
MB_DECL_TABLE(chart, mb_chart_t, 64)
MB_DECL_TABLE(claim, mb_claim_t, 128)
MB_DECL_TABLE(text, mb_text_t, 256)

const mb_family_t *mb_family_find(const char *name) {
  for (int i = 0; name && i < family_n; i++)
    if (!strcmp(family_table[i]->name, name)) return family_table[i];
  return NULL;
}



static int nargs_of(const mb_bench_t *b);

/* The registered descriptor that would call one of its benchmarks `name`
 * (family/variant/arg:value...: family, variant and argument names in order, integer values;
 * with `whole` 0, the leading arguments only, or none), or NULL. */
static const mb_bench_t *bench_matching(const char *name, int whole) {
  const char *slash = strchr(name, '/');
  if (!slash) return NULL;
  size_t fl = (size_t)(slash - name);
  const char *rest = slash + 1, *args = rest + strlen(rest);
  for (const char *p = strchr(rest, '/'); p; p = strchr(p + 1, '/')) {
    const char *seg_end = strchr(p + 1, '/');
    const char *colon = strchr(p + 1, ':');
    if (colon && (!seg_end || colon < seg_end)) {
      args = p;
      break;
    }
  }
  size_t vl = (size_t)(args - rest); /* the arguments: from the first segment with a ':' */
  for (int i = 0; i < nbenches; i++) {
    const mb_bench_t *b = benches[i];
    if (!b->family || !b->variant || strlen(b->family) != fl || strncmp(b->family, name, fl) || strlen(b->variant) != vl ||
        strncmp(b->variant, rest, vl))
      continue;
    const char *p = args;
    int k = 0, na = nargs_of(b), ok = 1;
    while (ok && *p == '/' && k < na) {
      size_t al = strlen(b->argnames[k]);
      char *end;
      ok = !strncmp(p + 1, b->argnames[k], al) && p[1 + al] == ':';
      if (ok) {
        strtoll(p + 2 + al, &end, 10);
        ok = end > p + 2 + al && (*end == '/' || !*end);
        p = end;
      }
      k++;
    }
    if (ok && (k == na || !whole) && !*p) return b;
  }
  return NULL;
}
const mb_bench_t *mb_bench_named(const char *name) { return bench_matching(name, 1); }
static int names_a_benchmark(const char *name) { return mb_bench_named(name) != NULL; }

/* The units a view's column may read in (mbreport formats each). */
static const char *const view_units[] = {"ns", "B", "B/s", "FLOP/s", "x", "%", "level", "1", NULL};

int mb_view_check(const mb_view_t *w, char *err, size_t errlen) {
  const char *name = w->heading ? w->heading : "(continued)";
  if (w->grid[0] && (!bench_matching(w->grid[0], 0) || (w->grid[1] && !bench_matching(w->grid[1], 0)) || (w->grid[2] && !bench_matching(w->grid[2], 0)) ||
                     !w->grid_cell || !w->corner || w->rows[0].label)) {
    snprintf(err, errlen, "report section '%s' (%s): its grid names no registered benchmark, or has no cell template or corner, or rows besides",
             name, w->family ? w->family : "no family");
    return -1;
  }
  if (!w->family || !mb_family_find(w->family) || (!w->heading && !w->corner)) {
    snprintf(err, errlen, "a report section (%s) names a family without MB_FAMILY, or has neither a heading nor a table", w->family ? w->family : "no family");
    return -1;
  }
  for (int c = 0; c < MB_VIEW_COLS; c++) {
    const mb_view_ratio_t r = w->ratio[c];
    int known = !w->unit[c];
    for (int u = 0; !known && view_units[u]; u++) known = !strcmp(view_units[u], w->unit[c]);
    const char *what = !known ? "a unit that is none of ns, B, B/s, FLOP/s, x, %, level, 1"
                       : (w->figure[c] && !mb_chart_figure_valid(w->figure[c])) || (w->share_of[c] && !mb_chart_figure_valid(w->share_of[c]))
                           ? "a figure that is not a figure's name"
                       : (r.num || r.den) && (r.num < 1 || r.den < 1 || r.num > MB_VIEW_COLS || r.den > MB_VIEW_COLS || r.num == c + 1 || r.den == c + 1 ||
                                              !w->cols[r.num - 1] || !w->cols[r.den - 1] || w->ratio[r.num - 1].num || w->ratio[r.den - 1].num)
                           ? "a ratio of columns that are not other columns with cells"
                       : w->per[c] < 0 || w->inv[c] < 0 ? "a negative divisor"
                                                         : NULL;
    if (what) {
      snprintf(err, errlen, "report section '%s' (%s): column %d has %s", name, w->family, c + 1, what);
      return -1;
    }
  }
  for (int r = 0; r < MB_VIEW_ROWS; r++)
    for (int c = 0; c < MB_VIEW_COLS; c++) {
      const char *n = w->rows[r].cells[c];
      if (n && !names_a_benchmark(n)) {
        snprintf(err, errlen, "report section '%s' (%s): '%s' is not a registered benchmark", name, w->family, n);
        return -1;
      }
      if (n && !w->cols[c]) {
        snprintf(err, errlen, "report section '%s' (%s): '%s' is in a column without a header", name, w->family, n);
        return -1;
      }
    }
  return 0;
}


int mb_chart_check(const mb_chart_t *c, char *err, size_t errlen) {
  const char *what = NULL, *bad = "";
  if (!c->family || !mb_family_find(c->family)) what = "names a family without MB_FAMILY";
  else if (!c->file || !*c->file || strlen(c->file) > 48 || strspn(c->file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(c->file))
    what = "has no file name of letters, digits, '_' and '-'";
  else if (!c->title) what = "has no title";
  else if ((c->logx && c->logx != 2 && c->logx != 10) || (c->logy && c->logy != 2 && c->logy != 10) || c->bytes < 0 || c->bytes > 2)
    what = "has a log base other than 2 or 10, or bytes other than 0, 1 or 2";
  else if (c->xstep < 0 || c->xstep > 1000) what = "has an x step below 0 or over 1000";
  else if ((unsigned)c->kind > MB_CHART_BARS) what = "is of a kind that is none of MB_CHART_*";
  else if ((c->logz && c->logz != 2 && c->logz != 10) || !mb_chart_range_valid(c->zrange)) what = "has a colour scale with a log base other than 2 or 10, or a range other than \"MIN:MAX\"";
  else if (c->kind == MB_CHART_MATRIX && c->series[4].bench) what = "draws more than four heat maps";
  else if ((unsigned)c->key > MB_KEY_OFF || (unsigned)c->note_at > MB_NOTE_BOTTOM_RIGHT || c->key_rows < 0 || c->key_rows > 16)
    what = "has a key or note place that is none of MB_KEY_* or MB_NOTE_*";
  else if (!mb_chart_range_valid(c->xrange) || !mb_chart_range_valid(c->yrange)) what = "has a range other than \"MIN:MAX\" (numbers or *)";
  else if (!c->series[0].bench) what = "has no series";
  else if (c->machines && c->kind != MB_CHART_LINES && c->kind != MB_CHART_BARS) what = "is for machines side by side but of neither lines nor bars";
  for (int k = 0; !what && k < MB_CHART_SERIES && c->series[k].bench; k++) {
    const mb_chart_series_t *s = &c->series[k];
    bad = s->bench;
    if (!bench_matching(s->bench, 0)) what = "draws a series that is no registered benchmark";
    else if (!mb_chart_figure_valid(s->figure) || (s->x && !mb_chart_figure_valid(s->x))) what = "draws a series whose figure (or x) is not a figure's name";
    else if (s->style < 0 || s->style > 7 || (s->dash && s->dash != 2 && s->dash != 3)) what = "draws a series in a style other than 1-7, dash 0, 2 or 3";
    else if (s->label && !s->x) what = "labels the points of a series whose x is its argument";
    else if (s->largest && !mb_chart_figure_valid(s->largest)) what = "keeps the largest value of something that is not an argument's name";
    else if (s->panel < 0 || s->panel > 1 || (s->panel && !c->panel_title[1])) what = "puts a series in a panel the chart does not have";
    else if (s->over && !bench_matching(s->over, 0)) what = "divides a series by one that is no registered benchmark";
    else if ((s->row_place && !mb_chart_figure_valid(s->row_place)) || (s->col_place && !mb_chart_figure_valid(s->col_place)) ||
             (s->also && !mb_chart_figure_valid(s->also)) || (s->tag && !mb_chart_figure_valid(s->tag)))
      what = "places, adds or names points by something that is not a figure's name";
    else if ((unsigned)s->rel > MB_REL_OVER_FIRST) what = "relates cells by none of MB_REL_*";
    else if ((s->over || s->slope || s->x) && c->kind != MB_CHART_LINES) what = "divides, draws a slope or takes x from a figure in a chart that has no lines";
    else if ((s->row_place || s->col_place || s->rel) && c->kind != MB_CHART_MATRIX) what = "places or relates cells in a chart that is no heat map";
    else if ((s->also || s->tag) && c->kind != MB_CHART_BARS && c->kind != MB_CHART_DOTS) what = "adds a bar or names a point in a chart of neither dots nor bars";
  }
  if (!what) return 0;
  snprintf(err, errlen, "chart '%s' (%s) %s%s%s", c->file ? c->file : "?", c->family ? c->family : "no family", what, *bad ? ": " : "", bad);
  return -1;
}


/* The figures a..j of a claim or a line (WHAT ID of FAMILY in messages) and the expressions
 * over them (rule: the claim's rule or the line's .when): every name a registered benchmark,
 * each figure of one kind, every letter an expression uses declared. */
static int figures_check(const char *what, const char *id, const char *family, const mb_claim_figure_t *const figs[MB_RULE_FIGURES],
                         const char *rule, const char *rule_name, char *err, size_t errlen) {
  const char *bad = NULL;
  for (int k = 0; k < MB_RULE_FIGURES && !bad; k++) {
    const mb_claim_figure_t *f = figs[k];
    if (f->ctx ? !mb_chart_figure_valid(f->ctx) : f->bench && (!bench_matching(f->bench, 0) || (f->arg && !mb_chart_figure_valid(f->arg))))
      bad = f->ctx ? f->ctx : f->bench;
    else if (f->over && !bench_matching(f->over, 0)) bad = f->over;
  }
  if (bad) {
    snprintf(err, errlen, "%s %s (%s): '%s' is not a registered benchmark (nor a context number's name)", what, id, family, bad);
    return -1;
  }
  for (int k = 0; k < MB_RULE_FIGURES; k++) {
    const mb_claim_figure_t *f = figs[k];
    const int aggregate = !!f->largest + !!f->smallest + !!f->count + !!f->sum;
    if (aggregate > 1 || ((f->over || f->pick) && !f->largest && !f->smallest) || (f->at_largest && !aggregate) ||
        (f->pick && !mb_chart_figure_valid(f->pick)) || (f->at_largest && !mb_chart_figure_valid(f->at_largest))) {
      snprintf(err, errlen, "%s %s (%s): figure %c is more than one of largest, smallest, count and sum, or takes over or pick without "
               "largest or smallest, or at_largest without any, or names no figure", what, id, family, 'a' + k);
      return -1;
    }
  }
  int malformed;
  mb_rule_eval(rule, NULL, &malformed);
  if (rule && malformed) {
    snprintf(err, errlen, "%s %s (%s): %s '%s' is no expression over a..j (mb_rule.h)", what, id, family, rule_name, rule);
    return -1;
  }
  for (int k = 0; rule && k < MB_RULE_FIGURES; k++)
    if ((mb_rule_uses(rule) >> k & 1) && !figs[k]->bench && !figs[k]->ctx) {
      snprintf(err, errlen, "%s %s (%s): %s uses %c, which it does not declare", what, id, family, rule_name, 'a' + k);
      return -1;
    }
  return 0;
}

int mb_claim_check(const mb_claim_t *c, char *err, size_t errlen) {
  if (!c->id || !c->text || !c->family || !mb_family_find(c->family) || !c->measured || !c->holds || !c->differs) {
    snprintf(err, errlen, "claim %s: an id, a text, a family declared with MB_FAMILY and the measured, holds and differs texts are needed",
             c->id ? c->id : "(no id)");
    return -1;
  }
  if (!c->a.bench && !c->a.ctx) {
    snprintf(err, errlen, "claim %s (%s): '(no a)' is not a registered benchmark (nor a context number's name)", c->id, c->family);
    return -1;
  }
  const mb_claim_figure_t *const figs[MB_RULE_FIGURES] = {&c->a, &c->b, &c->c, &c->d, &c->e, &c->f, &c->g, &c->h, &c->i, &c->j};
  return figures_check("claim", c->id, c->family, figs, c->rule, "its rule", err, errlen);
}

int mb_text_check(const mb_text_t *t, char *err, size_t errlen) {
  char id[96];
  snprintf(id, sizeof id, "'%.80s'", t->cells[0] ? t->cells[0] : "?");
  if (!t->family || !mb_family_find(t->family) || !t->cells[0]) {
    snprintf(err, errlen, "report line %s: a family declared with MB_FAMILY and a first cell are needed", id);
    return -1;
  }
  for (int c = 1; c < MB_TEXT_CELLS; c++)
    if (t->cells[c] && !t->cells[c - 1]) {
      snprintf(err, errlen, "report line %s (%s): cell %d follows an empty one", id, t->family, c + 1);
      return -1;
    }
  const mb_claim_figure_t *const figs[MB_RULE_FIGURES] = {&t->a, &t->b, &t->c, &t->d, &t->e, &t->f, &t->g, &t->h, &t->i, &t->j};
  return figures_check("report line", id, t->family, figs, t->when, "its .when", err, errlen);
}

int mb_views_check(char *err, size_t errlen) {
  for (int v = 0; v < view_n; v++)
    if (mb_view_check(view_table[v], err, errlen)) return -1;
  for (int c = 0; c < claim_n; c++)
    if (mb_claim_check(claim_table[c], err, errlen)) return -1;
  for (int t = 0; t < text_n; t++)
    if (mb_text_check(text_table[t], err, errlen)) return -1;
  for (int c = 0; c < chart_n; c++) {
    if (mb_chart_check(chart_table[c], err, errlen)) return -1;
    for (int d = 0; d < c; d++)
      if (!strcmp(chart_table[c]->file, chart_table[d]->file)) {
        snprintf(err, errlen, "chart '%s' is declared twice (%s and %s)", chart_table[c]->file, chart_table[d]->family, chart_table[c]->family);
        return -1;
      }
  }
  return 0;
}

static mb_levels_t levels;
void mb_levels_publish(const mb_levels_t *l) { levels = *l; }
const mb_levels_t *mb_levels_get(void) { return levels.n ? &levels : NULL; }

mb_figure_t mb_primary_of(const mb_bench_t *b) {
  if (b->primary.name) return b->primary;
  if (b->bytes_per_iter > 0) return (mb_figure_t){"bytes_per_second", "B/s", MB_BIGGER_IS_BETTER};
  return (mb_figure_t){"real_time", "ns", MB_SMALLER_IS_BETTER};
}

int mb_figure_timed(mb_figure_t f) {
  if (!f.name) return 0;
  if (!strcmp(f.name, "real_time") || !strcmp(f.name, "cpu_time")) return 1;
  const char *u = f.unit ? f.unit : "";
  size_t l = strlen(u);
  return !strcmp(u, "ns") || !strcmp(u, "us") || !strcmp(u, "ms") || !strcmp(u, "s") || (l > 2 && !strcmp(u + l - 2, "/s"));
}

int mb_bench_timed(const mb_bench_t *b) {
  if (mb_figure_timed(mb_primary_of(b))) return 1;
  for (int i = 0; i < MB_MAX_FIGURES && b->figures[i].name; i++)
    if (mb_figure_timed(b->figures[i])) return 1;
  return 0;
}

static struct {
  char *key, *value;
} *ctx;
static int nctx;

int mb_context_add(const char *key, const char *fmt, ...) {
  char *value;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&value, fmt, ap);
  va_end(ap);
  if (r < 0) {
    errno = ENOMEM;
    return -1;
  }
  for (int i = 0; i < nctx; i++)
    if (!strcmp(ctx[i].key, key)) {
      free(ctx[i].value);
      ctx[i].value = value;
      return 0;
    }
  void *nc = realloc(ctx, (size_t)(nctx + 1) * sizeof *ctx);
  char *k = strdup(key);
  if (!nc || !k) {
    if (nc) ctx = nc;
    free(k);
    free(value);
    errno = ENOMEM;
    return -1;
  }
  ctx = nc;
  ctx[nctx].key = k;
  ctx[nctx].value = value;
  nctx++;
  return 0;
}

int mb_context_count(void) { return nctx; }
const char *mb_context_key(int i) { return ctx[i].key; }
const char *mb_context_value(int i) { return ctx[i].value; }

void mb_set_config(const mb_config_t *config) { the_config = *config; }
const mb_config_t *mb_get_config(void) { return &the_config; }

static int nargs_of(const mb_bench_t *b) {
  int n = 0;
  while (n < MB_MAX_ARGS && b->argnames[n]) n++;
  return n;
}

int mb_arglist_add(mb_arglist_t *list, const int64_t *tuple) {
  if (list->n == list->cap) {
    int cap = list->cap ? list->cap * 2 : 16;
    int64_t *nv = realloc(list->vals, (size_t)cap * (size_t)(list->nargs ? list->nargs : 1) * sizeof *nv);
    if (!nv) {
      errno = ENOMEM;
      return -1;
    }
    list->vals = nv;
    list->cap = cap;
  }
  for (int i = 0; i < list->nargs; i++) list->vals[list->n * list->nargs + i] = tuple[i];
  list->n++;
  return 0;
}

int mb_arglist_add1(mb_arglist_t *list, int64_t value) { return mb_arglist_add(list, &value); }

int mb_format_name(char *buf, size_t len, const mb_bench_t *b, const int64_t *args) {
  int w = snprintf(buf, len, "%s/%s", b->family, b->variant);
  for (int i = 0; i < nargs_of(b) && w >= 0 && (size_t)w < len; i++)
    w += snprintf(buf + w, len - (size_t)w, "/%s:%lld", b->argnames[i], (long long)args[i]);
  if (w < 0 || (size_t)w >= len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

/* A family runs after the family its MB_FAMILY names in .after (and that one after its own):
 * its rank is the length of that chain, -1 for a cycle. */
static int rank_of(const char *family) {
  int r = 0;
  for (const mb_family_t *f = mb_family_find(family); f && f->after; f = mb_family_find(f->after))
    if (++r > family_n) return -1;
  return r;
}

static int by_family(const void *a, const void *b) {
  const mb_bench_t *x = *(mb_bench_t *const *)a, *y = *(mb_bench_t *const *)b;
  int rx = rank_of(x->family), ry = rank_of(y->family);
  if (rx != ry) return rx - ry;
  return strcmp(x->family, y->family); /* equal families keep registration order: the caller's sort is stable */
}

/* --mb_ws / --mb_threads: the argument named "ws" or "threads" takes the one value asked for in
 * every tuple; tuples that became the same are kept once. */
static int one_value(mb_arglist_t *list, const mb_bench_t *b, const mb_config_t *config) {
  int na = list->nargs, changed = 0;
  for (int i = 0; i < na; i++) {
    int64_t v = !strcmp(b->argnames[i], "ws") ? (int64_t)config->only_ws : !strcmp(b->argnames[i], "threads") ? config->only_threads : 0;
    if (!v) continue;
    for (int t = 0; t < list->n; t++) list->vals[t * na + i] = v;
    changed = 1;
  }
  if (!changed) return 0;
  int w = 0;
  for (int t = 0; t < list->n; t++) {
    int dup = 0;
    for (int u = 0; u < w && !dup; u++) dup = !memcmp(list->vals + u * na, list->vals + t * na, (size_t)na * sizeof *list->vals);
    if (!dup) memmove(list->vals + w * na, list->vals + t * na, (size_t)na * sizeof *list->vals), w++;
  }
  list->n = w;
  return 0;
}

int mb_registry_expand(const mb_config_t *config, mb_instance_t **out, char *err, size_t errlen) {
  mb_instance_t *insts = NULL;
  int n = 0, cap = 0, rc = -1;
  mb_arglist_t list = {0};
  /* Sort by family, stably (registration order within a family): insertion sort on a copy,
   * tens of descriptors. */
  mb_bench_t **sorted = malloc((size_t)(nbenches ? nbenches : 1) * sizeof *sorted);
  if (!sorted) goto nomem;
  for (int i = 0; i < nbenches; i++) {
    int j = i;
    while (j > 0 && by_family(&sorted[j - 1], &benches[i]) > 0) {
      sorted[j] = sorted[j - 1];
      j--;
    }
    sorted[j] = benches[i];
  }
  if (dropped) {
    snprintf(err, errlen, "%d declarations over the limits (%d benchmarks, %d families, %d sections, %d charts, %d claims, %d lines) were not registered",
             dropped, MB_MAX_BENCHES, (int)(sizeof family_table / sizeof *family_table), (int)(sizeof view_table / sizeof *view_table),
             (int)(sizeof chart_table / sizeof *chart_table), (int)(sizeof claim_table / sizeof *claim_table),
             (int)(sizeof text_table / sizeof *text_table));
    errno = EINVAL;
    goto out;
  }
  for (int i = 0; i < family_n; i++)
    if (rank_of(family_table[i]->name) < 0) {
      snprintf(err, errlen, "family %s: its .after chain loops back to itself", family_table[i]->name);
      errno = EINVAL;
      goto out;
    }
  for (int bi = 0; bi < nbenches; bi++) {
    const mb_bench_t *b = sorted[bi];
    int na = nargs_of(b);
    if (!b->family || !b->variant || !b->kernel) {
      snprintf(err, errlen, "benchmark #%d is registered without family, variant or kernel", bi);
      errno = EINVAL;
      goto out;
    }
    free(list.vals);
    list = (mb_arglist_t){.nargs = na};
    if (b->args_fn) {
      if (b->args_fn(&list, config) != 0) {
        snprintf(err, errlen, "%s/%s: computing its arguments failed", b->family, b->variant);
        errno = EINVAL;
        goto out;
      }
    } else if (na > 0) {
      const int64_t *src = b->args;
      if (config->quick && b->quick_args) src = b->quick_args;
      if (config->long_sweep && b->long_args) src = b->long_args;
      if (!src) {
        snprintf(err, errlen, "%s/%s: names arguments but lists no values", b->family, b->variant);
        errno = EINVAL;
        goto out;
      }
      int cnt = 0;
      while (src[cnt] != MB_END) cnt++;
      if (cnt % na) {
        snprintf(err, errlen, "%s/%s: %d argument values are not whole tuples of %d", b->family,
                 b->variant, cnt, na);
        errno = EINVAL;
        goto out;
      }
      for (int i = 0; i < cnt; i += na)
        if (mb_arglist_add(&list, src + i)) goto nomem;
    } else {
      int64_t none[MB_MAX_ARGS] = {0};
      list.nargs = 0;
      if (mb_arglist_add(&list, none)) goto nomem;
    }
    if (one_value(&list, b, config)) goto nomem;
    for (int t = 0; t < list.n; t++) {
      if (n == cap) {
        cap = cap ? cap * 2 : 64;
        mb_instance_t *ni = realloc(insts, (size_t)cap * sizeof *ni);
        if (!ni) goto nomem;
        insts = ni;
      }
      mb_instance_t *in = &insts[n];
      memset(in, 0, sizeof *in);
      in->bench = b;
      for (int i = 0; i < na; i++) in->arg[i] = list.vals[t * na + i];
      if (mb_format_name(in->name, sizeof in->name, b, in->arg)) {
        snprintf(err, errlen, "%s/%s: name too long", b->family, b->variant);
        goto out;
      }
      n++;
    }
  }
  *out = insts;
  insts = NULL;
  rc = n;
  goto out;
nomem:
  snprintf(err, errlen, "out of memory while listing benchmarks");
  errno = ENOMEM;
out:
  free(list.vals);
  free(sorted);
  free(insts);
  return rc;
}

void mb_run_init(mb_run_t *run, const mb_instance_t *inst, const mb_config_t *config) {
  memset(run, 0, sizeof *run);
  memcpy(run->arg, inst->arg, sizeof run->arg);
  run->bench = inst->bench;
  run->config = config;
  run->bytes_per_iter = inst->bench->bytes_per_iter;
  run->items_per_iter = inst->bench->items_per_iter;
}

/* Skips and failures differ only in how the harness reports them: a skip says the
 * benchmark cannot run here, a failure that its work came out wrong. */
static int vreason(mb_run_t *run, int failed, const char *fmt, va_list ap) {
  vsnprintf(run->reason, sizeof run->reason, fmt, ap);
  run->failed = failed;
  return 1;
}

#define MB_REASON_FN(fn, failed)                          \
  int fn(mb_run_t *run, const char *fmt, ...) {           \
    va_list ap;                                           \
    va_start(ap, fmt);                                    \
    int r = vreason(run, failed, fmt, ap);                \
    va_end(ap);                                           \
    return r;                                             \
  }
MB_REASON_FN(mb_skip, 0)

int mb_fits_memory(mb_run_t *run, uint64_t bytes) {
  uint64_t avail = run->config->mem_available;
  if (!avail || bytes <= avail / 2) return 0;
  const char *by = run->config->mem_limited_by;
  return mb_skip(run, "%llu MiB needed, over half of the %llu MiB free (by %s)", (unsigned long long)(bytes >> 20),
                 (unsigned long long)(avail >> 20), by ? by : "MemAvailable");
}
MB_REASON_FN(mb_fail, 1)

void mb_counter(mb_run_t *run, const char *name, double value, mb_counter_kind_t kind) {
  int i;
  for (i = 0; i < run->ncounters; i++)
    if (!strcmp(run->counters[i].name, name)) break;
  if (i == MB_MAX_COUNTERS) { /* full: the documented limit, said, never silent */
    fprintf(stderr, "membench: warning: %s/%s reports more than %d counters: '%s' left out\n", run->bench->family,
            run->bench->variant, MB_MAX_COUNTERS, name);
    return;
  }
  if (i == run->ncounters) run->ncounters++;
  snprintf(run->counters[i].name, sizeof run->counters[i].name, "%s", name);
  run->counters[i].value = value;
  run->counters[i].kind = kind;
}

/* FNV-1a over the instance's name (family, variant, argument values) and the salt, mixed
 * by splitmix64's finaliser: nearby names give unrelated streams. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ ((const unsigned char *)p)[i]) * 0x100000001b3ULL;
  return h;
}

mb_rng_t mb_rng_of(const mb_run_t *run, uint64_t salt) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv1a(h, run->bench->family, strlen(run->bench->family) + 1);
  h = fnv1a(h, run->bench->variant, strlen(run->bench->variant) + 1);
  for (int i = 0; i < MB_MAX_ARGS && run->bench->argnames[i]; i++) h = fnv1a(h, &run->arg[i], sizeof run->arg[i]);
  h = fnv1a(h, &salt, sizeof salt);
  h ^= h >> 30, h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27, h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return mb_rng_seed(h);
}

/* The sabotaged build's mode (membench.h): read once from MB_SABOTAGE_MODE; a mode it does not
 * know is an error, so a test cannot pass by asking for a sabotage that never happened. */
int mb_sabotage_mode(void) {
  static int mode;
  if (!mode) {
    static const char *names[] = {NULL, "short", "part", "order", "last"};
    const char *e = getenv("MB_SABOTAGE_MODE");
    int m = e && *e ? 0 : MB_SAB_SHORT;
    for (int k = 1; !m && k <= MB_SAB_LAST; k++)
      if (!strcmp(e, names[k])) m = k;
    if (!m) {
      fprintf(stderr, "membench: MB_SABOTAGE_MODE=%s: not short, part, order or last\n", e);
      exit(2);
    }
    mode = m;
  }
  return mode;
}
