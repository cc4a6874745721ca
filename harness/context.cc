/*
 * context.cc: what a result says about the machine and the run, beside Google Benchmark's
 * own context fields: context.membench (placement, topology, counters, warnings, counts,
 * argv, the families' notes and how each family is presented).
 */
#include "adapter.h"

namespace mb {
namespace {

/* hwloc's account of the machine (summary) and the cache line the benchmarks lay out by. */
json_t *topology_json(const mb_topo_summary_t &summary, const mb_config_t &config, const char *cache_line_from) {
  json_t *topo = json_object();
  json_object_set_new(topo, "packages", json_integer(summary.packages));
  json_object_set_new(topo, "numa_nodes", json_integer(summary.numa_nodes));
  json_object_set_new(topo, "cores", json_integer(summary.cores));
  json_object_set_new(topo, "pus", json_integer(summary.pus));
  json_object_set_new(topo, "smt", json_integer(summary.smt));
  json_object_set_new(topo, "cache_line", json_integer(summary.cache_line)); /* hwloc's (0: unknown) */
  json_object_set_new(topo, "cache_line_used", json_integer(config.cache_line)); /* what benchmarks lay out by */
  json_object_set_new(topo, "cache_line_from", json_string(cache_line_from));
  json_t *caches = json_array();
  for (int l = 1; l <= 4; l++) {
    if (!summary.cache_size[l]) continue;
    json_t *c = json_object();
    json_object_set_new(c, "level", json_integer(l));
    json_object_set_new(c, "bytes", json_integer((json_int_t)summary.cache_size[l]));
    json_object_set_new(c, "count", json_integer(summary.cache_count[l]));
    json_array_append_new(caches, c);
  }
  json_object_set_new(topo, "caches_hwloc", caches);
  return topo;
}

/* The perf events: available, not (with why), counting user space only. */
json_t *counters_json(const mb_counters_t &counters) {
  json_t *avail = json_array(), *unavail = json_object(), *user = json_array();
  for (int i = 0; i < counters.n; i++) {
    if (counters.ev[i].available) json_array_append_new(avail, json_string(counters.ev[i].name));
    else json_object_set_new(unavail, counters.ev[i].name, json_string(counters.ev[i].why));
    if (counters.ev[i].available && counters.ev[i].user_only) json_array_append_new(user, json_string(counters.ev[i].name));
  }
  json_t *ctr = json_object();
  json_object_set_new(ctr, "available", avail);
  json_object_set_new(ctr, "unavailable", unavail);
  json_object_set_new(ctr, "user_space_only", user); /* available, but counting user space only */
  return ctr;
}

void set_text(json_t *o, const char *key, const char *v) {
  if (v) json_object_set_new(o, key, json_string(v));
}


/* The unit of column c's figure, from the descriptor of its first cell (the primary's, or a
 * declared figure's); null where none says (each cell's own primary, or a bare counter). */
json_t *column_unit(const mb_view_t *v, int c) {
  const mb_bench_t *b = NULL;
  for (int r = 0; r < MB_VIEW_ROWS && !b; r++)
    if (v->rows[r].cells[c]) b = mb_bench_named(v->rows[r].cells[c]);
  if (!b || !v->figure[c]) return json_null();
  mb_figure_t p = mb_primary_of(b);
  if (p.name && !strcmp(p.name, v->figure[c])) return p.unit ? json_string(p.unit) : json_null();
  for (int k = 0; k < MB_MAX_FIGURES && b->figures[k].name; k++)
    if (!strcmp(b->figures[k].name, v->figure[c])) return b->figures[k].unit ? json_string(b->figures[k].unit) : json_null();
  return json_null();
}

/* A declared report section (MB_VIEW) as data: heading, place, charts, the table's header
 * and rows (a row's cells in column order, null where it has none). */
json_t *view_json(const mb_view_t *v) {
  json_t *o = json_object(), *charts = json_array(), *cols = json_array(), *figs = json_array(), *units = json_array(), *rows = json_array();
  json_t *per = json_array(), *inv = json_array(), *share = json_array(), *ratio = json_array();
  json_object_set_new(o, "heading", v->heading ? json_string(v->heading) : json_null());
  json_object_set_new(o, "place", json_integer(v->place));
  for (int c = 0; c < MB_VIEW_CHARTS && v->charts[c].file; c++)
    json_array_append_new(charts, json_pack("{s:s,s:s}", "file", v->charts[c].file, "alt", v->charts[c].alt ? v->charts[c].alt : v->charts[c].file));
  json_object_set_new(o, "charts", charts);
  int ncols = 0;
  while (ncols < MB_VIEW_COLS && v->cols[ncols]) ncols++;
  if (v->corner) {
    json_array_append_new(cols, json_string(v->corner));
    for (int c = 0; c < ncols; c++) {
      json_array_append_new(cols, json_string(v->cols[c]));
      json_array_append_new(figs, v->figure[c] ? json_string(v->figure[c]) : json_null());
      json_array_append_new(units, v->unit[c] ? json_string(v->unit[c]) : column_unit(v, c));
      json_array_append_new(per, json_real(v->per[c]));
      json_array_append_new(inv, json_real(v->inv[c]));
      json_array_append_new(share, v->share_of[c] ? json_string(v->share_of[c]) : json_null());
      json_array_append_new(ratio, v->ratio[c].num ? json_pack("[ii]", v->ratio[c].num, v->ratio[c].den) : json_null());
    }
    for (int r = 0; r < MB_VIEW_ROWS && v->rows[r].label; r++) {
      json_t *row = json_array();
      json_array_append_new(row, json_string(v->rows[r].label));
      for (int c = 0; c < ncols; c++) json_array_append_new(row, v->rows[r].cells[c] ? json_string(v->rows[r].cells[c]) : json_null());
      json_array_append_new(rows, row);
    }
  }
  json_object_set_new(o, "columns", cols);
  json_object_set_new(o, "figures", figs);
  json_object_set_new(o, "units", units);
  json_object_set_new(o, "rows", rows);
  /* A column's scaling, share and ratio (membench.h): arrays beside "figures", one a column. */
  json_object_set_new(o, "per", per);
  json_object_set_new(o, "inv", inv);
  json_object_set_new(o, "share_of", share);
  json_object_set_new(o, "ratio", ratio);
  if (v->note) json_object_set_new(o, "note", json_string(v->note));
  set_text(o, "lead", v->lead);
  if (v->grid[0]) {
    json_t *g = json_array(), *gf = json_array();
    for (int k = 0; k < 3 && v->grid[k]; k++) {
      json_array_append_new(g, json_string(v->grid[k]));
      json_array_append_new(gf, v->grid_figure[k] ? json_string(v->grid_figure[k]) : json_null());
    }
    json_object_set_new(o, "grid", g);
    json_object_set_new(o, "grid_figures", gf);
    set_text(o, "grid_cell", v->grid_cell);
    set_text(o, "grid_label", v->grid_label);
  }
  set_text(o, "claims", v->claims);
  set_text(o, "claims_note", v->claims_note);
  return o;
}

json_t *claim_figure_json(const mb_claim_figure_t *f) {
  json_t *o = f->ctx ? json_pack("{s:s}", "ctx", f->ctx) : json_pack("{s:s}", "bench", f->bench);
  if (f->largest) json_object_set_new(o, "largest", json_true());
  if (f->smallest) json_object_set_new(o, "smallest", json_true());
  if (f->count) json_object_set_new(o, "count", json_true());
  if (f->sum) json_object_set_new(o, "sum", json_true());
  if (f->over) json_object_set_new(o, "over", json_string(f->over));
  if (f->at_largest) json_object_set_new(o, "at_largest", json_string(f->at_largest));
  if (f->pick) json_object_set_new(o, "pick", json_string(f->pick));
  if (f->arg) json_object_set_new(o, "arg", json_string(f->arg));
  if (f->figure) json_object_set_new(o, "figure", json_string(f->figure));
  if (f->per > 0) json_object_set_new(o, "per", json_real(f->per));
  return o;
}

/* The figures a..j of a claim or a line that declares them, into o. */
void figures_json(json_t *o, const mb_claim_figure_t *const figs[10]) {
  static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  for (int k = 0; k < 10; k++)
    if (figs[k]->bench || figs[k]->ctx) json_object_set_new(o, names[k], claim_figure_json(figs[k]));
}

/* A declared line (MB_TEXT) as data. */
json_t *text_json(const mb_text_t *t) {
  json_t *o = json_pack("{s:i}", "place", t->place), *cells = json_array();
  for (int c = 0; c < MB_TEXT_CELLS && t->cells[c]; c++) json_array_append_new(cells, json_string(t->cells[c]));
  json_object_set_new(o, "cells", cells);
  set_text(o, "heading", t->heading);
  if (t->header) json_object_set_new(o, "header", json_true());
  set_text(o, "when", t->when);
  const mb_claim_figure_t *const figs[10] = {&t->a, &t->b, &t->c, &t->d, &t->e, &t->f, &t->g, &t->h, &t->i, &t->j};
  figures_json(o, figs);
  return o;
}

/* A declared claim (MB_CLAIM) as data. */
json_t *claim_json(const mb_claim_t *c) {
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:f}", "id", c->id, "text", c->text, "measured", c->measured, "holds", c->holds,
                        "differs", c->differs, "above", c->above, "bound", c->bound);
  if (c->after) json_object_set_new(o, "after", json_string(c->after));
  if (c->high > 0) json_object_set_new(o, "high", json_real(c->high));
  if (c->rule) json_object_set_new(o, "rule", json_string(c->rule));
  const mb_claim_figure_t *const figs[10] = {&c->a, &c->b, &c->c, &c->d, &c->e, &c->f, &c->g, &c->h, &c->i, &c->j};
  figures_json(o, figs);
  return o;
}

