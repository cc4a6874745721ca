/*
 * detect.c: the cache-level detector (see mb_detect.h for what it assumes and why). Works
 * in log-log space: y = ln(ns), x = ln(bytes), so a ratio is a difference and a slope does
 * not depend on the sweep's step.
 */
#include "mb_detect.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL_MIN 0.0953101798    /* ln 1.10: the smallest rise that can count */
#define NOISE_FACTOR 3.0        /* tolerance = NOISE_FACTOR x noise, when that is larger */
#define TOL_MAX 0.2623642645    /* ln 1.30: noisier than that, a tolerance would hide levels */
#define SLOPE_MIN 0.5           /* a rising segment grows faster than sqrt(working set) */
#define LEVEL_RATIO 0.4054651081 /* ln 1.5: adjacent levels at least this far apart */
#define MEMORY_RATIO 2.9957322736 /* ln 20: memory vs the first level */
#define MEMORY_SPAN 0.6931471806  /* ln 2: memory's plateau spans a doubling at least */
#define PLATEAU_SPAN 0.4054651081 /* ln 1.5: any plateau spans more than this */

typedef struct plateau {
  int first, last; /* point indices, inclusive */
  double level;    /* median of y over them */
} plateau_t;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  double tmp[MB_DETECT_POINTS];
  memcpy(tmp, v, (size_t)n * sizeof *tmp);
  qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
  return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

/* Relative noise: the median measured spread, or the curve's roughness: the distance d of a
 * point from the midpoint of its neighbours. For Gaussian noise of deviation s, d has
 * deviation 1.22 s and its lower quartile is 0.39 s; the lower quartile ignores the points on
 * edges and the spikes, which a dense sweep around every cache can make a third of all. */
static double noise_of(const double *y, const double *spread, int n) {
  double v[MB_DETECT_POINTS];
  int k = 0;
  if (spread) {
    for (int i = 0; i < n; i++)
      if (isfinite(spread[i]) && spread[i] >= 0) v[k++] = spread[i];
    if (k) return median(v, k);
  }
  for (int i = 1; i + 1 < n; i++) v[k++] = fabs(y[i] - 0.5 * (y[i - 1] + y[i + 1]));
  if (!k) return 0;
  qsort(v, (size_t)k, sizeof *v, cmp_double);
  return v[k / 4] / 0.39;
}

/* Mend isolated spikes and dips (a point beyond both neighbours, in the same direction, by
 * more than the tolerance): the point takes the geometric mean of its neighbours, so a spike
 * on a ramp leaves a ramp, not a step. The clearest first (the point whose neighbours agree
 * best with each other), so that a point beside a disturbed one, which then also stands out,
 * is judged only after the disturbed one is mended. */
static int despike(double *y, int n, double tol) {
  int count = 0;
  for (int round = 0; round < 2 * n; round++) {
    int best = -1;
    double clearest = 0;
    for (int i = 1; i + 1 < n; i++) {
      double lo = fmin(y[i - 1], y[i + 1]), hi = fmax(y[i - 1], y[i + 1]);
      double dev = y[i] > hi ? y[i] - hi : y[i] < lo ? lo - y[i] : 0;
      double clarity = dev - (hi - lo);
      if (dev > tol && (best < 0 || clarity > clearest)) clearest = clarity, best = i;
    }
    if (best < 0) break;
    y[best] = 0.5 * (y[best - 1] + y[best + 1]);
    count++;
  }
  return count;
}

static double level_of(const double *y, int first, int last) { return median(y + first, last - first + 1); }

/* Runs of at least two points joined by segments that do not rise. */
static int find_plateaus(const double *x, const double *y, int n, double tol, plateau_t *p) {
  int np = 0, start = 0;
  for (int i = 0; i < n; i++) {
    int rises = i + 1 < n && y[i + 1] - y[i] > tol && (y[i + 1] - y[i]) / (x[i + 1] - x[i]) > SLOPE_MIN;
    if (i + 1 < n && !rises) continue;
    if (i > start) p[np++] = (plateau_t){start, i, level_of(y, start, i)};
    start = i + 1;
  }
  return np;
}

