/*
 * test_alloc_diff.c: randomized differential test of the allocator library against a simple
 * model. Usage: test_alloc_diff [OPERATIONS [SEED]] (default 2,000,000 operations, seed 1).
 *
 * The model is a table of live blocks (address, requested size, fill byte). Each operation
 * picks a slot: an empty slot gets a new block (malloc), a live one is freed or reallocated,
 * sizes from 1 byte to 2 KiB (most small, as programs ask). Phases of PHASE operations
 * alternate between growing (new blocks win) and shrinking (frees win), so arenas fill up
 * and empty out again and are given back to the OS during the run, not only at the end. After every operation the block
 * touched is checked (alignment, contents); every 50,000 operations and at the end, all of
 * them: no two live blocks overlap, every block still holds its bytes, and the pool's
 * statistics add up to the model's (blocks per class, large blocks, allocations minus frees).
 * At the end everything is freed and every arena must go back to the OS.
 *
 * The free list and the bump region get the same treatment with their own rules (one size;
 * no individual frees).
 */
#include <stdint.h>

#include "mballoc.h"
#include "testutil.h"

enum { SLOTS = 16384, CHECK_EVERY = 50000, PHASE = 100000 };

typedef struct {
  unsigned char *p;
  size_t n;
  unsigned char fill;
} block_t;

static uint64_t rng_state;
static uint64_t rnd(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * UINT64_C(2685821657736338717);
}

/* Sizes 1..2048: three in four small (1..128), most of the rest up to 512, some above. */
static size_t rnd_size(void) {
  uint64_t r = rnd() % 100;
  if (r < 75) return 1 + rnd() % 128;
  if (r < 95) return 1 + rnd() % 512;
  return 1 + rnd() % 2048;
}

static int contents_ok(const block_t *b) {
  for (size_t i = 0; i < b->n; i++)
    if (b->p[i] != (unsigned char)(b->fill + i)) return 0;
  return 1;
}
static void fill(block_t *b) {
  for (size_t i = 0; i < b->n; i++) b->p[i] = (unsigned char)(b->fill + i);
}

static int by_addr(const void *x, const void *y) {
  const block_t *a = x, *b = y;
  return a->p < b->p ? -1 : a->p > b->p;
}

/* No overlap, alignment, contents; returns the number of live blocks. */
static size_t check_all(block_t *slots, size_t slot_count, const char *who) {
  static block_t live[SLOTS];
  size_t n = 0;
  for (size_t i = 0; i < slot_count; i++)
    if (slots[i].p) live[n++] = slots[i];
  qsort(live, n, sizeof *live, by_addr);
  size_t bad_overlap = 0, bad_align = 0, bad_contents = 0;
  for (size_t i = 0; i < n; i++) {
    bad_align += ((uintptr_t)live[i].p & (MB_ALLOC_ALIGN - 1)) != 0;
    bad_contents += !contents_ok(&live[i]);
    if (i + 1 < n) bad_overlap += live[i].p + live[i].n > live[i + 1].p;
  }
  if (bad_overlap || bad_align || bad_contents)
    fprintf(stderr, "%s: %zu overlapping, %zu misaligned, %zu corrupted of %zu blocks\n", who, bad_overlap, bad_align,
            bad_contents, n);
  CHECK_EQ_INT(bad_overlap, 0);
  CHECK_EQ_INT(bad_align, 0);
  CHECK_EQ_INT(bad_contents, 0);
  return n;
}