/* The words a chart's key and note places are recorded as (mbextract --charts reads them). */
const char *const key_names[] = {"top left", "top right", "top center", "bottom left", "bottom right", "center right", "outside top", "off"};
const char *const note_names[] = {"top", "bottom left", "bottom right"};
const char *const kind_names[] = {"lines", "matrix", "dots", "bars"};
const char *const rel_names[] = {"", "first_over", "over_first"};

void set_number(json_t *o, const char *key, double v) {
  if (v != 0) json_object_set_new(o, key, json_real(v));
}
void set_int(json_t *o, const char *key, int v) {
  if (v) json_object_set_new(o, key, json_integer(v));
}

/* A declared chart (MB_CHART) as data: what is not said is left out (0, none). */
json_t *chart_json(const mb_chart_t *c) {
  json_t *o = json_object(), *series = json_array();
  set_text(o, "file", c->file);
  set_text(o, "title", c->title);
  set_text(o, "xlabel", c->xlabel);
  set_text(o, "ylabel", c->ylabel);
  set_int(o, "logx", c->logx);
  set_int(o, "logy", c->logy);
  set_int(o, "bytes", c->bytes);
  set_int(o, "si", c->si);
  set_int(o, "xstep", c->xstep);
  set_text(o, "xrange", c->xrange);
  set_text(o, "yrange", c->yrange);
  set_text(o, "key", key_names[c->key]);
  set_int(o, "key_rows", c->key_rows);
  set_text(o, "note", c->note);
  if (c->note) set_text(o, "note_at", note_names[c->note_at]);
  set_int(o, "caches", c->caches);
  set_int(o, "plain_y", c->plain_y);
  if (c->kind != MB_CHART_LINES) set_text(o, "kind", kind_names[c->kind]);
  set_int(o, "pow2", c->pow2);
  set_int(o, "machines", c->machines);
  set_int(o, "xpad", c->xpad);
  set_number(o, "hline", c->hline);
  set_text(o, "zlabel", c->zlabel);
  set_int(o, "logz", c->logz);
  set_text(o, "zrange", c->zrange);
  set_int(o, "diverging", c->diverging);
  set_int(o, "cell_labels", c->cell_labels);
  set_int(o, "cols_at_value", c->cols_at_value);
  set_int(o, "both_ways", c->both_ways);
  set_text(o, "value_unit", c->value_unit);
  if (c->bar_titles[0]) json_object_set_new(o, "bar_titles", json_pack("[ss]", c->bar_titles[0], c->bar_titles[1] ? c->bar_titles[1] : ""));
  if (c->tags[0]) {
    json_t *tags = json_array();
    for (int t = 0; t < MB_CHART_TAGS && c->tags[t]; t++) json_array_append_new(tags, json_string(c->tags[t]));
    json_object_set_new(o, "tags", tags);
  }
  if (c->panel_title[1]) {
    json_object_set_new(o, "panel_titles", json_pack("[ss]", c->panel_title[0] ? c->panel_title[0] : "", c->panel_title[1]));
    json_object_set_new(o, "panel_ylabels", json_pack("[ss]", c->panel_ylabel[0] ? c->panel_ylabel[0] : "", c->panel_ylabel[1] ? c->panel_ylabel[1] : ""));
  }
  for (int k = 0; k < MB_CHART_SERIES && c->series[k].bench; k++) {
    const mb_chart_series_t *s = &c->series[k];
    json_t *j = json_object();
    set_text(j, "bench", s->bench);
    set_text(j, "figure", s->figure);
    set_text(j, "title", s->title);
    set_int(j, "style", s->style);
    set_int(j, "dash", s->dash);
    set_int(j, "line", s->line);
    set_int(j, "wide", s->wide);
    set_number(j, "div", s->div);
    set_number(j, "inv", s->inv);
    set_int(j, "per_x", s->per_x);
    set_text(j, "x", s->x);
    set_number(j, "xdiv", s->xdiv);
    set_text(j, "label", s->label);
    set_text(j, "largest", s->largest);
    set_int(j, "panel", s->panel);
    set_text(j, "over", s->over);
    set_number(j, "slope", s->slope);
    set_text(j, "row_place", s->row_place);
    set_text(j, "col_place", s->col_place);
    if (s->rel != MB_REL_NONE) set_text(j, "rel", rel_names[s->rel]);
    set_text(j, "also", s->also);
    set_text(j, "tag", s->tag);
    json_array_append_new(series, j);
  }
  json_object_set_new(o, "series", series);
  return o;
}

}  // namespace