/* Plateaus that, after merging, span no more than PLATEAU_SPAN of working set: points of a
 * dense sweep close together that happen to agree inside a ramp are part of the ramp (this
 * VM's L2 ramp, flat from 448 to 512 KiB and again from 576 to 640 KiB, made a phantom level
 * at 8 ns between L2 at 3.7 and L3 at 15.7; on 2026-12-08 two points 1.5x apart, 512 and 768
 * KiB at 5.3 and 6.4 ns, one at 5.8 ns between L2 and a 4 MiB L3), while two points of a
 * power-of-two sweep still make a plateau. Returns how many are left. */
static int drop_short(const double *x, plateau_t *p, int np) {
  int w = 0;
  for (int k = 0; k < np; k++)
    if (x[p[k].last] - x[p[k].first] > PLATEAU_SPAN + 1e-9 || np == 1) p[w++] = p[k];
  return w;
}

/* Latency where a plateau begins or ends: the median of its first or last three points (a
 * creeping plateau's median would sit far from either end). */
static double edge(const double *y, const plateau_t *p, int at_end) {
  int k = p->last - p->first + 1 < 3 ? p->last - p->first + 1 : 3;
  return median(y + (at_end ? p->last - k + 1 : p->first), k);
}

/* Merge adjacent plateaus whose jump (where the upper one begins over where the lower one
 * ends) is under `ratio` or negative, the smallest jump first. */
static int merge_plateaus(const double *y, plateau_t *p, int np, double ratio) {
  for (;;) {
    int best = -1;
    double smallest = ratio;
    for (int k = 0; k + 1 < np; k++) {
      double jump = edge(y, &p[k + 1], 0) - edge(y, &p[k], 1);
      if (jump < smallest) smallest = jump, best = k;
    }
    if (best < 0) return np;
    p[best].last = p[best + 1].last;
    p[best].level = level_of(y, p[best].first, p[best].last);
    memmove(p + best + 1, p + best + 2, (size_t)(np - best - 2) * sizeof *p);
    np--;
  }
}

/* ln of the huge-page curve's latency at working set w, interpolated in log-log between its
 * points; NAN outside the points it has. */
static double huge_at(const double *hx, const double *hy, int hn, double w) {
  for (int i = 0; i + 1 < hn; i++)
    if (w >= hx[i] - 1e-9 && w <= hx[i + 1] + 1e-9) {
      double t = hx[i + 1] > hx[i] ? (w - hx[i]) / (hx[i + 1] - hx[i]) : 0;
      return hy[i] + t * (hy[i + 1] - hy[i]);
    }
  return hn == 1 && fabs(w - hx[0]) < 1e-9 ? hy[0] : NAN;
}

/* The huge-page curve's level over a plateau of the first curve: the median of its
 * interpolated values at the plateau's working sets (NAN where it has none). */
static double huge_level(const double *x, const plateau_t *p, const double *hx, const double *hy, int hn) {
  double v[MB_DETECT_POINTS];
  int k = 0;
  for (int i = p->first; i <= p->last; i++) {
    double h = huge_at(hx, hy, hn, x[i]);
    if (isfinite(h)) v[k++] = h;
  }
  return k ? median(v, k) : NAN;
}

/* Rises between plateaus that the huge-page curve does not show (its level over the upper
 * plateau is that over the lower one): the plateaus merge and the step is a TLB level. Not
 * the edge points alone: a cache's edge itself moves on huge pages (no page walks in the
 * cache), so the huge curve may still be flat where the small-page curve has left a cache.
 * The huge curve is despiked like the first one. */
