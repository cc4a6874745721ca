/*
 * plan.cc: how long a run will take, said before it starts, and --mb_budget.
 *
 * Each run records where its time went (context.membench.timing: wall seconds and
 * benchmarks per family, the min time and repetitions it ran with). Before a run, the
 * planned benchmarks are estimated family by family from the newest earlier result of this
 * machine in the same mode (quick, full, long) under --mb_out_dir, when there is one: per
 * benchmark, a fixed part a (setup, calibration, verification: its family's wall time less
 * the timed iterations) and a part g that grows with the min time (the timed iterations per
 * second of min time). A family with no history is guessed from the descriptor alone: a
 * fixed part for setup, what touching its working set costs, and g = GB_OVERSHOOT x
 * repetitions (Google Benchmark runs an instance until a run reaches the min time: its last
 * run aims at 1.4 times it, and its trial runs come before); a fixed-iteration benchmark
 * (align's loads, the probes) has no min-time part. --mb_budget=DURATION solves the same sum for the min time.
 * The previous result is data: a field that is missing or not a number leaves the guess.
 */
#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "adapter.h"

namespace mb {
double now_s() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double planned_min_time = 0; /* the min time the budget chose, 0: none chosen */
namespace {

/* Seconds per second of min time and repetition: Google Benchmark's last run aims at 1.4x the
 * min time (its kSafetyMultiplier), and its trial runs before it add a part of that again. */
constexpr double GB_OVERSHOOT = 1.8;
constexpr double FIXED_GUESS_S = 0.02; /* setup and verification of a benchmark with no history */
constexpr double TOUCH_BPS = 2e9;      /* bytes per second a setup fills (first touch, init) */
constexpr double MIN_TIME_FLOOR = 0.005;
constexpr double MIN_TIME_CEIL = 2.0;

struct FamilyTime {
  double wall = 0;
  int benchmarks = 0;
};
std::map<std::string, FamilyTime> spent; /* this run's, by family */
double last_mark = 0, run_start = 0;

/* One family's history: per benchmark, seconds = a + g * min_time. */
struct Model {
  double a = 0, g = 0;
};

std::string mode_of(json_t *mb) {
  return json_is_true(json_object_get(mb, "quick")) ? "quick" : json_is_true(json_object_get(mb, "long")) ? "long" : "full";
}
std::string mode_now(Harness &H) { return H.opt.quick ? "quick" : H.opt.long_sweep ? "long" : "full"; }

/* The models of the newest result of this machine in the same mode (at most 6 files read,
 * newest first), and its date; none when there is none. */
std::map<std::string, Model> history(Harness &H, std::string *from) {
  std::map<std::string, Model> models;
  if (!H.opt.out_dir) return models;
  std::string dir = std::string(H.opt.out_dir) + "/" + H.machine;
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (struct dirent *e = readdir(d)) {
      std::string n = e->d_name;
      /* <UTC>.json, not latest.json, baseline.json or a checkpoint */
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0 && n[0] >= '0' && n[0] <= '9' &&
          n.find(".partial.") == std::string::npos)
        names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.rbegin(), names.rend());
  for (size_t k = 0; k < names.size() && k < 6; k++) {
    json_t *doc = json_load_file((dir + "/" + names[k]).c_str(), 0, nullptr);
    if (!doc) continue;
    json_t *mb = json_object_get(json_object_get(doc, "context"), "membench");
    json_t *t = json_object_get(mb, "timing");
    double m = json_number_value(json_object_get(t, "min_time_s"));
    json_t *fams = json_object_get(t, "families");
    if (mode_of(mb) != mode_now(H) || !json_is_object(fams) || !(m > 0)) {
      json_decref(doc);
      continue;
    }
    /* The timed part of each family: its repetitions' iterations x time per iteration. */
    std::map<std::string, double> timed;
    json_t *b;
    size_t i;
    json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
      const char *fam = json_string_value(json_object_get(b, "family"));
      const char *unit = json_string_value(json_object_get(b, "time_unit"));
      const char *type = json_string_value(json_object_get(b, "run_type"));
      double it = json_number_value(json_object_get(b, "iterations")), rt = json_number_value(json_object_get(b, "real_time"));
      if (!fam || !unit || !type || strcmp(type, "iteration") || !(it > 0) || !(rt > 0)) continue;
      double scale = !strcmp(unit, "ns") ? 1e-9 : !strcmp(unit, "us") ? 1e-6 : !strcmp(unit, "ms") ? 1e-3 : !strcmp(unit, "s") ? 1 : 0;
      timed[fam] += it * rt * scale;
    }
    const char *k2;
    json_t *f;
    json_object_foreach(fams, k2, f) {
      double wall = json_number_value(json_object_get(f, "wall_s"));
      json_int_t n = json_integer_value(json_object_get(f, "benchmarks"));
      if (!(wall >= 0) || n <= 0 || wall > 1e6) continue;
      double tm = std::min(timed[k2], wall);
      models[k2] = Model{(wall - tm) / (double)n, tm / ((double)n * m)};
    }
    const char *date = json_string_value(json_object_get(json_object_get(doc, "context"), "date"));
    *from = names[k];
    (void)date;
    json_decref(doc);
    break;
  }
  return models;
}

