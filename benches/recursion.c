/*
 * recursion.c: recursion's cost per call and how deep it can go (lesson claims C1, C7,
 * C8, C9).
 *
 * Names: recursion/<variant>/<arg>:<value>
 *   sum_recursive/n:N        sum of 1..N by recursion, one call per term (not turned into a
 *                            loop: the addition happens after the call returns)
 *   sum_iterative/n:N        the same sum by a loop; items = terms, so ns per term compare
 *   overflow_main/frame:F    recurse with F bytes of locals per frame on the main thread's
 *                            stack (RLIMIT_STACK) until the guard stops it
 *   overflow_thread/stack_kib:S/frame:F   the same on a thread created with an S KiB stack
 *   vla_max/stack:0          the largest VLA the main thread's stack takes, found by
 *                            bisection, each try in its own child process
 *
 * Overflow never takes the harness down: each try runs in a probe (mb_probe: a fresh
 * membench of its own) whose SIGSEGV handler (on an alternate signal stack) replies what
 * it saw. Counters: depth,
 * frame_bytes (measured from the addresses of the first and the deepest frame),
 * expected_depth (usable stack from the first frame / frame_bytes), signal (11 = SIGSEGV),
 * fault_below_stack (bytes between the faulting address and the lowest usable stack
 * address: within one frame means the guard caught it), stack_bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "membench.h"
#include "stackinfo.h"

/* ---- Sum of 1..n ---- */

/* Both kernels start on a 64-byte boundary: the recursive call's speed depends on where its
 * code lies (a change elsewhere in this file moved it and made it 1.6 -> 2.5 us per sum). */
__attribute__((noinline, aligned(64))) static uint64_t sum_rec(uint64_t n) {
  if (n == 0) return 0;
  uint64_t r = sum_rec(n - 1);
  __asm__ volatile("" : "+r"(r)); /* the add stays after the call: no accumulator loop */
  return r + n;
}

__attribute__((noinline, aligned(64))) static uint64_t sum_iter(uint64_t n) {
  uint64_t s = 0;
  for (uint64_t i = 1; i <= n; i++) {
    s += i;
    __asm__ volatile("" : "+r"(s)); /* one add per term: no closed form, no vectors */
  }
  return s;
}

#define SUM_KERNEL(name, fn)                                                     \
  static uint64_t name(uint64_t iters, void *data) {                             \
    uint64_t n = *(const uint64_t *)data, acc = 0;                               \
    for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) acc += fn(MB_OPAQUE(n)); \
    return acc;                                                                  \
  }
SUM_KERNEL(k_sum_rec, sum_rec)
SUM_KERNEL(k_sum_iter, sum_iter)

static int s_sum(mb_run_t *run) {
  uint64_t *n = malloc(sizeof *n);
  if (!n) return mb_skip(run, "out of memory");
  *n = (uint64_t)run->arg[0];
  run->data = n;
  run->items_per_iter = (double)run->arg[0]; /* terms: items_per_second is calls/s */
  return 0;
}

