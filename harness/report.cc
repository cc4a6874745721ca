/*
 * report.cc: results through Google Benchmark's reporter interface. The display reporter
 * the flags ask for shows every run as Google Benchmark would; the collector beside it keeps
 * each run as an entry of the result in memory (H.doc):
 *   benchmarks    measured runs in Google Benchmark's JSON form (compare.py reads it), each
 *                 with what its descriptor says: family, variant, args, primary figure,
 *                 unit, direction, doc, method_version and its other figures;
 *   not_measured  skipped and failed benchmarks with their reasons: never a measurement
 *                 that a tracker could read as a time of 0;
 *   spread        the stddev and cv aggregates of repetitions, kept, but out of the list
 *                 a tracker reads as series (noise of noise raised its alerts).
 * Non-finite numbers are written as null.
 */
#include "adapter.h"

#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace mb {
namespace {

json_t *number(double v) { return std::isfinite(v) ? json_real(v) : json_null(); }

const char *direction_name(mb_direction_t d) { return d == MB_BIGGER_IS_BETTER ? "bigger_is_better" : "smaller_is_better"; }

}  // namespace

/* What the descriptor says about an entry: the same for each of its runs. */
void describe(json_t *e, const mb_instance_t *inst, const char *time_unit) {
  const mb_bench_t *b = inst->bench;
  json_object_set_new(e, "family", json_string(b->family));
  json_object_set_new(e, "variant", json_string(b->variant));
  json_t *args = json_object();
  for (int i = 0; i < MB_MAX_ARGS && b->argnames[i]; i++) json_object_set_new(args, b->argnames[i], json_integer(inst->arg[i]));
  json_object_set_new(e, "args", args);
  mb_figure_t p = mb_primary_of(b);
  json_object_set_new(e, "primary", json_string(p.name));
  json_object_set_new(e, "unit", json_string(!strcmp(p.name, "real_time") ? time_unit : p.unit));
  json_object_set_new(e, "direction", json_string(direction_name(p.better)));
  json_object_set_new(e, "method_version", json_integer(b->version > 0 ? b->version : 1));
  if (b->doc) json_object_set_new(e, "doc", json_string(b->doc));
  json_t *figs = json_object();
  for (int i = 0; i < MB_MAX_FIGURES && b->figures[i].name; i++) {
    json_t *f = json_object();
    json_object_set_new(f, "unit", json_string(b->figures[i].unit ? b->figures[i].unit : ""));
    json_object_set_new(f, "direction", json_string(direction_name(b->figures[i].better)));
    json_object_set_new(figs, b->figures[i].name, f);
  }
  if (json_object_size(figs)) json_object_set_new(e, "figures", figs);
  else json_decref(figs);
}

