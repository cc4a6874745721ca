/*
 * traverse.c: traversal order (lesson claims C10, C11): row vs column access of a C-order
 * matrix, tiling, transposes, and matrix multiply loop orders against OpenBLAS.
 *
 * Names: traverse/<variant>/n:N   (an n x n matrix of doubles, row-major: a[i*n + j])
 *   row_sum, col_sum        sum of every element, row by row / column by column (eight
 *                           partial sums either way: the adds are not the bottleneck)
 *   blocked_col_sum         column order within strips of 8 rows: each line is used for
 *                           all 8 of its elements while it is still in L1
 *   row_scale, col_scale    b = 2a (read 8 B, write 8 B per element)
 *   transpose_naive         b[j][i] = a[i][j]
 *   transpose_blocked       the same in 32 x 32 tiles
 *   Counters: level = the cache level the matrix (matrices, for copies) fits in, 1, 2...,
 *   or 0 for memory, from the hierarchy family's detected boundaries when it ran in this
 *   process, else hwloc's sizes (context traverse_levels_from says which); matrix_bytes.
 *   Bytes per iteration: 8 n^2 for sums, 16 n^2 for copies (no write-allocate counted).
 * gemm/<variant>/n:N    C = A B, n x n doubles; items = 2 n^3 floating-point operations
 *   ijk, ikj, jki           naive loop orders on row-major arrays (ikj walks rows of B and
 *                           C; jki walks columns of A and C)
 *   blas_row, blas_col      OpenBLAS cblas_dgemm, CblasRowMajor / CblasColMajor
 *   blas_row_t, blas_col_t  the same computing C = A^T B^T (transposed operands)
 *   all run single-threaded on the pinned PU (openblas_set_num_threads(1));
 *   blas_row_threads        blas_row with every core (openblas_set_num_threads(ncpus))
 *   OpenBLAS is loaded with dlopen when a gemm benchmark first runs, not linked: its 60 KiB
 *   of static TLS would otherwise sit at the top of every thread's stack and shrink the
 *   thread stacks the stack and recursion families measure.
 * Matrix elements are small integers, so every sum and product is exact: results are
 * checked for equality (sums of position-dependent elements against their total, copies
 * element by element and every pass by its mark (passes.h), products at 64 sampled entries
 * against a direct dot product).
 */
#define _GNU_SOURCE
#include <cblas.h>
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "membench.h"
#include "passes.h"
#include "sum8.h"

#define TILE 32
#define STRIP 8

typedef struct mat {
  size_t n;
  double *a, *b, *c;
  double expect; /* sum of a */
  int kind;      /* gemm: enum gemm_kind */
  uint64_t stamp; /* this run's (arm): the entries gemm checks, the marks of the copies' passes */
} mat_t;

/* Element (i, j) of the traversals' matrix: position-dependent (mb_val), so a sum that reads
 * a column twice and skips another, or re-reads a part, fails its check. */
static inline double val(size_t i, size_t j) { return mb_val(0x7261766572736531ULL, ((uint64_t)i << 32) | j); }
/* gemm's operands: in 0..7, so that a product of 8192-long dot products stays small. */
static inline double gemm_val(size_t i, size_t j) { return (double)((i * 7 + j * 3) % 8); }

static double *alloc_matrix(size_t n) {
  size_t bytes = (n * n * sizeof(double) + 4095) & ~(size_t)4095;
  double *m = aligned_alloc(4096, bytes);
  if (m) memset(m, 0, bytes); /* first touch here, in setup */
  return m;
}

/* The cache level (1, 2, ...) the matrices fit in, 0 for memory: from the levels that
 * hierarchy/boundaries detected in this process if it ran, else from hwloc's sizes. */