static int v_sum(mb_run_t *run, uint64_t result, uint64_t iters) {
  uint64_t n = (uint64_t)run->arg[0], want = iters * (n * (n + 1) / 2);
  if (result != want)
    return mb_fail(run, "sum %llu, expected %llu", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

/* ---- Overflow probes ---- */

typedef struct probe_result {
  uint64_t depth;     /* deepest frame entered */
  uintptr_t fault;    /* si_addr of the SIGSEGV */
  uintptr_t sp1;      /* address of the first frame's locals */
  uintptr_t spn;      /* address of the deepest frame's locals */
  uintptr_t lo, hi;   /* usable stack of the probing thread */
  size_t guard;
  int sig;
} probe_result_t;

/* The probe's state: written by the recursion, read by the signal handler. */
static volatile uint64_t g_depth;
static volatile uintptr_t g_sp1, g_spn;
static probe_result_t g_res;

/* The reply: the fields of probe_result_t in order. */
enum { R_DEPTH, R_FAULT, R_SP1, R_SPN, R_LO, R_HI, R_GUARD, R_SIG, R_N };

static void on_overflow(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  const int64_t r[R_N] = {(int64_t)g_depth, (int64_t)(uintptr_t)si->si_addr, (int64_t)g_sp1, (int64_t)g_spn,
                          (int64_t)g_res.lo, (int64_t)g_res.hi, (int64_t)g_res.guard, sig};
  mb_probe_reply(r, R_N);
  _exit(0);
}

static volatile uint64_t g_limit = UINT64_MAX; /* never reached: stops -Winfinite-recursion */

/* One recursive function per frame size: F bytes of volatile locals, both ends touched,
 * and work after the call so it is not a tail call. */
#define REC_FN(F)                                                      \
  __attribute__((noinline)) static uint64_t rec_##F(uint64_t d) {      \
    volatile char buf[F];                                              \
    buf[0] = (char)d;                                                  \
    buf[(F) - 1] = (char)d;                                            \
    g_depth = d;                                                       \
    g_spn = (uintptr_t)buf;                                            \
    if (d == 1) g_sp1 = (uintptr_t)buf;                                \
    if (d >= g_limit) return buf[0];                                   \
    return rec_##F(d + 1) + buf[(F) / 2];                              \
  }
#define FRAMES(X) X(16) X(64) X(256) X(1024) X(4096)
FRAMES(REC_FN)
#define REC_ENTRY(F) {F, rec_##F},
static const struct {
  int64_t frame;
  uint64_t (*fn)(uint64_t);
} rec_fns[] = {FRAMES(REC_ENTRY)};

static void arm_handler(void) {
  /* The overflowing thread has no stack left: the handler runs on its own. */
  static char altstack[64 * 1024];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_overflow;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

typedef struct probe {
  uint64_t (*fn)(uint64_t);
  int64_t frame;
  size_t thread_stack; /* 0: the main thread's stack */
  int spawn_errno;     /* the probe process could not be started: why */
  probe_result_t res;
} probe_t;

static uint64_t (*rec_fn(int64_t frame))(uint64_t) {
  for (size_t i = 0; i < sizeof rec_fns / sizeof rec_fns[0]; i++)
    if (rec_fns[i].frame == frame) return rec_fns[i].fn;
  return NULL;
}

static void *probe_thread(void *arg) {
  probe_t *p = arg;
  mb_stack_info_t si;
  mb_stack_info(&si);
  g_res.lo = si.lo;
  g_res.hi = si.hi;
  if (!p->thread_stack) g_res.guard = si.guard;
  arm_handler(); /* sigaltstack is per thread */
  p->fn(1);
  return NULL;
}

/* The probe: spec frame bytes, thread stack bytes (0: the main thread's); recurses until
 * the guard stops it, and the handler replies. */
static int probe_overflow(const int64_t *spec, int nspec) {
  static probe_t p;
  if (nspec != 2 || !(p.fn = rec_fn(spec[0])) || spec[1] < 0) return 2;
  p.frame = spec[0];
  p.thread_stack = (size_t)spec[1];
  if (p.thread_stack) {
    /* A stack of exactly the size named, mapped here with a guard page below it: glibc
     * would otherwise reuse a cached stack of a joined thread up to 4x larger (after
     * threads with 8 MiB stacks, a "2 MiB" thread got 8 MiB). */
    size_t guard = 4096;
    char *mem = mmap(NULL, p.thread_stack + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mem == MAP_FAILED || mprotect(mem, guard, PROT_NONE)) return 6;
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setstack(&a, mem + guard, p.thread_stack);
    g_res.guard = guard;
    if (pthread_create(&t, &a, probe_thread, &p)) return 4;
    pthread_join(t, NULL);
  } else {
    probe_thread(&p);
  }
  return 5; /* not reached: the recursion does not end */
}
MB_PROBE("recursion_overflow", probe_overflow);

/* Recurse in a probe until it faults; what the handler saw, or how the probe ended. */
static int run_probe(probe_t *p) {
  mb_probe_result_t r;
  memset(&p->res, 0, sizeof p->res);
  if (mb_probe("recursion_overflow", (const int64_t[]){p->frame, (int64_t)p->thread_stack}, 2, &r)) {
    p->spawn_errno = errno; /* no child: verify says why, not "no depth" */
    return -1;
  }
  if (r.n != R_N) { /* the handler did not reply: say how the probe ended */
    p->res.sig = r.exited ? -r.status : r.sig;
    return 0;
  }
  p->res = (probe_result_t){.depth = (uint64_t)r.v[R_DEPTH], .fault = (uintptr_t)r.v[R_FAULT], .sp1 = (uintptr_t)r.v[R_SP1],
                            .spn = (uintptr_t)r.v[R_SPN], .lo = (uintptr_t)r.v[R_LO], .hi = (uintptr_t)r.v[R_HI],
                            .guard = (size_t)r.v[R_GUARD], .sig = (int)r.v[R_SIG]};
  return 0;
}

static uint64_t k_overflow(uint64_t iters, void *data) {
  probe_t *p = data;
  uint64_t d = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    run_probe(p);
    d += p->res.depth;
  }
  return d;
}

static int s_overflow(mb_run_t *run, int thread) {
  probe_t *p = calloc(1, sizeof *p);
  if (!p) return mb_skip(run, "out of memory");
  run->data = p;
  p->thread_stack = thread ? (size_t)run->arg[0] * 1024 : 0;
  p->frame = run->arg[thread ? 1 : 0];
  if (!(p->fn = rec_fn(p->frame))) return mb_skip(run, "no recursive function with %lld-byte frames", (long long)p->frame);
  if (!thread) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY)
      return mb_skip(run, "RLIMIT_STACK is unlimited: the main stack has no fixed end to find");
  }
  return 0;
}
static int s_overflow_main(mb_run_t *run) { return s_overflow(run, 0); }
static int s_overflow_thread(mb_run_t *run) { return s_overflow(run, 1); }
static void t_free(mb_run_t *run) { free(run->data); }