static int merge_tlb(const double *x, const double *y, const uint64_t *ws, plateau_t *p, int np, double *hx, double *hy, int hn, double tol,
                     mb_detect_t *out) {
  despike(hy, hn, tol);
  for (int k = 0; k + 1 < np;) {
    const double a = x[p[k].last], b = x[p[k + 1].first];
    const double rise = edge(y, &p[k + 1], 0) - edge(y, &p[k], 1);
    const double ha = huge_level(x, &p[k], hx, hy, hn), hb = huge_level(x, &p[k + 1], hx, hy, hn);
    const int covered = isfinite(huge_at(hx, hy, hn, a)) && isfinite(huge_at(hx, hy, hn, b)); /* the step's span */
    if (covered && isfinite(ha) && isfinite(hb) && hb - ha < tol && hb - ha < rise / 3) {
      if (out->ntlb < MB_DETECT_MAX) out->tlb[out->ntlb++] = (mb_level_t){ws[p[k].last], exp(edge(y, &p[k + 1], 0))};
      p[k].last = p[k + 1].last;
      p[k].level = level_of(y, p[k].first, p[k].last);
      memmove(p + k + 1, p + k + 2, (size_t)(np - k - 2) * sizeof *p);
      np--;
      continue;
    }
    k++;
  }
  return np;
}

int mb_detect_levels(const uint64_t *ws, const double *ns, const double *spread, int n, mb_detect_t *out) {
  return mb_detect_levels_tlb(ws, ns, spread, n, NULL, NULL, 0, out);
}

int mb_detect_levels_tlb(const uint64_t *ws, const double *ns, const double *spread, int n, const uint64_t *hws, const double *hns, int hn,
                         mb_detect_t *out) {
  memset(out, 0, sizeof *out);
  if (n < 1 || n > MB_DETECT_POINTS || hn < 0 || hn > MB_DETECT_POINTS || (hn && (!hws || !hns))) return errno = EINVAL, -1;
  double hx[MB_DETECT_POINTS], hy[MB_DETECT_POINTS];
  for (int i = 0; i < hn; i++) {
    if (!hws[i] || (i && hws[i] <= hws[i - 1]) || !(hns[i] > 0) || !isfinite(hns[i])) return errno = EINVAL, -1;
    hx[i] = log((double)hws[i]);
    hy[i] = log(hns[i]);
  }
  double x[MB_DETECT_POINTS], y[MB_DETECT_POINTS];
  for (int i = 0; i < n; i++) {
    if (!ws[i] || (i && ws[i] <= ws[i - 1]) || !(ns[i] > 0) || !isfinite(ns[i])) return errno = EINVAL, -1;
    x[i] = log((double)ws[i]);
    y[i] = log(ns[i]);
  }
  out->noise = noise_of(y, spread, n);
  const double tol = fmin(TOL_MAX, fmax(TOL_MIN, NOISE_FACTOR * out->noise));
  out->despiked = despike(y, n, tol);

  plateau_t p[MB_DETECT_POINTS];
  int np = find_plateaus(x, y, n, tol, p);
  if (hn) np = merge_tlb(x, y, ws, p, np, hx, hy, hn, tol, out);
  for (int before = -1; np != before;) { /* merging may leave short ones; dropping them may bring levels together */
    before = np;
    np = merge_plateaus(y, p, np, fmax(LEVEL_RATIO, tol));
    np = drop_short(x, p, np);
  }
  if (!np) return 0;

  for (int k = 0; k + 1 < np && out->ncaches < MB_DETECT_MAX; k++)
    out->cache[out->ncaches++] = (mb_level_t){ws[p[k + 1].first - 1], exp(p[k].level)};
  const plateau_t *last = &p[np - 1];
  /* Two or more points rising past the last plateau: it ended, so it was a cache, and the
   * sweep stopped before memory settled. One point alone may be a disturbed measurement. */
  if (n - 1 - last->last >= 2) {
    if (out->ncaches < MB_DETECT_MAX) out->cache[out->ncaches++] = (mb_level_t){ws[last->last], exp(last->level)};
    return 0;
  }
  if (np >= 2 && last->level - p[0].level >= MEMORY_RATIO && x[last->last] - x[last->first] >= MEMORY_SPAN - 1e-9) {
    out->memory_known = 1;
    out->memory_ns = exp(last->level);
  }
  return 0;
}

/* ---- Reading a curve ---- */

typedef struct point {
  uint64_t ws;
  double ns, spread;
} point_t;

static int cmp_point(const void *a, const void *b) {
  uint64_t x = ((const point_t *)a)->ws, y = ((const point_t *)b)->ws;
  return (x > y) - (x < y);
}