/* How each declared family is presented: the report's section and the default chart, and
 * the sections (MB_VIEW), claims (MB_CLAIM) and charts (MB_CHART) it declares. */
json_t *presentation_json() {
  json_t *all = json_object();
  for (int i = 0; i < mb_family_count(); i++) {
    const mb_family_t *f = mb_family_at(i);
    json_t *o = json_object();
    if (f->title) json_object_set_new(o, "title", json_string(f->title));
    if (f->doc) json_object_set_new(o, "doc", json_string(f->doc));
    if (f->x) json_object_set_new(o, "x", json_string(f->x));
    json_object_set_new(o, "logx", json_boolean(f->logx));
    json_object_set_new(o, "logy", json_boolean(f->logy));
    if (f->after) json_object_set_new(o, "after", json_string(f->after));
    json_t *sections = json_array();
    for (int v = 0; v < mb_view_count(); v++)
      if (!strcmp(mb_view_at(v)->family, f->name)) json_array_append_new(sections, view_json(mb_view_at(v)));
    if (json_array_size(sections)) json_object_set_new(o, "sections", sections);
    else json_decref(sections);
    json_t *cl = json_array();
    for (int c = 0; c < mb_claim_count(); c++)
      if (!strcmp(mb_claim_at(c)->family, f->name)) json_array_append_new(cl, claim_json(mb_claim_at(c)));
    if (json_array_size(cl)) json_object_set_new(o, "claims", cl);
    else json_decref(cl);
    json_t *tx = json_array();
    for (int t = 0; t < mb_text_count(); t++)
      if (!strcmp(mb_text_at(t)->family, f->name)) json_array_append_new(tx, text_json(mb_text_at(t)));
    if (json_array_size(tx)) json_object_set_new(o, "texts", tx);
    else json_decref(tx);
    json_t *ch = json_array();
    for (int c = 0; c < mb_chart_count(); c++)
      if (!strcmp(mb_chart_at(c)->family, f->name)) json_array_append_new(ch, chart_json(mb_chart_at(c)));
    if (json_array_size(ch)) json_object_set_new(o, "charts", ch);
    else json_decref(ch);
    json_object_set_new(all, f->name, o);
  }
  return all;
}

