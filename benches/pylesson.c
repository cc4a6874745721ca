/*
 * pylesson.c: the lesson's Python half, measured (claims C17 on): what a GC root keeps alive,
 * how survivors pin pymalloc's arenas, how deep Python recursion goes and how it ends, what a
 * call costs by depth, what sys.getsizeof counts, what tracemalloc sees of a workload, the
 * workload under pymalloc and under PYTHONMALLOC=malloc, interning and the small-int cache.
 * The Python is benches/python_lesson.py, carried in the binary (.incbin) and run in the
 * embedded interpreter (pyembed.h) of the "pymalloc" child process; the measurements that
 * need a fresh interpreter (another allocator, a clean heap), or may crash it, run in a probe
 * (mb_probe) of their own.
 *
 * Names: python/<variant>[/<arg>:N]
 *   gc_collect/n:N          gc.collect() with N containers reachable from a module-level list
 *        (a GC root); items = containers. Counters: collected_rooted (what a collection
 *        freed of them: 0), collected_unreferenced (N self-referencing lists nothing names,
 *        collected in setup: N). Checked: every collection freed nothing, the root intact.
 *   retain/kept_of_64:K     a fresh interpreter builds a list of 3 x 10^6 floats, keeps K of every
 *        64 (evenly spread), deletes the list and collects. Counters: rss_added_kib (the
 *        list's growth), rss_kept_kib (what stays resident), retained_pct, arenas_added,
 *        arenas_freed (pymalloc's own count), survivors. Checked: survivors' count and sum.
 *   recursion_pure/limit:L, recursion_via_c/limit:L   sys.setrecursionlimit(L), then a
 *        function calling itself (pure Python), or a __repr__ calling repr() of the next
 *        object (through C), in a probe. Counters: depth, ending (1 RecursionError,
 *        2 MemoryError, 3 returned, 4 killed by a signal: signal), stack_bytes.
 *   call_recursive/depth:D, sum_iterative/n:N   sum of 1..D by Python recursion (one call
 *        per term), and by a Python loop; items = terms.
 *   getsizeof_<what>        sys.getsizeof of a list [1, 2, 3], of floats, a dict of 3, a
 *        16-character str, a float, a tuple of 3, a NumPy array of 10^6 float64 and a view of
 *        it (skipped without NumPy). Counters: getsizeof_bytes (shallow), deep_bytes (each
 *        object reachable by gc.get_referents once, a view's base), traced_bytes (what
 *        tracemalloc saw a fresh one allocate).
 *   floats_workload/n:N, floats_traced/n:N   build a list of N floats and sum it, on pymalloc
 *        and under tracemalloc. Counters: arenas (pymalloc's), and for the traced one
 *        traced_bytes_per_float, traced_peak_bytes, top_line_is_workload, top_line_share_pct.
 *   floats_workload_ratio/n:N   the same workload in fresh interpreters (probes), pymalloc
 *        and PYTHONMALLOC=malloc alternating back to back, 7 rounds of one each: pymalloc_ns,
 *        malloc_ns (medians of 5 runs in each child, the median round), malloc_over_pymalloc
 *        (the median round's ratio). Checked: each child's sum, and its allocator (arenas).
 *   small_ints, interned/n:N   the small-int cache's range (cache_low, cache_high), and N
 *        interned strings freed once unreferenced (strings_freed_pct, from tracemalloc).
 * Every kernel's result is checked against what setup says one iteration returns.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "membench.h"
#include "pyembed.h"

#ifndef MB_LESSON_PY
#define MB_LESSON_PY "benches/python_lesson.py"
#endif
/* The Python source, NUL-terminated, in the binary: nothing to find at run time. */
__asm__(".pushsection .rodata\n.hidden mb_lesson_py\n.globl mb_lesson_py\nmb_lesson_py:\n.incbin \"" MB_LESSON_PY
        "\"\n.byte 0\n.popsection\n");
extern const char mb_lesson_py[];

enum { PY_FILE_INPUT = 257, METH_O = 0x0008, METH_NOARGS = 0x0004 };
typedef struct { /* PyMethodDef (stable ABI) */
  const char *name;
  void *meth;
  int flags;
  const char *doc;
} py_method_t;

static pyobj *lesson;   /* the module */
static char lesson_why[320];
static volatile int64_t at_depth; /* _mb.at(): the depth a crash handler replies */

/* What the pending Python exception says, into buf (and cleared). */
static void py_error(char *buf, size_t len, const char *what) {
  pyobj *t = NULL, *v = NULL, *tb = NULL, *s = NULL;
  mb_py.err_fetch(&t, &v, &tb);
  const char *msg = NULL;
  if (v && (s = mb_py.str(v))) msg = mb_py.utf8(s);
  pyobj *tn = t ? mb_py.getattr(t, "__name__") : NULL;
  snprintf(buf, len, "%s: %s: %.200s", what, tn ? mb_py.utf8(tn) : "error", msg ? msg : "(no message)");
  mb_py.err_clear();
  pyobj *held[] = {s, tn, t, v, tb};
  for (size_t i = 0; i < sizeof held / sizeof *held; i++)
    if (held[i]) mb_py.decref(held[i]);
}

static pyobj *f_at(pyobj *self, pyobj *arg) {
  (void)self;
  long d = mb_py.long_as(arg);
  if (d >= 0 && d > at_depth) at_depth = d;
  return mb_py.long_from((long)at_depth);
}

static pyobj *f_arenas(pyobj *self, pyobj *unused) {
  (void)self, (void)unused;
  mb_py_stats_t st;
  mb_py_read_stats(&st); /* nothing printed: another allocator than pymalloc */
  return mb_py.long_from(st.arena_bytes > 0 ? st.arenas : -1);
}

/* Load the interpreter and the lesson's module once per process. 0, or -1 with lesson_why. */
static int lesson_load(void) {
  if (lesson) return 0;
  if (mb_py_load()) {
    snprintf(lesson_why, sizeof lesson_why, "%s", mb_py.why);
    return -1;
  }
  if (lesson_why[0]) return -1;
  static py_method_t defs[] = {{"at", (void *)f_at, METH_O, NULL}, {"arenas", (void *)f_arenas, METH_NOARGS, NULL}};
  pyobj *code = mb_py.compile(mb_lesson_py, "python_lesson.py", PY_FILE_INPUT);
  pyobj *m = code ? mb_py.exec_module("membench_lesson", code) : NULL;
  pyobj *mbm = m ? mb_py.module_new("_mb") : NULL;
  int ok = mbm != NULL;
  for (int k = 0; ok && k < 2; k++) {
    pyobj *f = mb_py.cfunction_new(&defs[k], NULL, NULL);
    ok = f && !mb_py.setattr(mbm, defs[k].name, f);
    if (f) mb_py.decref(f);
  }
  ok = ok && !mb_py.setattr(m, "_mb", mbm);
  if (code) mb_py.decref(code);
  if (mbm) mb_py.decref(mbm);
  if (!ok) {
    py_error(lesson_why, sizeof lesson_why, "benches/python_lesson.py");
    if (m) mb_py.decref(m);
    return -1;
  }
  lesson = m;
  return 0;
}

