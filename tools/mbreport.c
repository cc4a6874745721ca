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

#define MB_ALLOC_CONSTANTS_ONLY
#include "mballoc.h" /* the pool's parameters, for the pymalloc comparison */
#include "env.h" /* mb_machine_name_valid: a name fit for a file name */
#include "entries.h"
#include "mb_rule.h"
#include "escape.h"
#include "tooldie.h"
#include "fmt.h"

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

/* A figure that counts or names something (threads, an ending): -1 where it is missing or
 * no int (a result may say anything). */
static int num_int(json_t *b, const char *key) {
  double v = num(b, key);
  return isfinite(v) && v >= -1 && v <= 1e9 ? (int)v : -1;
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

static double ns(const char *name) { return num(bench(name), "real_time"); }

/* A string a family added to the context (context.membench.families), "unknown" if none. */
static const char *family_str(const char *key) {
  const char *v = json_string_value(json_object_get(json_object_get(mctx, "families"), key));
  return v ? v : "unknown";
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

/* The lesson's claims as data: the id (docs/CLAIMS.md's), the claim as the report states it,
 * and the family that measures it. Each claim's rule is in its verdict, computed in the
 * claims_* functions below; `mbreport --claims` prints this table, and test_report checks it
 * against docs/CLAIMS.md. */
static const struct claim_def {
  const char *id, *text, *family;
} claim_defs[] = {
    {"C7", "deep recursion overflows into the guard page: SIGSEGV", "recursion"},
    {"C8, CPython", "a Python call per term is slower than a loop step per term", "python"},
    {"C16, CPython", "an arena whose pools are all free goes back to the OS", "alloc/pymalloc"},
};

static const struct claim_def *claim_def(const char *id) {
  for (size_t i = 0; i < sizeof claim_defs / sizeof *claim_defs; i++)
    if (!strcmp(claim_defs[i].id, id)) return &claim_defs[i];
  die("internal: no claim %s", id);
}

static void declared_after(const char *id);
/* One row of the claims table; the declared claims that follow it come right after. */
static void claim_row(const char *id, const char *text, const char *measured, const char *verdict) {
  static int seen; /* disturbed figures read before the previous claim */
  int from_disturbed = disturbed_reads > seen && strncmp(verdict, "not measurable", 14);
  seen = disturbed_reads;
  printf("| %s | %s | %s | %s%s |\n", id, text, measured, verdict, from_disturbed ? " (from a disturbed figure: re-measure on a quiet machine)" : "");
  declared_after(id);
}
static void claim(const char *id, const char *measured, const char *verdict) { claim_row(id, claim_def(id)->text, measured, verdict); }

static void not_here(const char *id) {
  char m[160];
  snprintf(m, sizeof m, "not measured: the `%s` family is not in this result", claim_def(id)->family);
  claim(id, m, "not measurable here yet");
}

/* The machine family: peak bandwidth at the memory working set (the largest one), idle vs
 * fully loaded latency, and the NUMA matrices where there are several nodes. */
/* ---- Declared claims (MB_CLAIM beside the benchmarks): the rule compares a / b (or a) with
 * a bound; templates say what was measured and the verdict. From the result or --views, as
 * the sections; every string in them is data (escaped; a template's {x:N} is the only thing
 * read in it). ---- */

static json_t *declared;   /* the declared claims of the families in the result, each once */
static json_t *views_file; /* --views=FILE's presentation, or NULL */

static json_t *claims_of(const char *fam);

/* The claims every family of the result's presentation and of --views declares (the result's
 * own first), each once; a family not in the result gets its rows too, saying so. */
static void collect_declared(void) {
  json_t *seen = json_object(), *c, *f;
  json_t *sources[2] = {json_object_get(mctx, "presentation"), views_file};
  const char *fam;
  size_t k;
  declared = json_array();
  for (int s = 0; s < 2; s++) json_object_foreach(sources[s], fam, f) {
      if (json_object_get(seen, fam)) continue;
      json_object_set_new(seen, fam, json_true());
      json_array_foreach(claims_of(fam), k, c) if (json_is_object(c) && json_string_value(json_object_get(c, "id"))) {
        json_object_set_new(c, "family", json_string(fam));
        json_array_append(declared, c);
      }
    }
  json_decref(seen);
}

/* The largest of `field` over the measured entries under PREFIX (each its median), NAN when
 * none has it. */
static double largest_under(const char *prefix, const char *field) {
  double most = NAN;
  size_t i, pl = prefix ? strlen(prefix) : 0;
  json_t *b;
  json_array_foreach(mb_entries_under(benches, prefix), i, b) {
    const char *n = json_string_value(json_object_get(b, "run_name"));
    if (!n || strncmp(n, prefix, pl) || n[pl] != '/' || bench(n) != b) continue; /* each run once */
    double v = num(b, field ? field : json_string_value(json_object_get(b, "primary")));
    if (!isnan(v) && (isnan(most) || v > most)) most = v;
  }
  return most;
}

/* A declared figure's value: the named benchmark's figure (its primary; the largest under a
 * prefix with "largest"), or a number the families put in the context, divided by per. */
static double claim_value(json_t *f) {
  const char *ctxkey = json_string_value(json_object_get(f, "ctx")), *name = json_string_value(json_object_get(f, "bench"));
  const char *fig = json_string_value(json_object_get(f, "figure"));
  double v;
  if (ctxkey) {
    const char *s = json_string_value(json_object_get(json_object_get(mctx, "families"), ctxkey));
    char *end;
    v = s ? strtod(s, &end) : NAN;
    if (s && (end == s || *end)) v = NAN;
  } else if (json_is_true(json_object_get(f, "largest"))) {
    v = name ? largest_under(name, fig) : NAN;
  } else if (json_string_value(json_object_get(f, "arg"))) { /* an argument of its name */
    const char *n = json_string_value(json_object_get(bench(name), "name"));
    char key[72];
    snprintf(key, sizeof key, "/%.64s:", json_string_value(json_object_get(f, "arg")));
    const char *at = n ? strstr(n, key) : NULL;
    v = at ? atof(at + strlen(key)) : NAN;
  } else {
    json_t *b = bench(name);
    if (!fig) fig = json_string_value(json_object_get(b, "primary"));
    v = b && fig ? num(b, fig) : NAN;
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

/* A template with {a:N}..{j:N}, {r:N} (a / b), {p:N} (100 a / b), {m:N} (100 (1 - a / b)), {=EXPR:N},
 * {x?YES|NO}, {(EXPR)?YES|NO}, {x#T0|T1|...} and {s:KEY} filled in (membench.h's MB_CLAIM)
 * (v: a..j), escaped as table text; a value that is not a number is "–". */
static const char *fill(const char *t, const double *v) {
  static char out[1024];
  size_t k = 0;
  for (t = t ? t : ""; *t && k + 64 < sizeof out; t++) {
    int prec;
    char which, key[64];
    const char *w = "abrpmcdefghij", *close = t[0] == '{' ? strchr(t, '}') : NULL;
    const char *q = close ? memchr(t, '?', (size_t)(close - t)) : NULL, *bar = q ? memchr(q, '|', (size_t)(close - q)) : NULL;
    if (bar && ((t[1] >= 'a' && t[1] <= 'j' && q == t + 2) || (t[1] == '(' && q[-1] == ')'))) { /* {x?YES|NO}, {(EXPR)?YES|NO} */
      double x = t[1] == '(' ? expr_value(t + 1, (size_t)(q - t - 1), v) : v[t[1] - 'a'];
      const char *from = isfinite(x) && x != 0 ? q + 1 : bar + 1, *to = isfinite(x) && x != 0 ? bar : close;
      for (; from < to && k + 64 < sizeof out; from++) out[k++] = *from;
      t = close;
    } else if (close && t[1] >= 'a' && t[1] <= 'j' && t[2] == '#') { /* {x#T0|T1|...} */
      const double x = v[t[1] - 'a'];
      const char *from = t + 3;
      for (int n = 0; isfinite(x) && x >= 0 && n < (int)x && from; n++) {
        from = memchr(from, '|', (size_t)(close - from));
        if (from) from++;
      }
      const char *to = from ? memchr(from, '|', (size_t)(close - from)) : NULL;
      if (!isfinite(x) || x < 0 || !from) from = "?", to = from + 1;
      for (const char *e = to ? to : close; from < e && k + 64 < sizeof out; from++) out[k++] = *from;
      t = close;
    } else if (close && t[1] == '=' && memrchr(t, ':', (size_t)(close - t)) && sscanf((const char *)memrchr(t, ':', (size_t)(close - t)), ":%d}", &prec) == 1 &&
               prec >= 0 && prec <= 6) { /* {=EXPR:N} */
      const char *colon = memrchr(t, ':', (size_t)(close - t));
      double x = expr_value(t + 2, (size_t)(colon - t - 2), v);
      if (isfinite(x)) k += (size_t)snprintf(out + k, sizeof out - k, "%.*f", prec, x);
      else k += (size_t)snprintf(out + k, sizeof out - k, "–");
      t = close;
    } else if (close && sscanf(t, "{s:%63[a-z0-9_]}", key) == 1 && t + 3 + strlen(key) == close) { /* {s:KEY} */
      const char *s = json_string_value(json_object_get(json_object_get(mctx, "families"), key));
      k += (size_t)snprintf(out + k, sizeof out - k, "%.60s", s ? s : "unknown");
      t = close;
    } else if (close && sscanf(t, "{%c:%d}", &which, &prec) == 2 && which && strchr(w, which) && prec >= 0 && prec <= 6) {
      double x = which == 'r'   ? v[0] / v[1]
                 : which == 'p' ? 100 * v[0] / v[1]
                 : which == 'm' ? 100 * (1 - v[0] / v[1])
                                : v[which - 'a'];
      if (isfinite(x)) k += (size_t)snprintf(out + k, sizeof out - k, "%.*f", prec, x);
      else k += (size_t)snprintf(out + k, sizeof out - k, "–");
      t = close;
    } else out[k++] = *t;
  }
  out[k] = 0;
  return mb_md_text(out);
}

static const char *why_missing(const char *prefix);
static void declared_claim(json_t *c) {
  json_object_set_new(c, "printed", json_true());
  char id[64], text[512], measured[1024];
  snprintf(id, sizeof id, "%s", mb_md_text(json_string_value(json_object_get(c, "id"))));
  snprintf(text, sizeof text, "%s", mb_md_text(json_string_value(json_object_get(c, "text"))));
  const char *fam = json_string_value(json_object_get(c, "family"));
  if (!has_family(fam)) {
    snprintf(measured, sizeof measured, "not measured: the `%s` family is not in this result", mb_md_code(fam));
    claim_row(id, text, measured, "not measurable here yet");
    return;
  }
  static const char *const letters[MB_RULE_FIGURES] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  json_t *fig[MB_RULE_FIGURES];
  double v[MB_RULE_FIGURES];
  for (int k = 0; k < MB_RULE_FIGURES; k++) {
    fig[k] = json_object_get(c, letters[k]);
    v[k] = json_is_object(fig[k]) ? claim_value(fig[k]) : k == 1 ? 1 : NAN; /* no b: a alone */
  }
  const char *rule = json_string_value(json_object_get(c, "rule"));
  json_t *c_rule = json_object_get(c, "c_rule"); /* a second rule on c: results recorded on 2026-12-08 before .rule */
  /* The figures the verdict needs: the rule's (where its value is open without them), else a
   * and b (and c with its rule). */
  int malformed = 0;
  const double verdict = rule ? mb_rule_eval(rule, v, &malformed) : 0;
  if (malformed) {
    claim_row(id, text, "not judged: its rule is no expression over a..j", "not measurable here");
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
      claim_row(id, text, measured, why ? "not measurable here" : "not measurable here yet");
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
  snprintf(measured, sizeof measured, "%s", fill(json_string_value(json_object_get(c, "measured")), v));
  claim_row(id, text, measured, fill(json_string_value(json_object_get(c, holds ? "holds" : "differs")), v));
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

static void machine_section(const char *charts) {
  printf("\n## The whole machine\n\n![bandwidth vs threads](%s/machine.png)\n![loaded latency](%s/loaded.png)\n\n", charts, charts);
  double best = NAN, mem_ws = 0, peak_read = 0;
  const char *best_name = NULL;
  int max_loaders = -1, peak_threads = 0;
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) { /* the memory working set: the largest of read_compact */
    const char *n = json_string_value(json_object_get(b, "name"));
    const char *w = n ? strstr(n, "/ws:") : NULL;
    if (w && !strncmp(n, "machine/read_compact/", 21) && atof(w + 4) > mem_ws) mem_ws = atof(w + 4);
  }
  printf("| | threads | bandwidth (all threads) | per thread |\n|---|---|---|---|\n");
  static const char *const ops[] = {"read", "write", "copy", "triad"};
  for (int o = 0; o < 4; o++) {
    json_array_foreach(benches, i, b) {
      const char *n = json_string_value(json_object_get(b, "name"));
      char want[64];
      snprintf(want, sizeof want, "machine/%s_", ops[o]);
      const char *w = n ? strstr(n, "/ws:") : NULL;
      if (!w || strncmp(n, want, strlen(want)) || atof(w + 4) != mem_ws || json_is_true(json_object_get(b, "error_occurred"))) continue;
      double bw = num(b, "bytes_per_second");
      if (isnan(best) || bw > best) best = bw, best_name = n;
    }
    if (!best_name) continue;
    json_t *top = bench(best_name);
    if (o == 0) peak_read = best, peak_threads = num_int(top, "threads");
    printf("| peak %s (%s) | %.0f | %.3g GB/s | %.3g GB/s |\n", ops[o], strstr(best_name, "scatter") ? "scatter" : "compact",
           num(top, "threads"), best / 1e9, num(top, "per_thread_bytes_per_second") / 1e9);
    best = NAN, best_name = NULL;
  }
  json_array_foreach(benches, i, b) {
    const char *n = json_string_value(json_object_get(b, "name"));
    int k;
    if (n && sscanf(n, "machine/loaded_latency/loaders:%d", &k) == 1 && !json_is_true(json_object_get(b, "error_occurred")) && k > max_loaders)
      max_loaders = k;
  }
  if (max_loaders >= 0) {
    char full[64];
    snprintf(full, sizeof full, "machine/loaded_latency/loaders:%d", max_loaders);
    double idle = num(bench("machine/loaded_latency/loaders:0"), "latency_ns"), loaded = num(bench(full), "latency_ns");
    printf("\nMemory working set %.0f MiB. Latency of a random chase: idle %s, with %d other core%s reading %s (%.3g GB/s): %.2f×.\n",
           mem_ws / 1048576, fmt_ns(idle), max_loaders, max_loaders == 1 ? "" : "s", fmt_ns(loaded),
           num(bench(full), "loaders_bytes_per_second") / 1e9, loaded / idle);
  }
  /* The mixes' loaders reading flat out against the peak read above: the loaders are every
   * core but one, so they should come near it. */
  json_t *mr = bench("machine/loaded_read/delay:0");
  if (mr && !json_is_true(json_object_get(mr, "error_occurred")) && peak_read > 0) {
    const int k = num_int(mr, "loaders");
    const double got = num(mr, "loaders_bytes_per_second");
    printf("\nThe traffic mixes' %d loader%s reading flat out (delay 0) moved %.3g GB/s: %.0f%% of the peak read above (%.3g GB/s with %d thread%s).\n", k,
           k == 1 ? "" : "s", got / 1e9, 100 * got / peak_read, peak_read / 1e9, peak_threads, peak_threads == 1 ? "" : "s");
  }
  int nodes = (int)json_integer_value(json_object_get(json_object_get(mctx, "topology"), "numa_nodes"));
  if (nodes < 2) {
    printf("\nOne NUMA node: no latency or bandwidth matrix between nodes.\n");
    return;
  }
  printf("\n![NUMA latency](%s/numa_latency.png)\n![NUMA bandwidth](%s/numa_bandwidth.png)\n![NUMA loaded latency](%s/numa_loaded.png)\n\n"
         "Each cell: idle latency, loaded latency (node I's other cores streaming from node J), read bandwidth of node I's cores.\n\n"
         "| threads on \\ memory on |",
         charts, charts, charts);
  for (int j = 0; j < nodes; j++) printf(" node %d |", j);
  printf("\n|---|");
  for (int j = 0; j < nodes; j++) printf("---|");
  for (int a = 0; a < nodes; a++) {
    printf("\n| node %d |", a);
    for (int j = 0; j < nodes; j++) {
      char l[80], w[80], ld[80];
      snprintf(l, sizeof l, "machine/numa_latency/from:%d/to:%d", a, j);
      snprintf(w, sizeof w, "machine/numa_bandwidth/from:%d/to:%d", a, j);
      snprintf(ld, sizeof ld, "machine/loaded_numa/from:%d/to:%d", a, j);
      printf(" %s, %s loaded, %.3g GB/s |", fmt_ns(num(bench(l), "latency_ns")), fmt_ns(num(bench(ld), "latency_ns")), num(bench(w), "bytes_per_second") / 1e9);
    }
  }
  printf("\n");
}

/* The pool beside the allocator it imitates, as this run measured both. */
static void pymalloc_section(void) {
  json_t *pp = bench("alloc/pool/footprint/size:20"), *yp = bench("alloc/pymalloc/footprint/size:20");
  printf("\n## The pool beside CPython's pymalloc\n\n"
         "The pool (`alloc/`) imitates pymalloc as the lesson describes it; `alloc/pymalloc/*` is the real one, "
         "`PyObject_Malloc` of libpython (%s).\n\n| | pool | CPython's pymalloc |\n|---|---|---|\n",
         family_str("alloc_pymalloc_library"));
  printf("| size classes | every %d B up to %d B (%d classes) | up to %.0f B, %.0f classes |\n", MBP_ALIGNMENT, MBP_SMALL_MAX,
         MBP_SMALL_MAX / MBP_ALIGNMENT, num(yp, "threshold"), num(yp, "classes"));
  printf("| block for a 20-byte request | %.0f B | %.0f B (measured: the distance between neighbouring blocks) |\n",
         20 * num(pp, "internal_frag"), num(yp, "block_bytes"));
  printf("| arena | %d KiB, %d KiB pools | %.0f KiB (the allocator's own account) |\n", MBP_ARENA_SIZE / 1024, MBP_POOL_SIZE / 1024,
         num(yp, "arena_bytes") / 1024);
  printf("| after freeing 8 MiB of 20-byte blocks | %.1f%% of the peak resident | %.1f%% of the peak resident, %.0f arenas given back |\n",
         100 * num(pp, "rss_all_freed_kib") / num(pp, "peak_rss_kib"), 100 * num(yp, "rss_all_freed_kib") / num(yp, "peak_rss_kib"),
         num(yp, "arenas_reclaimed"));
  printf("| 32-byte malloc + free | %s | %s (glibc %s) |\n", fmt_ns(ns("alloc/pool/pair/size:32")), fmt_ns(ns("alloc/pymalloc/pair/size:32")),
         fmt_ns(ns("alloc/glibc/pair/size:32")));
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

/* The sections a family declares, from the result or the views file. */
static json_t *sections_of(const char *fam) {
  json_t *s = json_object_get(json_object_get(json_object_get(mctx, "presentation"), fam), "sections");
  if (!json_is_array(s)) s = json_object_get(json_object_get(views_file, fam), "sections");
  return json_is_array(s) ? s : NULL;
}

/* The charts a family declares, from the result or the views file. */
static json_t *charts_of(const char *fam) {
  json_t *s = json_object_get(json_object_get(json_object_get(mctx, "presentation"), fam), "charts");
  if (!json_is_array(s)) s = json_object_get(json_object_get(views_file, fam), "charts");
  return json_is_array(s) ? s : NULL;
}

/* The claims a family declares, from the result or the views file. */
static json_t *claims_of(const char *fam) {
  json_t *s = json_object_get(json_object_get(json_object_get(mctx, "presentation"), fam), "claims");
  if (!json_is_array(s)) s = json_object_get(json_object_get(views_file, fam), "claims");
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

/* Whether a declared section has something of this result to show: a chart, or a cell whose
 * benchmark the result has (a table of nothing but "–" is left out: a result from before the
 * section's benchmarks existed, or a mode that runs none of them). */
static int view_shows(json_t *v) {
  if (json_array_size(json_object_get(v, "charts"))) return 1;
  size_t i, k;
  json_t *row, *cell;
  json_array_foreach(json_object_get(v, "rows"), i, row) json_array_foreach(row, k, cell) {
    if (k && json_is_string(cell) && bench(json_string_value(cell))) return 1;
  }
  return 0;
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

static void view_section(json_t *v, const char *charts) {
  const char *heading = json_string_value(json_object_get(v, "heading"));
  if (!view_shows(v)) return;
  if (heading) printf("\n## %s\n", mb_md_text(heading)); /* none: a table of the section before */
  chart_links(json_object_get(v, "charts"), "alt", charts);
  json_t *cols = json_object_get(v, "columns"), *rows = json_object_get(v, "rows"), *row;
  size_t ncols = json_array_size(cols);
  if (ncols < 2 || ncols > 1 + MB_VIEW_COLS_MAX) return;
  printf("\n|");
  for (size_t k = 0; k < ncols; k++) printf(" %s |", mb_md_text(json_string_value(json_array_get(cols, k))));
  printf("\n|");
  for (size_t k = 0; k < ncols; k++) printf("---|");
  printf("\n");
  json_t *ratios = json_object_get(v, "ratio");
  size_t i;
  json_array_foreach(rows, i, row) {
    int some = 0; /* a row none of whose benchmarks the result has (not in its mode) is left out */
    for (size_t k = 1; k < ncols && !some; k++) some = json_is_string(json_array_get(row, k)) && bench(json_string_value(json_array_get(row, k)));
    if (!some) continue;
    printf("| %s |", mb_md_text(json_string_value(json_array_get(row, 0))));
    double x[MB_VIEW_COLS_MAX];
    const char *unit[MB_VIEW_COLS_MAX];
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
  const char *note = json_string_value(json_object_get(v, "note"));
  if (note) printf("\n%s\n", mb_md_text(note));
}

/* The families whose section is written here by hand; a section one of them declares follows
 * the hand-written one. */
static const char *const hand_written[] = {"machine", "python", NULL};
static int is_hand_written(const char *fam) {
  for (int k = 0; fam && hand_written[k]; k++)
    if (!strcmp(hand_written[k], fam)) return 1;
  return 0;
}

/* Every declared section of the families in the result (those of `only`, or of every family
 * not written by hand), by place (then as declared). */
static void declared_sections(const char *charts, const char *only) {
  json_t *all = json_array(), *seen = json_object();
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *fam = json_string_value(json_object_get(b, "family"));
    if (!fam || json_object_get(seen, fam) || (only ? strcmp(fam, only) : is_hand_written(fam))) continue;
    json_object_set_new(seen, fam, json_true());
    json_t *s = sections_of(fam), *v;
    size_t k;
    json_array_foreach(s, k, v) if (json_is_object(v)) json_array_append(all, v);
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
  json_array_foreach(all, i, b) view_section(b, charts);
  json_decref(all);
  json_decref(seen);
}



static void claims_recursion(void) {
  char m[640];
  size_t i;

  int probes = 0, good = 0;
  double d16 = NAN, e16 = NAN;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *n = json_string_value(json_object_get(b, "name"));
    if (!n || strncmp(n, "recursion/overflow_", 19) || json_is_true(json_object_get(b, "error_occurred"))) continue;
    probes++;
    double depth = num(b, "depth"), exp = num(b, "expected_depth"), below = num(b, "fault_below_stack"), frame = num(b, "frame_bytes");
    good += num(b, "signal") == 11 && fabs(depth - exp) <= 1 && below >= 0 && below <= frame + 128;
    if (strstr(n, "overflow_main/frame:16/")) d16 = depth, e16 = exp;
  }
  if (probes) {
    snprintf(m, sizeof m, "%d of %d overflow probes ended in SIGSEGV within one frame of the predicted depth, the fault just below the stack (main thread, 16 B locals: %.0f deep, %.0f predicted)",
             good, probes, d16, e16);
    claim("C7", m, good == probes ? "holds (rule: every probe)" : "differs");
  } else not_here("C7");



}


static const char *py_version(void);
static const char *by_rule(int holds, const char *rule);

static void claims_memory(void) {
  char m[640];

  json_t *yf = bench("alloc/pymalloc/footprint/size:20"), *rs = bench("python/retain/kept_of_64:0");
  double rs_added = num(rs, "arenas_added"), rs_freed = num(rs, "arenas_freed");
  if (rs && rs_added >= 16 && !isnan(rs_freed)) {
    /* At scale (python/retain: a fresh interpreter, millions of floats, none kept): of the
     * arenas the list took, the share that went back. One stays by design (bpo-37257) and one
     * may hold the few objects made meanwhile; the 8 MiB test below adds too few arenas for
     * those two to be noise. */
    snprintf(m, sizeof m, "CPython %s, %.0f floats in a list, deleted, none kept: of the %.0f arenas it added %.0f went back to the OS (%.1f%%); "
             "RSS %.1f MiB added, %.1f MiB stayed (%.1f%%)",
             py_version(), num(rs, "floats"), rs_added, rs_freed, 100 * rs_freed / rs_added, num(rs, "rss_added_kib") / 1024,
             num(rs, "rss_kept_kib") / 1024, num(rs, "retained_pct"));
    claim("C16, CPython", m, by_rule(rs_freed >= 0.9 * rs_added, "at scale (≥ 16 arenas), ≥ 90% of the arenas the workload added went back"));
  } else if (yf && !isnan(num(yf, "arenas_reclaimed"))) {
    /* The claim is about arenas: of those the workload added (the peak over what was in use
     * before it), how many went back when every block was freed. CPython (3.9 on) keeps a
     * wholly free arena when it is the last one of its usable list, "to avoid thrashing"
     * (obmalloc.c, bpo-37257), so one kept is the rule, not an exception; RSS is shown beside
     * it (in an 8 MiB test a kept 1 MiB arena is 12% of the peak, and judging by RSS said
     * "differs"). A result without arenas_peak (older) judges by RSS as before. */
    double peak = num(yf, "peak_rss_kib"), all = num(yf, "rss_all_freed_kib"), back = num(yf, "arenas_reclaimed");
    double added = num(yf, "arenas_peak") - num(yf, "arenas_before");
    if (!isnan(added)) {
      snprintf(m, sizeof m, "pymalloc, 8 MiB in 20-byte blocks: the workload added %.0f arenas of %.0f KiB; after freeing every block %.0f went back to the OS; "
               "RSS %.0f KiB at the peak, %.0f KiB after (%.1f%%)",
               added, num(yf, "arena_bytes") / 1024, back, peak, all, 100 * all / peak);
      claim("C16, CPython", m,
            added >= 2 && back >= added - 1 ? "holds (rule: every arena the workload emptied went back but at most one, which CPython keeps for reuse)"
                                            : "differs (rule: every arena the workload emptied went back but at most one, which CPython keeps for reuse)");
    } else {
      snprintf(m, sizeof m, "pymalloc, 8 MiB in 20-byte blocks: peak RSS %.0f KiB; after freeing every block %.0f KiB (%.1f%%); %.0f arenas of %.0f KiB given back",
               peak, all, 100 * all / peak, back, num(yf, "arena_bytes") / 1024);
      claim("C16, CPython", m,
            all < 0.1 * peak && back > 0 ? "holds (rule: < 10% of the peak left resident, arenas given back)" : "differs");
    }
  } else not_here("C16, CPython");
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

/* ---- The lesson's Python half (the python family's lesson entries, benches/pylesson.c): its claims first, then what
 * this interpreter is, then the figures, then what they mean. ---- */

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

/* A claim that could not be judged: why, from the result (a skip's reason), else the family. */
static void not_here_because(const char *id, const char *prefix) {
  const char *why = why_missing(prefix);
  char m[400];
  if (!why && has_family(claim_def(id)->family)) { /* the family ran, without this entry: an older result, a filter */
    snprintf(m, sizeof m, "not measured: no `%s` in this result", mb_md_code(prefix));
    claim(id, m, "not measurable here yet");
    return;
  }
  if (!why) {
    not_here(id);
    return;
  }
  snprintf(m, sizeof m, "`%s` did not run: %s", mb_md_code(prefix), mb_md_text(why));
  claim(id, m, "not measurable here");
}


static const char *py_version(void) { return mb_md_text(family_str("python_version")); }

/* The depths python/call_recursive and python/sum_iterative may have been run at. */
static const int py_depths[] = {10, 50, 100, 150, 200, 300, 1000, 3000, 10000};
#define PY_NDEPTHS ((int)(sizeof py_depths / sizeof *py_depths))

/* Per term of the sum 1..n at depth n: a recursive call's time, a loop step's (ns). */
static void py_per_term(int n, double *call, double *step) {
  char rn[64], ln[64];
  snprintf(rn, sizeof rn, "python/call_recursive/depth:%d", n);
  snprintf(ln, sizeof ln, "python/sum_iterative/n:%d", n);
  *call = ns(rn) / n, *step = ns(ln) / n;
}

/* A verdict by a rule: "holds (rule: …)" or "differs (rule: …)". */
static const char *by_rule(int holds, const char *rule) {
  static char v[320];
  snprintf(v, sizeof v, "%s (rule: %s)", holds ? "holds" : "differs", rule);
  return v;
}


static void claims_python_interpreter(void) { /* recursion */
  char m[640];
  /* C8 for CPython: one call per term against one loop step per term, at every depth measured. */
  char per[600] = "";
  int depths = 0, slower = 0;
  for (int k = 0; k < PY_NDEPTHS; k++) {
    double r, l;
    py_per_term(py_depths[k], &r, &l);
    if (isnan(r) || isnan(l)) continue;
    depths++;
    slower += r > l;
    size_t at = strlen(per);
    snprintf(per + at, sizeof per - at, "%s%d: %s vs %s (%.1f×)", at ? "; " : "", py_depths[k], fmt_ns(r), fmt_ns(l), r / l);
  }
  if (depths) {
    snprintf(m, sizeof m, "CPython %s, sum of 1..n, per call vs per loop step, n = %s", py_version(), per);
    claim("C8, CPython", m, by_rule(slower == depths, "a call dearer than a loop step at every n"));
  } else not_here_because("C8, CPython", "python/call_recursive");

}




/* The interpreter, the tables and the chart. */
static void python_figures(const char *charts) {
  json_t *f = bench("alloc/pymalloc/footprint/size:20"), *p = bench("python/recursion_pure"), *c = bench("python/recursion_via_c");
  printf("\n### The interpreter here\n\n| | |\n|---|---|\n| CPython | %s (%s) |\n", py_version(), mb_md_text(family_str("alloc_pymalloc_library")));
  if (f) printf("| pymalloc | arenas %s, pools %s, size classes up to %.0f B |\n", fmt_value(num(f, "arena_bytes"), "B"),
                fmt_value(num(f, "pool_bytes"), "B"), num(f, "threshold"));
  if (p) printf("| C stack (RLIMIT_STACK) | %s |\n", fmt_value(num(p, "stack_bytes"), "B"));
  if (c) printf("| C stack per level of recursion through C | about %.0f B (the stack over the depth reached) |\n", num(c, "stack_bytes_per_level"));
  chart_links(charts_of("python"), "title", charts);

  static const char *const what[] = {"list3", "list3_floats", "dict3", "str16", "float", "tuple3", "ndarray_1m", "ndarray_view"};
  static const char *const label[] = {"[1, 2, 3]", "[1.5, 2.5, 3.5]", "dict of 3", "str of 16", "float", "tuple of 3", "ndarray, 10^6 float64",
                                      "view of it, [::2]"};
  printf("\n| object | `sys.getsizeof` | deep (gc.get_referents) | tracemalloc, one made |\n|---|---|---|---|\n");
  for (int k = 0; k < 8; k++) {
    char n[64];
    snprintf(n, sizeof n, "python/getsizeof_%s", what[k]);
    json_t *e = bench(n);
    const char *why = e ? NULL : why_missing(n);
    if (!e && !why) continue;
    if (why) printf("| %s | – | – | not measured: %s |\n", label[k], mb_md_text(why));
    else printf("| %s | %s | %s | %s |\n", label[k], fmt_value(num(e, "getsizeof_bytes"), "B"), fmt_value(num(e, "deep_bytes"), "B"),
                fmt_value(num(e, "traced_bytes"), "B"));
  }
  printf("\n| kept of 64 after `del` | survivors | resident added | resident kept | arenas added / given back |\n|---|---|---|---|---|\n");
  for (int k = 0; k <= 64; k++) {
    char n[64];
    snprintf(n, sizeof n, "python/retain/kept_of_64:%d", k);
    json_t *e = bench(n);
    if (!e) continue;
    printf("| %d | %.0f | %.1f MiB | %.1f MiB (%.1f%%) | %.0f / %.0f |\n", k, num(e, "survivors"), num(e, "rss_added_kib") / 1024,
           num(e, "rss_kept_kib") / 1024, num(e, "retained_pct"), num(e, "arenas_added"), num(e, "arenas_freed"));
  }
  printf("\n| n (depth) | recursive call, per term | page faults per 1,000 calls | loop step, per term |\n|---|---|---|---|\n");
  for (int k = 0; k < PY_NDEPTHS; k++) {
    char rn[64];
    snprintf(rn, sizeof rn, "python/call_recursive/depth:%d", py_depths[k]);
    double r, l;
    py_per_term(py_depths[k], &r, &l);
    if (isnan(r) && isnan(l)) continue;
    const double pf = num(bench(rn), "page-faults") / py_depths[k] * 1000;
    char pfs[32] = "–";
    if (!isnan(pf)) snprintf(pfs, sizeof pfs, "%.1f", pf);
    printf("| %d | %s | %s | %s |\n", py_depths[k], fmt_ns(r), pfs, fmt_ns(l));
  }
}

/* What the figures mean for someone debugging memory in Python, from the figures. */
static void python_meaning(void) {
  json_t *r0 = bench("python/retain/kept_of_64:0"), *r1 = bench("python/retain/kept_of_64:1"), *c = bench("python/recursion_via_c");
  json_t *w = bench("python/floats_workload_ratio");
  printf("\n### What it means\n\n");
  printf("- A name at module level (a cache, a registry, a list of results) keeps everything it reaches alive; `gc.collect()` "
         "cannot help, it only frees what nothing reaches. Find what holds memory with tracemalloc's snapshots (they name the line), "
         "not with `sys.getsizeof`, which counts one object and none of what it refers to.\n");
  if (r0 && r1)
    printf("- `del` gives memory back to the operating system only where whole arenas empty: here %.1f%% of a big list's memory stayed "
           "resident when nothing survived it, %.1f%% when one float in 64 did. Long-lived objects made amid short-lived ones "
           "(a few results kept from each batch) keep the whole batch's memory.\n",
           num(r0, "retained_pct"), num(r1, "retained_pct"));
  if (c)
    printf("- Raising the recursion limit is safe for pure Python on this interpreter (a RecursionError, not a crash), but code "
           "that recurses through C (repr, serializers, copy.deepcopy of deep structures) is bounded by the C stack, not by the "
           "limit: repr of objects nested %.0f deep crashed the process with SIGSEGV here (about %.0f B of C stack a level).\n",
           num(c, "depth"), num(c, "stack_bytes_per_level"));
  double first = NAN, knee_cost = NAN;
  int shallow_n = 0, knee = 0;
  for (int k = 0; k < PY_NDEPTHS && !knee; k++) {
    double r, l;
    py_per_term(py_depths[k], &r, &l);
    if (isnan(r)) continue;
    if (isnan(first)) first = r;
    if (r >= 1.5 * first) knee = py_depths[k], knee_cost = r;
    else shallow_n = py_depths[k];
  }
  if (knee)
    printf("- A Python call costs %s up to %d frames deep and %s or more from %d on: CPython 3.11 keeps frames on a data stack "
           "of its own, in chunks, and a recursion past the first chunk maps a new one (the page faults in the table above) "
           "each time it goes that deep.\n",
           fmt_ns(first), shallow_n, fmt_ns(knee_cost), knee);
  if (w)
    printf("- pymalloc is worth keeping: building and summing a list of floats took %s as long with `PYTHONMALLOC=malloc`; use "
           "that setting to let a C-level tool (valgrind, ASan, heaptrack) see every allocation, not in production.\n",
           fmt_x(num(w, "malloc_over_pymalloc")));
}

/* Every Python claim, in the order of their ids. */
/* The Python table: the declared claims that open it (C17, C18), then those written here. */
static void claims_python(void) {
  declared_after("(python)");
  claims_python_interpreter();
}

static void python_section(const char *charts) {
  printf("\n## Python: the lesson's Python half\n\nThe lesson's statements about CPython, judged on this interpreter "
         "(benches/pylesson.c runs benches/python_lesson.py in the embedded libpython; what may crash runs in a fresh "
         "child interpreter).\n\n| id | claim | measured here | verdict |\n|---|---|---|---|\n");
  claims_python();
  python_figures(charts);
  python_meaning();
  declared_sections(charts, "python"); /* the objects through the C API */
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
  json_t *bnd = bench("hierarchy/boundaries/from:0");
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
  else printf("\n(no `hierarchy/boundaries` in this result: the curve was not measured)\n");

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
    if (!fam || is_hand_written(fam) || sections_of(fam) || json_object_get(seen, fam) || !mb_machine_name_valid(fam)) continue;
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
    for (size_t k = 0; k < sizeof claim_defs / sizeof *claim_defs; k++)
      printf("| %s | %s | %s |\n", claim_defs[k].id, claim_defs[k].text, claim_defs[k].family);
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
  declared_sections(charts, NULL);
  if (bench("alloc/pymalloc/pair/size:32")) pymalloc_section();
  if (has_family("machine")) machine_section(charts), declared_sections(charts, "machine");
  if (has_family("python")) python_section(charts);
  generic_sections(charts);
  not_measured_section(doc);
  printf("\n## The lesson's claims\n\nEach verdict follows the rule in its row; IDs as in docs/CLAIMS.md.%s\n\n"
         "| id | claim | measured here | verdict |\n|---|---|---|---|\n",
         has_family("python") ? " The claims about Python (C8 for CPython, C17–C28) open the Python section above." : "");
  declared_after("(claims)"); /* the declared claims that open the table */
  claims_recursion();
  claims_memory();
  if (!has_family("python")) claims_python();
  declared_after(NULL); /* the declared claims that follow no row */
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
