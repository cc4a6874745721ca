/*
 * mbreport: REPORT.md for one result: the machine (hwloc's claims beside what the latency
 * curve showed), a section per family with its charts and a short table, and the lesson's
 * claims (docs/CLAIMS.md) each with the value measured here and a verdict computed by the
 * rule stated in its row. Claims whose family is not in the result say so.
 *
 * Usage: mbreport RESULT.json [CHARTS_DIR_RELATIVE_TO_THE_REPORT] > REPORT.md
 * Bad input: one line on stderr, exit 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h" /* mb_machine_name_valid: a name fit for a file name */
#include "entries.h"
#include "mb_rule.h"
#include "escape.h"
#include "tooldie.h"
#include "fmt.h"
#include "series.h" /* mb_series_cells: a grid's cells, as the heat maps read them */

static json_t *benches, *ctx, *mctx;

/* The first non-aggregate, non-failed benchmark named exactly `name` (any Google Benchmark
 * suffix such as /iterations:1 or /real_time allowed after it); num() reads the median of
 * its repetitions. */
static json_t *bench(const char *name) { return mb_first_named(benches, name); }

/* Figures from disturbed measurements (mb_disturbed: something else had the CPU) are marked
 * where they are shown: num() notes where in the report it read one, and the line printed
 * there gets the mark (see mark_lines); a claim says so in its verdict. */
#define DISTURBED_MARK "†"
static size_t *marks;      /* output offsets at which a disturbed figure was read */
static int nmarks, capmarks;
static int disturbed_reads; /* how many so far, for claim() */

static void note_disturbed(void) {
  if (nmarks == capmarks) {
    capmarks = capmarks ? 2 * capmarks : 64;
    if (!(marks = realloc(marks, (size_t)capmarks * sizeof *marks))) die("out of memory");
  }
  long at = ftell(stdout);
  marks[nmarks++] = at > 0 ? (size_t)at : 0;
  disturbed_reads++;
}

/* A figure of benchmark entry b: the median over every clean repetition of it (the entries of
 * the same name that are neither aggregates nor failed nor disturbed), as the charts take it;
 * when every repetition was disturbed, their median, marked. */
static double num(json_t *b, const char *key) {
  if (!b) return NAN;
  /* Times in ns whatever --benchmark_time_unit was (the claims compare nanoseconds). */
  const int to_ns = mb_is_time_field(key);
  int n, disturbed;
  double *v = mb_run_values_clean_all(benches, json_string_value(json_object_get(b, "run_name")), key, to_ns, &n, &disturbed);
  if (disturbed) note_disturbed();
  double m = n ? mb_median(v, n) : NAN;
  free(v);
  return m;
}

/* The report as written, with the mark put on every line that showed a disturbed figure:
 * inside a table row's last cell (a cell past the header's would be dropped), else at the
 * end of the line. */
static void mark_lines(const char *text, size_t len, FILE *out) {
  size_t from = 0;
  for (int k = 0; k <= nmarks; k++) {
    size_t at = k < nmarks ? marks[k] : len;
    if (at < from) continue; /* the same line again */
    const char *nl = k < nmarks ? memchr(text + at, '\n', len - at) : NULL;
    size_t end = nl ? (size_t)(nl - text) : len; /* the line being written when the figure was read */
    if (k == nmarks) {
      fwrite(text + from, 1, len - from, out);
      break;
    }
    size_t cut = end > from && text[end - 1] == '|' ? end - 1 : end;
    while (cut > from && text[cut - 1] == ' ') cut--;
    fwrite(text + from, 1, cut - from, out);
    fputs(" " DISTURBED_MARK, out);
    from = cut;
    if (nl) { /* the rest of the line, then on past it */
      fwrite(text + cut, 1, end + 1 - cut, out);
      from = end + 1;
    }
  }
}

/* A context string, as Markdown text (it is data from the result). */
static const char *cstr(const char *key) {
  const char *v = json_string_value(json_object_get(ctx, key));
  return mb_md_text(v ? v : "unknown");
}

static int has_family(const char *family) {
  size_t i, l = strlen(family);
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *n = json_string_value(json_object_get(b, "name"));
    if (n && !strncmp(n, family, l) && n[l] == '/') return 1;
  }
  return 0;
}

static void declared_after(const char *id);
/* One row of the claims table (disturbed: a figure it read was measured while something else
 * had the CPU); the declared claims that follow it come right after. */
static void claim_row(const char *id, const char *text, const char *measured, const char *verdict, int disturbed) {
  int from_disturbed = disturbed && strncmp(verdict, "not measurable", 14);
  printf("| %s | %s | %s | %s%s |\n", id, text, measured, verdict, from_disturbed ? " (from a disturbed figure: re-measure on a quiet machine)" : "");
  declared_after(id);
}

/* ---- Declared claims (MB_CLAIM beside the benchmarks): the rule compares a / b (or a) with
 * a bound; templates say what was measured and the verdict. From the result or --views, as
 * the sections; every string in them is data (escaped; a template's {x:N} is the only thing
 * read in it). ---- */

static json_t *declared;   /* the declared claims of the families in the result, each once */
static json_t *views_file; /* --views=FILE's presentation, or NULL */


/* The claims every family of the result's presentation and of --views declares, each id
 * once: the result's own first, then those of --views it does not declare (a result recorded
 * before a claim was declared gets its row); a family not in the result gets its rows too,
 * saying so. */
static void collect_declared(void) {
  json_t *seen = json_object(), *c, *f;
  json_t *sources[2] = {json_object_get(mctx, "presentation"), views_file};
  const char *fam;
  size_t k;
  declared = json_array();
  for (int s = 0; s < 2; s++) json_object_foreach(sources[s], fam, f) {
      json_array_foreach(json_object_get(f, "claims"), k, c) {
        const char *id = json_string_value(json_object_get(c, "id"));
        if (!json_is_object(c) || !id || json_object_get(seen, id)) continue;
        json_object_set_new(seen, id, json_true());
        json_object_set_new(c, "family", json_string(fam));
        json_array_append(declared, c);
      }
    }
  json_decref(seen);
}

/* The value of argument `key` in benchmark name n (the 100000 of python/interned/n:100000),
 * NAN where it has none. */
static double name_arg(const char *n, const char *key) {
  char k[72];
  snprintf(k, sizeof k, "/%.64s:", key ? key : "");
  const char *at = n && key ? strstr(n, k) : NULL;
  return at ? atof(at + strlen(k)) : NAN;
}

/* Entry b's figure `field`, or its primary where none is named. */
static double figure_of(json_t *b, const char *field) {
  if (!field) field = json_string_value(json_object_get(b, "primary"));
  return b && field ? num(b, field) : NAN;
}