static int cache_level_of(mb_run_t *run, double bytes) {
  uint64_t size[MB_MAX_LEVELS + 4] = {0};
  const mb_levels_t *lv = mb_levels_get(); /* published by hierarchy/boundaries (MB_FAMILY .after) */
  if (lv)
    for (int l = 1; l <= lv->n; l++) size[l] = lv->bytes[l - 1];
  else
    for (int l = 1; l <= 4; l++) size[l] = run->config->cache_size[l];
  mb_context_add("traverse_levels_from", "%s", lv ? "hierarchy/boundaries (detected in this run)" : "hwloc (hierarchy/boundaries did not run first)");
  for (int l = 1; l < (int)(sizeof size / sizeof *size); l++)
    if (size[l] && bytes <= (double)size[l]) return l;
  return 0;
}

static int setup_mat(mb_run_t *run, int copies) {
  mat_t *m = calloc(1, sizeof *m);
  if (!m) return mb_skip(run, "out of memory");
  run->data = m;
  size_t n = m->n = (size_t)run->arg[0];
  double need = (double)n * (double)n * 8.0 * (copies ? 2 : 1);
  if (mb_fits_memory(run, (uint64_t)need)) return 1;
  if (!(m->a = alloc_matrix(n)) || (copies && !(m->b = alloc_matrix(n)))) return mb_skip(run, "out of memory");
  m->expect = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) m->expect += m->a[i * n + j] = val(i, j);
  mb_counter(run, "matrix_bytes", need, MB_COUNTER_VALUE);
  mb_counter(run, "level", cache_level_of(run, need), MB_COUNTER_VALUE);
  run->bytes_per_iter = copies ? 16.0 * n * n : 8.0 * n * n;
  run->items_per_iter = (double)n * n;
  return 0;
}
static int s_sum(mb_run_t *run) { return setup_mat(run, 0); }
static int s_copy(mb_run_t *run) { return setup_mat(run, 1); }

static void t_mat(mb_run_t *run) {
  mat_t *m = run->data;
  if (!m) return;
  free(m->a);
  free(m->b);
  free(m->c);
  free(m);
  run->data = NULL;
}

/* Row order reads contiguous doubles: vector loads into eight vector accumulators
 * (mb_sum_rows), as a compiler makes of it. Column order cannot load a vector: one scalar
 * load per element into eight scalar accumulators (MB_SUM8). Either way the adds are not
 * the bottleneck (sum8.h). */
static uint64_t k_row_sum(uint64_t iters, void *data) {
  mat_t *m = data;
  const size_t n = m->n;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) total += mb_sum_rows(MB_OPAQUE(m->a), MB_WORK(n), n, n);
  return (uint64_t)total;
}

static uint64_t k_col_sum(uint64_t iters, void *data) {
  mat_t *m = data;
  const size_t n = m->n;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    const double *a = MB_OPAQUE(m->a);
    for (size_t j = 0, cols = MB_WORK(n); j < cols; j++) total += MB_SUM8(n, i, a[i * n + j]);
  }
  return (uint64_t)total;
}

static uint64_t k_blocked_col_sum(uint64_t iters, void *data) {
  mat_t *m = data;
  const size_t n = m->n;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    const double *a = MB_OPAQUE(m->a);
    for (size_t ii = 0, rows = MB_WORK(n); ii < rows; ii += STRIP) {
      const size_t h = ii + STRIP < n ? STRIP : n - ii;
      const double *strip = a + ii * n;
      for (size_t j = 0; j < n; j++) total += MB_SUM8(h, i, strip[i * n + j]);
    }
  }
  return (uint64_t)total;
}

static int v_sum(mb_run_t *run, uint64_t result, uint64_t iters) {
  const mat_t *m = run->data;
  return mb_check_sum(run, result, (uint64_t)(m->expect * (double)iters));
}

/* The copy kernels differ only in their loop order and the statement. Every pass leaves a
 * mark (passes.h): it finds one element of a stamped, and the fold reads back where the pass
 * wrote it in b (T: transposed); they return twice the fold. */