/* Benchmarks (distinct run names) with a disturbed entry in the result; *remeasured: those
 * whose entries came clean from a re-measuring pass. */
int count_disturbed(json_t *doc, int *remeasured) {
  std::set<std::string> bad, again;
  json_t *b;
  size_t i;
  json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
    const char *rn = json_string_value(json_object_get(b, "run_name"));
    if (!rn) continue;
    if (json_is_true(json_object_get(b, "mb_disturbed"))) bad.insert(rn);
    else if (json_object_get(b, "mb_remeasured")) again.insert(rn);
  }
  *remeasured = 0;
  for (auto &n : again) *remeasured += !bad.count(n);
  return (int)bad.size();
}

json_t *new_doc() {
  json_t *doc = json_object();
  json_object_set_new(doc, "benchmarks", json_array());
  json_object_set_new(doc, "not_measured", json_array());
  json_object_set_new(doc, "spread", json_array());
  return doc;
}

json_t *membench_context(Harness &H, int argc, char **argv) {
  json_t *m = json_object();
  json_object_set_new(m, "machine", json_string(H.machine));
  json_object_set_new(m, "cpu_model", json_string(H.env.cpu_model));
  json_object_set_new(m, "fingerprint", mb_fingerprint(&H.env, &H.summary));
  json_object_set_new(m, "pinned", json_boolean(H.pu >= 0));
  json_object_set_new(m, "pu", json_integer(H.pu));
  if (!H.pin_note.empty()) json_object_set_new(m, "unpinned_reason", json_string(H.pin_note.c_str()));
  if (!H.affinity_note.empty()) json_object_set_new(m, "affinity", json_string(H.affinity_note.c_str()));
  json_object_set_new(m, "membind", json_boolean(H.membind));
  json_object_set_new(m, "quick", json_boolean(H.opt.quick));
  json_object_set_new(m, "long", json_boolean(H.opt.long_sweep));
  json_object_set_new(m, "topology", topology_json(H.summary, H.config, H.cache_line_from));
  json_object_set_new(m, "counters", counters_json(H.counters));
  json_t *warns = json_array();
  for (int i = 0; i < H.env.nwarn; i++) json_array_append_new(warns, json_string(H.env.warn[i]));
  json_object_set_new(m, "warnings", warns);
  json_object_set_new(m, "skipped", json_integer((json_int_t)H.skipped.size() + H.child_skipped));
  json_object_set_new(m, "failed", json_integer((json_int_t)H.failed.size() + H.child_failed));
  json_object_set_new(m, "migrated", json_integer((json_int_t)H.migrated.size() + H.child_migrated));
  json_object_set_new(m, "quiet", quiet_context(H));
  json_t *mem = json_object();
  json_object_set_new(mem, "bytes", json_integer((json_int_t)H.config.mem_available)); /* what working sets fit in */
  json_object_set_new(mem, "limited_by", json_string(H.mem.by));
  json_object_set_new(mem, "mem_available", json_integer((json_int_t)H.mem.mem_available));
  if (H.mem.cgroup_available) {
    json_object_set_new(mem, "cgroup_available", json_integer((json_int_t)H.mem.cgroup_available));
    json_object_set_new(mem, "cgroup_limit", json_integer((json_int_t)H.mem.cgroup_limit));
    json_object_set_new(mem, "cgroup_file", json_string(H.mem.cgroup_file));
  }
  if (H.mem.rlimit_available) json_object_set_new(mem, "rlimit_as_available", json_integer((json_int_t)H.mem.rlimit_available));
  json_object_set_new(m, "memory", mem);
  if (H.child_failures) json_object_set(m, "child_failures", H.child_failures);
  int remeasured = 0;
  json_object_set_new(m, "disturbed", json_integer(count_disturbed(H.doc, &remeasured)));
  json_object_set_new(m, "remeasured", json_integer(remeasured));
  json_t *args = json_array();
  for (int i = 0; i < argc; i++) json_array_append_new(args, json_string(argv[i]));
  json_object_set_new(m, "argv", args);
  json_object_set_new(m, "timing", timing_json(H)); /* where the run's time went: the next run's estimate */
  /* What the families added (process layout...), typed as strings. */
  json_t *fam = json_object();
  for (int i = 0; i < mb_context_count(); i++) json_object_set_new(fam, mb_context_key(i), json_string(mb_context_value(i)));
  if (H.child_families) json_object_update_missing(fam, H.child_families);
  json_object_set_new(m, "families", fam);
  json_object_set_new(m, "presentation", presentation_json());
  json_t *wrap = json_object();
  json_object_set_new(wrap, "membench", m);
  return wrap;
}

}  // namespace mb