/* A declared figure f over the measured entries under its bench (a prefix), each run once
 * (its median): its figure (NULL: each one's primary), or its argument's value, put together
 * as `how` says: "largest", "smallest", "count" (of those that have it), "sum". With over,
 * each over the figure of over's entry at the same value of the next argument (entries
 * without one left out); with at_largest, only the entries at the largest value of that
 * argument; with pick, the figure pick of the entry the largest or smallest came from. NAN
 * when no entry has it. */
static double aggregate_under(json_t *f, const char *how) {
  const char *prefix = json_string_value(json_object_get(f, "bench")), *field = json_string_value(json_object_get(f, "figure"));
  const char *over = json_string_value(json_object_get(f, "over")), *arg = json_string_value(json_object_get(f, "arg"));
  const char *at = json_string_value(json_object_get(f, "at_largest")), *pick = json_string_value(json_object_get(f, "pick"));
  double got = NAN, n = 0, at_value = NAN, x, y;
  size_t i, j, pl = strlen(prefix), ol = over ? strlen(over) : 0;
  json_t *b, *o, *from = NULL, *under = mb_entries_under(benches, prefix);
  json_array_foreach(under, i, b) { /* the largest value of at_largest's argument */
    double a = name_arg(json_string_value(json_object_get(b, "run_name")), at);
    if (!isnan(a) && (isnan(at_value) || a > at_value)) at_value = a;
  }
  json_array_foreach(under, i, b) {
    const char *name = json_string_value(json_object_get(b, "run_name"));
    if (!name || strncmp(name, prefix, pl) || name[pl] != '/' || bench(name) != b) continue; /* each run once */
    if (at && name_arg(name, at) != at_value) continue;
    double v = arg ? name_arg(name, arg) : figure_of(b, field);
    if (over) { /* the partner at the same argument */
      double d = NAN;
      json_array_foreach(mb_entries_under(benches, over), j, o) {
        const char *on = json_string_value(json_object_get(o, "run_name"));
        if (on && bench(on) == o && mb_arg_after(name, pl, &x) && mb_arg_after(on, ol, &y) && x == y) {
          d = figure_of(o, field);
          break;
        }
      }
      v /= d;
    }
    if (isnan(v)) continue;
    n++;
    if (!strcmp(how, "sum")) got = isnan(got) ? v : got + v;
    else if (isnan(got) || (!strcmp(how, "smallest") ? v < got : v > got)) got = v, from = b;
  }
  if (!strcmp(how, "count")) return n ? n : NAN; /* a count of none is no figure: not measured */
  return pick ? (from ? num(from, pick) : NAN) : got;
}

/* A declared figure's value (MB_CLAIM's, MB_TEXT's): the named benchmark's figure (its
 * primary) or argument, a figure over the entries under a prefix (aggregate_under), or a
 * number the families put in the context, divided by per. */
static double claim_value(json_t *f) {
  const char *ctxkey = json_string_value(json_object_get(f, "ctx")), *name = json_string_value(json_object_get(f, "bench"));
  const char *fig = json_string_value(json_object_get(f, "figure")), *how;
  double v;
  if (ctxkey) {
    const char *s = json_string_value(json_object_get(json_object_get(mctx, "families"), ctxkey));
    char *end;
    v = s ? strtod(s, &end) : NAN;
    if (s && (end == s || *end)) v = NAN;
  } else if (name && (how = json_is_true(json_object_get(f, "largest")) ? "largest" : json_is_true(json_object_get(f, "smallest")) ? "smallest"
                          : json_is_true(json_object_get(f, "count")) ? "count" : json_is_true(json_object_get(f, "sum")) ? "sum" : NULL)) {
    v = aggregate_under(f, how);
  } else if (json_string_value(json_object_get(f, "arg"))) { /* an argument of its name */
    v = name_arg(json_string_value(json_object_get(bench(name), "name")), json_string_value(json_object_get(f, "arg")));
  } else {
    v = figure_of(bench(name), fig);
  }
  double per = json_number_value(json_object_get(f, "per"));
  return per > 0 ? v / per : v;
}

/* The value of expression text[0..len) over the figures v (mb_rule.h), NAN when it is none. */
static double expr_value(const char *text, size_t len, const double *v) {
  char e[MB_RULE_MAX + 1];
  if (len > MB_RULE_MAX) return NAN;
  memcpy(e, text, len);
  e[len] = 0;
  int bad;
  double x = mb_rule_eval(e, v, &bad);
  return bad ? NAN : x;
}

/* A unit a template may write a figure in ({x:U}, {=EXPR:U}): as the report writes it (fmt.h). */
static int template_unit(const char *u) { return !strcmp(u, "ns") || !strcmp(u, "B") || !strcmp(u, "B/s") || !strcmp(u, "x"); }

/* A template with {a:N}..{j:N}, {r:N} (a / b), {p:N} (100 a / b), {m:N} (100 (1 - a / b)), {=EXPR:N},
 * {x?YES|NO}, {(EXPR)?YES|NO}, {x#T0|T1|...} and {s:KEY} filled in (membench.h's MB_CLAIM), and
 * {x:U}, {=EXPR:U} in a unit (MB_TEXT) (v: a..j), escaped as table text (spans: backticks kept
 * as code spans); a value that is not a number is "–". */
