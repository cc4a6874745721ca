/*
 * membench.h: the C benchmark API every family in benches/ uses.
 *
 * A benchmark is a kernel plus a descriptor, registered with one line:
 *
 *   static uint64_t k_empty(uint64_t iters, void *data) { ... loop iters times ... }
 *   MB_BENCH(.family = "harness", .variant = "empty", .kernel = k_empty, .items_per_iter = 1);
 *
 * The kernel runs its own loop over the iteration count it is given and returns a value
 * that depends on the work, so the harness costs nothing per iteration and the compiler
 * cannot delete the loop. The harness times exactly one kernel call per run.
 *
 * Order of events for one benchmark instance (one descriptor with one set of arguments):
 *   1. the thread is already pinned (see --mb_cpu) and its memory bound to the local node;
 *   2. setup(run) allocates and first-touches the working set, on that pinned thread;
 *   3. arm(run) with a new run->stamp (outputs made stale); counters enabled, timer started,
 *      kernel(iters, run->data), timer stopped, counters off;
 *   4. verify(run, result, iters) checks the work was really done (checksum, count, depth);
 *   5. teardown(run) once the instance is finished (setup is reused across Google Benchmark's
 *      calibration runs and repetitions, unless .fresh_setup asks for a new one each run).
 *
 * Names read family/variant/argname:value[/argname:value], e.g. "harness/empty" or
 * "hierarchy/latency_random/ws:32768".
 *
 * Error rule (as hwloc's): functions return 0 on success, -1 with errno set on failure.
 * setup and verify return 0 to go on, or the value of mb_skip()/mb_fail(), which record a
 * reason; a skipped benchmark is reported with its reason and the suite carries on.
 */
#ifndef MEMBENCH_H
#define MEMBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MB_MAX_ARGS 2       /* arguments per benchmark instance */
#define MB_MAX_FIGURES 6    /* figures a descriptor declares besides its primary one */
#define MB_MAX_COUNTERS 48  /* user counters a benchmark may report (more: a warning, dropped) */
#define MB_END INT64_MIN    /* terminates an argument list */

/* An argument list literal: MB_ARGS(16, 32, 64). With two argument names, values come in
 * pairs: MB_ARGS(a0, b0, a1, b1). */
#define MB_ARGS(...) ((const int64_t[]){__VA_ARGS__, MB_END})

typedef struct mb_bench mb_bench_t;

/* Which way a figure is better: exports, the gate and the report read it. */
typedef enum mb_direction { MB_SMALLER_IS_BETTER = 0, MB_BIGGER_IS_BETTER = 1 } mb_direction_t;

/* A figure a benchmark reports: "real_time" (Google Benchmark's time per iteration), a rate
 * ("bytes_per_second", "items_per_second") or the name of one of its counters; its unit as a
 * reader should see it ("ns", "B/s", "frames"); which way is better. */
typedef struct mb_figure {
  const char *name;
  const char *unit;
  mb_direction_t better;
} mb_figure_t;

/* How a user counter is reported (mapped to Google Benchmark's Counter flags). */
typedef enum mb_counter_kind {
  MB_COUNTER_VALUE = 0,    /* reported as given */
  MB_COUNTER_PER_ITER = 1, /* divided by the iteration count */
  MB_COUNTER_RATE = 2,     /* divided by the elapsed time: per second */
} mb_counter_kind_t;

/* What the harness tells a benchmark about the run it is part of. */
typedef struct mb_config {
  int quick;                 /* --mb_quick: smallest useful sweep, for CI and smoke runs */
  int long_sweep;            /* --mb_long: the long sweeps, on purpose */
  int pu;                    /* OS index of the PU the benchmark thread is bound to, -1 if unpinned */
  uint64_t mem_available;    /* the memory this run may take, in bytes at start (0 when unknown):
                                the smallest of MemAvailable, the memory cgroup's room and
                                RLIMIT_AS's, or MB_MEM_AVAILABLE when smaller */
  const char *mem_limited_by; /* which of them: "MemAvailable", "the memory cgroup's limit"... */
  uint64_t cache_size[5];    /* data/unified cache size per level 1..4 as hwloc reports it (0: none) */
  uint64_t cache_line;       /* L1d line size in bytes (64 if unknown) */
  int cores, pus, numa_nodes; /* in the allowed part of the machine (hwloc) */
  const char *thp;           /* transparent huge pages: "always", "madvise", "never" or
                                "unknown" (the context's mb_thp_enabled) */
  /* One-off runs (--mb_ws, --mb_threads): a benchmark with an argument named "ws" or
   * "threads" runs at this one value instead of its sweep (0: its sweep). */
  uint64_t only_ws;
  int only_threads;
} mb_config_t;

/* What a run's other threads (crew.h's workers) said of their share of it. */
typedef struct mb_run_workers {
  int n;            /* threads that reported */
  int disturbed;    /* of them, how many were disturbed */
  double worst_lost; /* the largest share of a worker's time taken from it */
  int worst_pu;     /* where that worker ran */
} mb_run_workers_t;