static void check_pool_stats(mbp_pool_t *pool, block_t *slots) {
  size_t per_class[MBP_NCLASSES] = {0}, large = 0, live = 0;
  for (int i = 0; i < SLOTS; i++) {
    if (!slots[i].p) continue;
    live++;
    size_t u = mbp_usable_size(pool, slots[i].p);
    if (slots[i].n <= MBP_SMALL_MAX) {
      per_class[(slots[i].n - 1) / MBP_ALIGNMENT]++;
      CHECK_EQ_INT(u, mbp_block_size(slots[i].n));
    } else {
      large++;
      CHECK(u >= slots[i].n);
    }
  }
  mbp_stats_t s;
  mbp_pool_stats(pool, &s);
  size_t bytes = 0;
  int class_mismatch = 0;
  for (int c = 0; c < MBP_NCLASSES; c++) {
    class_mismatch += s.blocks_in_use[c] != per_class[c];
    bytes += per_class[c] * (size_t)(c + 1) * MBP_ALIGNMENT;
  }
  CHECK_EQ_INT(class_mismatch, 0);
  CHECK_EQ_INT(s.block_bytes_in_use, bytes);
  CHECK_EQ_INT(s.large_in_use, large);
  if (s.counted) {
    CHECK_EQ_INT(s.allocs - s.frees, live);
    CHECK(s.bytes_handed_out >= s.bytes_requested);
  } else { /* an uncounted pool (the fast paths) counts no calls */
    CHECK(s.allocs == 0 && s.frees == 0 && s.bytes_requested == 0 && s.bytes_handed_out == 0);
  }
  CHECK(s.arenas <= s.arenas_peak);
}

/* flags 0: the inline fast paths; MBP_STATS: every call counted, through the slow path. */
static void run_pool(long ops, int flags) {
  static block_t slots[SLOTS];
  memset(slots, 0, sizeof slots);
  mbp_pool_t pool;
  CHECK(mbp_pool_init(&pool, flags) == 0);
  uint64_t requested = 0, handed = 0; /* the model's count of small allocations */
  long allocs = 0, frees = 0, reallocs = 0, failures = 0;
  for (long op = 1; op <= ops; op++) {
    block_t *b = &slots[rnd() % SLOTS];
    const int shrinking = (op / PHASE) % 2;
    if (!b->p && shrinking && rnd() % 8) goto checkpoint; /* shrinking: few new blocks */
    if (!b->p) {
      b->n = rnd_size();
      b->fill = (unsigned char)rnd();
      b->p = mbp_alloc(&pool, b->n);
      if (!b->p) {
        failures++;
        continue;
      }
      if (b->n <= MBP_SMALL_MAX) requested += b->n, handed += mbp_block_size(b->n);
      fill(b);
      allocs++;
    } else if (shrinking ? rnd() % 8 != 0 : rnd() % 4 == 0) {
      if (!contents_ok(b)) failures++;
      mbp_free(&pool, b->p);
      b->p = NULL;
      frees++;
    } else {
      size_t n = rnd_size(), keep = n < b->n ? n : b->n;
      unsigned char *q = mbp_realloc(&pool, b->p, n);
      if (!q) {
        failures++;
        continue;
      }
      for (size_t i = 0; i < keep; i++)
        if (q[i] != (unsigned char)(b->fill + i)) {
          failures++;
          break;
        }
      /* A new small block was counted unless realloc kept the block where it was. */
      if (n <= MBP_SMALL_MAX && !(q == b->p && b->n <= MBP_SMALL_MAX && mbp_block_size(n) == mbp_block_size(b->n)))
        requested += n, handed += mbp_block_size(n);
      b->p = q;
      b->n = n;
      fill(b);
      reallocs++;
    }
    if (((uintptr_t)b->p & 15) != 0) failures++;
  checkpoint:
    if (op % CHECK_EVERY == 0 || op == ops) {
      check_all(slots, SLOTS, "pool");
      check_pool_stats(&pool, slots);
    }
  }
  CHECK_EQ_INT(failures, 0);
  mbp_stats_t s;
  mbp_pool_stats(&pool, &s);
  CHECK_EQ_INT(s.counted, flags == MBP_STATS);
  CHECK_EQ_INT(s.bytes_requested, flags == MBP_STATS ? requested : 0);
  CHECK_EQ_INT(s.bytes_handed_out, flags == MBP_STATS ? handed : 0);
  size_t peak = s.arenas_peak;
  for (int i = 0; i < SLOTS; i++)
    if (slots[i].p) mbp_free(&pool, slots[i].p), slots[i].p = NULL;
  mbp_pool_stats(&pool, &s);
  CHECK_EQ_INT(s.allocs, s.frees);
  CHECK(s.arenas <= MBP_KEEP_EMPTY_ARENAS + MBP_NCLASSES); /* empty arenas kept, or holding a kept pool */
  mbp_pool_trim(&pool);
  mbp_pool_stats(&pool, &s);
  CHECK_EQ_INT(s.arenas, 0); /* every arena returned */
  CHECK_EQ_INT(s.pools_in_use + s.pools_empty, 0);
  fprintf(stderr, "pool%s: %ld ops (%ld malloc, %ld free, %ld realloc), peak %zu arenas, %zu unmapped\n", flags ? " (counted)" : "", ops, allocs,
          frees, reallocs, peak, s.arenas_unmapped);
  mbp_pool_destroy(&pool);
}