static const char *fill(const char *t, const double *v, int spans) {
  static char out[1024];
  size_t k = 0;
  for (t = t ? t : ""; *t && k + 64 < sizeof out; t++) {
    int prec;
    char which, key[64], unit[8];
    const char *w = "abrpmcdefghij", *close = t[0] == '{' ? strchr(t, '}') : NULL;
    const char *q = close ? memchr(t, '?', (size_t)(close - t)) : NULL, *bar = q ? memchr(q, '|', (size_t)(close - q)) : NULL;
    const char *colon = close ? memrchr(t, ':', (size_t)(close - t)) : NULL;
    double x;
    if (bar && ((t[1] >= 'a' && t[1] <= 'j' && q == t + 2) || (t[1] == '(' && q[-1] == ')'))) { /* {x?YES|NO}, {(EXPR)?YES|NO} */
      x = t[1] == '(' ? expr_value(t + 1, (size_t)(q - t - 1), v) : v[t[1] - 'a'];
      const char *from = isfinite(x) && x != 0 ? q + 1 : bar + 1, *to = isfinite(x) && x != 0 ? bar : close;
      for (; from < to && k + 64 < sizeof out; from++) out[k++] = *from;
      t = close;
      continue;
    } else if (close && t[1] >= 'a' && t[1] <= 'j' && t[2] == '#') { /* {x#T0|T1|...} */
      x = v[t[1] - 'a'];
      const char *from = t + 3;
      for (int n = 0; isfinite(x) && x >= 0 && n < (int)x && from; n++) {
        from = memchr(from, '|', (size_t)(close - from));
        if (from) from++;
      }
      const char *to = from ? memchr(from, '|', (size_t)(close - from)) : NULL;
      if (!isfinite(x) || x < 0 || !from) from = "?", to = from + 1;
      for (const char *e = to ? to : close; from < e && k + 64 < sizeof out; from++) out[k++] = *from;
      t = close;
      continue;
    } else if (close && sscanf(t, "{s:%63[a-z0-9_]}", key) == 1 && t + 3 + strlen(key) == close) { /* {s:KEY} */
      const char *s = json_string_value(json_object_get(json_object_get(mctx, "families"), key)), *src = s ? s : "unknown";
      for (const char *c = src; *c && c - src < 60 && k + 64 < sizeof out; c++) out[k++] = *c == '`' ? '\'' : *c; /* data: no code span */
      t = close;
      continue;
    }
    /* A number: {=EXPR:N|U} or {x:N|U}, x one of `w`. */
    const int expr = close && t[1] == '=' && colon, one = close && !expr && sscanf(t, "{%c:", &which) == 1 && which && strchr(w, which) && colon == t + 2;
    if (!expr && !one) {
      out[k++] = *t;
      continue;
    }
    int n = 0, is_unit = sscanf(colon, ":%7[a-zA-Z/]}%n", unit, &n) == 1 && colon + n == close + 1 && template_unit(unit);
    if (!is_unit && !(sscanf(colon, ":%d}%n", &prec, &n) == 1 && colon + n == close + 1 && prec >= 0 && prec <= 6)) {
      out[k++] = *t;
      continue;
    }
    x = expr ? expr_value(t + 2, (size_t)(colon - t - 2), v)
        : which == 'r' ? v[0] / v[1]
        : which == 'p' ? 100 * v[0] / v[1]
        : which == 'm' ? 100 * (1 - v[0] / v[1])
                       : v[which - 'a'];
    if (is_unit) k += (size_t)snprintf(out + k, sizeof out - k, "%s", fmt_value(x, unit));
    else if (isfinite(x)) k += (size_t)snprintf(out + k, sizeof out - k, "%.*f", prec, x);
    else k += (size_t)snprintf(out + k, sizeof out - k, "–");
    t = close;
  }
  out[k] = 0;
  return spans ? mb_md_spans(out) : mb_md_text(out);
}

static const char *why_missing(const char *prefix);
/* The figures a..j a claim or a line declares, into fig (NULL where it declares none) and v
 * (a claim's missing b: 1, a alone; else NAN). */
static void figures_of(json_t *c, json_t **fig, double *v) {
  static const char *const letters[MB_RULE_FIGURES] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  for (int k = 0; k < MB_RULE_FIGURES; k++) {
    fig[k] = json_object_get(c, letters[k]);
    if (!json_is_object(fig[k])) fig[k] = NULL;
    v[k] = fig[k] ? claim_value(fig[k]) : k == 1 ? 1 : NAN;
  }
}

static void declared_claim(json_t *c) {
  json_object_set_new(c, "printed", json_true());
  const int before = disturbed_reads;
  char id[64], text[512], measured[1024];
  snprintf(id, sizeof id, "%s", mb_md_text(json_string_value(json_object_get(c, "id"))));
  snprintf(text, sizeof text, "%s", mb_md_text(json_string_value(json_object_get(c, "text"))));
  const char *fam = json_string_value(json_object_get(c, "family"));
  if (!has_family(fam)) {
    snprintf(measured, sizeof measured, "not measured: the `%s` family is not in this result", mb_md_code(fam));
    claim_row(id, text, measured, "not measurable here yet", 0);
    return;
  }
  json_t *fig[MB_RULE_FIGURES];
  double v[MB_RULE_FIGURES];
  figures_of(c, fig, v);
  const char *rule = json_string_value(json_object_get(c, "rule"));
  json_t *c_rule = json_object_get(c, "c_rule"); /* a second rule on c: results recorded on 2026-12-08 before .rule */
  /* The figures the verdict needs: the rule's (where its value is open without them), else a
   * and b (and c with its rule). */
  int malformed = 0;
  const double verdict = rule ? mb_rule_eval(rule, v, &malformed) : 0;
  if (malformed) {
    claim_row(id, text, "not judged: its rule is no expression over a..j", "not measurable here", 0);
    return;
  }
  unsigned needs = rule ? (isnan(verdict) ? mb_rule_uses(rule) : 0u) : 3u | (c_rule ? 4u : 0u);
  for (int k = 0; k < MB_RULE_FIGURES; k++)
    if ((needs >> k & 1) && isnan(v[k])) {
      const char *n = json_string_value(json_object_get(fig[k], "bench"));
      const char *why = n ? why_missing(n) : NULL; /* skipped, with its reason */
      if (!n) n = json_string_value(json_object_get(fig[k], "ctx"));
      if (why) snprintf(measured, sizeof measured, "`%s` did not run: %s", mb_md_code(n), mb_md_text(why));
      else snprintf(measured, sizeof measured, "not measured: no `%s` in this result", mb_md_code(n ? n : "?"));
      claim_row(id, text, measured, why ? "not measurable here" : "not measurable here yet", 0);
      return;
    }
  int holds;
  if (rule) {
    holds = verdict == 1;
  } else {
    double r = v[0] / v[1], bound = json_number_value(json_object_get(c, "bound")), high = json_number_value(json_object_get(c, "high"));
    holds = high > 0 ? r >= bound && r <= high : json_is_true(json_object_get(c, "above")) ? r > bound : r < bound;
    if (c_rule) {
      double cb = json_number_value(json_object_get(c_rule, "bound"));
      holds &= json_is_true(json_object_get(c_rule, "above")) ? v[2] > cb : v[2] < cb;
    }
  }
  snprintf(measured, sizeof measured, "%s", fill(json_string_value(json_object_get(c, "measured")), v, 0));
  claim_row(id, text, measured, fill(json_string_value(json_object_get(c, holds ? "holds" : "differs")), v, 0), disturbed_reads > before);
}

/* The declared claims that follow row `id` (NULL: those whose row never came: the table's end). */
static void declared_after(const char *id) {
  size_t i;
  json_t *c;
  json_array_foreach(declared, i, c) {
    if (json_is_true(json_object_get(c, "printed"))) continue;
    const char *after = json_string_value(json_object_get(c, "after"));
    if (!id || (after && !strcmp(after, id))) declared_claim(c);
  }
}

/* Every entry a result may hold, as data: a string name, times that are finite numbers of
 * zero or more. Anything else is not a measurement (a negative time once made C4 "hold"). */