static int v_overflow(mb_run_t *run, uint64_t result, uint64_t iters) {
  (void)iters;
  const probe_t *p = run->data;
  const probe_result_t *r = &p->res;
  if (p->spawn_errno)
    return mb_skip(run, "cannot start the probe process: %s%s", strerror(p->spawn_errno),
                   p->spawn_errno == EAGAIN ? " (a limit on processes: ulimit -u, a cgroup's pids.max)" : "");
  if (result == 0 || r->depth < 2)
    return mb_fail(run, "the probe reported no depth (child ended with %s %d)", r->sig > 0 ? "signal" : "status",
                   r->sig > 0 ? r->sig : -r->sig);
  if (p->thread_stack && r->hi - r->lo != p->thread_stack)
    return mb_fail(run, "the thread ran on a %zu-byte stack, not the %zu bytes named", (size_t)(r->hi - r->lo), p->thread_stack);
  double frame = (double)(r->sp1 - r->spn) / (double)(r->depth - 1);
  double usable = (double)(r->sp1 - r->lo);
  mb_counter(run, "depth", (double)r->depth, MB_COUNTER_VALUE);
  mb_counter(run, "frame_bytes", frame, MB_COUNTER_VALUE);
  mb_counter(run, "expected_depth", usable / frame, MB_COUNTER_VALUE);
  mb_counter(run, "stack_bytes", (double)(r->hi - r->lo), MB_COUNTER_VALUE);
  mb_counter(run, "signal", r->sig, MB_COUNTER_VALUE);
  /* Below the lowest usable address by less than a frame (+ red zone): the guard. */
  mb_counter(run, "fault_below_stack", (double)r->lo - (double)r->fault, MB_COUNTER_VALUE);
  mb_counter(run, "guard_bytes", (double)r->guard, MB_COUNTER_VALUE);
  /* C7's reading of this probe: SIGSEGV within one frame of the predicted depth, the fault
   * below the stack by less than a frame and the red zone. */
  const double below = (double)r->lo - (double)r->fault;
  mb_counter(run, "as_predicted", r->sig == SIGSEGV && fabs((double)r->depth - usable / frame) <= 1 && below >= 0 && below <= frame + 128,
             MB_COUNTER_VALUE);
  return 0;
}

/* ---- The largest VLA ---- */

/* Does a VLA of n bytes, every page touched (deepest first), fit? In a probe: spec n;
 * reply 1 and the stack that was left, or no reply (the fault ended it). */
__attribute__((noinline)) static int vla_child(size_t n) {
  volatile char buf[n];
  for (size_t i = 0; i < n; i += 4096) buf[i] = 1;
  buf[n - 1] = 1;
  return buf[0];
}

static int probe_vla(const int64_t *spec, int nspec) {
  if (nspec != 1 || spec[0] < 1) return 2;
  const int64_t left = (int64_t)mb_stack_remaining();
  if (vla_child((size_t)spec[0]) != 1) return 1;
  mb_probe_reply((const int64_t[]){1, left}, 2);
  return 0;
}
MB_PROBE("recursion_vla", probe_vla);

/* 1: fits (*left: the stack the probe had), 0: does not, -1: no probe could start. */
static int vla_fits(size_t n, size_t *left) {
  mb_probe_result_t r;
  if (mb_probe("recursion_vla", (const int64_t[]){(int64_t)n}, 1, &r)) return -1;
  if (r.n != 2 || r.v[0] != 1) return 0;
  *left = (size_t)r.v[1];
  return 1;
}