namespace {

/* The quiet check's verdict on a reported run: for a repetition the mark of its call, for
 * an aggregate those of the repetitions it sums up. Nothing for a benchmark not judged. */
struct Verdict {
  bool judged = false, disturbed = false;
  std::string why;
};

/* The last `from_end` marks of the instance, the k-th of them (0-based). */
const Mark *mark_at(Harness &H, const mb_instance_t *inst, size_t from_end, size_t k) {
  auto it = H.marks.find(inst);
  if (!inst || it == H.marks.end() || it->second.size() < from_end) return nullptr;
  return &it->second[it->second.size() - from_end + k];
}

Verdict verdict_of(Harness &H, const benchmark::BenchmarkReporter::Run &r, const mb_instance_t *inst, size_t batch, size_t k) {
  Verdict v;
  if (r.run_type != benchmark::BenchmarkReporter::Run::RT_Aggregate) {
    const Mark *m = mark_at(H, inst, batch, k);
    if (m) v.judged = m->judged, v.disturbed = m->disturbed, v.why = m->why;
    return v;
  }
  size_t reps = r.repetitions > 0 ? (size_t)r.repetitions : 1;
  int disturbed = 0;
  for (size_t i = 0; i < reps; i++) {
    const Mark *m = mark_at(H, inst, reps, i);
    if (!m) return v;
    v.judged |= m->judged;
    disturbed += m->disturbed;
  }
  v.disturbed = disturbed > 0;
  if (v.disturbed) v.why = std::to_string(disturbed) + " of " + std::to_string(reps) + " repetitions disturbed";
  return v;
}

/* One run as Google Benchmark's JSON reporter writes it (1.7 field names and order), with
 * the quiet check's verdict: mb_disturbed (and mb_disturbed_reason when true) on every entry
 * of a benchmark with a timed figure. */
json_t *entry_of(Harness &H, const benchmark::BenchmarkReporter::Run &r, const Verdict &v) {
  json_t *e = json_object();
  const bool agg = r.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate;
  const char *unit = benchmark::GetTimeUnitString(r.time_unit);
  json_object_set_new(e, "name", json_string(r.benchmark_name().c_str()));
  json_object_set_new(e, "family_index", json_integer(r.family_index));
  json_object_set_new(e, "per_family_instance_index", json_integer(r.per_family_instance_index));
  json_object_set_new(e, "run_name", json_string(r.run_name.str().c_str()));
  json_object_set_new(e, "run_type", json_string(agg ? "aggregate" : "iteration"));
  json_object_set_new(e, "repetitions", json_integer(r.repetitions));
  if (!agg) json_object_set_new(e, "repetition_index", json_integer(r.repetition_index));
  json_object_set_new(e, "threads", json_integer(r.threads));
  if (agg) {
    json_object_set_new(e, "aggregate_name", json_string(r.aggregate_name.c_str()));
    json_object_set_new(e, "aggregate_unit", json_string(r.aggregate_unit == benchmark::kPercentage ? "percentage" : "time"));
  }
  json_object_set_new(e, "iterations", json_integer((json_int_t)r.iterations));
  /* A percentage aggregate (cv) is a ratio, not a time: Google Benchmark's JSON reporter
   * writes its accumulated values as they are (adjusted per iteration and time unit, a cv of
   * 0.00428 read 1,427,651). */
  const bool ratio = agg && r.aggregate_unit == benchmark::kPercentage;
  json_object_set_new(e, "real_time", number(ratio ? r.real_accumulated_time : r.GetAdjustedRealTime()));
  json_object_set_new(e, "cpu_time", number(ratio ? r.cpu_accumulated_time : r.GetAdjustedCPUTime()));
  json_object_set_new(e, "time_unit", json_string(unit));
  for (auto &c : r.counters)
    if (c.first != "mb_disturbed") json_object_set_new(e, c.first.c_str(), number(c.second.value));
  if (v.judged) {
    json_object_set_new(e, "mb_disturbed", json_boolean(v.disturbed));
    if (v.disturbed) json_object_set_new(e, "mb_disturbed_reason", json_string(v.why.c_str()));
  }
  if (H.pass > 1) json_object_set_new(e, "mb_remeasured", json_integer(H.pass - 1));
  if (!r.report_label.empty()) json_object_set_new(e, "label", json_string(r.report_label.c_str()));
  auto it = H.by_name.find(r.run_name.function_name);
  if (it != H.by_name.end()) describe(e, it->second, unit);
  return e;
}

/* A skipped or failed benchmark: its name, what it is, and why; once per name. */
void add_not_measured(Harness &H, const benchmark::BenchmarkReporter::Run &r) {
  json_t *list = json_object_get(H.doc, "not_measured");
  std::string name = r.benchmark_name();
  size_t i;
  json_t *x;
  json_array_foreach(list, i, x) if (name == json_string_value(json_object_get(x, "name"))) return;
  json_t *e = json_object();
  json_object_set_new(e, "name", json_string(name.c_str()));
  json_object_set_new(e, "run_name", json_string(r.run_name.str().c_str()));
  const std::string &msg = r.error_message;
  bool failed = !msg.compare(0, 8, "failed: ");
  json_object_set_new(e, "status", json_string(failed ? "failed" : "skipped"));
  size_t colon = msg.find(": ");
  bool ours = failed || !msg.compare(0, 9, "skipped: ");
  json_object_set_new(e, "reason", json_string(ours && colon != std::string::npos ? msg.c_str() + colon + 2 : msg.c_str()));
  auto it = H.by_name.find(r.run_name.function_name);
  if (it != H.by_name.end()) describe(e, it->second, benchmark::GetTimeUnitString(r.time_unit));
  json_array_append_new(list, e);
}

/* Google Benchmark's context fields, from what it measured of the machine. */
json_t *context_of(const benchmark::BenchmarkReporter::Context &c) {
  json_t *ctx = json_object();
  char date[64] = "";
  time_t now = time(nullptr);
  struct tm tm;
  if (localtime_r(&now, &tm) && strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S%z", &tm) == 24) {
    memmove(date + 23, date + 22, 3); /* +0000 -> +00:00, as Google Benchmark writes it */
    date[22] = ':';
  }
  json_object_set_new(ctx, "date", json_string(date));
  json_object_set_new(ctx, "host_name", json_string(c.sys_info.name.c_str()));
  json_object_set_new(ctx, "executable", json_string(benchmark::BenchmarkReporter::Context::executable_name ? benchmark::BenchmarkReporter::Context::executable_name : ""));
  json_object_set_new(ctx, "num_cpus", json_integer(c.cpu_info.num_cpus));
  json_object_set_new(ctx, "mhz_per_cpu", json_integer((json_int_t)(c.cpu_info.cycles_per_second / 1e6)));
  json_object_set_new(ctx, "cpu_scaling_enabled", json_boolean(c.cpu_info.scaling == benchmark::CPUInfo::ENABLED));
  json_t *caches = json_array();
  for (auto &k : c.cpu_info.caches) {
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(k.type.c_str()));
    json_object_set_new(o, "level", json_integer(k.level));
    json_object_set_new(o, "size", json_integer(k.size));
    json_object_set_new(o, "num_sharing", json_integer(k.num_sharing));
    json_array_append_new(caches, o);
  }
  json_object_set_new(ctx, "caches", caches);
  json_t *load = json_array();
  for (double l : c.cpu_info.load_avg) json_array_append_new(load, number(l));
  json_object_set_new(ctx, "load_avg", load);
  return ctx;
}