static void check_entries(const char *path) {
  size_t i;
  json_t *b;
  if (!json_is_array(benches)) return; /* main says what is missing */
  json_array_foreach(benches, i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    if (!name) die("%s: benchmark #%zu has no name (or a name that is not a string)", path, i);
    static const char *const times[] = {"real_time", "cpu_time"};
    for (int k = 0; k < 2; k++) {
      json_t *v = json_object_get(b, times[k]);
      if (v && (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0))
        die("%s: benchmark '%s' has an impossible %s", path, name, times[k]);
    }
  }
}

/* ---- Declared sections (MB_VIEW beside the benchmarks): heading, charts, a table of
 * benchmarks' figures. From the result's presentation, else from --views=FILE (what the
 * membench that draws the report declares: `membench --mb_views`), for results recorded
 * before their families declared them. Everything in them is data: names are looked up,
 * text escaped, a chart whose name is not a plain file name is left out. ---- */

#define MB_VIEW_COLS_MAX 8    /* membench.h's MB_VIEW_COLS: more columns is no section of ours */

/* The sections a family declares: the result's, and those of the views file the result does
 * not have (by heading, or by place for a table that continues a section), so that a result
 * recorded before a section was declared gets it (a new array). */
static json_t *sections_of(const char *fam) {
  json_t *own = json_object_get(json_object_get(json_object_get(mctx, "presentation"), fam), "sections");
  json_t *more = json_object_get(json_object_get(views_file, fam), "sections"), *all = json_array(), *v, *w;
  size_t i, k;
  json_array_foreach(own, i, v) if (json_is_object(v)) json_array_append(all, v);
  json_array_foreach(more, i, v) {
    const char *h = json_string_value(json_object_get(v, "heading"));
    int dup = !json_is_object(v);
    json_array_foreach(own, k, w) {
      const char *wh = json_string_value(json_object_get(w, "heading"));
      dup |= h ? wh && !strcmp(h, wh) : !wh && json_integer_value(json_object_get(w, "place")) == json_integer_value(json_object_get(v, "place"));
    }
    if (!dup) json_array_append(all, v);
  }
  return all;
}

/* The lines a family declares (MB_TEXT), from the result or the views file. */
static json_t *texts_of(const char *fam) {
  json_t *s = json_object_get(json_object_get(json_object_get(mctx, "presentation"), fam), "texts");
  if (!json_is_array(s)) s = json_object_get(json_object_get(views_file, fam), "texts");
  return json_is_array(s) ? s : NULL;
}

/* One cell's value and unit: the named benchmark's figure (the column's, else its primary),
 * scaled as the column says (per, inv) or a share of another of its figures (in %). *unit:
 * the column's unit if it says one, else the figure's; NULL for a counter nobody gave one. */
static double view_value(json_t *v, size_t c, const char *name, const char **unit) {
  json_t *b = name ? bench(name) : NULL;
  const char *primary = json_string_value(json_object_get(b, "primary"));
  const char *fig = json_string_value(json_array_get(json_object_get(v, "figures"), c));
  const char *col_unit = json_string_value(json_array_get(json_object_get(v, "units"), c));
  const char *share = json_string_value(json_array_get(json_object_get(v, "share_of"), c));
  double per = json_number_value(json_array_get(json_object_get(v, "per"), c));
  double inv = json_number_value(json_array_get(json_object_get(v, "inv"), c));
  if (!fig) fig = primary;
  *unit = share ? "%" : col_unit ? col_unit : fig && mb_is_time_field(fig) ? "ns"
          : primary && fig && !strcmp(fig, primary) ? json_string_value(json_object_get(b, "unit"))
          : fig && !strcmp(fig, "bytes_per_second") ? "B/s" : NULL;
  if (!b || !fig) return NAN;
  double x = num(b, fig);
  if (per > 0) x /= per;
  if (inv > 0) x = inv / x;
  if (share) x = 100 * x / num(b, share);
  return x;
}

/* A value as its unit reads: the report's units (fmt.h), a share in %, a cache level, a plain
 * number, or any other unit as text (from the result: escaped). */
static const char *view_format(double x, const char *unit) {
  static char b[8][64];
  static int k;
  char *o = b[k++ % 8];
  if (isnan(x) || isinf(x)) return "–";
  if (!unit || !strcmp(unit, "1")) snprintf(o, 64, "%.3g", x);
  else if (!strcmp(unit, "%")) snprintf(o, 64, "%.0f%%", x);
  else if (!strcmp(unit, "level")) x == 0 ? snprintf(o, 64, "memory") : snprintf(o, 64, "L%.0f", x);
  else if (!strcmp(unit, "ns") || !strcmp(unit, "B") || !strcmp(unit, "B/s") || !strcmp(unit, "FLOP/s") || !strcmp(unit, "x")) return fmt_value(x, unit);
  else snprintf(o, 64, "%.4g %.24s", x, mb_md_text(unit));
  return o;
}

/* ---- Declared lines (MB_TEXT): a paragraph, a bullet or a table row filled from figures. ---- */

#define MB_TEXT_CELLS_MAX 5 /* membench.h's MB_TEXT_CELLS */
static int last_line;       /* what the report wrote last: 1 a table row, 2 a bullet, else 0 */

/* Whether line t shows with figures v (fig: those it declares): its .when is a number other
 * than 0, or without one, every figure it declares is a number. */
static int text_when(json_t *t, json_t *const *fig, const double *v) {
  const char *when = json_string_value(json_object_get(t, "when"));
  if (when) {
    int bad;
    double x = mb_rule_eval(when, v, &bad);
    return !bad && isfinite(x) && x != 0;
  }
  for (int k = 0; k < MB_RULE_FIGURES; k++)
    if (fig[k] && isnan(v[k])) return 0;
  return json_array_size(json_object_get(t, "cells")) >= 1 && json_array_size(json_object_get(t, "cells")) <= MB_TEXT_CELLS_MAX;
}

/* Line t's figures, read without marking anything (the line marks them when it is written):
 * whether it shows; *disturbed, whether a figure came from disturbed runs only. */
static int text_figures(json_t *t, json_t **fig, double *v, int *disturbed) {
  const int n = nmarks, d = disturbed_reads;
  figures_of(t, fig, v);
  *disturbed = disturbed_reads > d;
  nmarks = n, disturbed_reads = d;
  return text_when(t, fig, v);
}

/* Line t, where it shows: its heading, then an empty line before a paragraph, a table's
 * header and the first of a run of bullets or rows; marked where a figure was disturbed. */