#define TO(T, p) ((T) ? ((p) % n) * n + (p) / n : (p)) /* where element p of a lands in b */
#define COPY_KERNEL(NAME, T, OUTER, INNER, STMT)                     \
  static uint64_t NAME(uint64_t iters, void *data) {                 \
    mat_t *m = data;                                                 \
    const size_t n = m->n;                                           \
    mb_passes_t ps = mb_passes_start(m->stamp, n * n);               \
    double fold = 0;                                                 \
    mb_passes_stamp_first(&ps, m->a, m->stamp);                      \
    for (uint64_t it = 0; it < iters; it++) {                        \
      const double *a = MB_OPAQUE(m->a);                             \
      double *b = MB_OPAQUE(m->b);                                   \
      mb_clobber();                                                  \
      if (MB_DOES_PASS(it, iters))                                   \
        for (size_t OUTER = 0; OUTER < MB_WORK(n); OUTER++)          \
          for (size_t INNER = 0; INNER < n; INNER++) STMT;           \
      mb_clobber();                                                  \
      if (MB_PASS_MARKED(ps, it))                                    \
        fold += b[TO(T, ps.pos)], mb_passes_stamp_next(&ps, m->a, m->stamp, iters); \
    }                                                                \
    return (uint64_t)(2 * fold);                                     \
  }
COPY_KERNEL(k_row_scale, 0, i, j, b[i * n + j] = 2.0 * a[i * n + j])
COPY_KERNEL(k_col_scale, 0, j, i, b[i * n + j] = 2.0 * a[i * n + j])
COPY_KERNEL(k_transpose_naive, 1, i, j, b[j * n + i] = a[i * n + j])

static uint64_t k_transpose_blocked(uint64_t iters, void *data) {
  mat_t *m = data;
  const size_t n = m->n;
  mb_passes_t ps = mb_passes_start(m->stamp, n * n);
  double fold = 0;
  mb_passes_stamp_first(&ps, m->a, m->stamp);
  for (uint64_t it = 0; it < iters; it++) {
    const double *a = MB_OPAQUE(m->a);
    double *b = MB_OPAQUE(m->b);
    mb_clobber();
    if (MB_DOES_PASS(it, iters))
      for (size_t ii = 0; ii < MB_WORK(n); ii += TILE)
        for (size_t jj = 0; jj < n; jj += TILE) {
          const size_t ie = ii + TILE < n ? ii + TILE : n, je = jj + TILE < n ? jj + TILE : n;
          for (size_t i = ii; i < ie; i++)
            for (size_t j = jj; j < je; j++) b[j * n + i] = a[i * n + j];
        }
    mb_clobber();
    if (MB_PASS_MARKED(ps, it)) fold += b[TO(1, ps.pos)], mb_passes_stamp_next(&ps, m->a, m->stamp, iters);
  }
  return (uint64_t)(2 * fold);
}

/* Before every run: 64 elements of the output, chosen by the run's stamp, and its last are
 * poisoned (no kernel writes a negative value), so an element this run did not write fails
 * the check even where an earlier run wrote the right value. */
static void poison(double *out, size_t count, uint64_t stamp) {
  const size_t slice = count / 64 ? count / 64 : 1;
  for (size_t k = 0; k < 64 && k * slice < count; k++) out[k * slice + (size_t)((stamp >> 8) + k * 7919) % slice] = -1;
  out[count - 1] = -1;
}
static void a_copy(mb_run_t *run) {
  mat_t *m = run->data;
  m->stamp = run->stamp;
  poison(m->b, m->n * m->n, run->stamp);
}

/* The passes' fold replayed (each pass's stamp, doubled by the scales), then every element
 * of b: 2a for the scales, a transposed for the transposes (a as the passes stamped it). */
