/*
 * mbdetect: the cache levels of a latency curve, by the detector hierarchy/boundaries uses
 * (harness/detect.c), so curves from other machines and other tools can be read the same way.
 *
 *   mbdetect FILE    FILE ('-' for standard input): lines "bytes ns" (a random pointer
 *                    chase's latency by working set; an optional third column is the point's
 *                    relative spread; a last word "disturbed" marks a point measured while
 *                    something else had the CPU: it is left out, and stderr says so; '#'
 *                    starts a comment)
 *   mbdetect FILE --huge HUGE   the same chase on huge pages beside it (same format): a step
 *                    of FILE's curve that HUGE's does not show is a TLB step, not a cache
 *                    (mb_detect.h), printed as "TLB <bytes> <ns>" (the last working set
 *                    before the step, the latency after it)
 * Prints one line per cache level, "L<k> <bytes> <ns>", then "memory <ns>", or "memory
 * unknown" when the curve does not show memory (it ends inside a cache, or is flat).
 * Bad input: one line on stderr, exit 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb_detect.h"
#include "tooldie.h"

#define MAX_BYTES (4 << 20)

static char *slurp(const char *path) {
  FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
  if (!f) die("%s: %s", path, strerror(errno));
  char *buf = malloc(MAX_BYTES + 1);
  if (!buf) die("out of memory");
  size_t n = fread(buf, 1, MAX_BYTES + 1, f);
  int bad = ferror(f);
  if (f != stdin) fclose(f);
  if (bad) die("%s: read error", path);
  if (n > MAX_BYTES) die("%s: larger than %d bytes", path, MAX_BYTES);
  if (memchr(buf, 0, n)) die("%s: not a text file", path);
  buf[n] = 0;
  return buf;
}

/* A curve from path into ws/ns/spread: its points (dies on bad input). */
static int read_curve(const char *path, uint64_t *ws, double *ns, double *spread) {
  char *text = slurp(path);
  char err[256];
  static uint64_t left[MB_DETECT_POINTS];
  int nleft = 0;
  int n = mb_detect_parse_marked(text, ws, ns, spread, MB_DETECT_POINTS, left, &nleft, err, sizeof err);
  free(text);
  if (n < 0) die("%s: %s", path, err);
  if (nleft) {
    fprintf(stderr, "mbdetect: %s: %d disturbed points left out (no level is named from them):", path, nleft);
    for (int k = 0; k < nleft; k++) fprintf(stderr, " %llu", (unsigned long long)left[k]);
    fputc('\n', stderr);
  }
  return n;
}

#define USAGE "usage: mbdetect FILE [--huge HUGE]   (lines 'bytes ns [spread] [disturbed]'; '-' reads standard input)"

int main(int argc, char **argv) {
  mb_tool_name = "mbdetect";
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    puts(USAGE);
    return 0;
  }
  const char *file = NULL, *huge = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--huge")) {
      if (i + 1 == argc) die("--huge needs a file");
      if (huge) die("--huge given twice");
      huge = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      die("unknown option '%s'", argv[i]);
    } else if (file) {
      die(USAGE);
    } else {
      file = argv[i];
    }
  }
  if (!file) die(USAGE);
  if (huge && !strcmp(huge, "-") && !strcmp(file, "-")) die("standard input can be only one of the curves");
  static uint64_t ws[MB_DETECT_POINTS], hws[MB_DETECT_POINTS];
  static double ns[MB_DETECT_POINTS], spread[MB_DETECT_POINTS], hns[MB_DETECT_POINTS], hspread[MB_DETECT_POINTS];
  int n = read_curve(file, ws, ns, spread), hn = huge ? read_curve(huge, hws, hns, hspread) : 0;
  mb_detect_t d;
  if (mb_detect_levels_tlb(ws, ns, spread, n, hws, hns, hn, &d)) die("%s: not a usable curve", file);
  for (int k = 0; k < d.ncaches; k++) printf("L%d %llu %.3g\n", k + 1, (unsigned long long)d.cache[k].bytes, d.cache[k].ns);
  for (int k = 0; k < d.ntlb; k++) printf("TLB %llu %.3g\n", (unsigned long long)d.tlb[k].bytes, d.tlb[k].ns);
  if (d.memory_known) printf("memory %.4g\n", d.memory_ns);
  else puts("memory unknown");
  return 0;
}
