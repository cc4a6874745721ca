/*
 * passes.h: proof that a store kernel did every one of its passes, over the right elements.
 *
 * The end state of an array after n passes of write, copy or triad is the state after the last
 * pass alone: checking it (as STREAM does) cannot tell a kernel that did one pass from one that
 * did them all. So passes leave marks: a marked pass finds one element of what it reads
 * stamped with mb_pass_value(stamp, pass) (a pure write stores that value everywhere
 * instead), and after it the kernel reads back the element the pass wrote from it and adds it
 * to a fold, which it returns. A marked pass skipped, cut short or done over other elements
 * leaves an earlier pass's value (or the poison of arm) where the fold reads; verify replays
 * the marks. Positions walk the array in steps of about 0.618 of its length; the stamp for
 * the next mark is stored right after the read-back, far from the loads of its pass. Short
 * passes are marked at random gaps (MB_MARK_SPAN), long ones every pass; an unmarked pass
 * costs a compare.
 */
#ifndef MB_PASSES_H
#define MB_PASSES_H

#include <stddef.h>
#include <stdint.h>

#include "membench.h"

/* The value pass `it` of the run stamped `stamp` stores: a whole number + 0.5 (exact, never
 * a byte pattern a memset could produce; an array an earlier run wrote holds another). */
static inline double mb_pass_value(uint64_t stamp, uint64_t it) { return (double)((stamp + it) & 0xFFFFF) + 0.5; }

/* Marked passes are this many elements apart on average: at 256 elements a pass (a 4 KiB
 * copy) a mark every pass cost 6% of its time; at random gaps averaging 16384 elements the
 * marks cost under 1% at every size measured, and a kernel that skips any regular pattern
 * of passes still misses marks. */
#define MB_MARK_SPAN 16384

typedef struct mb_passes {
  size_t pos, step, n; /* the next mark's position in the n elements, and the walk */
  uint64_t next;       /* the next marked pass */
  uint64_t gap, rng;   /* marked passes are 1 to 2 gap - 1 passes apart (gap 1: every one) */
} mb_passes_t;

/* The marks of a run over n elements a pass (n >= 1); pass 0 is marked. */
static inline mb_passes_t mb_passes_start(uint64_t stamp, size_t n) {
  mb_passes_t p = {(size_t)(mb_mix64(stamp) % n), (size_t)((double)n * 0.6180339887498949) % n, n, 0,
                   n >= MB_MARK_SPAN ? 1 : (MB_MARK_SPAN + n - 1) / n, mb_mix64(stamp ^ 0x5EED) | 1};
  if (!p.step) p.step = 1;
  return p;
}
/* The next marked pass and its position. */
static inline void mb_passes_next(mb_passes_t *p) {
  uint64_t g = 1;
  if (p->gap > 1) {
    p->rng ^= p->rng << 13, p->rng ^= p->rng >> 7, p->rng ^= p->rng << 17;
    g = 1 + p->rng % (2 * p->gap - 1);
  }
  p->next += g;
  p->pos += p->step;
  if (p->pos >= p->n) p->pos -= p->n;
}
#define MB_PASS_MARKED(ps, it) ((it) == (ps).next)
/* After marked pass `it` has been read back: on to the next mark, and its stamp into src (a
 * copy's or triad's source; NULL for a write) unless it is beyond the run, so the result
 * stays as the last pass left it. */
static inline void mb_passes_stamp_next(mb_passes_t *p, double *src, uint64_t stamp, uint64_t iters) {
  mb_passes_next(p);
  if (src && p->next < iters) src[p->pos] = mb_pass_value(stamp, p->next);
}
/* Before the first pass. */
static inline void mb_passes_stamp_first(const mb_passes_t *p, double *src, uint64_t stamp) {
  if (src) src[p->pos] = mb_pass_value(stamp, 0);
}

#endif /* MB_PASSES_H */