/* One run of a benchmark instance: arguments in, working data and counters out. */
typedef struct mb_run {
  int64_t arg[MB_MAX_ARGS];  /* this instance's argument values */
  void *data;                /* set by setup, handed to the kernel */
  double bytes_per_iter;     /* bytes moved per iteration; starts as the descriptor's value */
  double items_per_iter;     /* items processed per iteration; likewise */
  const mb_bench_t *bench;   /* the descriptor */
  const mb_config_t *config; /* the harness configuration */
  double seconds;            /* set before verify: wall time of the kernel call just made */
  uint64_t stamp;            /* new for every timed run (never 0, never repeated in a process):
                                arm() makes the run's outputs depend on it, verify expects it */
  /* Whether something else took the CPU while this run was timed (see "Disturbance" below):
   * the harness judges the timed thread's evidence and its workers' before verify; a
   * benchmark whose figures come from earlier runs marks itself with mb_disturbed(). */
  int disturbed;
  char disturbance[200];     /* why, when disturbed */
  mb_run_workers_t workers;  /* the run's other threads, as mb_evidence_add() reported them */
  /* Filled through mb_skip, mb_fail and mb_counter; read by the harness. */
  char reason[256];
  int failed;                /* reason is a verification failure, not a skip */
  int ncounters;
  struct {
    char name[48];
    double value;
    mb_counter_kind_t kind;
  } counters[MB_MAX_COUNTERS];
} mb_run_t;

/* The kernel: run the work `iters` times, return something that depends on all of it. */
typedef uint64_t (*mb_kernel_fn)(uint64_t iters, void *data);

/* Argument lists computed at start-up (from the topology, MemAvailable, quick mode). */
typedef struct mb_arglist {
  int n;          /* tuples so far */
  int cap;        /* tuples allocated */
  int64_t *vals;  /* n * nargs values */
  int nargs;      /* values per tuple */
} mb_arglist_t;

struct mb_bench {
  const char *family;                 /* first name component, e.g. "hierarchy" */
  const char *variant;                /* second, e.g. "latency_random" */
  mb_kernel_fn kernel;                /* required */
  int (*setup)(mb_run_t *run);        /* optional: allocate, first-touch, may mb_skip() */
  void (*teardown)(mb_run_t *run);    /* optional: free what setup made */
  int (*verify)(mb_run_t *run, uint64_t result, uint64_t iters); /* optional: may mb_fail() */
  /* optional: before every timed run, outside the timer, with run->stamp new: make stale
   * whatever verify will read (poison the outputs, or hand the kernel the stamp to write),
   * so that only this run's complete work can pass verify, never what setup or an earlier
   * run left behind. */
  void (*arm)(mb_run_t *run);
  const char *argnames[MB_MAX_ARGS];  /* e.g. {"ws"}; NULL-terminated, at most MB_MAX_ARGS */
  const int64_t *args;                /* default argument values (MB_ARGS), or NULL */
  const int64_t *quick_args;          /* under --mb_quick, if different from args */
  const int64_t *long_args;           /* under --mb_long, if different from args */
  /* Or computed: add tuples with mb_arglist_add(); takes precedence over the lists. */
  int (*args_fn)(mb_arglist_t *list, const mb_config_t *config);
  double bytes_per_iter;              /* static per-iteration accounting (setup may change it) */
  double items_per_iter;
  uint64_t iterations;                /* fixed iteration count; 0 lets Google Benchmark choose */
  int fresh_setup;                    /* nonzero: setup/teardown around every run */
  int repetitions;                    /* default repetitions for this benchmark (0: global) */
  int real_time;                      /* rates from wall time: the work runs in other threads
                                         or processes, not in the timed thread's CPU time */
  const char *doc;                    /* one line: what it measures (report, exports, JSON) */
  /* What the kernel is made of, for one kernel serving several variants (an allocator, a
   * size, a placement): read back as run->bench->param, never parsed from the name. */
  intptr_t param;
  /* The figure that says how the benchmark did. Default: bytes_per_second (B/s, bigger is
   * better) when bytes_per_iter is set, else real_time (ns per iteration, smaller). */
  mb_figure_t primary;
  mb_figure_t figures[MB_MAX_FIGURES]; /* its other figures worth tracking (exports) */
  /* The method's version (0 reads as 1): raise it when what the benchmark measures changes
   * under the same name, so that no tool compares across the change. */
  int version;
  /* Run in a child process: the benchmarks naming the same `process` run together in one
   * fresh membench process (same PU, same flags), with `preload` LD_PRELOADed into it when
   * set (an allocator that replaces malloc); their results join this run's. NULL: here. */
  const char *process;
  const char *preload;
  /* The variant of its family whose runs in this process its figures are computed from
   * (hierarchy/boundaries reads latency_random's curve): when a disturbed run of that
   * variant is re-measured, this one runs again after it. NULL: none. */
  const char *reads;
};

/* Register a descriptor (the MB_BENCH macro calls this from a constructor). */
void mb_register(mb_bench_t *bench);

/* How a family is presented, declared once per family with MB_FAMILY (optional: without it
 * the family's report section is titled by its name and its chart is one bar per benchmark).
 * The report writes a table of every family it has no hand-written section for, and
 * `make plots` draws a default chart for every family without a script in plots/. */