static void run_freelist(long ops) {
  static block_t slots[SLOTS];
  memset(slots, 0, sizeof slots);
  mbf_freelist_t fl;
  CHECK(mbf_init(&fl, 40, 16384, 0) == 0);
  long failures = 0;
  size_t live = 0;
  for (long op = 1; op <= ops; op++) {
    block_t *b = &slots[rnd() % SLOTS];
    if (!b->p) {
      b->p = mbf_alloc(&fl);
      b->n = 40;
      b->fill = (unsigned char)rnd();
      if (!b->p) {
        failures++;
        continue;
      }
      fill(b);
      live++;
    } else {
      if (!contents_ok(b)) failures++;
      mbf_free(&fl, b->p);
      b->p = NULL;
      live--;
    }
    if (op % CHECK_EVERY == 0 || op == ops) {
      CHECK_EQ_INT(check_all(slots, SLOTS, "freelist"), live);
      CHECK_EQ_INT(fl.in_use, live);
    }
  }
  CHECK_EQ_INT(failures, 0);
  for (int i = 0; i < SLOTS; i++)
    if (slots[i].p) mbf_free(&fl, slots[i].p);
  CHECK_EQ_INT(fl.in_use, 0);
  fprintf(stderr, "freelist: %ld ops, %zu chunks\n", ops, fl.nchunks);
  mbf_destroy(&fl);
}

static void run_bump(long ops) {
  enum { PER_REGION = 1000 };
  static block_t blocks[PER_REGION];
  mbb_region_t r;
  CHECK(mbb_init(&r, 65536) == 0);
  long failures = 0, resets = 0;
  int n = 0;
  uint64_t requested = 0;
  for (long op = 1; op <= ops; op++) {
    block_t *b = &blocks[n++];
    b->n = rnd_size();
    b->fill = (unsigned char)rnd();
    b->p = mbb_alloc(&r, b->n);
    if (!b->p) {
      failures++;
      n--;
      continue;
    }
    requested += b->n;
    fill(b);
    if (n == PER_REGION || op == ops) {
      CHECK_EQ_INT(check_all(blocks, (size_t)n, "bump"), n);
      CHECK_EQ_INT(r.bytes_requested, requested);
      CHECK_EQ_INT(r.allocs, n);
      mbb_reset(&r);
      resets++;
      n = 0;
      requested = 0;
    }
  }
  CHECK_EQ_INT(failures, 0);
  CHECK(r.nchunks <= 1);
  fprintf(stderr, "bump: %ld ops, %ld resets\n", ops, resets);
  mbb_destroy(&r);
}

int main(int argc, char **argv) {
  long ops = argc > 1 ? atol(argv[1]) : 2000000;
  rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
  if (ops <= 0 || !rng_state) {
    fprintf(stderr, "usage: test_alloc_diff [OPERATIONS [SEED]] (both positive)\n");
    return 2;
  }
  fprintf(stderr, "seed %llu (%s build)\n", (unsigned long long)rng_state, mb_alloc_debug_build() ? "debug" : "release");
  run_pool(ops, 0);
  run_pool(ops, MBP_STATS);
  run_freelist(ops / 4);
  run_bump(ops / 4);
  return TEST_EXIT();
}