typedef struct vla_probe {
  size_t max;       /* largest that fitted */
  int fits_4mib;
  size_t remaining; /* stack left in the probe process where the largest VLA fitted */
} vla_probe_t;

static uint64_t k_vla_max(uint64_t iters, void *data) {
  vla_probe_t *v = data;
  v->max = 0;
  for (uint64_t it = 0, m = MB_WORK(iters); it < m; it++) {
    size_t lo = 4096, hi = (size_t)1 << 30, left; /* lo fits, hi does not (checked below) */
    if (vla_fits(lo, &v->remaining) != 1) return 0;
    while (hi - lo > 4096) {
      size_t mid = lo + (hi - lo) / 2;
      /* The stack left is that of the process the largest fitting VLA ran in: each probe's
       * start is randomized (up to 8 KiB on x86), so another probe's would not bound it. */
      if (vla_fits(mid, &left) == 1) lo = mid, v->remaining = left;
      else hi = mid;
    }
    v->max = lo;
    v->fits_4mib = vla_fits((size_t)4 << 20, &left) == 1;
  }
  return v->max;
}

static int s_vla_max(mb_run_t *run) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > ((rlim_t)1 << 29))
    return mb_skip(run, "RLIMIT_STACK is unlimited or over 512 MiB: no VLA limit to find safely");
  run->data = calloc(1, sizeof(vla_probe_t));
  return run->data ? 0 : mb_skip(run, "out of memory");
}

static int v_vla_max(mb_run_t *run, uint64_t result, uint64_t iters) {
  (void)iters;
  const vla_probe_t *v = run->data;
  if (!result) return mb_fail(run, "not even a 4 KiB VLA fitted");
  struct rlimit rl;
  getrlimit(RLIMIT_STACK, &rl);
  mb_counter(run, "max_vla_bytes", (double)v->max, MB_COUNTER_VALUE);
  mb_counter(run, "max_vla_ints", (double)(v->max / sizeof(int)), MB_COUNTER_VALUE);
  mb_counter(run, "stack_left_bytes", (double)v->remaining, MB_COUNTER_VALUE);
  mb_counter(run, "rlimit_stack_bytes", (double)rl.rlim_cur, MB_COUNTER_VALUE);
  mb_counter(run, "fits_4mib", v->fits_4mib, MB_COUNTER_VALUE);
  return 0;
}

/* ---- Registration ---- */

static const int64_t frame_args[] = {16, 64, 256, 1024, 4096, MB_END};
static const int64_t frame_quick[] = {64, 4096, MB_END};
static const int64_t thread_frame_args[] = {256, 16, 256, 256, 256, 4096, 2048, 16, 2048, 256, 2048, 4096,
                                            8192, 16, 8192, 256, 8192, 4096, MB_END};
static const int64_t thread_frame_quick[] = {256, 256, 2048, 256, MB_END};

MB_FAMILY(.name = "recursion", .title = "Recursion", .doc = "What a call costs, and how deep recursion goes before the stack runs out.");
MB_BENCH(.family = "recursion", .variant = "sum_recursive", .kernel = k_sum_rec, .setup = s_sum, .teardown = t_free, .verify = v_sum, .argnames = {"n"}, .args = MB_ARGS(900), .doc = "recursive sum of 1..n, per call");
MB_BENCH(.family = "recursion", .variant = "sum_iterative", .kernel = k_sum_iter, .setup = s_sum, .teardown = t_free, .verify = v_sum, .argnames = {"n"}, .args = MB_ARGS(900), .doc = "iterative sum of 1..n, per term");
MB_BENCH(.family = "recursion", .variant = "overflow_main", .primary = {"depth", "frames", MB_BIGGER_IS_BETTER}, .figures = {{"frame_bytes", "B", MB_SMALLER_IS_BETTER}, {"stack_bytes", "B", MB_BIGGER_IS_BETTER}}, .kernel = k_overflow, .setup = s_overflow_main, .teardown = t_free, .verify = v_overflow, .argnames = {"frame"}, .args = frame_args, .quick_args = frame_quick, .iterations = 1, .real_time = 1, .doc = "depth at stack overflow on the main thread");
MB_BENCH(.family = "recursion", .variant = "overflow_thread", .primary = {"depth", "frames", MB_BIGGER_IS_BETTER}, .figures = {{"frame_bytes", "B", MB_SMALLER_IS_BETTER}, {"stack_bytes", "B", MB_BIGGER_IS_BETTER}}, .kernel = k_overflow, .setup = s_overflow_thread, .teardown = t_free, .verify = v_overflow, .argnames = {"stack_kib", "frame"}, .args = thread_frame_args, .quick_args = thread_frame_quick, .iterations = 1, .real_time = 1, .doc = "depth at stack overflow on a thread");
MB_BENCH(.family = "recursion", .variant = "vla_max", .primary = {"max_vla_bytes", "B", MB_BIGGER_IS_BETTER}, .kernel = k_vla_max, .setup = s_vla_max, .teardown = t_free, .verify = v_vla_max, .argnames = {"stack"}, .args = MB_ARGS(0), .iterations = 1, .real_time = 1, .doc = "largest VLA on the main stack, found safely");