static int check_copy(mb_run_t *run, uint64_t result, uint64_t iters, int transposed) {
  mat_t *m = run->data;
  const size_t n = m->n;
  double fold = 0;
  for (mb_passes_t ps = mb_passes_start(m->stamp, n * n); ps.next < iters; mb_passes_next(&ps))
    fold += (transposed ? 1.0 : 2.0) * mb_pass_value(m->stamp, ps.next);
  if (result != (uint64_t)(2 * fold))
    return mb_fail(run, "the marks of %llu passes fold to %llu, expected %llu (a pass skipped or over other elements)",
                   (unsigned long long)iters, (unsigned long long)result, (unsigned long long)(2 * fold));
  size_t bad = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      double want = transposed ? m->a[j * n + i] : 2.0 * m->a[i * n + j];
      bad += m->b[i * n + j] != want;
    }
  if (bad) return mb_fail(run, "%zu of %zu elements wrong", bad, n * n);
  return 0;
}
static int v_scale(mb_run_t *run, uint64_t result, uint64_t iters) { return check_copy(run, result, iters, 0); }
static int v_transpose(mb_run_t *run, uint64_t result, uint64_t iters) { return check_copy(run, result, iters, 1); }

/* n: powers of two and near them (n = 1024 vs 1000 shows set conflicts), 64 to 4096; the
 * long sweep adds 8192 (512 MiB per matrix) and its neighbours. */
static const int64_t traverse_n[] = {64, 128, 256, 500, 512, 1000, 1024, 1028, 2000, 2048, 2052, 4000, 4096, 4100, MB_END};
static const int64_t traverse_quick[] = {64, 1000, 1024, MB_END};
static const int64_t traverse_long[] = {64, 128, 256, 500, 512, 1000, 1024, 1028, 2000, 2048, 2052, 4000, 4096, 4100, 8188, 8192, 8196, MB_END};

MB_FAMILY(.name = "traverse", .title = "Traversal order", .x = "n", .logx = 1, .logy = 1, .after = "hierarchy",
          .doc = "The same matrix work in different orders: rows, columns, strips, tiles.");
MB_FAMILY(.name = "gemm", .title = "Matrix multiply", .x = "n", .logx = 1, .logy = 1,
          .doc = "Naive loop orders beside OpenBLAS dgemm.");

#define TRAVERSE(V, S, K, VER, ARM, DOC)                                                                     \
  MB_BENCH(.family = "traverse", .variant = V, .kernel = K, .setup = S, .teardown = t_mat, .verify = VER,   \
           .arm = ARM,                                                                                        \
           .argnames = {"n"}, .args = traverse_n, .quick_args = traverse_quick, .long_args = traverse_long, \
           .doc = DOC)
TRAVERSE("row_sum", s_sum, k_row_sum, v_sum, NULL, "sum of an n x n matrix, row by row");
TRAVERSE("col_sum", s_sum, k_col_sum, v_sum, NULL, "sum of an n x n matrix, column by column");
TRAVERSE("blocked_col_sum", s_sum, k_blocked_col_sum, v_sum, NULL, "column order in strips of 8 rows");
TRAVERSE("row_scale", s_copy, k_row_scale, v_scale, a_copy, "b = 2a, row by row");
TRAVERSE("col_scale", s_copy, k_col_scale, v_scale, a_copy, "b = 2a, column by column");
TRAVERSE("transpose_naive", s_copy, k_transpose_naive, v_transpose, a_copy, "b = a^T, element by element");
TRAVERSE("transpose_blocked", s_copy, k_transpose_blocked, v_transpose, a_copy, "b = a^T in 32 x 32 tiles");

/* ---- Matrix multiply ---- */

enum gemm_kind { IJK, IKJ, JKI, BLAS_ROW, BLAS_COL, BLAS_ROW_T, BLAS_COL_T, BLAS_ROW_THREADS };

/* OpenBLAS, loaded on first use. */
static struct {
  void *lib;
  void (*dgemm)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint, blasint, blasint, double,
                const double *, blasint, const double *, blasint, double, double *, blasint);
  void (*set_threads)(int);
  int (*get_threads)(void);
} blas;

/* OpenBLAS starts its thread pool when it is loaded, and the threads inherit the loading
 * thread's affinity: loaded from the pinned thread they all shared its PU, and
 * blas_row_threads ("every core") waited on the run queue half its time for its own threads
 * (the quiet check found it). So it is loaded with every allowed PU, then the thread is
 * pinned back. */