static void text_line(json_t *t) {
  json_t *cells = json_object_get(t, "cells"), *fig[MB_RULE_FIGURES];
  double v[MB_RULE_FIGURES];
  int disturbed;
  if (!text_figures(t, fig, v, &disturbed)) return;
  const char *heading = json_string_value(json_object_get(t, "heading")), *first = json_string_value(json_array_get(cells, 0));
  const size_t n = json_array_size(cells);
  const int header = json_is_true(json_object_get(t, "header")), kind = n > 1 ? 1 : first && !strncmp(first, "- ", 2) ? 2 : 0;
  if (heading) printf("\n### %s\n", mb_md_spans(heading)), last_line = 0;
  if (header || !kind || kind != last_line) printf("\n");
  last_line = kind;
  if (disturbed && !header) note_disturbed(); /* on the line written next (a header shows no figure) */
  if (n == 1) {
    printf("%s\n", fill(first, v, 1));
    return;
  }
  printf("|");
  for (size_t k = 0; k < n; k++) {
    const char *c = fill(json_string_value(json_array_get(cells, k)), v, 1);
    printf(*c ? " %s |" : " |", c);
  }
  printf("\n");
  if (header) {
    printf("|");
    for (size_t k = 0; k < n; k++) printf("---|");
    printf("\n");
  }
}

/* The lines of family `fam` at `place`, in the order declared (show: only whether one shows). */
static int texts_at(const char *fam, json_int_t place, int show) {
  size_t i;
  json_t *t;
  json_array_foreach(texts_of(fam), i, t) {
    if (!json_is_object(t) || json_integer_value(json_object_get(t, "place")) != place) continue;
    json_t *fig[MB_RULE_FIGURES];
    double v[MB_RULE_FIGURES];
    int unused;
    if (show && text_figures(t, fig, v, &unused)) return 1;
    if (!show) text_line(t);
  }
  return 0;
}

/* ---- A section's grid: a table of the entries PREFIX/x:I/y:J, a row per I, a column per J
 * (their cells as the heat maps read them: series.c). ---- */

#define GRID_MAX 64 /* rows or columns: more is no machine's NUMA nodes */

/* The distinct rows (which 0) or columns of cells[0..n), sorted, into at (at most GRID_MAX). */
static int grid_values(const mb_cell_t *cells, int n, int which, double *at) {
  int m = 0;
  for (int i = 0; i < n; i++) {
    const double x = which ? cells[i].col : cells[i].row;
    int seen = 0;
    for (int k = 0; k < m; k++) seen |= at[k] == x;
    if (!seen && m < GRID_MAX) at[m++] = x;
  }
  qsort(at, (size_t)m, sizeof *at, mb_by_value);
  return m;
}

/* Section v's grid (its "grid": up to three prefixes, "grid_figures" (none: each prefix's
 * primary), "grid_cell" a template over a..c, "grid_label"), where it has cells; 1 if it has
 * (show: only whether). A cell measured only while disturbed marks its row. */
static int grid_table(json_t *v, int show) {
  json_t *g = json_object_get(v, "grid");
  const char *cell = json_string_value(json_object_get(v, "grid_cell")), *label = json_string_value(json_object_get(v, "grid_label"));
  mb_cell_t *cells[3] = {NULL, NULL, NULL};
  int ncell[3] = {0, 0, 0};
  for (size_t k = 0; k < 3 && json_string_value(json_array_get(g, k)); k++) {
    const char *pk = json_string_value(json_array_get(g, k)), *fk = json_string_value(json_array_get(json_object_get(v, "grid_figures"), k));
    if (!fk) fk = json_string_value(json_object_get(json_array_get(mb_entries_under(benches, pk), 0), "primary"));
    if (fk && (ncell[k] = mb_series_cells(benches, pk, fk, NULL, NULL, &cells[k])) < 0) die("out of memory");
  }
  double rows[GRID_MAX], cols[GRID_MAX];
  const int nr = grid_values(cells[0], ncell[0], 0, rows), nc = grid_values(cells[0], ncell[0], 1, cols);
  const int shows = nr && nc && cell;
  if (shows && !show) {
    char lab[64];
    snprintf(lab, sizeof lab, "%s", mb_md_text(label ? label : ""));
    printf("\n| %s |", mb_md_text(json_string_value(json_array_get(json_object_get(v, "columns"), 0))));
    for (int c = 0; c < nc; c++) printf(" %s%g |", lab, cols[c]);
    printf("\n|---|");
    for (int c = 0; c < nc; c++) printf("---|");
    for (int r = 0; r < nr; r++) {
      printf("\n| %s%g |", lab, rows[r]);
      for (int c = 0; c < nc; c++) {
        double x[MB_RULE_FIGURES];
        for (int k = 0; k < MB_RULE_FIGURES; k++) x[k] = NAN;
        for (int k = 0; k < 3; k++)
          for (int i = 0; i < ncell[k]; i++)
            if (cells[k][i].row == rows[r] && cells[k][i].col == cols[c]) {
              x[k] = cells[k][i].z;
              if (cells[k][i].disturbed) note_disturbed();
              break;
            }
        printf(" %s |", fill(cell, x, 1));
      }
    }
    printf("\n");
  }
  for (int k = 0; k < 3; k++) free(cells[k]);
  return shows;
}

/* Whether a declared section has something of this result to show: a chart (with a grid: the
 * grid's cells), a cell whose benchmark the result has, a line of its place that shows, or
 * claims (a table of nothing but "–" is left out: a result from before the section's
 * benchmarks existed, or a mode that runs none of them). */
static int view_shows(json_t *v) {
  if (json_object_get(v, "grid")) return grid_table(v, 1);
  if (json_array_size(json_object_get(v, "charts")) || json_string_value(json_object_get(v, "claims"))) return 1;
  size_t i, k;
  json_t *row, *cell;
  json_array_foreach(json_object_get(v, "rows"), i, row) json_array_foreach(row, k, cell) {
    if (k && json_is_string(cell) && (bench(json_string_value(cell)) || why_missing(json_string_value(cell)))) return 1;
  }
  const char *fam = json_string_value(json_object_get(v, "family"));
  return fam && texts_at(fam, json_integer_value(json_object_get(v, "place")), 1);
}

/* A link to each chart of `list` ({"file", ALT: the text}) drawn in directory `charts`, after
 * an empty line; a file name that is not plain is left out. */
static void chart_links(json_t *list, const char *alt_key, const char *charts) {
  size_t i;
  json_t *c;
  int drawn = 0;
  json_array_foreach(list, i, c) {
    const char *file = json_string_value(json_object_get(c, "file")), *alt = json_string_value(json_object_get(c, alt_key));
    if (!file || !mb_machine_name_valid(file)) continue;
    char a[128];
    snprintf(a, sizeof a, "%s", mb_md_text(alt ? alt : file));
    for (char *p = a; *p; p++)
      if (*p == '[' || *p == ']') *p = ' ';
    printf("%s![%s](%s/%s.png)\n", drawn++ ? "" : "\n", a, charts, file);
  }
}

static void claims_table(const char *anchor);

/* A row of a section's table: each cell's figure (the column's), or where none of its
 * benchmarks is in the result but the first did not run, why. */