/* ---- Benchmarks whose setup and kernel are Python functions ---- */

enum allocator { ANY, PYMALLOC_ONLY };
typedef struct lesson_bench {
  const char *setup;  /* setup_<name> of python_lesson.py */
  const char *what;   /* its string argument, or NULL: the benchmark's argument */
  enum allocator alloc;
} lesson_bench_t;

typedef struct lrun {
  pyobj *kernel;
  uint64_t expect;    /* what one iteration returns (mod 2^64) */
  char err[320];      /* the kernel raised */
} lrun_t;

static void t_lesson(mb_run_t *run) {
  lrun_t *c = run->data;
  if (!c) return;
  if (c->kernel && mb_py.loaded) mb_py.decref(c->kernel);
  free(c);
  run->data = NULL;
}

/* The figures dict: "skip", "expect", "items", and counters. 0, or what setup returns. */
static int take_figures(mb_run_t *run, lrun_t *c, pyobj *figures, const lesson_bench_t *lb) {
  long pos = 0;
  pyobj *k, *v;
  int have_expect = 0;
  double arenas = 0;
  while (mb_py.dict_next(figures, &pos, &k, &v)) {
    const char *key = mb_py.utf8(k);
    if (!key) return mb_skip(run, "python_lesson.py: a figure without a name");
    if (!strcmp(key, "skip")) return mb_skip(run, "%s", mb_py.utf8(v) ? mb_py.utf8(v) : "(no reason)");
    if (!strcmp(key, "expect")) {
      c->expect = mb_py.ull_mask(v);
      have_expect = 1;
      continue;
    }
    double x = mb_py.float_as(v);
    if (mb_py.err_occurred()) {
      mb_py.err_clear();
      return mb_skip(run, "python_lesson.py: figure %s is not a number", key);
    }
    if (!strcmp(key, "items")) run->items_per_iter = x;
    else mb_counter(run, key, x, MB_COUNTER_VALUE);
    if (!strcmp(key, "arenas")) arenas = x;
  }
  if (!have_expect) return mb_skip(run, "python_lesson.py: %s says nothing of its result", lb->setup);
  if (lb->alloc == PYMALLOC_ONLY && arenas <= 0)
    return mb_skip(run, "the interpreter does not run on pymalloc here (PYTHONMALLOC=%s in the environment)", getenv("PYTHONMALLOC") ? getenv("PYTHONMALLOC") : "?");
  return 0;
}

static int s_lesson(mb_run_t *run) {
  const lesson_bench_t *lb = (const lesson_bench_t *)run->bench->param;
  if (lesson_load()) return mb_skip(run, "%s", lesson_why);
  lrun_t *c = calloc(1, sizeof *c);
  if (!c) return mb_skip(run, "out of memory");
  run->data = c;
  mb_context_add("python_version", "%.*s", (int)strcspn(mb_py.version, " "), mb_py.version);
  pyobj *fn = mb_py.getattr(lesson, lb->setup), *r = NULL;
  if (fn) r = lb->what ? mb_py.call_function(fn, "s", lb->what) : mb_py.call_function(fn, "L", (long long)run->arg[0]);
  if (fn) mb_py.decref(fn);
  if (!r) {
    py_error(c->err, sizeof c->err, lb->setup);
    return mb_skip(run, "%s", c->err);
  }
  pyobj *figures = mb_py.size(r) == 2 ? mb_py.tuple_get(r, 0) : NULL, *kernel = figures ? mb_py.tuple_get(r, 1) : NULL;
  int rc = figures ? take_figures(run, c, figures, lb) : mb_skip(run, "python_lesson.py: %s returned no (figures, kernel)", lb->setup);
  if (!rc && kernel == mb_py.none) rc = mb_skip(run, "python_lesson.py: %s returned no kernel", lb->setup);
  if (!rc) {
    mb_py.incref(kernel); /* kept past the tuple */
    c->kernel = kernel;
  }
  mb_py.decref(r);
  return rc;
}

static uint64_t k_lesson(uint64_t iters, void *data) {
  lrun_t *c = data;
  pyobj *r = mb_py.call_function(c->kernel, "K", (unsigned long long)MB_WORK(iters));
  if (!r) {
    py_error(c->err, sizeof c->err, "the kernel");
    return 0;
  }
  uint64_t v = mb_py.ull_mask(r);
  mb_py.decref(r);
  return v;
}

static void a_lesson(mb_run_t *run) {
  lrun_t *c = run->data;
  c->err[0] = 0;
}

static int v_lesson(mb_run_t *run, uint64_t result, uint64_t iters) {
  const lrun_t *c = run->data;
  if (c->err[0]) return mb_fail(run, "%s", c->err);
  const uint64_t want = c->expect * iters;
  if (result != want) return mb_fail(run, "the kernel returned %llu, expected %llu", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

/* ---- Probes: a fresh interpreter per measurement; a crash is its reply ---- */

enum { P_OK = 1, P_CRASHED = 4 };
enum { WORKLOAD_REPS = 5, WORKLOAD_ROUNDS = 7 };
enum probe_kind { RETAIN, RECURSION, WORKLOAD = 3 }; /* RECURSION + 1: through C */

static void on_crash(int sig) {
  const int64_t r[3] = {P_CRASHED, at_depth, sig};
  mb_probe_reply(r, 3);
  _exit(0);
}

/* spec: kind, then two arguments for probe_retain(n, kept_of_64) or probe_recursion(kind,
 * limit). Replies P_OK and what the function returned, or P_CRASHED, the depth, the signal. */
static int probe_lesson(const int64_t *spec, int nspec) {
  if (nspec != 3 || spec[0] < RETAIN || spec[0] > WORKLOAD) return 2;
  if (lesson_load()) {
    fprintf(stderr, "membench: %s\n", lesson_why);
    return 3;
  }
  static char altstack[1 << 16];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_crash;
  sa.sa_flags = SA_ONSTACK;
  if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL)) return 3;
  static const char *const fns[] = {"probe_retain", "probe_recursion", "probe_recursion", "probe_workload"};
  pyobj *fn = mb_py.getattr(lesson, fns[spec[0]]);
  pyobj *r = fn ? mb_py.call_function(fn, "LL", (long long)spec[1], (long long)spec[2]) : NULL;
  if (!r) {
    char why[320];
    py_error(why, sizeof why, "probe");
    fprintf(stderr, "membench: %s\n", why);
    return 4;
  }
  int64_t v[MB_PROBE_MAX] = {P_OK};
  long n = mb_py.size(r);
  for (long i = 0; i < n && i + 1 < MB_PROBE_MAX; i++) {
    pyobj *x = mb_py.seq_get(r, i);
    v[i + 1] = x ? (int64_t)mb_py.ull_mask(x) : -1;
    if (x) mb_py.decref(x);
  }
  mb_probe_reply(v, n + 1 < MB_PROBE_MAX ? (int)n + 1 : MB_PROBE_MAX);
  return 0;
}
MB_PROBE("python_lesson", probe_lesson);