static void *dlopen_unpinned(mb_run_t *run, const char *name) {
  const mb_config_t *cfg = run->config;
  int *pus = cfg->pus > 0 ? malloc((size_t)cfg->pus * sizeof *pus) : NULL;
  cpu_set_t all;
  CPU_ZERO(&all);
  int widened = pus && mb_place(MB_COMPACT, cfg->pus, pus) == 0;
  for (int i = 0; widened && i < cfg->pus; i++)
    if (pus[i] >= 0 && pus[i] < CPU_SETSIZE) CPU_SET(pus[i], &all);
  widened = widened && sched_setaffinity(0, sizeof all, &all) == 0;
  free(pus);
  void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (widened && cfg->pu >= 0) mb_bind_self(cfg->pu);
  return lib;
}

static int load_openblas(mb_run_t *run) {
  if (blas.lib) return 0;
  void *lib = dlopen_unpinned(run, "libopenblas.so.0");
  if (!lib) return mb_skip(run, "cannot load OpenBLAS (%s): Debian's libopenblas0 is needed", dlerror());
  *(void **)&blas.dgemm = dlsym(lib, "cblas_dgemm");
  *(void **)&blas.set_threads = dlsym(lib, "openblas_set_num_threads");
  *(void **)&blas.get_threads = dlsym(lib, "openblas_get_num_threads");
  if (!blas.dgemm || !blas.set_threads || !blas.get_threads) return mb_skip(run, "libopenblas.so.0 lacks cblas_dgemm");
  Dl_info info;
  if (dladdr(*(void **)&blas.dgemm, &info) && info.dli_fname) mb_context_add("gemm_openblas", "%s", info.dli_fname);
  blas.lib = lib;
  return 0;
}

static int setup_gemm(mb_run_t *run, enum gemm_kind kind) {
  if (kind >= BLAS_ROW && load_openblas(run)) return 1;
  mat_t *m = calloc(1, sizeof *m);
  if (!m) return mb_skip(run, "out of memory");
  run->data = m;
  size_t n = m->n = (size_t)run->arg[0];
  if (!(m->a = alloc_matrix(n)) || !(m->b = alloc_matrix(n)) || !(m->c = alloc_matrix(n))) return mb_skip(run, "out of memory");
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      m->a[i * n + j] = gemm_val(i, j);
      m->b[i * n + j] = (double)((i * 5 + j * 11) % 8);
    }
  m->kind = kind;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (kind >= BLAS_ROW) blas.set_threads(kind == BLAS_ROW_THREADS ? (int)(cpus > 0 ? cpus : 1) : 1);
  mb_counter(run, "blas_threads", kind >= BLAS_ROW ? blas.get_threads() : 0, MB_COUNTER_VALUE);
  run->items_per_iter = 2.0 * n * n * n;
  return 0;
}

