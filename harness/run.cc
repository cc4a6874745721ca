/*
 * run.cc: which instances run, and running one. One run of an instance is one kernel call:
 * KeepRunningBatch(n) with n = the iteration count Google Benchmark chose starts the timer,
 * the kernel loops n times, the second call stops it. The harness adds two calls per run,
 * nothing per iteration.
 */
#include "adapter.h"

#if MB_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT /* no valgrind headers: no deterministic mode */
#endif
#include <sched.h>
#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <regex>

namespace mb {
namespace {

/* Events reported per run rather than per iteration: a count of rare events. */
bool per_run_event(const char *name) {
  return !strcmp(name, "cpu-migrations") || !strcmp(name, "context-switches");
}

void progress(Harness &H, const mb_instance_t *inst) {
  if (inst == H.last_seen) return;
  H.last_seen = inst;
  H.marks[inst].clear(); /* this pass's calls of it start here */
  H.started++;
  if (H.family != inst->bench->family) {
    H.family = inst->bench->family;
    fprintf(stderr, "membench: [%d/%d] family %s\n", H.started, H.selected, H.family.c_str());
  }
}

/* Setup for `inst`, or reuse the live one. False when the benchmark cannot run. */
bool prepare(Harness &H, const mb_instance_t *inst) {
  progress(H, inst);
  if (H.cur == inst && !inst->bench->fresh_setup) return H.cur_ok;
  teardown_current(H);
  H.cur = inst;
  mb_run_init(&H.run, inst, &H.config);
  H.cur_ok = !inst->bench->setup || inst->bench->setup(&H.run) == 0;
  return H.cur_ok;
}

void report_reason(Harness &H, benchmark::State &st, const mb_run_t &run) {
  std::string msg = std::string(run.failed ? "failed: " : "skipped: ") + run.reason;
  (run.failed ? H.failed : H.skipped).insert(H.cur);
  st.SkipWithError(msg.c_str());
}

/* A new stamp for every timed run: splitmix64 of a counter (a bijection, so never repeated). */
uint64_t next_stamp() {
  static uint64_t n;
  uint64_t z = ++n * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return z ? z : 1;
}

/* A final run this short is not to be trusted: the clock's resolution and the harness's own
 * calls around the kernel are then over a thousandth of it. Benchmarks that fix their own
 * iteration count (probes, the detector) are exempt: their figures are not times. */
const double MB_TRUSTED_SECONDS = 1e-3;

/* Where the timed thread ran, the steal time around the kernel, and the thread's evidence
 * of disturbance over the timed loop. */
struct Where {
  int cpu_before, cpu_after;
  double steal0, steal; /* steal: over the run, -1 unknown */
  mb_evidence_t ev;
};

/* The timed part: exactly one kernel call between our own wall-clock reads. */
uint64_t timed_call(Harness &H, benchmark::State &st, const mb_instance_t *inst, Where *w) {
  mb_run_t &run = H.run;
  const benchmark::IterationCount n = st.max_iterations;
  uint64_t result = 0;
  run.stamp = next_stamp();
  run.disturbed = 0;
  run.disturbance[0] = 0;
  mb_evidence_reset(&run);
  if (inst->bench->arm) inst->bench->arm(&run);
  w->cpu_before = sched_getcpu();
  w->steal0 = H.pu >= 0 ? mb_steal_seconds(H.pu) : -1;
  mb_evidence_begin(&w->ev);
  mb_counters_start(&H.counters);
  struct timespec t0{}, t1{};
  while (st.KeepRunningBatch(n)) {
    /* Every rate of the entry is derived from this clock (Google Benchmark's rates would use
     * CPU time unless UseRealTime, which renames every benchmark). Under callgrind
     * (tools/mbgrind) events are collected for the kernel call only; run natively the
     * toggles are a few register rotations. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CALLGRIND_TOGGLE_COLLECT;
    result = inst->bench->kernel((uint64_t)n, run.data);
    CALLGRIND_TOGGLE_COLLECT;
    clock_gettime(CLOCK_MONOTONIC, &t1);
  }
  mb_counters_stop(&H.counters);
  mb_evidence_end(&w->ev);
  run.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  w->cpu_after = sched_getcpu();
  benchmark::DoNotOptimize(result);
  return result;
}

/* Rates on the wall clock, steal, and whether the run was too short to trust. */
void report_rates(Harness &H, benchmark::State &st, const mb_instance_t *inst, const Where &w, benchmark::IterationCount n) {
  const mb_run_t &run = H.run;
  const double secs = run.seconds > 0 ? run.seconds : 1e-9;
  if (run.bytes_per_iter > 0) st.counters["bytes_per_second"] = benchmark::Counter(run.bytes_per_iter * (double)n / secs, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
  if (run.items_per_iter > 0) st.counters["items_per_second"] = benchmark::Counter(run.items_per_iter * (double)n / secs);
  /* CPU time is Google Benchmark's cpu_time; the hypervisor's steal is its own field. */
  if (w.steal >= 0) st.counters["steal_s"] = w.steal;
  if (!H.opt.iterations && !inst->bench->iterations && run.seconds < MB_TRUSTED_SECONDS) {
    st.counters["mb_too_short"] = 1;
    H.short_inst = inst, H.short_iters = n, H.short_seconds = run.seconds;
  } else if (H.short_inst == inst) {
    H.short_inst = nullptr; /* a later, longer run of the same instance replaced it */
  }
}

/* The migrations the counters saw (0 when not counted). */
double migrations_of(Harness &H, const mb_counter_values_t &v) {
  for (int i = 0; i < H.counters.n; i++)
    if (!std::isnan(v.value[i]) && !strcmp(H.counters.ev[i].name, "cpu-migrations")) return v.value[i];
  return 0;
}

/* Was the run just timed disturbed? The harness's evidence (the timed thread, steal, a move
 * off its PU, the workers); what the benchmark says of itself joins it in verify (its
 * mb_disturbed appends). Judged only for a benchmark with a timed figure (a depth or a size
 * does not change when the CPU is shared). */
void judge(Harness &H, const mb_instance_t *inst, Where *w, bool moved) {
  mb_run_t &run = H.run;
  const double steal1 = w->steal0 >= 0 ? mb_steal_seconds(H.pu) : -1;
  w->steal = w->steal0 >= 0 && steal1 >= w->steal0 ? steal1 - w->steal0 : -1;
  Mark m;
  m.judged = H.opt.quiet_check && mb_bench_timed(inst->bench);
  if (m.judged) {
    mb_quiet_input_t in{};
    in.main = w->ev;
    in.blocking = inst->bench->real_time;
    in.steal = w->steal;
    in.moved = moved;
    in.workers = run.workers;
    run.disturbed = mb_quiet_judge(&in, run.disturbance, sizeof run.disturbance);
  }
  H.marks[inst].push_back(m); /* its verdict is completed after verify, in finish_mark */
}

/* The mark of the call just made, with what verify said of it, and its evidence as counters. */
void finish_mark(Harness &H, benchmark::State &st, const mb_instance_t *inst, const Where &w) {
  mb_run_t &run = H.run;
  Mark &m = H.marks[inst].back();
  if (!m.judged) return;
  m.disturbed = run.disturbed;
  m.why = run.disturbance;
  st.counters["mb_lost_share"] = mb_evidence_lost(&w.ev, inst->bench->real_time);
  st.counters["mb_nivcsw"] = (double)w.ev.nivcsw;
  if (run.disturbed) st.counters["mb_disturbed"] = 1;
}

/* Hardware/software counters and the benchmark's own. */
void report_counters(Harness &H, benchmark::State &st, const mb_counter_values_t &v) {
  const mb_run_t &run = H.run;
  for (int i = 0; i < H.counters.n; i++) {
    if (std::isnan(v.value[i])) continue; /* not counted: no number, not a zero */
    const char *name = H.counters.ev[i].name;
    if (per_run_event(name))
      st.counters[name] = benchmark::Counter(v.value[i]);
    else
      st.counters[name] = benchmark::Counter(v.value[i], benchmark::Counter::kAvgIterations);
    if (v.scaled[i]) st.counters[std::string(name) + ".scaled"] = 1;
  }
  const double secs = run.seconds > 0 ? run.seconds : 1e-9;
  for (int i = 0; i < run.ncounters; i++) {
    benchmark::Counter::Flags f = benchmark::Counter::kDefaults;
    if (run.counters[i].kind == MB_COUNTER_PER_ITER) f = benchmark::Counter::kAvgIterations;
    double value = run.counters[i].value;
    if (run.counters[i].kind == MB_COUNTER_RATE) value /= secs; /* per second of wall time */
    st.counters[run.counters[i].name] = benchmark::Counter(value, f);
  }
}

void run_instance(Harness &H, benchmark::State &st, const mb_instance_t *inst) {
  if (H.short_inst && H.short_inst != inst) warn_if_short(H);
  if (!prepare(H, inst)) {
    report_reason(H, st, H.run);
    return;
  }
  const benchmark::IterationCount n = st.max_iterations;
  Where w{};
  uint64_t result = timed_call(H, st, inst, &w);
  mb_counter_values_t v;
  mb_counters_read(&H.counters, &v);
  /* Pinning proof: where we ran, and whether we moved (a move also disturbs the run). */
  const double migrations = migrations_of(H, v);
  const bool moved = migrations > 0 || w.cpu_before != w.cpu_after || (H.pu >= 0 && w.cpu_after != H.pu);
  judge(H, inst, &w, moved);
  if (inst->bench->verify && inst->bench->verify(&H.run, result, (uint64_t)n)) {
    report_reason(H, st, H.run);
    if (inst->bench->fresh_setup) teardown_current(H);
    return;
  }
  finish_mark(H, st, inst, w);
  report_rates(H, st, inst, w, n);
  report_counters(H, st, v);
  st.counters["mb_pu"] = w.cpu_after;
  if (moved) {
    st.counters["mb_migrated"] = 1;
    H.migrated.insert(inst);
    fprintf(stderr, "membench: warning: %s migrated (cpu %d -> %d, %.0f migrations)\n", inst->name,
            w.cpu_before, w.cpu_after, migrations);
  }
  if (inst->bench->fresh_setup) teardown_current(H);
}

}  // namespace

/* Google Benchmark's name for an instance, for counting what the filter selects. */
std::string gb_name(Harness &H, const mb_instance_t *inst) {
  std::string n = inst->name;
  if (H.opt.iterations) n += "/iterations:" + std::to_string(H.opt.iterations);
  else if (inst->bench->iterations) n += "/iterations:" + std::to_string(inst->bench->iterations);
  if (inst->bench->repetitions) n += "/repeats:" + std::to_string(inst->bench->repetitions);
  if (inst->bench->real_time) n += "/real_time";
  return n;
}

namespace {

}  // namespace

void teardown_current(Harness &H) {
  if (H.cur && H.cur_ok && H.cur->bench->teardown) H.cur->bench->teardown(&H.run);
  H.cur = nullptr;
  H.cur_ok = false;
}

/* Warn once about the instance whose last run was too short (called when it is done). */
void warn_if_short(Harness &H) {
  if (H.short_inst && H.short_iters)
    fprintf(stderr, "membench: warning: %s ran %lld iterations in %.3g us: too short to trust "
                    "(its entry has mb_too_short=1; raise --benchmark_min_time)\n",
            H.short_inst->name, (long long)H.short_iters, H.short_seconds * 1e6);
  H.short_inst = nullptr;
  H.short_iters = 0;
}

/* Whether this process runs `inst`: the parent runs those without .process, a child only
 * those of its own process. */
bool runs_here(Harness &H, const mb_instance_t *inst) {
  const char *p = inst->bench->process;
  return H.child_name ? p && !strcmp(p, H.child_name) : !p;
}

/* Which instances the filter selects (sel[i]), membench's own decision: a name matches when
 * the regex finds the plain name (family/variant/args) or Google Benchmark's (with its
 * /iterations:N, /repeats:N, /real_time suffixes), so an anchored filter works whatever the
 * flags add to the names. The grammar is Google Benchmark's (std::regex, POSIX extended);
 * only the selected instances are registered with it, and it is given the filter ".".
 * Returns how many run here (per child process, in *children, those a child would run), or
 * -1 with the engine's message in *why for a filter that is not a regular expression. */
int select_instances(Harness &H, const char *filter, std::vector<char> *sel, std::map<std::string, int> *children, std::string *why) {
  std::string spec = filter ? filter : "";
  if (spec.empty() || spec == "all") spec = ".";
  bool negative = spec[0] == '-';
  if (negative) spec = spec.substr(1);
  std::regex re;
  try {
    re = std::regex(spec, std::regex::extended);
  } catch (const std::regex_error &e) {
    *why = e.what();
    return -1;
  }
  int n = 0;
  sel->assign((size_t)H.ninst, 0);
  for (int i = 0; i < H.ninst; i++) {
    const mb_instance_t *inst = &H.insts[i];
    bool hit = std::regex_search(std::string(inst->name), re) || std::regex_search(gb_name(H, inst), re);
    if (hit == negative) continue;
    (*sel)[(size_t)i] = 1;
    if (runs_here(H, inst)) n++;
    else if (!H.child_name && children) (*children)[inst->bench->process]++;
  }
  return n;
}

/* Register the selected instances that run here with Google Benchmark (all of them, for
 * --benchmark_list_tests in the parent). */
/* Each family that runs a benchmark in this process says what it has to say about the
 * machine (MB_FAMILY's describe), once, before the first benchmark. */
void describe_families(Harness &H, const std::vector<char> &sel) {
  std::set<const mb_family_t *> done;
  for (int i = 0; i < H.ninst; i++) {
    const mb_family_t *f = mb_family_find(H.insts[i].bench->family);
    if (sel[(size_t)i] && runs_here(H, &H.insts[i]) && f && f->describe && done.insert(f).second) f->describe();
  }
}

void register_selected(Harness &H, const std::vector<char> &sel) {
  for (int i = 0; i < H.ninst; i++) {
    const mb_instance_t *inst = &H.insts[i];
    if (!sel[(size_t)i]) continue;
    if (!runs_here(H, inst) && !(H.opt.bm_list && !H.child_name)) continue;
    auto *b = benchmark::RegisterBenchmark(inst->name, [&H, inst](benchmark::State &st) { run_instance(H, st, inst); });
    if (H.opt.iterations) b->Iterations((benchmark::IterationCount)H.opt.iterations);
    else if (inst->bench->iterations) b->Iterations((benchmark::IterationCount)inst->bench->iterations);
    if (inst->bench->repetitions) b->Repetitions(inst->bench->repetitions);
    if (inst->bench->real_time) b->UseRealTime();
    H.by_name[inst->name] = inst;
  }
}

}  // namespace mb