class Collector : public benchmark::BenchmarkReporter {
 public:
  Collector(Harness &h, benchmark::BenchmarkReporter *display) : H(h), display_(display) {}
  bool ReportContext(const Context &c) override {
    /* Once: a re-measuring pass is part of the same run (its date is the run's start). */
    if (H.pass == 1 || !json_object_get(H.doc, "context")) json_object_set_new(H.doc, "context", context_of(c));
    return display_->ReportContext(c);
  }
  void ReportRuns(const std::vector<Run> &runs) override {
    display_->ReportRuns(runs);
    if (runs.empty()) return;
    const mb_instance_t *inst = instance_of(runs[0]);
    size_t batch = 0;
    for (auto &r : runs) batch += r.run_type != Run::RT_Aggregate;
    timing_add(inst ? inst->bench->family : nullptr, batch && H.pass == 1);
    std::vector<json_t *> entries[2]; /* benchmarks, spread */
    bool error = false, failed = false;
    for (size_t k = 0, it = 0; k < runs.size(); k++) {
      const Run &r = runs[k];
      const bool agg = r.run_type == Run::RT_Aggregate;
      Verdict v = verdict_of(H, r, inst, batch, agg ? 0 : it++);
      if (r.error_occurred) {
        error = true;
        failed |= !r.error_message.compare(0, 8, "failed: ");
        if (H.pass == 1 || failed) add_not_measured(H, r);
        continue;
      }
      bool spread = agg && (r.aggregate_name == "stddev" || r.aggregate_name == "cv");
      entries[spread].push_back(entry_of(H, r, v));
    }
    if (H.pass > 1 && !keep_new(runs[0].run_name.str(), entries[0], error, failed)) {
      for (auto &list : entries)
        for (json_t *e : list) json_decref(e);
      if (error && !failed && inst) H.skipped.erase(inst); /* its first measurement stands */
      return;
    }
    const char *key[2] = {"benchmarks", "spread"};
    for (int a = 0; a < 2; a++)
      for (json_t *e : entries[a]) place(json_object_get(H.doc, key[a]), runs[0].run_name.str(), e);
    checkpoint(H);
  }
  /* A new pass: the entries it replaces are looked up afresh. */
  void StartPass() { insert_at_.clear(), decided_.clear(), index_.clear(); }
  void Finalize() override { display_->Finalize(); }

 private:
  Harness &H; /* the run's state: the result being built, the pass, the marks */
  benchmark::BenchmarkReporter *display_;
  /* Per run name re-measured in this pass: where its new entries go in each array. */
  std::map<std::string, std::map<json_t *, size_t>> insert_at_;
  /* Per run name replaced in this pass: the old entries' (family_index, per_family_instance_index). */
  std::map<std::string, std::pair<json_int_t, json_int_t>> index_;
  std::map<std::string, bool> decided_; /* whether the pass's entries of a run name replace the old */