static void view_row(json_t *v, json_t *row, size_t ncols) {
  int some = 0; /* a row none of whose benchmarks the result has (not in its mode) is left out */
  for (size_t k = 1; k < ncols && !some; k++) some = json_is_string(json_array_get(row, k)) && bench(json_string_value(json_array_get(row, k)));
  const char *why = some ? NULL : why_missing(json_string_value(json_array_get(row, 1)) ? json_string_value(json_array_get(row, 1)) : "");
  if (!some && !why) return;
  printf("| %s |", mb_md_spans(json_string_value(json_array_get(row, 0))));
  if (why) {
    for (size_t k = 2; k < ncols; k++) printf(" – |");
    printf(" not measured: %s |\n", mb_md_text(why));
    return;
  }
  double x[MB_VIEW_COLS_MAX];
  const char *unit[MB_VIEW_COLS_MAX];
  json_t *ratios = json_object_get(v, "ratio");
  for (size_t k = 1; k < ncols; k++) /* read while the row is written: a disturbed figure marks it */
    x[k - 1] = view_value(v, k - 1, json_string_value(json_array_get(row, k)), &unit[k - 1]);
  for (size_t k = 1; k < ncols; k++) { /* a ratio of two other columns of the row */
    json_t *r = json_array_get(ratios, k - 1);
    json_int_t a = json_integer_value(json_array_get(r, 0)), d = json_integer_value(json_array_get(r, 1));
    if (!json_is_array(r)) continue;
    x[k - 1] = a >= 1 && d >= 1 && (size_t)a < ncols && (size_t)d < ncols && (size_t)a != k && (size_t)d != k ? x[a - 1] / x[d - 1] : NAN;
    if (!unit[k - 1]) unit[k - 1] = "x";
  }
  for (size_t k = 1; k < ncols; k++) printf(" %s |", view_format(x[k - 1], unit[k - 1]));
  printf("\n");
}

/* A declared section: its heading, charts, lead paragraph, claims table, table (or grid),
 * note, and the lines of its place. */
static void view_section(json_t *v, const char *charts) {
  const char *heading = json_string_value(json_object_get(v, "heading")), *lead = json_string_value(json_object_get(v, "lead"));
  const char *anchor = json_string_value(json_object_get(v, "claims")), *fam = json_string_value(json_object_get(v, "family"));
  if (!view_shows(v)) return;
  last_line = 0;
  if (heading) printf("\n## %s\n", mb_md_spans(heading)); /* none: a table of the section before */
  chart_links(json_object_get(v, "charts"), "alt", charts);
  if (lead) printf("\n%s\n", mb_md_spans(lead));
  if (anchor) claims_table(anchor);
  json_t *cols = json_object_get(v, "columns"), *row;
  size_t i, ncols = json_array_size(cols);
  if (json_object_get(v, "grid")) grid_table(v, 0);
  else if (ncols >= 2 && ncols <= 1 + MB_VIEW_COLS_MAX) {
    printf("\n|");
    for (size_t k = 0; k < ncols; k++) printf(" %s |", mb_md_spans(json_string_value(json_array_get(cols, k))));
    printf("\n|");
    for (size_t k = 0; k < ncols; k++) printf("---|");
    printf("\n");
    json_array_foreach(json_object_get(v, "rows"), i, row) view_row(v, row, ncols);
  }
  const char *note = json_string_value(json_object_get(v, "note"));
  if (note) printf("\n%s\n", mb_md_spans(note));
  last_line = 0;
  if (fam) texts_at(fam, json_integer_value(json_object_get(v, "place")), 0);
}

/* Every declared section of the families in the result, by place (then as declared); those
 * with a claims table say so in `notes` (their claims_note, for the claims table). */
static void declared_sections(const char *charts, json_t *notes) {
  json_t *all = json_array(), *seen = json_object();
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *fam = json_string_value(json_object_get(b, "family"));
    if (!fam || json_object_get(seen, fam)) continue;
    json_object_set_new(seen, fam, json_true());
    json_t *s = sections_of(fam), *v;
    size_t k;
    json_array_foreach(s, k, v) {
      json_object_set_new(v, "family", json_string(fam));
      json_array_append(all, v);
    }
    json_decref(s);
  }
  size_t n = json_array_size(all);
  for (size_t a = 1; a < n; a++) /* insertion sort by place: a handful, stable */
    for (size_t j = a; j > 0; j--) {
      json_t *x = json_array_get(all, j - 1), *y = json_array_get(all, j);
      if (json_integer_value(json_object_get(x, "place")) <= json_integer_value(json_object_get(y, "place"))) break;
      json_incref(x);
      json_array_set(all, j - 1, y);
      json_array_set_new(all, j, x);
    }
  json_array_foreach(all, i, b) {
    const char *note = json_string_value(json_object_get(b, "claims_note"));
    if (note && view_shows(b)) json_array_append_new(notes, json_string(note));
    view_section(b, charts);
  }
  json_decref(all);
  json_decref(seen);
}

/* A table of the declared claims that follow `anchor`. */
static void claims_table(const char *anchor) {
  printf("\n| id | claim | measured here | verdict |\n|---|---|---|---|\n");
  declared_after(anchor);
}

/* A table of each benchmark's primary figure in its unit, for the entries of family `fam`
 * (whose names start with one of `only`, when given: a NULL-ended list). */
static void primary_table(const char *fam, const char *const *only) {
  printf("| benchmark | what it measures | figure | value |\n|---|---|---|---|\n");
  size_t j;
  json_t *e;
  json_array_foreach(benches, j, e) {
    const char *ef = json_string_value(json_object_get(e, "family")), *rt = json_string_value(json_object_get(e, "run_type"));
    const char *n = json_string_value(json_object_get(e, "run_name")), *pr = json_string_value(json_object_get(e, "primary"));
    if (!ef || strcmp(ef, fam) || (rt && !strcmp(rt, "aggregate")) || !n || !pr || bench(n) != e) continue;
    int wanted = !only;
    for (int k = 0; only && only[k]; k++) wanted |= !strncmp(n, only[k], strlen(only[k]));
    if (!wanted) continue;
    const char *d = json_string_value(json_object_get(e, "doc")), *u = json_string_value(json_object_get(e, "unit"));
    if (mb_is_time_field(pr)) u = "ns"; /* num() reads times in ns */
    printf("| `%s` | %s | %s | %s |\n", mb_md_code(n), mb_md_text(d ? d : ""), mb_md_text(pr), fmt_value(num(e, pr), u));
  }
}

static json_t *not_measured; /* the result's not_measured list: why an entry is missing */