typedef struct mb_family {
  const char *name;   /* the family's name, as in its descriptors */
  const char *title;  /* section and chart title */
  const char *doc;    /* a paragraph for the report */
  const char *x;      /* the argument on the default chart's x axis (one line per variant);
                         NULL: one bar per benchmark */
  int logx, logy;     /* log scales on the default chart */
  /* A family whose published results this one reads (mb_levels_get): it runs first,
   * whatever the names. NULL: none. */
  const char *after;
  /* Adds what the family says about the machine to the results context (mb_context_add),
   * once, before the first benchmark, in a process that runs any of the family's
   * benchmarks. NULL: nothing. */
  void (*describe)(void);
} mb_family_t;

void mb_register_family(const mb_family_t *family);
/* A declaration registered before main: a static object of TYPE from the designated
 * initializers, handed to REG by a constructor (MB_FAMILY, MB_VIEW; n: __COUNTER__). */
#define MB_DECLARE_(n, type, reg, ...) MB_DECLARE_N_(n, type, reg, __VA_ARGS__)
#define MB_DECLARE_N_(n, type, reg, ...)                                           \
  static type MB_CAT(mb_decl_, n) = {__VA_ARGS__};                                \
  __attribute__((constructor)) static void MB_CAT(mb_declreg_, n)(void) {          \
    reg(&MB_CAT(mb_decl_, n));                                                     \
  }                                                                                \
  typedef int MB_CAT(mb_decl_semicolon_, n)
#define MB_FAMILY(...) MB_DECLARE_(__COUNTER__, const mb_family_t, mb_register_family, __VA_ARGS__)

/* A section of the report, declared beside the benchmarks it shows (data, not code in the
 * tools): its heading, the charts above it and a table whose cells are benchmarks' figures.
 * mbreport draws every declared section of the families in a result, in the order of .place;
 * the harness checks at start that every benchmark a table names is registered (family,
 * variant and argument names: a typo is an error, not a "–"), and records the sections in
 * the result (context.membench.presentation.<family>.sections). `membench --mb_views`
 * prints them. A cell names one benchmark; its figure is the column's, or the benchmark's
 * primary; a benchmark missing from a result (skipped, not in its mode) shows "–". A column
 * may scale its figure (.per: per record, .inv: ns per item from items per second), show it as
 * a share of another figure of the same entry (.share_of, in %), or hold no cells and show the
 * ratio of two other columns of its row (.ratio); .unit says how its values read. */
#define MB_VIEW_COLS 8
#define MB_VIEW_ROWS 12
#define MB_VIEW_CHARTS 6
typedef struct mb_view_chart {
  const char *file; /* the chart's name in the charts directory, without .png */
  const char *alt;  /* its alternative text */
} mb_view_chart_t;
typedef struct mb_view_row {
  const char *label;
  const char *cells[MB_VIEW_COLS];
} mb_view_row_t;
typedef struct mb_view_ratio {
  int num, den; /* columns, counted from 1 (the first after the corner) */
} mb_view_ratio_t;
typedef struct mb_view {
  const char *family;  /* whose benchmarks it shows: drawn when the result has the family */
  const char *heading; /* the section's heading; NULL: a table that goes on the section before */
  int place;           /* where it sits in the report: lower first */
  mb_view_chart_t charts[MB_VIEW_CHARTS];
  const char *corner;               /* the first column's header; NULL: no table */
  const char *cols[MB_VIEW_COLS];   /* the other columns' headers */
  const char *figure[MB_VIEW_COLS]; /* each column's figure; NULL: each cell's primary */
  const char *unit[MB_VIEW_COLS];   /* how a column's values read: "ns", "B", "B/s", "FLOP/s",
                                       "x" (a ratio), "%", "level" (L1, L2... or memory), "1" (a
                                       plain number); NULL: the figure's declared unit */
  double per[MB_VIEW_COLS];         /* the figure divided by this (0: as it is) */
  double inv[MB_VIEW_COLS];         /* inv / the figure instead (0: not) */
  const char *share_of[MB_VIEW_COLS]; /* the figure over this figure of the same entry, in % */
  mb_view_ratio_t ratio[MB_VIEW_COLS]; /* a column without cells: column num / column den */
  mb_view_row_t rows[MB_VIEW_ROWS];
  const char *note; /* a paragraph after the table (NULL: none) */
  const char *lead; /* a paragraph before the table (NULL: none) */
  /* Instead of rows: a row per value I of the first argument and a column per value J of the
   * second of the entries under grid[0] (PREFIX/from:I/to:J), labelled grid_label and the
   * value; each cell grid_cell, a template (MB_TEXT's) in which a..c are figure grid_figure[k]
   * of grid[k]'s entry at (I, J). A section with a grid shows only where the grid has cells. */
  const char *grid[3], *grid_figure[3], *grid_cell, *grid_label;
  /* A table of the declared claims that follow this anchor (MB_CLAIM's .after), judged here
   * rather than in the claims table; claims_note says so in the claims table's introduction. */
  const char *claims, *claims_note;
} mb_view_t;