/* A benchmark with no history: its fixed part and its min-time part. */
Model guess(Harness &H, const mb_instance_t *in, int reps) {
  const mb_bench_t *b = in->bench;
  double touch = 0;
  for (int i = 0; i < MB_MAX_ARGS && b->argnames[i]; i++)
    if (!strcmp(b->argnames[i], "ws") || !strcmp(b->argnames[i], "bytes")) touch = (double)in->arg[i] / TOUCH_BPS;
  int r = b->repetitions > 0 ? b->repetitions : reps;
  if (b->iterations || H.opt.iterations) return Model{FIXED_GUESS_S * r + touch, 0}; /* no min time: its iterations */
  return Model{FIXED_GUESS_S + touch, GB_OVERSHOOT * r};
}

double min_time_now(Harness &H) {
  if (planned_min_time > 0) return planned_min_time;
  std::string v = gb_flag(H, "--benchmark_min_time=", "");
  if (!v.empty()) {
    char *end;
    double t = strtod(v.c_str(), &end);
    if (!*end && t > 0) return t;
  }
  return H.opt.quick ? 0.01 : 0.1;
}

std::string human(double s) {
  char buf[64];
  if (s < 90) snprintf(buf, sizeof buf, "%.0f s", std::max(1.0, s));
  else if (s < 3600) snprintf(buf, sizeof buf, "%.0f min %02.0f s", std::floor(s / 60), std::fmod(s, 60));
  else snprintf(buf, sizeof buf, "%.0f h %02.0f min", std::floor(s / 3600), std::fmod(s / 60, 60));
  return buf;
}

}  // namespace

void timing_start() { run_start = last_mark = now_s(); }

void timing_add(const char *family, int benchmarks) {
  double now = now_s();
  if (family) {
    FamilyTime &f = spent[family];
    f.wall += now - last_mark;
    f.benchmarks += benchmarks;
  }
  last_mark = now;
}

void timing_add_child(const std::map<std::string, int> &per_family) {
  double now = now_s(), took = now - last_mark;
  int total = 0;
  for (auto &p : per_family) total += p.second;
  for (auto &p : per_family) {
    FamilyTime &f = spent[p.first];
    f.wall += total ? took * p.second / total : 0;
    f.benchmarks += p.second;
  }
  last_mark = now;
}

json_t *timing_json(Harness &H) {
  json_t *t = json_object(), *fams = json_object();
  for (auto &p : spent)
    json_object_set_new(fams, p.first.c_str(), json_pack("{s:f, s:i}", "wall_s", p.second.wall, "benchmarks", p.second.benchmarks));
  json_object_set_new(t, "wall_s", json_real(run_start ? now_s() - run_start : 0));
  json_object_set_new(t, "min_time_s", json_real(min_time_now(H)));
  json_object_set_new(t, "families", fams);
  return t;
}

std::string plan_run(Harness &H, const std::vector<char> &sel) {
  if (H.opt.bm_list || H.child_name) return "";
  if (H.opt.budget_s > 0 && H.opt.bm_min_time_given) die("--mb_budget chooses the min time: it cannot be given with --benchmark_min_time");
  std::string from;
  std::map<std::string, Model> models = history(H, &from);
  int reps = atoi(gb_flag(H, "--benchmark_repetitions=", "1").c_str());
  if (reps < 1) reps = 1;
  double fixed = 0, per_min = 0;
  int n = 0, guessed = 0;
  for (int i = 0; i < H.ninst; i++) {
    if (!sel[(size_t)i]) continue;
    const mb_instance_t *in = &H.insts[i];
    auto it = models.find(in->bench->family);
    Model m = it != models.end() ? it->second : guess(H, in, reps);
    guessed += it == models.end();
    fixed += m.a, per_min += m.g, n++;
  }
  if (!n) return "";
  double mt = min_time_now(H);
  std::string warning;
  if (H.opt.budget_s > 0) {
    double want = per_min > 0 ? (H.opt.budget_s - fixed) / per_min : MIN_TIME_CEIL;
    double chosen = std::min(MIN_TIME_CEIL, std::max(MIN_TIME_FLOOR, want));
    if (want < MIN_TIME_FLOOR) {
      char w[512];
      snprintf(w, sizeof w, "membench: --mb_budget=%s: the %d benchmarks need about %s even at the shortest min time (%.3g s): "
                            "running with that; choose fewer with --benchmark_filter to fit\n",
               human(H.opt.budget_s).c_str(), n, human(fixed + per_min * MIN_TIME_FLOOR).c_str(), MIN_TIME_FLOOR);
      warning = w;
    }
    planned_min_time = mt = chosen;
  }
  std::string basis = from.empty() ? "a guess: no earlier " + mode_now(H) + " run of " + H.machine + " under --mb_out_dir"
                                   : "from " + from + (guessed ? ", " + std::to_string(guessed) + " guessed" : "");
  return warning + "membench: " + std::to_string(n) + " benchmarks, about " + human(fixed + per_min * mt) +
         (planned_min_time > 0 ? ", min time " + std::to_string(mt).substr(0, 6) + " s for --mb_budget" : "") + " (" + basis + ")\n";
}

}  // namespace mb