/* Why the first entry under `prefix` did not run (its reason from not_measured), or NULL. */
static const char *why_missing(const char *prefix) {
  size_t i, l = strlen(prefix);
  json_t *e;
  json_array_foreach(not_measured, i, e) {
    const char *n = json_string_value(json_object_get(e, "name")), *r = json_string_value(json_object_get(e, "reason"));
    if (n && r && !strncmp(n, prefix, l) && (n[l] == '/' || !n[l])) return r;
  }
  return NULL;
}


/* The entry that says which cache levels the latency curve showed: the first measured one
 * with an L1_bytes figure (hierarchy/boundaries), or NULL. */
static json_t *detected_levels(void) {
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *n = json_string_value(json_object_get(b, "run_name"));
    if (n && json_object_get(b, "L1_bytes") && bench(n) == b) return b;
  }
  return NULL;
}

static void machine_table(void) {
  json_t *topo = json_object_get(mctx, "topology");
  printf("## The machine\n\n| | |\n|---|---|\n");
  printf("| CPU | %s (%s MHz) |\n", cstr("mb_cpu_model"), cstr("mb_cpu_mhz"));
  printf("| topology (hwloc) | %lld package(s), %lld NUMA node(s), %lld cores, %lld PUs |\n",
         (long long)json_integer_value(json_object_get(topo, "packages")), (long long)json_integer_value(json_object_get(topo, "numa_nodes")),
         (long long)json_integer_value(json_object_get(topo, "cores")), (long long)json_integer_value(json_object_get(topo, "pus")));
  printf("| kernel | %s |\n| virtualized | %s |\n| governor / boost / SMT | %s / %s / %s |\n", cstr("mb_kernel"),
         cstr("mb_virtualized"), cstr("mb_governor"), cstr("mb_boost"), cstr("mb_smt_active"));
  printf("| transparent huge pages | %s |\n| counters unavailable | ", cstr("mb_thp_enabled"));
  const char *ev;
  json_t *why;
  int first = 1;
  json_object_foreach(json_object_get(json_object_get(mctx, "counters"), "unavailable"), ev, why) {
    printf("%s%s", first ? "" : ", ", mb_md_text(ev));
    first = 0;
  }
  printf("%s |\n\n", first ? "none" : "");
  size_t i;
  json_t *w;
  json_array_foreach(json_object_get(mctx, "warnings"), i, w) printf("- warning: %s\n", mb_md_text(json_string_value(w)));

  printf("\n### Caches: what hwloc says, what the latency curve shows\n\n| level | hwloc | detected | latency |\n|---|---|---|---|\n");
  json_t *bnd = detected_levels();
  json_t *c;
  for (int l = 1; l <= 8; l++) {
    char key[32], hw[32], det[32];
    double hwb = NAN;
    json_array_foreach(json_object_get(topo, "caches_hwloc"), i, c) if (json_integer_value(json_object_get(c, "level")) == l) hwb =
        (double)json_integer_value(json_object_get(c, "bytes"));
    snprintf(key, sizeof key, "L%d_bytes", l);
    double db = num(bnd, key);
    if (isnan(hwb) && isnan(db)) continue;
    snprintf(key, sizeof key, "L%d_ns", l);
    double dn = num(bnd, key);
    size_str(hw, sizeof hw, hwb);
    size_str(det, sizeof det, db);
    snprintf(key, sizeof key, "L%d_agrees_with_hwloc", l);
    double ag = num(bnd, key);
    char lat[32];
    if (isnan(dn)) snprintf(lat, sizeof lat, "–");
    else snprintf(lat, sizeof lat, "%.2f ns", dn);
    printf("| L%d | %s | %s%s | %s |\n", l, hw, det, !isnan(db) && ag == 0 ? " (disagrees)" : isnan(db) && bnd ? " (not seen)" : "", lat);
  }
  if (bnd) printf("| memory | | | %s |\n", isnan(num(bnd, "memory_ns")) ? "not reached by the sweep's steps" : fmt_ns(num(bnd, "memory_ns")));
  else printf("\n(no detected cache levels in this result: the latency curve was not measured)\n");

}

/* A section for every family the hand-written ones above do not cover: its title and doc
 * from the result's presentation metadata (MB_FAMILY), a table of each benchmark's primary
 * figure in its unit, and the default chart make plots draws for it. */
static void generic_sections(const char *charts) {
  json_t *pres = json_object_get(mctx, "presentation"), *seen = json_object();
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *fam = json_string_value(json_object_get(b, "family"));
    json_t *own = fam ? sections_of(fam) : NULL;
    const size_t declares = json_array_size(own);
    json_decref(own);
    if (!fam || declares || json_object_get(seen, fam) || !mb_machine_name_valid(fam)) continue;
    json_object_set_new(seen, fam, json_true());
    json_t *p = json_object_get(pres, fam);
    const char *title = json_string_value(json_object_get(p, "title")), *doc = json_string_value(json_object_get(p, "doc"));
    printf("\n## %s\n\n", mb_md_text(title ? title : fam));
    if (doc) printf("%s\n\n", mb_md_text(doc));
    printf("![%s](%s/family_%s.png)\n\n", fam, charts, fam);
    primary_table(fam, NULL);
  }
  json_decref(seen);
}

/* Every benchmark some repetition of which was disturbed, and why; those whose every
 * repetition was are marked wherever they are shown. */
static void disturbed_section(void) {
  size_t i;
  json_t *e;
  int n = 0;
  json_array_foreach(benches, i, e) {
    const char *rt = json_string_value(json_object_get(e, "run_type"));
    if ((rt && !strcmp(rt, "aggregate")) || !json_is_true(json_object_get(e, "mb_disturbed"))) continue;
    if (!n++)
      printf("\n## Disturbed measurements\n\nSomething else had the CPU while these ran (another task on the PU, a stop, "
             "steal by the hypervisor): membench re-measured them while their PU was quiet, and these stayed disturbed. "
             "A figure shown from them carries " DISTURBED_MARK "; a benchmark with clean repetitions besides is shown from "
             "those.\n\n| benchmark | repetition | why |\n|---|---|---|\n");
    const char *why = json_string_value(json_object_get(e, "mb_disturbed_reason"));
    printf("| `%s` | %lld | %s |\n", mb_md_code(json_string_value(json_object_get(e, "name"))),
           (long long)json_integer_value(json_object_get(e, "repetition_index")), mb_md_text(why ? why : ""));
  }
}

/* What the quiet check found: the load before the run, where it ran and why, how many
 * benchmarks were re-measured and how many stayed disturbed. */
