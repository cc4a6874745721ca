/*
 * fmt.h: figures as a reader wants them in a report (mbreport, mbside): times scaled to
 * ns/µs/ms, bytes in B/KiB/MiB, rates in GB/s, ratios with ×; "–" for what is not a number.
 */
#ifndef MB_FMT_H
#define MB_FMT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static void size_str(char *buf, size_t len, double bytes) {
  if (isnan(bytes)) snprintf(buf, len, "–");
  else if (bytes >= 1 << 20) snprintf(buf, len, "%.3g MiB", bytes / (1 << 20));
  else if (bytes >= 1 << 10) snprintf(buf, len, "%.3g KiB", bytes / (1 << 10));
  else snprintf(buf, len, "%.0f B", bytes);
}

/* Formatting into rotating buffers, so several may appear in one printf. */
static char *fmt_buf(void) {
  static char bufs[16][32];
  static int k;
  return bufs[k++ % 16];
}
static const char *fmt_ns(double v) {
  char *b = fmt_buf();
  if (isnan(v) || isinf(v)) snprintf(b, 32, "–");
  else if (v >= 1e6) snprintf(b, 32, "%.3g ms", v / 1e6);
  else if (v >= 1e3) snprintf(b, 32, "%.3g µs", v / 1e3);
  else snprintf(b, 32, "%.3g ns", v);
  return b;
}
static const char *fmt_x(double v) {
  char *b = fmt_buf();
  if (isnan(v) || isinf(v)) snprintf(b, 32, "–");
  else snprintf(b, 32, "%.3g×", v);
  return b;
}

/* A value in its unit, as a reader wants it: times scaled, bytes in KiB/MiB, rates in GB/s. */
static const char *fmt_value(double v, const char *unit) {
  char *b = fmt_buf();
  if (isnan(v) || isinf(v)) snprintf(b, 32, "–");
  else if (!unit || !strcmp(unit, "ns")) return fmt_ns(v);
  else if (!strcmp(unit, "B")) size_str(b, 32, v);
  else if (!strcmp(unit, "B/s")) snprintf(b, 32, "%.3g GB/s", v / 1e9);
  else if (!strcmp(unit, "FLOP/s")) snprintf(b, 32, "%.3g GFLOP/s", v / 1e9);
  else if (!strcmp(unit, "x")) return fmt_x(v);
  else snprintf(b, 32, "%.4g %.12s", v, unit);
  return b;
}

#endif