void mb_register_view(const mb_view_t *view);
#define MB_VIEW(...) MB_DECLARE_(__COUNTER__, const mb_view_t, mb_register_view, __VA_ARGS__)

/* A chart, declared beside the benchmarks it draws (data: plots/ holds no names): lines of
 * one figure of the entries under a benchmark name, against their next argument (or against
 * another figure of theirs). `make plots` draws every declared chart of the families in a
 * result into charts/<file>.svg and .png (mbextract --charts writes its data and its gnuplot
 * script); a series with no point in the result is left out, a chart with none is not
 * drawn. Each point is the median of the entry's clean repetitions; one measured only while
 * disturbed is ringed. The harness checks at start that every series names a registered
 * benchmark (family, variant and leading arguments) and that the chart's words are of the
 * kinds below; the charts are recorded in the result
 * (context.membench.presentation.<family>.charts) and printed by `membench --mb_views`. */
#define MB_CHART_SERIES 16
enum mb_key { MB_KEY_TOP_LEFT, MB_KEY_TOP_RIGHT, MB_KEY_TOP_CENTER, MB_KEY_BOTTOM_LEFT, MB_KEY_BOTTOM_RIGHT, MB_KEY_CENTER_RIGHT, MB_KEY_OUTSIDE_TOP, MB_KEY_OFF };
enum mb_note_at { MB_NOTE_TOP, MB_NOTE_BOTTOM_LEFT, MB_NOTE_BOTTOM_RIGHT };
/* What a chart draws: lines against an argument (or a figure); a heat map per series of the
 * entries PREFIX/row:R/col:C (rows by their first argument, columns by their second); one dot
 * or one bar (two with .also) per series, each series one benchmark, labelled by its title. */
enum mb_chart_kind { MB_CHART_LINES, MB_CHART_MATRIX, MB_CHART_DOTS, MB_CHART_BARS };
/* A heat map's cell from its figure: as it is; the row's first column's over it (a time
 * ratio from a rate); it over the row's first column's. */
enum mb_chart_rel { MB_REL_NONE, MB_REL_FIRST_OVER, MB_REL_OVER_FIRST };
#define MB_CHART_TAGS 8
typedef struct mb_chart_series {
  const char *bench;  /* the entries under this name (family/variant[/arg:value...]): a point
                         each, x its next argument (a name without arguments: one point at 0) */
  const char *figure; /* y: this figure of each entry (real_time, bytes_per_second, a counter) */
  const char *title;  /* its entry in the key; NULL: none */
  int style;          /* colour and point, 1-7 (plots/common.gp); 0: 1 + its place mod 7 */
  int dash;           /* 0: solid; 2: dashed; 3: dotted */
  int line;           /* 1: a line without points */
  int wide;           /* 1: drawn wide and light, for a line that others may hide */
  double div;         /* y / div (0: y as it is), e.g. 1e9 for GB/s */
  double inv;         /* inv / y instead (0: not), e.g. 1e9 for ns per item from items/s */
  int per_x;          /* 1: y / x (per record, per element) */
  const char *x;      /* x: this figure of each entry instead of the argument; the points in
                         its order (loaded latency against the loaders' bandwidth) */
  double xdiv;        /* x / xdiv (0: x as it is) */
  const char *label;  /* with x: each point labelled "ARG LABEL" (the argument's value) */
  const char *largest; /* only the entries at the largest value of this argument (the
                          machine's memory working set of those measured at two sizes) */
  int panel;          /* 0: the top panel (or the only one); 1: the bottom one */
  const char *over;   /* lines: y over this benchmark's same figure at the same x (a ratio) */
  double slope;       /* lines: instead of the data, y = slope * x at its points (a reference) */
  const char *row_place, *col_place; /* matrix: the figures that place each row and column
                                        (topology order); NULL: in order of their argument */
  enum mb_chart_rel rel; /* matrix: each cell against its row's first */
  const char *also;   /* bars: a second figure, a second bar beside the first */
  const char *tag;    /* dots, bars: this figure's value names the point (the chart's .tags),
                         after the title: "TITLE: TAG" */
} mb_chart_series_t;
typedef struct mb_chart {
  const char *family;         /* whose benchmarks it draws */
  const char *file;           /* charts/<file>.svg and .png: letters, digits, '_', '-' */
  const char *title;           /* "{largest}": the largest value a series' .largest found, in MiB */
  const char *xlabel, *ylabel;
  int logx, logy;             /* 0: linear; else the base (2, 10) */
  int bytes;                  /* x in bytes, as the report writes them: a tic every power of 4
                                 (1) or of 2 (2) */
  int si;                     /* y tics with SI prefixes (10k, 1M) instead of plain numbers */
  int xstep;                  /* a tic every xstep on x (a factor, on a log axis); 0: gnuplot's */
  const char *xrange, *yrange; /* "MIN:MAX", either "*" (NULL: gnuplot's) */
  enum mb_key key;            /* where the key is */
  int key_rows;               /* the key in rows of at most this many entries (0: one column) */
  const char *note;           /* a line of text on the chart (NULL: none) */
  enum mb_note_at note_at;
  int caches;                 /* 1: the cache sizes, hwloc's (dashed) and those detected, as
                                 vertical lines (the latency chart) */
  int plain_y;                /* y tics as plain numbers (%g) on a linear axis */
  /* Two panels, one above the other, sharing x (the title over both, the key in the top one,
   * the x label under the bottom one): each panel's title and y label. NULL: one panel. */
  const char *panel_title[2], *panel_ylabel[2];
  enum mb_chart_kind kind;
  int pow2;                   /* lines: only points at x = 2^k joined, the others drawn alone */
  int xpad;                   /* lines: room right of the last point and above the highest */
  double hline;               /* lines: a dashed reference line at y = hline (0: none) */
  /* matrix: the colour bar's label, log base and range; 1: a diverging palette (else light to
   * dark blue); each cell's value written in it where there are at most cell_labels columns;
   * 1: columns at their argument's value (else in order, each labelled with its value); 1:
   * the matrix drawn both ways (a cell for B, A beside A, B), square. Several series: one
   * panel each (up to 4, two by two), the series' title over its panel. */
  const char *zlabel;
  int logz;
  const char *zrange;
  int diverging, cell_labels, cols_at_value, both_ways;
  const char *value_unit;     /* dots: each dot labelled with its value and this unit */
  const char *bar_titles[2];  /* bars with .also: the key's names of the two bars */
  const char *tags[MB_CHART_TAGS]; /* .tag's names of the values 0..7 */
  /* 1: a chart for machines side by side (make plots RESULT="a.json b.json"), not for one:
   * lines, each series once per result in the result's colour and named by its machine; or
   * bars, one per result in each category. */
  int machines;
  mb_chart_series_t series[MB_CHART_SERIES];
} mb_chart_t;