static void quiet_paragraph(void) {
  json_t *q = json_object_get(mctx, "quiet");
  if (!json_is_object(q)) {
    printf("This result predates the quiet check: whether something else had the CPU during a measurement is not known.\n\n");
    return;
  }
  const char *check = json_string_value(json_object_get(q, "check"));
  if (check && !strcmp(check, "off")) {
    printf("The quiet check was off (--mb_quiet_check=off): no figure here was checked for disturbance.\n\n");
    return;
  }
  long long dist = json_integer_value(json_object_get(mctx, "disturbed")), again = json_integer_value(json_object_get(mctx, "remeasured"));
  const char *busy = json_string_value(json_object_get(q, "busy")), *choice = json_string_value(json_object_get(q, "pu_choice"));
  printf("Quiet check: %s%s%s%s%lld benchmarks re-measured clean after a disturbed run, %lld still disturbed%s.\n\n", busy ? busy : "",
         busy ? ". " : "", choice ? choice : "", choice ? ". " : "", again, dist,
         dist ? " (their figures carry " DISTURBED_MARK ", listed under Disturbed measurements)" : "");
}

/* What did not run here, and why: never a number. */
static void not_measured_section(json_t *doc) {
  json_t *nm = json_object_get(doc, "not_measured"), *e;
  size_t i;
  if (!json_array_size(nm)) return;
  printf("\n## Not measured here\n\n| benchmark | | why |\n|---|---|---|\n");
  json_array_foreach(nm, i, e) printf("| `%s` | %s | %s |\n", mb_md_code(json_string_value(json_object_get(e, "name"))),
                                      mb_md_text(json_string_value(json_object_get(e, "status"))),
                                      mb_md_text(json_string_value(json_object_get(e, "reason")) ? json_string_value(json_object_get(e, "reason")) : ""));
}

int main(int argc, char **argv) {
  mb_tool_name = "mbreport";
  static FILE *real_stdout; /* under the fuzzer a run that ended in die() may have left ours */
  if (!real_stdout) real_stdout = stdout;
  stdout = real_stdout;
  nmarks = disturbed_reads = 0;
  json_decref(views_file); /* the sections a membench declares (--mb_views), wherever --views= stands */
  views_file = NULL;
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--views=", 8)) {
      argv[kept++] = argv[i];
      continue;
    }
    json_error_t ve;
    json_decref(views_file);
    if (!(views_file = json_load_file(argv[i] + 8, 0, &ve)) || !json_is_object(views_file))
      die("%s: not the JSON membench --mb_views prints (line %d: %s)", argv[i] + 8, ve.line, ve.text);
  }
  argc = kept;
  if (argc == 2 && !strcmp(argv[1], "--claims")) { /* every claim: the table here and those --views declares */
    printf("| id | claim | measured by (family) |\n|----|-------|----------------------|\n");
    const char *fam;
    json_t *f, *c;
    size_t k;
    json_object_foreach(views_file, fam, f) json_array_foreach(json_object_get(f, "claims"), k, c) {
      printf("| %s |", mb_md_text(json_string_value(json_object_get(c, "id"))));
      printf(" %s | %s |\n", mb_md_text(json_string_value(json_object_get(c, "text"))), mb_md_text(fam));
    }
    return 0;
  }
  if (argc < 2) die("usage: mbreport RESULT.json [CHARTS_DIR] [--views=FILE] > REPORT.md, or mbreport [--views=FILE] --claims");
  const char *charts = argc > 2 ? argv[2] : "charts";
  json_error_t e;
  json_t *doc = json_load_file(argv[1], 0, &e);
  if (!doc) die("%s: not valid JSON (line %d: %s)", argv[1], e.line, e.text);
  ctx = json_object_get(doc, "context");
  benches = json_object_get(doc, "benchmarks");
  not_measured = json_object_get(doc, "not_measured");
  check_entries(argv[1]);
  mctx = json_object_get(ctx, "membench");
  if (!json_is_array(benches) || !json_is_object(mctx)) die("%s: not a membench result", argv[1]);
  json_decref(declared);
  collect_declared();
  const char *base = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
  /* Written to memory first: the lines that showed a disturbed figure get their mark. */
  char *text = NULL;
  size_t len = 0;
  FILE *out = stdout, *mem = open_memstream(&text, &len);
  if (!mem) die("out of memory");
  stdout = mem;

  printf("# membench report: %s\n\n", mb_md_text(json_string_value(json_object_get(mctx, "machine"))));
  printf("Result `%s` of %s: git %s, %s, `%s`. Pinned: %s (PU %lld); %lld benchmarks skipped, %lld failed, "
         "%lld migrated.\n\n",
         mb_md_code(base), cstr("date"), cstr("mb_git_revision"), cstr("mb_compiler"),
         mb_md_code(json_string_value(json_object_get(ctx, "mb_c_flags")) ? json_string_value(json_object_get(ctx, "mb_c_flags")) : "unknown"),
         json_is_true(json_object_get(mctx, "pinned")) ? "yes" : "no", (long long)json_integer_value(json_object_get(mctx, "pu")),
         (long long)json_integer_value(json_object_get(mctx, "skipped")), (long long)json_integer_value(json_object_get(mctx, "failed")),
         (long long)json_integer_value(json_object_get(mctx, "migrated")));
  json_t *inc = json_object_get(mctx, "incomplete");
  if (json_is_object(inc))
    printf("**An incomplete result**: a checkpoint of a run that did not finish (killed: the OOM killer, a timeout?); it "
           "holds %lld of the %lld benchmarks selected. What is missing is not a skip.\n\n",
           (long long)json_integer_value(json_object_get(inc, "done")), (long long)json_integer_value(json_object_get(inc, "selected")));
  json_t *cf;
  size_t k;
  json_array_foreach(json_object_get(mctx, "child_failures"), k, cf)
      printf("**A child process failed**: '%s' %s; %lld of its benchmarks were lost (listed under Not measured here).\n\n",
             mb_md_text(json_string_value(json_object_get(cf, "process"))), mb_md_text(json_string_value(json_object_get(cf, "why"))),
             (long long)json_integer_value(json_object_get(cf, "lost")));
  quiet_paragraph();

  machine_table();
  json_t *notes = json_array(), *note;
  declared_sections(charts, notes);
  generic_sections(charts);
  not_measured_section(doc);
  printf("\n## The lesson's claims\n\nEach verdict follows the rule in its row; IDs as in docs/CLAIMS.md.");
  json_array_foreach(notes, k, note) printf(" %s", mb_md_spans(json_string_value(note)));
  json_decref(notes);
  printf("\n\n| id | claim | measured here | verdict |\n|---|---|---|---|\n");
  declared_after("(claims)"); /* the declared claims that open the table */
  declared_after(NULL); /* the declared claims that follow no row: those of a section not shown too */
  disturbed_section();
  fflush(mem);
  stdout = out;
  mark_lines(text, len, stdout);
  fclose(mem);
  free(text);
  json_decref(doc);
  if (fflush(stdout) || ferror(stdout)) die("cannot write the report: %s", strerror(errno));
  return 0;
}