typedef struct prun {
  int64_t spec[3];
  mb_probe_result_t res;
  int started;
  /* WORKLOAD: per round, each allocator's reply: [ok, median ns, min ns, arenas, check] */
  mb_probe_result_t round[2 * WORKLOAD_ROUNDS];
  int rounds;
} prun_t;

static void t_free(mb_run_t *run) {
  free(run->data);
  run->data = NULL;
}

enum { RETAIN_N = 3000000 }; /* 3 x 10^6 floats: about 100 arenas, so that one kept is noise */

static int s_probe(mb_run_t *run) {
  if (mb_py_load()) return mb_skip(run, "%s", mb_py.why); /* the version, and a libpython to load */
  prun_t *p = calloc(1, sizeof *p);
  if (!p) return mb_skip(run, "out of memory");
  run->data = p;
  mb_context_add("python_version", "%.*s", (int)strcspn(mb_py.version, " "), mb_py.version);
  const int kind = (int)run->bench->param;
  if (kind == RETAIN) memcpy(p->spec, (int64_t[]){RETAIN, RETAIN_N, run->arg[0]}, sizeof p->spec);
  else if (kind == WORKLOAD) memcpy(p->spec, (int64_t[]){WORKLOAD, run->arg[0], WORKLOAD_REPS}, sizeof p->spec);
  else memcpy(p->spec, (int64_t[]){RECURSION, kind - RECURSION, run->arg[0]}, sizeof p->spec);
  if (p->spec[0] == RETAIN && (run->arg[0] < 0 || run->arg[0] > 64 || (run->arg[0] && 64 % run->arg[0])))
    return mb_skip(run, "kept_of_64 must divide 64");
  run->items_per_iter = 1;
  return 0;
}

/* The workload in fresh interpreters, pymalloc and PYTHONMALLOC=malloc alternating back to back
 * (which goes first alternates too): the allocator is chosen when an interpreter starts. */
static uint64_t k_workload(prun_t *p, uint64_t rounds) {
  uint64_t ok = 0;
  for (uint64_t r = 0; r < rounds && r < WORKLOAD_ROUNDS; r++) {
    for (int k = 0; k < 2; k++) {
      const int on_malloc = (int)((r + (uint64_t)k) & 1);
      if (on_malloc) setenv("PYTHONMALLOC", "malloc", 1);
      ok += mb_probe("python_lesson", p->spec, 3, &p->round[2 * r + (uint64_t)on_malloc]) == 0;
      if (on_malloc) unsetenv("PYTHONMALLOC");
    }
    p->rounds = (int)r + 1;
  }
  return ok / 2;
}

static uint64_t k_probe(uint64_t iters, void *data) {
  prun_t *p = data;
  uint64_t ok = 0;
  if (p->spec[0] == WORKLOAD) return k_workload(p, MB_WORK(iters * WORKLOAD_ROUNDS)) == WORKLOAD_ROUNDS ? iters : 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    ok += mb_probe("python_lesson", p->spec, 3, &p->res) == 0;
    p->started = 1;
  }
  return ok;
}