/* What the harness and the chart tools accept as a figure's name (letters, digits, '_') and as
 * a range ("MIN:MAX" of numbers and '*'; NULL: none): 1 or 0. */
static inline int mb_chart_figure_valid(const char *f) {
  int n = 0;
  for (; f && *f; f++, n++)
    if (!((*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z') || (*f >= '0' && *f <= '9') || *f == '_')) return 0;
  return n > 0 && n <= 64;
}
static inline int mb_chart_range_valid(const char *r) {
  int colons = 0, n = 0;
  for (; r && *r; r++, n++) {
    if (*r == ':') colons++;
    else if (!((*r >= '0' && *r <= '9') || *r == '.' || *r == 'e' || *r == 'E' || *r == '+' || *r == '-' || *r == '*')) return 0;
  }
  return !r || (colons == 1 && n < 48);
}
void mb_register_chart(const mb_chart_t *chart);
#define MB_CHART(...) MB_DECLARE_(__COUNTER__, const mb_chart_t, mb_register_chart, __VA_ARGS__)

/* A claim the report judges, declared beside the benchmarks that measure it (data: the tools
 * hold no names). Its rule compares a / b (or a alone, without b) with a bound; the report's
 * row says what was measured and the verdict from templates in which {a:N}, {b:N} and {r:N}
 * are a, b and a / b with N decimals (times in ns), {p:N} is 100 a / b (a share in %), {m:N}
 * is 100 (1 - a / b) (how much less, in %), {e:N}..{j:N} more figures, {=EXPR:N} the value
 * of an expression over them (mb_rule.h), {x?YES|NO} the text YES where figure x (a..j) is a
 * number other than 0, else NO, {(EXPR)?YES|NO} the same by an expression, {x#T0|T1|...}
 * the text whose place is x's value ("?" past the last), {s:KEY} a string the families put in
 * the context (context.membench.families.KEY: python_version), and
 * {c:N}, {d:N} two more figures the text shows (a missing one: "–"). A figure of the rule the
 * result lacks makes the row "not measurable here". The row follows the claim named by .after
 * in the table (or ends it); membench checks the benchmark names at start, as for MB_VIEW. */
typedef struct mb_claim_figure {
  const char *bench;  /* a benchmark's name (family/variant/arg:value) */
  const char *figure; /* NULL: its primary */
  double per;         /* a divisor (0: none): per call of a benchmark that makes `per` of them */
  int largest;        /* 1: bench is a prefix, the figure the largest over the entries under it */
  const char *ctx;    /* instead of a benchmark: a number the families put in the context
                         (context.membench.families.<ctx>, e.g. stack_thread_default_bytes) */
  const char *arg;    /* instead of a figure: the value of this argument in the benchmark's
                         name (the n of python/interned/n:100000) */
  /* bench a prefix, like largest: the smallest of the figure over the entries under it, how
   * many of them have it, its sum over them (with arg: of that argument's values) */
  int smallest, count, sum;
  const char *over;   /* with largest or smallest: each entry's figure over this prefix's
                         entry at the same value of the next argument (call over loop step at
                         each depth); entries without a partner are left out */
  const char *at_largest; /* with a prefix: only the entries at the largest value of this
                             argument among them (the memory working set) */
  const char *pick;   /* with largest or smallest: instead of that value, this figure of the
                         entry it came from (the threads of the peak bandwidth) */
} mb_claim_figure_t;
typedef struct mb_claim {
  const char *id, *family, *text; /* the id (docs/CLAIMS.md's), the family that measures it, the claim */
  const char *after;              /* the row it follows; NULL: the end of the table */
  mb_claim_figure_t a, b;
  int above;                      /* 1: holds when a / b > bound; 0: when a / b < bound */
  double bound;
  double high;                    /* above 0: holds when bound <= a / b <= high instead */
  mb_claim_figure_t c, d;         /* figures the measured text shows, beside a and b */
  /* Or the rule as an expression over the figures a..j (mb_rule.h: "a / b >= 2 && c >= 16"),
   * which then decides alone; e..j more figures for it and the texts. */
  const char *rule;
  mb_claim_figure_t e, f, g, h, i, j;
  const char *measured, *holds, *differs; /* the templates */
} mb_claim_t;
void mb_register_claim(const mb_claim_t *claim);
#define MB_CLAIM(...) MB_DECLARE_(__COUNTER__, const mb_claim_t, mb_register_claim, __VA_ARGS__)

/* Lines of the report filled from figures, declared beside the benchmarks (data, as a claim's
 * templates): a paragraph, a bullet ("- ..."), or a table row (several cells; .header: a
 * table's first row, its column names). Each goes after the family's section of the same
 * .place (its charts, table and note), in the order declared; a section with lines but no
 * table or chart shows where one of its lines does. A line is left out where .when (an
 * expression over a..j, mb_rule.h) is not a number other than 0, or, without .when, where a
 * figure it declares is missing. Its cells are MB_CLAIM's templates, and {x:U} or {=EXPR:U}
 * writes a figure in a unit as the report does: U one of ns, B, B/s, x. The harness checks
 * the names and the expressions at start, as for MB_CLAIM. */
#define MB_TEXT_CELLS 5
typedef struct mb_text {
  const char *family;
  int place;
  const char *heading; /* a "### " heading before it (NULL: none) */
  int header;          /* 1: the first row of a table */
  const char *cells[MB_TEXT_CELLS];
  const char *when;
  mb_claim_figure_t a, b, c, d, e, f, g, h, i, j;
} mb_text_t;
void mb_register_text(const mb_text_t *text);
#define MB_TEXT(...) MB_DECLARE_(__COUNTER__, const mb_text_t, mb_register_text, __VA_ARGS__)

/* Cache levels a family measured, for the families that run after it (their MB_FAMILY names
 * it in .after): a typed channel, no text. hierarchy/boundaries publishes what it detected. */
#define MB_MAX_LEVELS 6
typedef struct mb_levels {
  int n;                         /* caches detected, 0: none published */
  uint64_t bytes[MB_MAX_LEVELS]; /* size of each, smallest first */
  double ns[MB_MAX_LEVELS];      /* its load latency */
  int memory_known;
  double memory_ns;
} mb_levels_t;
void mb_levels_publish(const mb_levels_t *levels);
/* What was published in this process, or NULL. */
const mb_levels_t *mb_levels_get(void);

#define MB_CAT_(a, b) a##b
#define MB_CAT(a, b) MB_CAT_(a, b)
/* One line per benchmark: MB_BENCH(.family = ..., .variant = ..., .kernel = ...); Names come
 * from __COUNTER__, so one macro of a family may expand to several MB_BENCH lines. */
#define MB_BENCH(...) MB_DECLARE_(__COUNTER__, mb_bench_t, mb_register, __VA_ARGS__)

/* Append one tuple (nargs values) to a computed argument list. 0, or -1 with ENOMEM. */
int mb_arglist_add(mb_arglist_t *list, const int64_t *tuple);
int mb_arglist_add1(mb_arglist_t *list, int64_t value);

/* ---- Probes: a measurement that needs a process of its own ----
 * What a new thread reserves (glibc caches joined threads' stacks), an allocator's peak RSS
 * from an untouched heap, a stack overflow that ends the process: such a measurement is a
 * probe, a function registered by name with MB_PROBE. mb_probe() runs it in a fresh
 * membench started for it alone (our environment, LD_PRELOAD included): main sees
 * --mb_probe=NAME and calls it before anything of the harness starts (no hwloc, no Google
 * Benchmark, no threads; the registration constructors have run, and they neither free nor
 * print anything). The probe gets the spec's values, answers with mb_probe_reply() and
 * returns its exit status. One mechanism for every family: no constructor takes over a
 * process, no reply is text to parse. */
#define MB_PROBE_MAX 16 /* values in a spec or a reply */
typedef int (*mb_probe_fn)(const int64_t *spec, int nspec);
typedef struct mb_probe_def {
  const char *name;
  mb_probe_fn fn;
} mb_probe_def_t;
void mb_register_probe(const mb_probe_def_t *probe);
#define MB_PROBE(NAME, FN) MB_PROBE_N_(__COUNTER__, NAME, FN)
#define MB_PROBE_N_(n, NAME, FN) MB_PROBE_N(n, NAME, FN)
#define MB_PROBE_N(n, NAME, FN)                                                    \
  static const mb_probe_def_t MB_CAT(mb_probe_, n) = {NAME, FN};                  \
  __attribute__((constructor)) static void MB_CAT(mb_probereg_, n)(void) {        \
    mb_register_probe(&MB_CAT(mb_probe_, n));                                      \
  }                                                                                \
  typedef int MB_CAT(mb_probe_semicolon_, n)
/* In the probe: its answer, n values (a later reply replaces an earlier one). Only write(2)
 * inside: safe in a signal handler, and it allocates nothing. */
void mb_probe_reply(const int64_t *values, int n);
/* What a probe answered, and how its process ended. */
typedef struct mb_probe_result {
  int n;                      /* values replied; 0: no reply */
  int64_t v[MB_PROBE_MAX];
  int exited;                 /* 1: exit(status); 0: killed by signal `sig` */
  int status, sig;
} mb_probe_result_t;
/* In a benchmark: run probe `name` with spec[0..nspec) and wait for it. 0 with *r filled,
 * or -1 with errno when no process could be started (EINVAL: nspec out of range). */
int mb_probe(const char *name, const int64_t *spec, int nspec, mb_probe_result_t *r);
/* "exit status 3", "signal 11": how a probe ended, for a skip or failure message. */
const char *mb_probe_ending(const mb_probe_result_t *r, char *buf, size_t len);

/* Reproducible "random" orders (shuffles, sizes, slots): xorshift64* (Marsaglia; Vigna's
 * multiplier), the one generator of every family. A benchmark takes its own stream, seeded
 * from its name, so what it draws is the same on every run and machine and whatever ran
 * before it (a filter changes which benchmarks run, never what one of them draws). */
typedef struct mb_rng {
  uint64_t s; /* never 0 */
} mb_rng_t;
/* The stream of this benchmark instance (family, variant, arguments); `salt` picks another
 * stream of the same instance. */
mb_rng_t mb_rng_of(const mb_run_t *run, uint64_t salt);
/* A stream from a seed of one's own (0 reads as 1). */
static inline mb_rng_t mb_rng_seed(uint64_t seed) {
  mb_rng_t r = {seed ? seed : 1};
  return r;
}
static inline uint64_t mb_rng_next(mb_rng_t *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 2685821657736338717ULL;
}

/* Skip this benchmark here, with a reason (printf format). Returns a nonzero value for
 * setup to return. */
int mb_skip(mb_run_t *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Skip (mb_skip's value) when `bytes` are more than half of the memory the run may take
 * (config->mem_available, the limit named in the reason); 0 when they fit or it is unknown. */
int mb_fits_memory(mb_run_t *run, uint64_t bytes);
/* The work was not done right (checksum mismatch...): the run is reported as an error. */
int mb_fail(mb_run_t *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a user counter with this run (e.g. a measured depth). Later values replace
 * earlier ones of the same name. */
void mb_counter(mb_run_t *run, const char *name, double value, mb_counter_kind_t kind);

/* ---- Disturbance: evidence that something else took a thread's CPU ----
 * A figure measured while another task ran on the benchmark's PU, while the process was
 * stopped (SIGSTOP, a suspend) or while the hypervisor ran another guest is wrong by what was
 * taken. The harness takes evidence around every timed run of the timed thread: wall time
 * beside the thread's CPU time, the time it waited runnable for its CPU
 * (/proc/thread-self/schedstat), involuntary context switches, steal, migrations, a stop
 * (a SIGCONT arrived) and a suspend. A run
 * whose threads lost more than a small share of their time is disturbed: re-measured, and
 * kept marked when it stays so (harness/quiet.h has the rule and the evidence behind it).
 * Threads a benchmark starts itself (crew.h's workers) take their own evidence around their
 * share of the work and hand it over with mb_evidence_add. */
typedef struct mb_evidence {
  double wall;    /* seconds, CLOCK_MONOTONIC, over the window */
  double cpu;     /* seconds of this thread's CPU time over it */
  double wait;    /* seconds it was runnable but not running; -1: unknown (no schedstat) */
  long nivcsw;    /* involuntary context switches */
  int cpu0, cpu1; /* the CPU it was on when the window opened and closed */
  int stopped;    /* the process was stopped and continued (SIGSTOP/SIGTSTP, then SIGCONT) */
  double suspended; /* seconds the machine was suspended (CLOCK_BOOTTIME beside CLOCK_MONOTONIC) */
  struct { double t, c, w, b; long n; int conts; } start_; /* private: the readings at mb_evidence_begin */
} mb_evidence_t;
/* Open and close a window on the calling thread. */
void mb_evidence_begin(mb_evidence_t *e);
void mb_evidence_end(mb_evidence_t *e);
/* A worker's evidence of its share of the current timed run joins the run's (any thread,
 * safe to call concurrently); `pu` is where it was meant to run (-1: anywhere). */
void mb_evidence_add(mb_run_t *run, const mb_evidence_t *e, int pu);
/* The benchmark says its run is disturbed (printf format): a figure derived from earlier
 * runs that were. Returns 0: the run goes on, marked. */
int mb_disturbed(mb_run_t *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add a string to the results context (key should start with the family's name, e.g.
 * "stack_layout_heap"); call from the family's describe, an args_fn or a setup. Later values of a key
 * replace earlier ones; entries added after the run has started reach the JSON file but
 * not the console header. 0, or -1 with ENOMEM. */
int mb_context_add(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The harness configuration (valid after start-up; families may read it in args_fn). */
const mb_config_t *mb_get_config(void);

/* Placement for multi-threaded benchmarks; see harness/topology.h for the policies. */
typedef enum mb_policy { MB_COMPACT = 0, MB_SCATTER = 1 } mb_policy_t;
/* Fill pus[0..n) with OS indices of PUs for n threads on this machine. 0, or -1 with
 * EINVAL when n is larger than the PUs available. */
int mb_place(mb_policy_t policy, int n, int *pus);
/* Bind the calling thread (and its memory) to PU `pu` (OS index). 0, or -1 with errno. */
int mb_bind_self(int pu);
/* NUMA nodes of the machine (1 when hwloc shows none). */
int mb_numa_nodes(void);
/* PUs of NUMA node `node` for up to n threads, one per core first: how many (<= n), or -1. */
int mb_place_node(int node, int n, int *pus);
/* `len` bytes bound to NUMA node `node`; NULL with errno (ENOSYS on an imported topology,
 * where binding would only be a claim). Free with mb_free_on_node. */
void *mb_alloc_on_node(size_t len, int node);
void mb_free_on_node(void *p, size_t len);

/* Sabotage (tests/test_sabotage): membench_sabotaged is built with -DMB_SABOTAGE, and there
 * every kernel does its work wrong in the way the environment's MB_SABOTAGE_MODE names; every
 * check that the mode concerns must then fail. In the real build the macros below are the
 * plain count, index and "yes", and cost nothing.
 *   short (the default)  every kernel does an eighth of its work (MB_WORK: elements, loads,
 *                        calls or iterations)
 *   part                 the right amount of work over the wrong memory: a pass over n
 *                        elements reads the first eighth of them eight times (MB_AT, and the
 *                        shared sums of stream.h and sum8.h)
 *   order                a predictable order where a random one is named: chase chains step
 *                        seven lines at a time (chase.h), which a stride prefetcher follows
 *   last                 store kernels do only the last of their passes (MB_DOES_PASS) */
enum { MB_SAB_SHORT = 1, MB_SAB_PART, MB_SAB_ORDER, MB_SAB_LAST };
#ifdef MB_SABOTAGE
int mb_sabotage_mode(void); /* MB_SAB_*, from MB_SABOTAGE_MODE */
#define MB_SABOTAGED(mode) (mb_sabotage_mode() == (mode))
#else
#define MB_SABOTAGED(mode) 0
#endif
/* How much of its work a kernel does: all of it. Kernels wrap the count of their main loop
 * in it. */
#define MB_WORK(n) (MB_SABOTAGED(MB_SAB_SHORT) ? (n) / 8 : (n))
/* The element a kernel's i-th access of n touches: the i-th. */
#define MB_AT(i, n) (MB_SABOTAGED(MB_SAB_PART) ? (i) % ((n) / 8 ? (n) / 8 : 1) : (i))
/* Whether a store kernel does pass `it` of `iters`: every one. */
#define MB_DOES_PASS(it, iters) (!MB_SABOTAGED(MB_SAB_LAST) || (it) + 1 == (iters))

/* Position-dependent data, so that a sum over the wrong elements (a re-read part, a column
 * read twice and one skipped) cannot come out right: element i of the data seeded `seed`
 * holds a whole number in 0..1023 from SplitMix64 (Steele, Lea, Flood 2014) of seed + i.
 * Small whole numbers: sums of up to 2^43 of them are exact in double, in any order. */
static inline uint64_t mb_mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
static inline double mb_val(uint64_t seed, uint64_t i) { return (double)(mb_mix64(seed + i) >> 54); }

/* Keep values and memory from being optimised away. The asm tells the compiler the value
 * is read (and may be changed), at the cost of no instruction. */
static inline void mb_sink_u64(uint64_t *v) { __asm__ volatile("" : "+r"(*v)); }
static inline void mb_sink_ptr(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }
#if defined(__x86_64__) || defined(__i386__)
static inline void mb_sink_double(double *v) { __asm__ volatile("" : "+x"(*v)); }
#else
static inline void mb_sink_double(double *v) { __asm__ volatile("" : "+m"(*v)); }
#endif
/* All memory may have been read and written: stores before it cannot be dropped. */
static inline void mb_clobber(void) { __asm__ volatile("" : : : "memory"); }
/* In a spin-wait loop: the CPU's hint that this thread is waiting (x86 PAUSE, Arm YIELD, as
 * the Linux kernel's cpu_relax), and a compiler barrier so the loop re-reads memory. */
static inline void mb_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __asm__ volatile("pause" : : : "memory");
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ volatile("yield" : : : "memory");
#else
  __asm__ volatile("" : : : "memory");
#endif
}
/* Hide a value's origin from the optimiser (it cannot prove what comes out). */
#define MB_OPAQUE(x) ({ __auto_type mb_o_ = (x); /* unqualified: lvalue conversion */ __asm__ volatile("" : "+r"(mb_o_)); mb_o_; })

#ifdef __cplusplus
}
#endif
#endif /* MEMBENCH_H */