/* One line's numbers: 2 or 3 of them, nothing else. */
static int parse_line(const char *s, double *v) {
  int k = 0;
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\r') s++;
    if (!*s || *s == '#') return k;
    if (k == 3) return -1;
    char *end;
    errno = 0;
    v[k] = strtod(s, &end);
    if (end == s || errno == ERANGE || (*end && !isspace((unsigned char)*end) && *end != '#')) return -1;
    k++;
    s = end;
  }
}

int mb_detect_parse(const char *text, uint64_t *ws, double *ns, double *spread, int max, char *err, int errlen) {
  return mb_detect_parse_marked(text, ws, ns, spread, max, NULL, NULL, err, errlen);
}

/* A last word "disturbed" on the line (before any comment): cut off, 1; else 0. */
static int cut_disturbed(char *buf) {
  char *hash = strchr(buf, '#');
  size_t end = hash ? (size_t)(hash - buf) : strlen(buf);
  while (end && isspace((unsigned char)buf[end - 1])) end--;
  if (end < 9 || strncmp(buf + end - 9, "disturbed", 9) || (end > 9 && !isspace((unsigned char)buf[end - 10]))) return 0;
  buf[end - 9] = 0;
  return 1;
}

int mb_detect_parse_marked(const char *text, uint64_t *ws, double *ns, double *spread, int max, uint64_t *left_out, int *nleft, char *err,
                           int errlen) {
  point_t *pt = malloc((size_t)(max > 0 ? max : 1) * sizeof *pt);
  if (!pt) return snprintf(err, (size_t)errlen, "out of memory"), -1;
  int n = 0, lineno = 0, rc = -1;
  if (nleft) *nleft = 0;
  for (const char *line = text; *line;) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    char buf[256];
    lineno++;
    if (len >= sizeof buf) {
      snprintf(err, (size_t)errlen, "line %d: longer than %zu characters", lineno, sizeof buf - 1);
      goto out;
    }
    memcpy(buf, line, len);
    buf[len] = 0;
    line += len + (nl ? 1 : 0);
    double v[3] = {0, 0, -1};
    int disturbed = cut_disturbed(buf);
    int k = parse_line(buf, v);
    if (k == 0) continue;
    if (k < 2) {
      snprintf(err, (size_t)errlen, "line %d: expected 'bytes ns' (two numbers), got '%.40s'", lineno, buf);
      goto out;
    }
    if (!(v[0] >= 1 && v[0] <= 1e18) || v[0] != floor(v[0])) {
      snprintf(err, (size_t)errlen, "line %d: working set '%g' is not a whole number of bytes", lineno, v[0]);
      goto out;
    }
    if (!(v[1] > 0) || !isfinite(v[1])) {
      snprintf(err, (size_t)errlen, "line %d: latency '%g' is not a positive number of ns", lineno, v[1]);
      goto out;
    }
    if (k == 3 && !(v[2] >= 0 && isfinite(v[2]))) {
      snprintf(err, (size_t)errlen, "line %d: spread '%g' is not a non-negative number", lineno, v[2]);
      goto out;
    }
    if (disturbed) { /* no level is named from it: left out, and said */
      if (!nleft) {
        snprintf(err, (size_t)errlen, "line %d: a disturbed point, and no way to say it was left out", lineno);
        goto out;
      }
      if (*nleft < max) left_out[(*nleft)++] = (uint64_t)v[0];
      continue;
    }
    if (n == max) {
      snprintf(err, (size_t)errlen, "more than %d points", max);
      goto out;
    }
    pt[n++] = (point_t){(uint64_t)v[0], v[1], k == 3 ? v[2] : NAN};
  }
  if (n < 1) {
    snprintf(err, (size_t)errlen, "no points (expected lines 'bytes ns')");
    goto out;
  }
  qsort(pt, (size_t)n, sizeof *pt, cmp_point);
  for (int i = 0; i < n; i++) {
    if (i && pt[i].ws == pt[i - 1].ws) {
      snprintf(err, (size_t)errlen, "working set %llu appears twice", (unsigned long long)pt[i].ws);
      goto out;
    }
    ws[i] = pt[i].ws, ns[i] = pt[i].ns;
    if (spread) spread[i] = pt[i].spread;
  }
  rc = n;
out:
  free(pt);
  return rc;
}
