/*
 * adapter.h: the C++ side of the harness, private to it. One concern per file:
 *   adapter.cc   main: the request checked, the machine configured, the run, the outputs
 *   run.cc       which instances run, and running one (setup, arm, timer, verify, counters)
 *   report.cc    Google Benchmark's runs as result entries, through its reporter interface
 *   children.cc  benchmarks of a .process run in a fresh membench, merged back as data
 *   context.cc   what the result says about the machine and the run
 */
#ifndef MB_ADAPTER_H
#define MB_ADAPTER_H

#include <benchmark/benchmark.h>
#include <jansson.h>

#include <map>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "cli.h"
#include "counters.h"
#include "env.h"
#include "membench.h"
#include "quiet.h"
#include "registry.h"
#include "results.h"
#include "spawn.h"
#include "topology.h"
}

namespace mb {

/* What the quiet check found of one timed call (run.cc writes it, report.cc puts it on the
 * entry of the run Google Benchmark reports). */
struct Mark {
  bool judged = false;    /* the benchmark has a timed figure and the check is on */
  bool disturbed = false;
  std::string why;
};

/* The run's state: the request, the machine as configured, the instances and their selection,
 * the run in progress, what the children added, the result being built. main owns the one
 * there is and hands it to each function that reads or changes it (its first parameter, H):
 * no global, so what a function depends on is in its signature. */
struct Harness {
  mb_options_t opt{};
  hwloc_topology_t topo = nullptr;
  mb_topo_summary_t summary{};
  mb_env_t env{};
  mb_config_t config{};
  mb_mem_limit_t mem{};
  const char *cache_line_from = "hwloc"; /* where config.cache_line came from */    /* the limits working sets are sized by (context.membench.memory) */
  int pu = -1;             /* PU we are bound to, -1 when unpinned */
  int membind = 0;
  std::string pin_note;    /* why unpinned, if so */
  std::string affinity_note; /* the affinity mask that restricted the topology, if one did */
  mb_counters_t counters{};
  char machine[128] = "";
  mb_instance_t *insts = nullptr;
  int ninst = 0;
  std::map<std::string, const mb_instance_t *> by_name; /* registered with Google Benchmark */
  /* The instance whose setup is live (reused across calibration runs and repetitions). */
  const mb_instance_t *cur = nullptr;
  mb_run_t run{};
  bool cur_ok = false;
  /* Progress. */
  const mb_instance_t *last_seen = nullptr;
  int selected = 0, started = 0;
  std::string family;
  std::set<const mb_instance_t *> skipped, failed, migrated; /* distinct instances */
  /* Every timed call of each instance in this pass, in order: Google Benchmark reports the
   * last call of each repetition, so a batch of n reported runs has the last n marks. */
  std::map<const mb_instance_t *, std::vector<Mark>> marks;
  int pass = 1;            /* 1, then 2.. for the re-measuring passes */
  int quiet_pu_lock = -1;  /* the PU lock's descriptor, -1 none */
  json_t *quiet = nullptr; /* what the quiet check found before the run (context.membench.quiet) */
  /* The instance whose last run was too short to trust, to warn about once it is done. */
  const mb_instance_t *short_inst = nullptr;
  long long short_iters = 0;
  double short_seconds = 0;
  /* Child processes (descriptors with .process): the one we are, if any (MB_CHILD_PROCESS). */
  const char *child_name = nullptr;
  std::vector<std::string> gb_flags; /* Google Benchmark's flags as given, for the children */
  int child_skipped = 0, child_failed = 0, child_migrated = 0, child_errors = 0;
  json_t *child_families = nullptr;
  json_t *child_failures = nullptr; /* [{process, why, lost}] (context.membench.child_failures) */
  std::vector<char> sel;            /* the selected instances (by index in insts) */
  /* The result being built: context, benchmarks, not_measured, spread. */
  json_t *doc = nullptr;
  std::string out_near; /* a path the result goes to: temporaries are named beside it */
};

[[noreturn]] void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* adapter.cc: the result so far, marked incomplete, beside the outputs (rate-limited): after
 * every batch of runs; before the child processes and after each (forced). */
void checkpoint(Harness &H, bool force = false); /* force: now, whatever the rate limit says */
/* The checkpoint's name for an output: <path> less ".json", plus ".partial.json". */
std::string partial_name(const char *path);

/* place.cc: the PU to run on (the quiet check, the PU lock) and pinning to it; the passes
 * that re-measure disturbed benchmarks; what the check found, for the context. */
bool cpu_allowed(int cpu);
void choose_and_pin(Harness &H);
void remeasure(Harness &H, benchmark::BenchmarkReporter *collector, const std::vector<char> &sel);
json_t *quiet_context(Harness &H);

/* run.cc */
std::string gb_name(Harness &H, const mb_instance_t *inst);
int select_instances(Harness &H, const char *filter, std::vector<char> *sel, std::map<std::string, int> *children, std::string *why);
void register_selected(Harness &H, const std::vector<char> &sel);
void describe_families(Harness &H, const std::vector<char> &sel);
bool runs_here(Harness &H, const mb_instance_t *inst);
void warn_if_short(Harness &H);
void teardown_current(Harness &H);

/* report.cc: the display Google Benchmark's flags ask for (console, json, csv), NULL with
 * *why for a format it does not have; the reporter that keeps every run as an entry of
 * H.doc while the display shows it. */
benchmark::BenchmarkReporter *make_display(Harness &H, std::string *why);
/* What the descriptor says about an entry (family, variant, args, primary figure...). */
void describe(json_t *e, const mb_instance_t *inst, const char *time_unit);
benchmark::BenchmarkReporter *make_collector(Harness &H, benchmark::BenchmarkReporter *display);
/* Before a re-measuring pass (H.pass > 1): its runs replace the earlier entries of their
 * benchmarks when they are less disturbed. */
void collector_new_pass(benchmark::BenchmarkReporter *collector);
/* The value of Google Benchmark flag `name` (e.g. "--benchmark_format=") as given, or dflt. */
std::string gb_flag(Harness &H, const char *name, const char *dflt);

/* children.cc: run the benchmarks of child process `name`; with `collect`, its result joins
 * H.doc. */
void run_child(Harness &H, const std::string &name, int count, bool collect);

/* plan.cc: where the run's time goes (context.membench.timing), the estimate said before the
 * run, and the min time --mb_budget chooses (planned_min_time; 0: none). */
extern double planned_min_time;
double now_s(); /* CLOCK_MONOTONIC, in seconds */
std::string plan_run(Harness &H, const std::vector<char> &sel); /* the estimate's line, said once the flags are known good */
void timing_start();
void timing_add(const char *family, int benchmarks); /* the time since the last mark to family (NULL: to none) */
void timing_add_child(const std::map<std::string, int> &per_family);
json_t *timing_json(Harness &H);
/* context.cc */
/* Each family's presentation (MB_FAMILY) and its report sections (MB_VIEW), as the result
 * records them and --mb_views prints them. */
json_t *presentation_json();
/* Benchmarks (distinct run names) with a disturbed entry in doc; *remeasured: those whose
 * entries came clean from a re-measuring pass. */
int count_disturbed(json_t *doc, int *remeasured);
json_t *membench_context(Harness &H, int argc, char **argv);
/* An empty result document with no context yet. */
json_t *new_doc();

}  // namespace mb
#endif