static void a_probe(mb_run_t *run) {
  prun_t *p = run->data;
  memset(&p->res, 0, sizeof p->res);
  memset(p->round, 0, sizeof p->round);
  p->started = p->rounds = 0;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Every child replied, each on the allocator it was given, with the right sum. */
static int v_workload(mb_run_t *run, const prun_t *p, uint64_t result, uint64_t iters) {
  if (result != iters || p->rounds != WORKLOAD_ROUNDS)
    return mb_fail(run, "%d of %d rounds of the workload ran", p->rounds, WORKLOAD_ROUNDS);
  double t[2][WORKLOAD_ROUNDS], ratio[WORKLOAD_ROUNDS];
  for (int r = 0; r < WORKLOAD_ROUNDS; r++) {
    for (int m = 0; m < 2; m++) {
      const mb_probe_result_t *x = &p->round[2 * r + m];
      char how[64];
      if (x->n != 5 || x->v[0] != P_OK) return mb_fail(run, "a workload child replied %d values (it ended with %s)", x->n, mb_probe_ending(x, how, sizeof how));
      if (x->v[4] != 1) return mb_fail(run, "a workload child's sum was wrong");
      if ((x->v[3] < 0) != m) return mb_fail(run, "a child meant to run on %s ran on %s", m ? "malloc" : "pymalloc", m ? "pymalloc" : "another allocator");
      t[m][r] = (double)x->v[1];
    }
    ratio[r] = t[1][r] / t[0][r];
  }
  for (int m = 0; m < 2; m++) qsort(t[m], WORKLOAD_ROUNDS, sizeof t[m][0], cmp_double);
  qsort(ratio, WORKLOAD_ROUNDS, sizeof ratio[0], cmp_double);
  mb_counter(run, "pymalloc_ns", t[0][WORKLOAD_ROUNDS / 2], MB_COUNTER_VALUE);
  mb_counter(run, "malloc_ns", t[1][WORKLOAD_ROUNDS / 2], MB_COUNTER_VALUE);
  mb_counter(run, "malloc_over_pymalloc", ratio[WORKLOAD_ROUNDS / 2], MB_COUNTER_VALUE);
  mb_counter(run, "rounds", WORKLOAD_ROUNDS, MB_COUNTER_VALUE);
  int slower = 0;
  for (int r = 0; r < WORKLOAD_ROUNDS; r++) slower += ratio[r] > 1;
  mb_counter(run, "malloc_slower_rounds", slower, MB_COUNTER_VALUE);
  return 0;
}

static int v_probe(mb_run_t *run, uint64_t result, uint64_t iters) {
  const prun_t *p = run->data;
  const int64_t *v = p->res.v;
  char how[64];
  if (p->spec[0] == WORKLOAD) return v_workload(run, p, result, iters);
  if (result != iters || !p->started || p->res.n < 1)
    return mb_fail(run, "%llu of %llu probes replied (the last ended with %s)", (unsigned long long)result, (unsigned long long)iters,
                   mb_probe_ending(&p->res, how, sizeof how));
  if (p->spec[0] == RETAIN) {
    /* [ok, rss before, at the peak, after; arenas before, at the peak, after; survivors, check] */
    if (v[0] != P_OK || p->res.n != 9) return mb_fail(run, "the retention probe replied %d values (status %lld)", p->res.n, (long long)v[0]);
    const int64_t want = p->spec[2] ? (RETAIN_N + 64 / p->spec[2] - 1) / (64 / p->spec[2]) : 0;
    if (v[7] != want || v[8] != 1) return mb_fail(run, "%lld survivors (want %lld), their sum %s", (long long)v[7], (long long)want, v[8] == 1 ? "right" : "wrong");
    const double added = (double)(v[2] - v[1]), kept = (double)(v[3] - v[1]);
    mb_counter(run, "floats", RETAIN_N, MB_COUNTER_VALUE);
    mb_counter(run, "survivors", (double)v[7], MB_COUNTER_VALUE);
    mb_counter(run, "rss_added_kib", added, MB_COUNTER_VALUE);
    mb_counter(run, "rss_kept_kib", kept, MB_COUNTER_VALUE);
    mb_counter(run, "retained_pct", added > 0 ? 100.0 * kept / added : -1, MB_COUNTER_VALUE);
    if (v[4] >= 0 && v[5] >= 0 && v[6] >= 0) {
      mb_counter(run, "arenas_added", (double)(v[5] - v[4]), MB_COUNTER_VALUE);
      mb_counter(run, "arenas_freed", (double)(v[5] - v[6]), MB_COUNTER_VALUE);
    }
    return 0;
  }
  /* Recursion: [ok, depth, ending] or [crashed, depth, signal]. */
  struct rlimit rl;
  const double stack = getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (double)rl.rlim_cur : -1;
  if (v[0] == P_CRASHED && p->res.n == 3) {
    mb_counter(run, "ending", 4, MB_COUNTER_VALUE);
    mb_counter(run, "signal", (double)v[2], MB_COUNTER_VALUE);
    if (stack > 0 && v[1] > 0) mb_counter(run, "stack_bytes_per_level", stack / (double)v[1], MB_COUNTER_VALUE);
  } else if (v[0] == P_OK && p->res.n == 3 && v[2] >= 1 && v[2] <= 3) {
    mb_counter(run, "ending", (double)v[2], MB_COUNTER_VALUE);
  } else {
    return mb_fail(run, "the recursion probe replied %d values (status %lld)", p->res.n, (long long)v[0]);
  }
  if (v[1] < 2) return mb_fail(run, "the recursion went %lld deep", (long long)v[1]);
  mb_counter(run, "depth", (double)v[1], MB_COUNTER_VALUE);
  mb_counter(run, "limit", (double)p->spec[2], MB_COUNTER_VALUE);
  mb_counter(run, "stack_bytes", stack, MB_COUNTER_VALUE);
  return 0;
}

/* ---- Registration ---- */

#define LESSON(V, SETUP, WHAT, ALLOC, PROC, ARGS, QUICK, ...)                                                              \
  static const lesson_bench_t lb_##SETUP##_##ALLOC = {"setup_" #SETUP, WHAT, ALLOC};                                     \
  MB_BENCH(.family = "python", .variant = V, .param = (intptr_t)&lb_##SETUP##_##ALLOC, .kernel = k_lesson, .setup = s_lesson, \
           .teardown = t_lesson, .arm = a_lesson, .verify = v_lesson, .process = PROC, .args = ARGS, .quick_args = QUICK, __VA_ARGS__)

LESSON("gc_collect", gc_collect, NULL, ANY, "pymalloc", MB_ARGS(100000), MB_ARGS(10000), .argnames = {"n"},
       .doc = "gc.collect() with n containers reachable from a module-level list (a GC root)");
LESSON("call_recursive", call_recursive, NULL, ANY, "pymalloc", MB_ARGS(10, 50, 100, 150, 200, 300, 1000, 3000, 10000), MB_ARGS(100), .argnames = {"depth"},
       .doc = "sum of 1..depth by Python recursion: one call per term");
LESSON("sum_iterative", sum_iterative, NULL, ANY, "pymalloc", MB_ARGS(10, 50, 100, 150, 200, 300, 1000, 3000, 10000), MB_ARGS(100), .argnames = {"n"},
       .doc = "sum of 1..n by a Python loop");
LESSON("floats_workload", floats_workload, NULL, PYMALLOC_ONLY, "pymalloc", MB_ARGS(1000000), MB_ARGS(100000), .argnames = {"n"},
       .doc = "build a list of n floats and sum it, on pymalloc");
LESSON("floats_traced", floats_traced, NULL, ANY, "pymalloc", MB_ARGS(1000000), MB_ARGS(100000), .argnames = {"n"},
       .doc = "the same workload under tracemalloc, and what tracemalloc saw of it");
LESSON("small_ints", small_ints, NULL, ANY, "pymalloc", NULL, NULL, .doc = "arithmetic inside the small-int cache, and the cache's range");
LESSON("interned", interned, NULL, ANY, "pymalloc", MB_ARGS(100000), MB_ARGS(10000), .argnames = {"n"},
       .doc = "sys.intern of an interned string; n interned strings freed once unreferenced");

#define SIZEOF(WHAT, DOC)                                                                                                     \
  static const lesson_bench_t lb_size_##WHAT = {"setup_getsizeof", #WHAT, ANY};                                            \
  MB_BENCH(.family = "python", .variant = "getsizeof_" #WHAT, .param = (intptr_t)&lb_size_##WHAT, .kernel = k_lesson,        \
           .setup = s_lesson, .teardown = t_lesson, .arm = a_lesson, .verify = v_lesson, .process = "pymalloc",               \
           .primary = {"getsizeof_bytes", "B", MB_SMALLER_IS_BETTER}, .figures = {{"deep_bytes", "B", MB_SMALLER_IS_BETTER}}, \
           .doc = "sys.getsizeof of " DOC ", beside its deep size")
SIZEOF(list3, "[1, 2, 3]");
SIZEOF(list3_floats, "[1.5, 2.5, 3.5]");
SIZEOF(dict3, "a dict of 3 str keys");
SIZEOF(str16, "a 16-character str");
SIZEOF(float, "a float");
SIZEOF(tuple3, "a tuple of 3 ints");
SIZEOF(ndarray_1m, "a NumPy array of 10^6 float64");
SIZEOF(ndarray_view, "a view of every other element of such an array");

MB_BENCH(.family = "python", .variant = "retain", .param = RETAIN, .kernel = k_probe, .setup = s_probe, .teardown = t_free,
         .arm = a_probe, .verify = v_probe, .argnames = {"kept_of_64"}, .args = MB_ARGS(0, 1, 8, 32, 64), .quick_args = MB_ARGS(0, 32),
         .iterations = 1, .real_time = 1, .process = "pymalloc", .primary = {"retained_pct", "%", MB_SMALLER_IS_BETTER},
         .doc = "RSS kept after deleting a list of 3 x 10^6 floats with kept_of_64/64 of them surviving (fresh interpreter)");
MB_BENCH(.family = "python", .variant = "floats_workload_ratio", .param = WORKLOAD, .kernel = k_probe, .setup = s_probe, .teardown = t_free,
         .arm = a_probe, .verify = v_probe, .argnames = {"n"}, .args = MB_ARGS(1000000), .quick_args = MB_ARGS(100000), .iterations = 1,
         .real_time = 1, .process = "pymalloc", .primary = {"malloc_over_pymalloc", "x", MB_SMALLER_IS_BETTER},
         .figures = {{"pymalloc_ns", "ns", MB_SMALLER_IS_BETTER}, {"malloc_ns", "ns", MB_SMALLER_IS_BETTER}},
         .doc = "the floats workload in fresh interpreters, pymalloc and PYTHONMALLOC=malloc alternating: malloc's time over pymalloc's");
MB_BENCH(.family = "python", .variant = "recursion_pure", .param = RECURSION, .kernel = k_probe, .setup = s_probe, .teardown = t_free,
         .arm = a_probe, .verify = v_probe, .argnames = {"limit"}, .args = MB_ARGS(1000000), .iterations = 1, .real_time = 1,
         .process = "pymalloc", .primary = {"depth", "frames", MB_BIGGER_IS_BETTER},
         .doc = "depth of pure-Python recursion at sys.setrecursionlimit(limit), and how it ended (fresh interpreter)");
MB_BENCH(.family = "python", .variant = "recursion_via_c", .param = RECURSION + 1, .kernel = k_probe, .setup = s_probe, .teardown = t_free,
         .arm = a_probe, .verify = v_probe, .argnames = {"limit"}, .args = MB_ARGS(1000000), .iterations = 1, .real_time = 1,
         .process = "pymalloc", .primary = {"depth", "frames", MB_BIGGER_IS_BETTER},
         .doc = "depth of recursion through C (__repr__ calling repr) at sys.setrecursionlimit(limit), and how it ended");

/* The lesson's Python half, drawn. */
MB_CHART(.family = "python", .file = "python_retain", .title = "After del of 3 x 10^6 floats: resident memory kept",
         .xlabel = "floats kept of every 64 (evenly spread)", .ylabel = "% of the list's memory still resident", .xrange = "-2:66", .yrange = "0:110",
         .xstep = 8, .plain_y = 1, .key = MB_KEY_BOTTOM_RIGHT,
         .series = {{"python/retain", "retained_pct", "kept resident", 1},
                    {"python/retain", "retained_pct", "the survivors' own share", 7, 2, .line = 1, .slope = 100.0 / 64}});
MB_CHART(.family = "python", .file = "python_calls", .title = "Sum of 1..n in Python: time per term", .xlabel = "n (recursion depth)",
         .ylabel = "ns per term", .logx = 10, .yrange = "0:*", .plain_y = 1, .key = MB_KEY_TOP_LEFT,
         .series = {{"python/call_recursive", "real_time", "recursive call", 2, .per_x = 1}, {"python/sum_iterative", "real_time", "loop step", 1, .per_x = 1}});
#define PY_SIZE(W) {"python/getsizeof_" #W, "getsizeof_bytes", #W, .also = "deep_bytes"}
MB_CHART(.family = "python", .file = "python_sizes", .kind = MB_CHART_BARS, .title = "sys.getsizeof (shallow) against the deep size", .ylabel = "bytes",
         .logy = 10, .yrange = "10:*", .si = 1, .key = MB_KEY_TOP_LEFT, .bar_titles = {"sys.getsizeof", "deep (gc.get_referents)"},
         .series = {PY_SIZE(list3), PY_SIZE(list3_floats), PY_SIZE(dict3), PY_SIZE(str16), PY_SIZE(float), PY_SIZE(tuple3), PY_SIZE(ndarray_1m),
                    PY_SIZE(ndarray_view)});
MB_CHART(.family = "python", .file = "python_depths", .kind = MB_CHART_BARS, .title = "Recursion at sys.setrecursionlimit(10^6): depth reached",
         .ylabel = "levels", .logy = 10, .yrange = "1000:*", .key = MB_KEY_OFF, .tags = {"?", "RecursionError", "MemoryError", "returned", "a signal"},
         .series = {{"python/recursion_pure", "depth", "pure Python", .tag = "ending"}, {"python/recursion_via_c", "depth", "via C (repr)", .tag = "ending"}});

/* The section: its claims first, then what this interpreter is, then the figures, then what
 * they mean. */
MB_VIEW(.family = "python", .heading = "Python: the lesson's Python half", .place = 86, .claims = "(python)",
        .lead = "The lesson's statements about CPython, judged on this interpreter (benches/pylesson.c runs benches/python_lesson.py in the "
                "embedded libpython; what may crash runs in a fresh child interpreter).",
        .claims_note = "The claims about Python (C8 for CPython, C17–C28) open the Python section above.");
#define PY_FOOT(FIG) {"alloc/pymalloc/footprint/size:20", FIG}
MB_TEXT(.family = "python", .place = 86, .heading = "The interpreter here", .header = 1, .cells = {"", ""});
MB_TEXT(.family = "python", .place = 86, .cells = {"CPython", "{s:python_version} ({s:alloc_pymalloc_library})"});
MB_TEXT(.family = "python", .place = 86, .cells = {"pymalloc", "arenas {a:B}, pools {b:B}, size classes up to {c:0} B"}, .a = PY_FOOT("arena_bytes"),
        .b = PY_FOOT("pool_bytes"), .c = PY_FOOT("threshold"));
MB_TEXT(.family = "python", .place = 86, .cells = {"C stack (RLIMIT_STACK)", "{a:B}"}, .a = {"python/recursion_pure", "stack_bytes"});
MB_TEXT(.family = "python", .place = 86, .cells = {"C stack per level of recursion through C", "about {a:0} B (the stack over the depth reached)"},
        .a = {"python/recursion_via_c", "stack_bytes_per_level"});
#define PY_OBJ(LABEL, W) {LABEL, {"python/getsizeof_" W, "python/getsizeof_" W, "python/getsizeof_" W}}
MB_VIEW(.family = "python", .place = 87,
        .charts = {{"python_retain", "After del of 3 x 10^6 floats: resident memory kept"}, {"python_calls", "Sum of 1..n in Python: time per term"},
                   {"python_sizes", "sys.getsizeof (shallow) against the deep size"}, {"python_depths", "Recursion at sys.setrecursionlimit(10^6): depth reached"}},
        .corner = "object", .cols = {"`sys.getsizeof`", "deep (gc.get_referents)", "tracemalloc, one made"},
        .figure = {"getsizeof_bytes", "deep_bytes", "traced_bytes"}, .unit = {"B", "B", "B"},
        .rows = {PY_OBJ("[1, 2, 3]", "list3"), PY_OBJ("[1.5, 2.5, 3.5]", "list3_floats"), PY_OBJ("dict of 3", "dict3"), PY_OBJ("str of 16", "str16"),
                 PY_OBJ("float", "float"), PY_OBJ("tuple of 3", "tuple3"), PY_OBJ("ndarray, 10^6 float64", "ndarray_1m"),
                 PY_OBJ("view of it, [::2]", "ndarray_view")});
MB_TEXT(.family = "python", .place = 87, .header = 1,
        .cells = {"kept of 64 after `del`", "survivors", "resident added", "resident kept", "arenas added / given back"},
        .a = {"python/retain", "retained_pct", .count = 1});
#define PY_KEPT(K)                                                                                                                  \
  MB_TEXT(.family = "python", .place = 87, .cells = {#K, "{a:0}", "{b:1} MiB", "{c:1} MiB ({d:1}%)", "{e:0} / {f:0}"},                \
          .a = {"python/retain/kept_of_64:" #K, "survivors"}, .b = {"python/retain/kept_of_64:" #K, "rss_added_kib", 1024},            \
          .c = {"python/retain/kept_of_64:" #K, "rss_kept_kib", 1024}, .d = {"python/retain/kept_of_64:" #K, "retained_pct"},          \
          .e = {"python/retain/kept_of_64:" #K, "arenas_added"}, .f = {"python/retain/kept_of_64:" #K, "arenas_freed"})
PY_KEPT(0);
PY_KEPT(1);
PY_KEPT(8);
PY_KEPT(32);
PY_KEPT(64);
MB_TEXT(.family = "python", .place = 87, .header = 1,
        .cells = {"n (depth)", "recursive call, per term", "page faults per 1,000 calls", "loop step, per term"},
        .a = {"python/call_recursive", "real_time", .count = 1}, .b = {"python/sum_iterative", "real_time", .count = 1}, .when = "known(a) || known(b)");
#define PY_DEPTH(N)                                                                                                                  \
  MB_TEXT(.family = "python", .place = 87, .cells = {#N, "{=a / " #N ":ns}", "{=b / " #N " * 1000:1}", "{=c / " #N ":ns}"},             \
          .a = {"python/call_recursive/depth:" #N, "real_time"}, .b = {"python/call_recursive/depth:" #N, "page-faults"},                \
          .c = {"python/sum_iterative/n:" #N, "real_time"}, .when = "known(a) || known(c)")
PY_DEPTH(10);
PY_DEPTH(50);
PY_DEPTH(100);
PY_DEPTH(150);
PY_DEPTH(200);
PY_DEPTH(300);
PY_DEPTH(1000);
PY_DEPTH(3000);
PY_DEPTH(10000);
/* What the figures mean for someone debugging memory in Python. */
MB_TEXT(.family = "python", .place = 87, .heading = "What it means",
        .cells = {"- A name at module level (a cache, a registry, a list of results) keeps everything it reaches alive; `gc.collect()` cannot help, it "
                  "only frees what nothing reaches. Find what holds memory with tracemalloc's snapshots (they name the line), not with "
                  "`sys.getsizeof`, which counts one object and none of what it refers to."});
MB_TEXT(.family = "python", .place = 87,
        .cells = {"- `del` gives memory back to the operating system only where whole arenas empty: here {a:1}% of a big list's memory stayed resident "
                  "when nothing survived it, {b:1}% when one float in 64 did. Long-lived objects made amid short-lived ones (a few results kept "
                  "from each batch) keep the whole batch's memory."},
        .a = {"python/retain/kept_of_64:0", "retained_pct"}, .b = {"python/retain/kept_of_64:1", "retained_pct"});
MB_TEXT(.family = "python", .place = 87,
        .cells = {"- Raising the recursion limit is safe for pure Python on this interpreter (a RecursionError, not a crash), but code that recurses "
                  "through C (repr, serializers, copy.deepcopy of deep structures) is bounded by the C stack, not by the limit: repr of objects "
                  "nested {a:0} deep crashed the process with SIGSEGV here (about {b:0} B of C stack a level)."},
        .a = {"python/recursion_via_c", "depth"}, .b = {"python/recursion_via_c", "stack_bytes_per_level"});
MB_TEXT(.family = "python", .place = 87,
        .cells = {"- A Python call costs {=b / a:ns} per term {a:0} frames deep and {=d / c:ns} {c:0} deep (the table above shows where it steps up): "
                  "CPython 3.11 keeps frames on a data stack of its own, in chunks, and a recursion past the first chunk maps a new one (the page "
                  "faults in the table above) each time it goes that deep."},
        .a = {"python/call_recursive", .arg = "depth", .smallest = 1}, .b = {"python/call_recursive", .arg = "depth", .smallest = 1, .pick = "real_time"},
        .c = {"python/call_recursive", .arg = "depth", .largest = 1}, .d = {"python/call_recursive", .arg = "depth", .largest = 1, .pick = "real_time"},
        .when = "c > a");
MB_TEXT(.family = "python", .place = 87,
        .cells = {"- pymalloc is worth keeping: building and summing a list of floats took {a:x} as long with `PYTHONMALLOC=malloc`; use that setting "
                  "to let a C-level tool (valgrind, ASan, heaptrack) see every allocation, not in production."},
        .a = {"python/floats_workload_ratio", "malloc_over_pymalloc"});

MB_CLAIM(.id = "C15, CPython", .family = "python", .after = "C15", .text = "a NumPy-style flat array beats a list of boxed floats",
         .a = {"python/list_floats_sum/n:1000000", "real_time", 1e6}, .b = {"layout/unboxed/n:1000000", "real_time", 1e6},
         .c = {"python/list_floats_sum/n:1000000", "bytes_per_element"}, .rule = "a / b > 2 && c > 15.5",
         .d = {"python/list_floats_sum/n:1000000", "bytes_per_element", 8},
         .measured = "10^6 floats: flat array {b:2} ns and 8 B per element; a list of float objects {a:2} ns and {c:0} B per element ({r:1}×, {d:1}×)",
         .holds = "holds (rule: ≥ 2× time and size)", .differs = "differs (rule: ≥ 2× time and size)");

/* The lesson's claims about CPython, judged in the Python section (its table opens with C17). */
#define PY_RULE(R) "holds (rule: " R ")", .differs = "differs (rule: " R ")"
MB_CLAIM(.id = "C17", .family = "python", .after = "(python)",
         .text = "what a module-level name reaches (a GC root) survives gc.collect(); only unreachable cycles are collected",
         .a = {"python/gc_collect", "containers"}, .b = {"python/gc_collect", "collected_rooted"}, .c = {"python/gc_collect", "collected_unreferenced"},
         .rule = "b == 0 && c >= a",
         .measured = "CPython {s:python_version}: with {a:0} lists reachable from a module-level list, gc.collect() freed {b:0} of them; "
                     "{a:0} self-referencing lists nothing named: {c:0} collected",
         .holds = PY_RULE("nothing rooted collected, every unreferenced cycle collected"));
MB_CLAIM(.id = "C18", .family = "python", .after = "C17",
         .text = "after del of a big list its memory goes back only where whole arenas empty: survivors pin arenas",
         .a = {"python/retain/kept_of_64:0", "retained_pct"}, .b = {"python/retain/kept_of_64:32", "retained_pct"},
         .c = {"python/retain/kept_of_64:1", "retained_pct"}, .d = {"python/retain/kept_of_64:0", "floats"},
         .e = {"python/retain/kept_of_64:0", "rss_added_kib", 1024}, .f = {"python/retain/kept_of_64:32", "survivors"}, .rule = "a <= 20 && b >= 60",
         .measured = "CPython {s:python_version}, {d:0} floats ({e:0} MiB resident added), deleted: {a:1}% stayed resident with none kept, "
                     "{c:1}% with 1 in 64 kept, {b:1}% with every other one kept ({f:0} survivors)",
         .holds = PY_RULE("≤ 20% resident with no survivor, ≥ 60% with every other one surviving: survivors pin whole arenas"));
MB_CLAIM(.id = "C8, CPython", .family = "python", .after = "C20", .text = "a Python call per term is slower than a loop step per term",
         .a = {"python/call_recursive", "real_time", .smallest = 1, .over = "python/sum_iterative"},
         .b = {"python/call_recursive", "real_time", .largest = 1, .over = "python/sum_iterative"},
         .c = {"python/call_recursive", "real_time", .count = 1},
         .rule = "a > 1",
         .measured = "CPython {s:python_version}, sum of 1..n: a recursive call per term {a:1}× a loop step per term or more (at most {b:1}×), over "
                     "the {c:0} depth{(c == 1)?|s} of the table below",
         .holds = PY_RULE("a call dearer than a loop step at every n"));
MB_CLAIM(.id = "C16, CPython", .family = "python", .after = "C16", .text = "an arena whose pools are all free goes back to the OS",
         .a = {"python/retain/kept_of_64:0", "arenas_added"}, .b = {"python/retain/kept_of_64:0", "arenas_freed"},
         .c = {"python/retain/kept_of_64:0", "floats"}, .d = {"python/retain/kept_of_64:0", "rss_added_kib", 1024},
         .e = {"python/retain/kept_of_64:0", "rss_kept_kib", 1024}, .f = {"python/retain/kept_of_64:0", "retained_pct"},
         .rule = "a >= 16 && b >= 0.9 * a",
         .measured = "CPython {s:python_version}, {c:0} floats in a list, deleted, none kept: of the {a:0} arenas it added {b:0} went back to the OS "
                     "({=100 * b / a:1}%); RSS {d:1} MiB added, {e:1} MiB stayed ({f:1}%)",
         .holds = PY_RULE("at scale (≥ 16 arenas), ≥ 90% of the arenas the workload added went back"));
MB_CLAIM(.id = "C21", .family = "python", .after = "C8, CPython", .text = "sys.getsizeof([1, 2, 3]) is 120 bytes",
         .a = {"python/getsizeof_list3", "getsizeof_bytes"}, .b = {"python/getsizeof_list3_floats", "getsizeof_bytes"}, .rule = "a == 120",
         .measured = "CPython {s:python_version}: sys.getsizeof([1, 2, 3]) = {a:0} B (a list of 3 floats: {b:0} B)", .holds = PY_RULE("= 120 B"));
#define PY_SZ(W) {"python/getsizeof_" W, "getsizeof_bytes"}
#define PY_DEEP(W) {"python/getsizeof_" W, "deep_bytes"}
MB_CLAIM(.id = "C22", .family = "python", .after = "C21", .text = "sys.getsizeof is shallow: it does not count what a container refers to",
         .a = PY_SZ("list3_floats"), .b = PY_DEEP("list3_floats"), .c = PY_SZ("dict3"), .d = PY_DEEP("dict3"), .e = PY_SZ("tuple3"), .f = PY_DEEP("tuple3"),
         .rule = "b > a && d > c && f > e",
         .measured = "CPython {s:python_version}: list3_floats {a:0} B shallow, {b:0} B deep; dict3 {c:0} B shallow, {d:0} B deep; "
                     "tuple3 {e:0} B shallow, {f:0} B deep (deep: every object reachable by gc.get_referents, once)",
         .holds = PY_RULE("every container's deep size above its getsizeof"));
MB_CLAIM(.id = "C23", .family = "python", .after = "C22", .text = "a NumPy array's getsizeof counts the buffer it owns; a view's does not",
         .a = PY_SZ("ndarray_1m"), .b = PY_SZ("ndarray_view"), .c = PY_DEEP("ndarray_view"), .rule = "a >= 8000000 && b < 1024",
         .measured = "CPython {s:python_version}, NumPy: an array of 10^6 float64 {a:0} B; a view of every other element {b:0} B (its base's buffer: {c:0} B deep)",
         .holds = PY_RULE("the array's getsizeof counts its 8 MB buffer, the view's not"));
MB_CLAIM(.id = "C24", .family = "python", .after = "C23", .text = "pymalloc's arenas are 256 KB and its pools 4 KB",
         .a = {"alloc/pymalloc/footprint/size:20", "arena_bytes", 1024}, .b = {"alloc/pymalloc/footprint/size:20", "pool_bytes", 1024},
         .rule = "a == 256 && b == 4",
         .measured = "CPython {s:python_version} (sys._debugmallocstats of the running interpreter): arenas of {a:0} KiB, pools of {b:0} KiB",
         .holds = PY_RULE("256 KiB and 4 KiB; CPython 3.10 made them 1 MiB and 16 KiB where the address space is 64-bit"));
#define PY_WR(FIG, PER) {"python/floats_workload_ratio", FIG, PER}
MB_CLAIM(.id = "C25", .family = "python", .after = "C24", .text = "at a workload pymalloc is faster than the system malloc (PYTHONMALLOC=malloc)",
         .a = PY_WR("malloc_slower_rounds", 0), .b = PY_WR("rounds", 0), .c = PY_WR("pymalloc_ns", 1e6), .d = PY_WR("malloc_ns", 1e6),
         .e = PY_WR("malloc_over_pymalloc", 0), .f = {"python/floats_workload_ratio", .arg = "n"},
         /* Seven alternating rounds, malloc slower in at least five and in the median round:
          * "every round of three" let this VM's noise (about 15% between fresh interpreters)
          * turn a 1.2x effect against the claim in one run of three, "six of seven" in one
          * of three (measured back to back, 2026-12-08). */
         .rule = "a >= 5 && b >= 7 && e > 1",
         .measured = "CPython {s:python_version}, build a list of {f:0} floats and sum it, fresh embedded interpreters alternating: {c:0} ms on pymalloc, "
                     "{d:0} ms with PYTHONMALLOC=malloc ({e:2}×, the median of {b:0} rounds; malloc slower in {a:0})",
         .holds = PY_RULE("malloc slower in at least 5 of ≥ 7 rounds, the median round among them"));
MB_CLAIM(.id = "C26", .family = "python", .after = "C25", .text = "the small ints -5..256 are cached: one object each",
         .a = {"python/small_ints", "cache_low"}, .b = {"python/small_ints", "cache_high"}, .c = {"python/small_ints", "contiguous"},
         .rule = "a == -5 && b == 256 && c == 1",
         .measured = "CPython {s:python_version}: int(str(i)) is int(str(i)) for i in {a:0}..{b:0}{c? (one run, nothing outside it)| (not one run)}",
         .holds = PY_RULE("exactly -5..256"));
MB_CLAIM(.id = "C27", .family = "python", .after = "C26", .text = "interned strings are freed once nothing references them",
         .a = {"python/interned", "strings_freed_pct"}, .b = {"python/interned", "strings_bytes", 1024}, .c = {"python/interned", "intern_returns_same"},
         .d = {"python/interned", .arg = "n"}, .rule = "a >= 90",
         .measured = "CPython {s:python_version}: {d:0} interned strings ({b:0} KiB), the list naming them deleted: tracemalloc saw {a:1}% of their bytes "
                     "freed; sys.intern returns the same object: {c?yes|no}",
         .holds = PY_RULE("≥ 90% of the strings' bytes freed"));
MB_CLAIM(.id = "C28", .family = "python", .after = "C27", .text = "tracemalloc attributes each allocation to the line that made it",
         .a = {"python/floats_traced", "top_line_is_workload"}, .b = {"python/floats_traced", "top_line_share_pct"},
         .c = {"python/floats_traced", "traced_bytes_per_float"}, .d = {"python/floats_traced", .arg = "n"}, .rule = "a == 1 && b >= 90",
         .measured = "CPython {s:python_version}, {d:0} floats in a list: tracemalloc's top line is {a?the list comprehension that makes them|another line} "
                     "({b:0}% of the traced bytes), {c:1} B per float (24 B the float, 8 B its slot)",
         .holds = PY_RULE("the allocating line first, ≥ 90% of the bytes"));
#define PY_ENDED "{a#?|a RecursionError|a MemoryError|a return|a signal}"
MB_CLAIM(.id = "C19", .family = "python", .after = "C18", .text = "a raised sys.setrecursionlimit lets pure-Python recursion overflow the C stack and crash",
         .a = {"python/recursion_pure", "ending"}, .b = {"python/recursion_pure", "depth"}, .c = {"python/recursion_pure", "limit"},
         .d = {"python/recursion_pure", "stack_bytes", 1024}, .rule = "a == 4",
         .measured = "CPython {s:python_version}, sys.setrecursionlimit({c:0}), {d:0} KiB C stack: pure-Python recursion went {b:0} deep and ended in "
                     PY_ENDED "{a#| at the limit: a Python frame does not use the C stack (since 3.11)||| (the interpreter crashed)}",
         .holds = PY_RULE("the interpreter is killed by a signal"));
MB_CLAIM(.id = "C20", .family = "python", .after = "C19", .text = "recursion through C code (a __repr__ calling repr) crashes with SIGSEGV below a raised limit",
         .a = {"python/recursion_via_c", "ending"}, .b = {"python/recursion_via_c", "depth"}, .c = {"python/recursion_via_c", "limit"},
         .d = {"python/recursion_via_c", "signal"}, .rule = "a == 4 && d == 11 && b < c",
         .measured = "CPython {s:python_version}, sys.setrecursionlimit({c:0}): recursion through C (__repr__ calling repr) went {b:0} levels deep "
                     "and ended in " PY_ENDED "{(a == 4 && d == 11)? (SIGSEGV: the C stack overflowed)|}{(a == 4 && !(d == 11))? (not SIGSEGV)|}",
         .holds = PY_RULE("SIGSEGV below the limit, in a child that did not take the run down"));
