/*
 * mbdetect: the cache levels of a latency curve, by the detector hierarchy/boundaries uses
 * (harness/detect.c), so curves from other machines and other tools can be read the same way.
 *
 *   mbdetect FILE    FILE ('-' for standard input): lines "bytes ns" (a random pointer
 *                    chase's latency by working set; an optional third column is the point's
 *                    relative spread; a last word "disturbed" marks a point measured while
 *                    something else had the CPU: it is left out, and stderr says so; '#'
 *                    starts a comment)
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

int main(int argc, char **argv) {
  mb_tool_name = "mbdetect";
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    puts("usage: mbdetect FILE   (lines 'bytes ns [spread] [disturbed]'; '-' reads standard input)");
    return 0;
  }
  if (argc != 2) die("usage: mbdetect FILE   (lines 'bytes ns'; '-' reads standard input)");
  if (argv[1][0] == '-' && argv[1][1]) die("unknown option '%s'", argv[1]);
  char *text = slurp(argv[1]);
  static uint64_t ws[MB_DETECT_POINTS];
  static double ns[MB_DETECT_POINTS], spread[MB_DETECT_POINTS];
  char err[256];
  static uint64_t left[MB_DETECT_POINTS];
  int nleft = 0;
  int n = mb_detect_parse_marked(text, ws, ns, spread, MB_DETECT_POINTS, left, &nleft, err, sizeof err);
  free(text);
  if (n < 0) die("%s: %s", argv[1], err);
  if (nleft) {
    fprintf(stderr, "mbdetect: %d disturbed points left out (no level is named from them):", nleft);
    for (int k = 0; k < nleft; k++) fprintf(stderr, " %llu", (unsigned long long)left[k]);
    fputc('\n', stderr);
  }
  mb_detect_t d;
  if (mb_detect_levels(ws, ns, spread, n, &d)) die("%s: not a usable curve", argv[1]);
  for (int k = 0; k < d.ncaches; k++) printf("L%d %llu %.3g\n", k + 1, (unsigned long long)d.cache[k].bytes, d.cache[k].ns);
  if (d.memory_known) printf("memory %.4g\n", d.memory_ns);
  else puts("memory unknown");
  return 0;
}