MB_VIEW(.family = "recursion", .heading = "Recursion", .place = 30, .charts = {{"recursion", "recursion depth"}});
MB_CHART(.family = "recursion", .file = "recursion", .title = "Recursion depth at stack overflow (SIGSEGV), by locals per frame", .xlabel = "locals per frame",
         .ylabel = "depth reached (frames)", .logx = 2, .bytes = 2, .logy = 10, .si = 1, .key = MB_KEY_TOP_RIGHT,
         .series = {{"recursion/overflow_main", "depth", "main thread (RLIMIT_STACK)", 1},
                    {"recursion/overflow_thread/stack_kib:8192", "depth", "thread, 8 MiB stack", 2},
                    {"recursion/overflow_thread/stack_kib:2048", "depth", "thread, 2 MiB stack", 3},
                    {"recursion/overflow_thread/stack_kib:256", "depth", "thread, 256 KiB stack", 4}});
MB_CLAIM(.id = "C7", .family = "recursion", .after = "C6", .text = "deep recursion overflows into the guard page: SIGSEGV",
         .a = {"recursion/overflow_main", "as_predicted", .sum = 1}, .b = {"recursion/overflow_thread", "as_predicted", .sum = 1},
         .c = {"recursion/overflow_main", "as_predicted", .count = 1}, .d = {"recursion/overflow_thread", "as_predicted", .count = 1},
         .e = {"recursion/overflow_main", .arg = "frame", .smallest = 1}, .f = {"recursion/overflow_main", .arg = "frame", .smallest = 1, .pick = "depth"},
         .g = {"recursion/overflow_main", .arg = "frame", .smallest = 1, .pick = "expected_depth"}, .rule = "c + d > 0 && a + b == c + d",
         .measured = "{=a + b:0} of {=c + d:0} overflow probes ended in SIGSEGV within one frame of the predicted depth, the fault just below the stack "
                     "(main thread, {e:0} B locals: {f:0} deep, {g:0} predicted)",
         .holds = "holds (rule: every probe)", .differs = "differs (rule: every probe)");
MB_CLAIM(.id = "C8", .family = "recursion", .after = "C7", .text = "recursion is slower per call than iteration",
         .a = {"recursion/sum_recursive/n:900", "real_time", 900}, .b = {"recursion/sum_iterative/n:900", "real_time", 900},
         .above = 1, .bound = 1, .measured = "sum of 1..900: {a:2} ns per recursive call, {b:2} ns per iteration",
         .holds = "holds ({r:1}× slower)", .differs = "differs ({r:1}×)");

MB_CLAIM(.id = "C1", .family = "recursion", .after = "(claims)", .text = "main and thread stacks are 8 MB",
         .a = {"recursion/vla_max/stack:0", "rlimit_stack_bytes", 1048576}, .b = {.ctx = "stack_thread_default_bytes", .per = 1048576},
         .rule = "a == 8 && b == 8", .measured = "RLIMIT_STACK {a:0} MiB; pthread default stack {b:0} MiB", .holds = "holds (both 8 MiB)",
         .differs = "differs (rule: both 8 MiB)");
MB_CLAIM(.id = "C9", .family = "recursion", .after = "C8", .text = "a 4 MB VLA on an 8 MB stack crashes",
         .a = {"recursion/vla_max/stack:0", "fits_4mib"}, .b = {"recursion/vla_max/stack:0", "max_vla_bytes", 1048576},
         .c = {"recursion/vla_max/stack:0", "max_vla_ints"}, .rule = "a != 1",
         .measured = "largest VLA on the main stack: {b:2} MiB ({c:0} ints); a 4 MiB VLA {a?fits|does not fit}", .holds = "holds",
         .differs = "differs");