  const mb_instance_t *instance_of(const Run &r) const {
    auto it = H.by_name.find(r.run_name.function_name);
    return it == H.by_name.end() ? nullptr : it->second;
  }
  static int disturbed_in(const std::vector<json_t *> &entries) {
    int d = 0;
    for (json_t *e : entries) d += json_is_true(json_object_get(e, "mb_disturbed"));
    return d;
  }
  /* A re-measuring pass: do the new entries of run `name` replace the old ones? They do
   * unless more of them are disturbed (a reader of re-measured runs, clean both times, is
   * newer for its inputs), and when the check failed this time (no earlier figure of a kernel
   * that came out wrong stands); not when it was skipped this time. The old entries are then taken out of both arrays,
   * and the new ones go where they were. */
  bool keep_new(const std::string &name, const std::vector<json_t *> &fresh, bool error, bool failed) {
    auto d = decided_.find(name); /* its aggregates follow its repetitions in a batch of their own */
    if (d != decided_.end()) return d->second;
    return decided_[name] = replace_old(name, fresh, error, failed);
  }
  bool replace_old(const std::string &name, const std::vector<json_t *> &fresh, bool error, bool failed) {
    std::vector<json_t *> old;
    json_t *benches = json_object_get(H.doc, "benchmarks"), *b;
    size_t i;
    json_array_foreach(benches, i, b) {
      const char *rn = json_string_value(json_object_get(b, "run_name"));
      if (rn && name == rn) old.push_back(b);
    }
    if (!failed && (error || disturbed_in(fresh) > disturbed_in(old))) return false;
    /* The pass registered only what it re-measures, so Google Benchmark numbered its
     * families afresh: the new entries keep the old ones' numbers (trackers key on them). */
    if (!old.empty())
      index_[name] = {json_integer_value(json_object_get(old[0], "family_index")),
                      json_integer_value(json_object_get(old[0], "per_family_instance_index"))};
    auto &at = insert_at_[name];
    for (const char *key : {"benchmarks", "spread"}) {
      json_t *list = json_object_get(H.doc, key);
      size_t first = json_array_size(list);
      for (size_t k = json_array_size(list); k-- > 0;) {
        const char *rn = json_string_value(json_object_get(json_array_get(list, k), "run_name"));
        if (rn && name == rn) json_array_remove(list, k), first = k;
      }
      at[list] = first;
    }
    return true;
  }
  /* Append, or in a re-measuring pass put the entry where the old ones of its run were. */
  void place(json_t *list, const std::string &name, json_t *e) {
    auto it = insert_at_.find(name);
    if (it == insert_at_.end() || !it->second.count(list)) {
      json_array_append_new(list, e);
      return;
    }
    auto ix = index_.find(name);
    if (ix != index_.end()) {
      json_object_set_new(e, "family_index", json_integer(ix->second.first));
      json_object_set_new(e, "per_family_instance_index", json_integer(ix->second.second));
    }
    json_array_insert_new(list, it->second[list]++, e);
  }
};

}  // namespace

std::string gb_flag(Harness &H, const char *name, const char *dflt) {
  std::string v = dflt;
  size_t l = strlen(name);
  for (auto &f : H.gb_flags)
    if (!f.compare(0, l, name)) v = f.substr(l);
  return v;
}

benchmark::BenchmarkReporter *make_display(Harness &H, std::string *why) {
  std::string fmt = gb_flag(H, "--benchmark_format=", "console");
  if (fmt == "json") return new benchmark::JSONReporter;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (fmt == "csv") return new benchmark::CSVReporter;
#pragma GCC diagnostic pop
  if (fmt != "console") {
    *why = "--benchmark_format=" + fmt + ": the formats are console, json and csv";
    return nullptr;
  }
  /* As Google Benchmark decides: colour when asked, or on a terminal that has it. */
  std::string color = gb_flag(H, "--benchmark_color=", "auto"), tab = gb_flag(H, "--benchmark_counters_tabular=", "false");
  const char *term = getenv("TERM");
  bool col = color == "true" || color == "yes" || color == "1" ||
             (color == "auto" && isatty(1) && term && strcmp(term, "dumb"));
  int opts = (col ? benchmark::ConsoleReporter::OO_Color : 0) |
             (tab == "true" || tab == "1" || tab == "yes" ? benchmark::ConsoleReporter::OO_Tabular : 0);
  return new benchmark::ConsoleReporter((benchmark::ConsoleReporter::OutputOptions)opts);
}

benchmark::BenchmarkReporter *make_collector(Harness &H, benchmark::BenchmarkReporter *display) { return new Collector(H, display); }

void collector_new_pass(benchmark::BenchmarkReporter *collector) { static_cast<Collector *>(collector)->StartPass(); }

}  // namespace mb