static void naive(const double *a, const double *b, double *c, size_t n, enum gemm_kind kind) {
  memset(c, 0, n * n * sizeof *c);
  const size_t part = MB_WORK(n);
  if (kind == IJK) {
    for (size_t i = 0; i < part; i++)
      for (size_t j = 0; j < n; j++) {
        double s = 0;
        for (size_t k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
        c[i * n + j] = s;
      }
  } else if (kind == IKJ) {
    for (size_t i = 0; i < part; i++)
      for (size_t k = 0; k < n; k++) {
        const double aik = a[i * n + k];
        for (size_t j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
  } else {
    for (size_t j = 0; j < part; j++)
      for (size_t k = 0; k < n; k++) {
        const double bkj = b[k * n + j];
        for (size_t i = 0; i < n; i++) c[i * n + j] += a[i * n + k] * bkj;
      }
  }
}

static uint64_t k_gemm(uint64_t iters, void *data) {
  mat_t *m = data;
  const int n = (int)m->n, part = (int)MB_WORK(m->n); /* part: rows of C (columns, column-major) */
  const enum gemm_kind kind = (enum gemm_kind)m->kind;
  for (uint64_t it = 0; it < iters; it++) {
    double *a = MB_OPAQUE(m->a), *b = MB_OPAQUE(m->b), *c = MB_OPAQUE(m->c);
    switch (kind) {
    case IJK: case IKJ: case JKI: naive(a, b, c, m->n, kind); break;
    case BLAS_ROW: case BLAS_ROW_THREADS:
      blas.dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, part, n, n, 1.0, a, n, b, n, 0.0, c, n);
      break;
    case BLAS_COL: blas.dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, part, n, n, 1.0, a, n, b, n, 0.0, c, n); break;
    case BLAS_ROW_T: blas.dgemm(CblasRowMajor, CblasTrans, CblasTrans, part, n, n, 1.0, a, n, b, n, 0.0, c, n); break;
    case BLAS_COL_T: blas.dgemm(CblasColMajor, CblasTrans, CblasTrans, part, n, n, 1.0, a, n, b, n, 0.0, c, n); break;
    }
    mb_clobber();
  }
  return iters;
}

/* The entries verify checks: every one when n <= 64, else 64 chosen by the run's stamp. */
static void check_entry(const mat_t *m, size_t s, mb_rng_t *r, size_t *i, size_t *j) {
  const size_t n = m->n;
  if (n <= 64) {
    *i = s / n, *j = s % n;
  } else {
    const uint64_t x = mb_rng_next(r);
    *i = x % n, *j = (x >> 32) % n;
  }
}
static size_t checks_of(const mat_t *m) { return m->n <= 64 ? m->n * m->n : 64; }
static double *entry(const mat_t *m, size_t i, size_t j) {
  /* Column-major results sit transposed in row-major memory. */
  return m->kind == BLAS_COL || m->kind == BLAS_COL_T ? &m->c[j * m->n + i] : &m->c[i * m->n + j];
}

/* Before every run the entries verify will check are poisoned (products of these matrices
 * are never negative): an entry this run did not compute fails. */
static void a_gemm(mb_run_t *run) {
  mat_t *m = run->data;
  m->stamp = run->stamp;
  mb_rng_t r = mb_rng_seed(m->stamp);
  for (size_t s = 0; s < checks_of(m); s++) {
    size_t i, j;
    check_entry(m, s, &r, &i, &j);
    *entry(m, i, j) = -1;
  }
}

/* C[i][j] (row-major storage of the result) as each variant defines it. */
static double gemm_ref(const mat_t *m, enum gemm_kind kind, size_t i, size_t j) {
  const size_t n = m->n;
  double s = 0;
  for (size_t k = 0; k < n; k++) {
    /* Row-major views: A[i][k] = a[i*n+k]; column-major reads the same memory as A^T. */
    switch (kind) {
    case BLAS_ROW_T: /* C = A^T B^T */
    case BLAS_COL:   /* column-major C' = A'B' with A' = A^T, B' = B^T, read back as C'[i][j] */
      s += m->a[k * n + i] * m->b[j * n + k];
      break;
    default: /* C = AB; column-major A'^T B'^T = AB too */
      s += m->a[i * n + k] * m->b[k * n + j];
    }
  }
  return s;
}

static int v_gemm(mb_run_t *run, uint64_t result, uint64_t iters) {
  mat_t *m = run->data;
  if (result != iters) return mb_fail(run, "%llu of %llu products", (unsigned long long)result, (unsigned long long)iters);
  const enum gemm_kind kind = (enum gemm_kind)m->kind;
  /* The poisoned entries (every entry when n <= 64) against a direct dot product. */
  size_t bad = 0, checked = 0;
  mb_rng_t r = mb_rng_seed(m->stamp);
  for (size_t s = 0; s < checks_of(m); s++) {
    size_t i, j;
    check_entry(m, s, &r, &i, &j);
    bad += *entry(m, i, j) != gemm_ref(m, kind, i, j);
    checked++;
  }
  if (bad) return mb_fail(run, "%zu of %zu checked entries differ from the dot product", bad, checked);
  return 0;
}

#define GEMM(V, KIND, ARGS, QUICK, LONG, RT, DOC)                                                           \
  static int s_gemm_##KIND(mb_run_t *run) { return setup_gemm(run, KIND); }                               \
  MB_BENCH(.family = "gemm", .variant = V, .primary = {"items_per_second", "FLOP/s", MB_BIGGER_IS_BETTER}, .kernel = k_gemm, .setup = s_gemm_##KIND, .teardown = t_mat,    \
           .arm = a_gemm,                                                                                   \
           .verify = v_gemm, .argnames = {"n"}, .args = ARGS, .quick_args = QUICK, .long_args = LONG,     \
           .real_time = RT, .doc = DOC)
/* Naive orders stop at 1024 by default (2048 takes minutes: --mb_long). */
#define NAIVE_N MB_ARGS(64, 128, 256, 512, 1024)
#define BLAS_N MB_ARGS(64, 128, 256, 512, 1024, 2048)
#define GEMM_QUICK MB_ARGS(64, 256)
#define GEMM_LONG MB_ARGS(64, 128, 256, 512, 1024, 2048)
GEMM("ijk", IJK, NAIVE_N, GEMM_QUICK, GEMM_LONG, 0, "naive C = AB, i-j-k loops (dot products; B by columns)");
GEMM("ikj", IKJ, NAIVE_N, GEMM_QUICK, GEMM_LONG, 0, "naive C = AB, i-k-j loops (rows of B and C)");
GEMM("jki", JKI, NAIVE_N, GEMM_QUICK, GEMM_LONG, 0, "naive C = AB, j-k-i loops (columns of A and C)");
GEMM("blas_row", BLAS_ROW, BLAS_N, GEMM_QUICK, GEMM_LONG, 0, "OpenBLAS dgemm, row-major, one thread");
GEMM("blas_col", BLAS_COL, BLAS_N, GEMM_QUICK, GEMM_LONG, 0, "OpenBLAS dgemm, column-major, one thread");
GEMM("blas_row_t", BLAS_ROW_T, BLAS_N, GEMM_QUICK, GEMM_LONG, 0, "OpenBLAS dgemm, row-major, A^T B^T, one thread");
GEMM("blas_col_t", BLAS_COL_T, BLAS_N, GEMM_QUICK, GEMM_LONG, 0, "OpenBLAS dgemm, column-major, A^T B^T, one thread");
GEMM("blas_row_threads", BLAS_ROW_THREADS, BLAS_N, GEMM_QUICK, GEMM_LONG, 1, "OpenBLAS dgemm, row-major, every core");

#define GM_SERIES(V, TITLE, STYLE, DASH) {"gemm/" V, "items_per_second", TITLE, STYLE, DASH, .div = 1e9}
MB_CHART(.family = "gemm", .file = "gemm", .title = "Matrix multiply C = AB (n x n doubles): naive loop orders vs OpenBLAS dgemm", .xlabel = "n",
         .ylabel = "GFLOP/s (2 n^3 per product)", .logx = 2, .logy = 10, .yrange = "0.05:1000", .key = MB_KEY_TOP_CENTER, .key_rows = 4,
         .series = {GM_SERIES("ijk", "naive ijk", 4, 0), GM_SERIES("ikj", "naive ikj", 3, 0), GM_SERIES("jki", "naive jki", 5, 0),
                    GM_SERIES("blas_row", "OpenBLAS, row-major, 1 thread", 1, 0), GM_SERIES("blas_col", "OpenBLAS, column-major, 1 thread", 2, 2),
                    GM_SERIES("blas_row_t", "OpenBLAS, row-major, A^T B^T, 1 thread", 6, 3), GM_SERIES("blas_row_threads", "OpenBLAS, row-major, every core", 7, 0)});
/* Each cache-unfriendly order's time over its cache-friendly twin's, by n: the powers of 2
 * joined, the sizes beside them alone (a line from 1024 to 1028 would draw a needle where
 * conflict misses change the answer within 0.4% of n). */
#define TR_RATIO(A, B, TITLE, STYLE) {"traverse/" A, "real_time", TITLE, STYLE, .over = "traverse/" B}
MB_CHART(.family = "traverse", .file = "traverse", .title = "Cache-unfriendly over cache-friendly order on a row-major n x n matrix of doubles",
         .xlabel = "n (matrix is n x n doubles)", .ylabel = "time ratio: the order named first over the second", .logx = 2, .logy = 10,
         .key = MB_KEY_BOTTOM_LEFT, .pow2 = 1, .hline = 1, .note = "lines: n = 2^k;  open symbols: n next to 2^k", .note_at = MB_NOTE_BOTTOM_RIGHT,
         .series = {TR_RATIO("col_sum", "row_sum", "column-order sum / row-order sum", 4),
                    TR_RATIO("blocked_col_sum", "row_sum", "column order in strips of 8 rows / row-order sum", 3),
                    TR_RATIO("col_scale", "row_scale", "column-order scale (b = 2a) / row-order scale", 2),
                    TR_RATIO("transpose_naive", "transpose_blocked", "naive transpose / blocked transpose", 5)});

/* Row against column order by n (time ratios from the bandwidths: the bytes are the same). */
#define TR_ROW(N) {#N, {"traverse/row_sum/n:" #N, "traverse/col_sum/n:" #N, NULL, "traverse/blocked_col_sum/n:" #N, NULL, "traverse/row_sum/n:" #N}}
MB_VIEW(.family = "traverse", .heading = "Traversal order", .place = 60, .charts = {{"traverse", "column vs row"}}, .corner = "n",
        .cols = {"row-order sum", "column-order sum", "column / row (time)", "strips of 8 rows", "strips / row (time)", "cache level of the matrix"},
        .figure = {"bytes_per_second", "bytes_per_second", NULL, "bytes_per_second", NULL, "level"}, .unit = {[5] = "level"},
        .ratio = {[2] = {1, 2}, [4] = {1, 4}},
        .rows = {TR_ROW(64), TR_ROW(256), TR_ROW(1000), TR_ROW(1024), TR_ROW(2000), TR_ROW(2048), TR_ROW(4000), TR_ROW(4096)});
#define GM_ROW(N)                                                                                                                     \
  {#N,                                                                                                                                \
   {"gemm/ijk/n:" #N, "gemm/ikj/n:" #N, "gemm/jki/n:" #N, "gemm/blas_row/n:" #N, "gemm/blas_col/n:" #N, "gemm/blas_row_t/n:" #N,      \
    "gemm/blas_row_threads/n:" #N}}
MB_VIEW(.family = "gemm", .heading = "Matrix multiply", .place = 61, .charts = {{"gemm", "matrix multiply"}}, .corner = "n",
        .cols = {"ijk", "ikj", "jki", "OpenBLAS row-major", "column-major", "row-major, A^T B^T", "every core", "ikj / OpenBLAS row-major"},
        .ratio = {[7] = {2, 4}}, .rows = {GM_ROW(64), GM_ROW(256), GM_ROW(1024), GM_ROW(2048)});
MB_CLAIM(.id = "C12", .family = "traverse", .after = "C11",
         .text = "column access on a row-major array is several times slower than row access (2000×2000)",
         .a = {"traverse/col_sum/n:2000", "real_time", 1e6}, .b = {"traverse/row_sum/n:2000", "real_time", 1e6}, .above = 1, .bound = 2,
         .measured = "n = 2000: column-order sum {a:2} ms, row-order {b:2} ms: {r:1}× (every n: the traversal table)",
         .holds = "holds (rule: ≥ 2× at n = 2000)", .differs = "differs (rule: ≥ 2× at n = 2000)");
