/*
 * mwu.h: the two-sided Mann-Whitney U test as scipy 1.10's mannwhitneyu computes it with
 * method='auto' (which Google Benchmark's compare.py uses): the exact null distribution
 * when one sample has at most 8 values and no value is tied, else the normal approximation
 * with the tie correction and the continuity correction. Header-only for the tests.
 */
#ifndef MB_MWU_H
#define MB_MWU_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct mb_mwu_item {
  double v;
  int from_x;
} mb_mwu_item_t;

static int mb_mwu_cmp(const void *a, const void *b) {
  double x = ((const mb_mwu_item_t *)a)->v, y = ((const mb_mwu_item_t *)b)->v;
  return (x > y) - (x < y);
}

/* Number of ways to get each U for sizes m, n: counts[u], u = 0..m*n (the classic
 * recurrence f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u)), in doubles. */
static double *mb_mwu_counts(int m, int n) {
  int umax = m * n;
  /* prev[j][u] for the current i: rows over j = 0..n */
  double *tab = calloc((size_t)(n + 1) * (size_t)(umax + 1), sizeof(double));
  double *nxt = calloc((size_t)(n + 1) * (size_t)(umax + 1), sizeof(double));
  if (!tab || !nxt) {
    free(tab);
    free(nxt);
    return NULL;
  }
#define AT(t, j, u) (t)[(size_t)(j) * (size_t)(umax + 1) + (size_t)(u)]
  for (int j = 0; j <= n; j++) AT(tab, j, 0) = 1; /* i = 0: U = 0, one way */
  for (int i = 1; i <= m; i++) {
    memset(nxt, 0, (size_t)(n + 1) * (size_t)(umax + 1) * sizeof(double));
    AT(nxt, 0, 0) = 1; /* j = 0: U = 0 */
    for (int j = 1; j <= n; j++)
      for (int u = 0; u <= i * j; u++) AT(nxt, j, u) = (u >= j ? AT(tab, j, u - j) : 0) + AT(nxt, j - 1, u);
    double *t = tab;
    tab = nxt;
    nxt = t;
  }
  double *out = malloc((size_t)(umax + 1) * sizeof(double));
  if (out)
    for (int u = 0; u <= umax; u++) out[u] = AT(tab, n, u);
#undef AT
  free(tab);
  free(nxt);
  return out;
}

/* Two-sided p-value for samples x[0..nx) and y[0..ny); NaN when a sample is empty. */
static double mb_mwu_two_sided(const double *x, int nx, const double *y, int ny) {
  if (nx < 1 || ny < 1) return NAN;
  int n = nx + ny;
  mb_mwu_item_t *all = malloc((size_t)n * sizeof *all);
  if (!all) return NAN;
  for (int i = 0; i < nx; i++) all[i] = (mb_mwu_item_t){x[i], 1};
  for (int i = 0; i < ny; i++) all[nx + i] = (mb_mwu_item_t){y[i], 0};
  qsort(all, (size_t)n, sizeof *all, mb_mwu_cmp);
  /* Mid-ranks; the tie term sum(t^3 - t). */
  double rx = 0, tie_term = 0;
  int ties = 0;
  for (int i = 0; i < n;) {
    int j = i;
    while (j + 1 < n && all[j + 1].v == all[i].v) j++;
    double rank = 0.5 * (i + j) + 1, t = j - i + 1;
    if (t > 1) {
      ties = 1;
      tie_term += t * t * t - t;
    }
    for (int k = i; k <= j; k++)
      if (all[k].from_x) rx += rank;
    i = j + 1;
  }
  free(all);
  double u1 = rx - nx * (nx + 1) / 2.0, u2 = (double)nx * ny - u1, u = u1 > u2 ? u1 : u2;
  double p;
  if ((nx <= 8 || ny <= 8) && !ties) {
    double *c = mb_mwu_counts(nx, ny);
    if (!c) return NAN;
    double total = 0, tail = 0;
    for (int k = 0; k <= nx * ny; k++) {
      total += c[k];
      if (k >= (int)llround(u)) tail += c[k];
    }
    free(c);
    p = 2 * tail / total;
  } else {
    double mu = nx * (double)ny / 2, s = sqrt(nx * (double)ny / 12 * ((n + 1) - tie_term / ((double)n * (n - 1))));
    double z = (u - mu - 0.5) / s;
    p = 2 * 0.5 * erfc(z / sqrt(2.0));
  }
  return p > 1 ? 1 : p < 0 ? 0 : p;
}

#endif
