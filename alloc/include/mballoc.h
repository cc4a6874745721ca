/*
 * mballoc.h: three small allocators, usable by any C code (membench's allocator family
 * benchmarks them against glibc, jemalloc, mimalloc and tcmalloc).
 *
 *   mbp_*  a pool allocator in the style of CPython's pymalloc (Objects/obmalloc.c):
 *          arenas of MBP_ARENA_SIZE bytes from mmap, cut into pools of MBP_POOL_SIZE bytes,
 *          each pool serving one size class; a class per MBP_ALIGNMENT bytes up to
 *          MBP_SMALL_MAX (16-byte steps, as CPython since 3.8); blocks handed out from the
 *          pool's free list; larger requests go to malloc; an arena whose pools are all free
 *          goes back to the OS (one such arena is kept, as CPython does since 3.9, so that a
 *          program hovering at an arena boundary does not map and unmap it each time).
 *   mbf_*  a fixed-size free list: one block size, blocks carved from chunks, a LIFO list of
 *          freed blocks. The lower bound of what a pool can cost.
 *   mbb_*  a bump (region) allocator: a pointer moves through a chunk; individual frees do
 *          nothing; everything is released at once by mbb_reset or mbb_destroy.
 *
 * Every block is aligned to MB_ALLOC_ALIGN (16) bytes.
 *
 * Thread model: an allocator object (mbp_pool_t, mbf_freelist_t, mbb_region_t) belongs to
 * whoever holds it: without MB_ALLOC_LOCKED, one thread at a time may call it (a thread per
 * object, or the caller's own lock, as pymalloc relies on the GIL); a block may be freed by
 * any thread that has that right, not only the one that allocated it. With MB_ALLOC_LOCKED
 * (pool and free list) every call takes the object's mutex, so any thread may call it at
 * any time. Distinct objects share nothing and never need a lock between them.
 *
 * Debug builds (compiled with MB_ALLOC_DEBUG defined, as the tests are) detect invalid
 * frees: a pointer the allocator did not hand out, a pointer into the middle of a block,
 * and a double free. They call the handler set by mb_alloc_set_error_handler (by default:
 * one line on stderr and abort()); the free is then ignored. A pool's last 1,024 freed small
 * blocks are held back before reuse (a quarantine), so a double free is caught even when the
 * pool would meanwhile have been reused for another size class. Release builds trust the
 * caller.
 *
 * Functions that allocate return NULL with errno = ENOMEM when memory is exhausted. Init
 * functions return 0, or -1 with errno set (EINVAL for a bad parameter).
 */
#ifndef MBALLOC_H
#define MBALLOC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- design constants (pymalloc's, named) ---- */
#define MB_ALLOC_ALIGN 16                          /* every block's alignment */
#define MBP_ALIGNMENT MB_ALLOC_ALIGN               /* size-class step (CPython >= 3.8: 16) */
#define MBP_SMALL_MAX 512                          /* largest request served by pools */
#define MBP_NCLASSES (MBP_SMALL_MAX / MBP_ALIGNMENT) /* 32 classes: 16, 32, ..., 512 */
#define MBP_POOL_SIZE 4096                         /* one pool: one page, one size class */
#define MBP_ARENA_SIZE (256 * 1024)                /* one mmap: 64 pools */
#define MBP_POOLS_PER_ARENA (MBP_ARENA_SIZE / MBP_POOL_SIZE)
#define MBP_KEEP_EMPTY_ARENAS 1                    /* empty arenas kept mapped (mbp_pool_trim drops them) */

#define MB_ALLOC_LOCKED 1 /* flag: every call takes the object's mutex (see the thread model) */
/* Flag (pools): count every call, for mbp_pool_stats's allocs, frees, bytes_requested and
 * bytes_handed_out. The count would cost the fast path two read-modify-writes a call (a
 * 32-byte alloc/free pair went from 2.2 to 2.8 ns), so, as jemalloc's and mimalloc's
 * statistics, it is asked for: a counted pool takes the slow path on every call. */
#define MBP_STATS 2

/* Block size of a request of n bytes (1 <= n <= MBP_SMALL_MAX): 20 -> 32. */
static inline size_t mbp_block_size(size_t n) { return (n + MBP_ALIGNMENT - 1) & ~(size_t)(MBP_ALIGNMENT - 1); }

/* What went wrong with a free, for the debug handler. */
typedef enum mb_alloc_error {
  MB_ALLOC_FOREIGN = 1,  /* not a pointer this allocator handed out */
  MB_ALLOC_INTERIOR = 2, /* inside one of its pools, but not at the start of a block */
  MB_ALLOC_DOUBLE_FREE = 3,
} mb_alloc_error_t;
typedef void (*mb_alloc_error_fn)(mb_alloc_error_t what, const char *allocator, const void *ptr);
/* Set the handler for invalid frees (debug builds); NULL restores the default (abort). */
void mb_alloc_set_error_handler(mb_alloc_error_fn fn);
/* Nonzero when this library was compiled with MB_ALLOC_DEBUG. */
int mb_alloc_debug_build(void);

/* The header and the library must agree on MB_ALLOC_DEBUG: the inline fast paths below differ
 * (a debug library's pools carry live bits the release paths would not keep). Each file that
 * includes this header refers to a symbol only the matching library defines, so a mismatch
 * fails at link time ("undefined reference to mb_alloc_abi_debug") instead of silently
 * losing the checks. */
#if defined(MB_ALLOC_CONSTANTS_ONLY) /* a file that reads the parameters and calls nothing */
#elif defined(MB_ALLOC_DEBUG)
extern const char mb_alloc_abi_debug;
__attribute__((used)) static const char *const mb_alloc_abi_ = &mb_alloc_abi_debug;
#else
extern const char mb_alloc_abi_release;
__attribute__((used)) static const char *const mb_alloc_abi_ = &mb_alloc_abi_release;
#endif

/* ---- the pool allocator ---- */
struct mbp_arena;
#define MBP_ARENA_SHIFT 18 /* log2(MBP_ARENA_SIZE) */
#define MBP_LIVE_BYTES (MBP_POOL_SIZE / MBP_ALIGNMENT / 8)

/* The header at the start of every pool (public only for the inline fast paths). */
typedef struct mbp_pool_hdr {
  uint32_t ref;                     /* blocks in use */
  uint32_t cls;                     /* size class; UINT32_MAX while in the arena's free pools */
  void *freeblock;                  /* first free block; the first word of each links on */
  struct mbp_pool_hdr *next, *prev; /* in used[cls], or (next only) in the arena's free pools */
  struct mbp_arena *arena;
  uint32_t nextoffset;              /* the next block never handed out */
  uint32_t maxnextoffset;           /* the last offset at which a whole block fits */
#ifdef MB_ALLOC_DEBUG
  uint8_t live[MBP_LIVE_BYTES];     /* one bit per block: handed out and not freed */
#endif
} mbp_pool_hdr;
static inline mbp_pool_hdr *mbp_pool_of(const void *p) {
  return (mbp_pool_hdr *)((uintptr_t)p & ~(uintptr_t)(MBP_POOL_SIZE - 1));
}

typedef struct mbp_stats {
  size_t arenas;                         /* arenas mapped now */
  size_t arenas_peak;                    /* most arenas mapped at once */
  size_t arenas_unmapped;                /* arenas returned to the OS so far */
  size_t pools_in_use;                   /* pools holding at least one block */
  size_t pools_empty;                    /* pools carved but holding nothing */
  size_t blocks_in_use[MBP_NCLASSES];    /* per class: class i serves (i+1)*16 bytes */
  size_t block_bytes_in_use;             /* sum over classes of blocks * block size */
  size_t large_in_use;                   /* requests > MBP_SMALL_MAX passed to malloc, live */
  int counted;                           /* made with MBP_STATS: the four below are counted (else 0) */
  uint64_t allocs, frees;                /* calls that returned/took a block (small and large) */
  uint64_t bytes_requested;              /* sum of n over every small allocation */
  uint64_t bytes_handed_out;             /* sum of the block sizes given for them */
} mbp_stats_t;

typedef struct mbp_pool {
  /* usedpools[c]: pools of class c with a free block (doubly linked). */
  mbp_pool_hdr *used[MBP_NCLASSES];
  struct mbp_arena *arenas;      /* every mapped arena */
  struct mbp_arena *usable;      /* arenas with a free or uncarved pool */
  /* Arena membership: an open-addressing set of arena numbers (address / MBP_ARENA_SIZE). */
  uintptr_t *set;
  size_t set_cap, set_count;
  uintptr_t last_arena;          /* the arena number of the last lookup that hit */
  int flags;
  size_t fast_max;               /* the inline alloc's limit: MBP_SMALL_MAX; 0 when flags send every call to the slow path */
  uintptr_t fast_arena;          /* the inline free's arena: last_arena; UINTPTR_MAX when none or flags */
  pthread_mutex_t lock;
  size_t narenas, narenas_peak, narenas_unmapped; /* mapped now, at most, returned so far */
  uint64_t class_allocs[MBP_NCLASSES]; /* MBP_STATS: small allocations per class, ever */
  uint64_t requested;            /* MBP_STATS: bytes asked for by them */
  uint64_t large_allocs, large_frees;
  void *large;                   /* debug builds: the set of live large blocks */
  void *large_freed;             /* debug builds: large blocks freed and not handed out since */
  void *quarantine;              /* debug builds: the last small blocks freed, held back */
} mbp_pool_t;

int mbp_pool_init(mbp_pool_t *pool, int flags);
/* Release everything, live blocks included (arenas unmapped, large blocks freed). */
void mbp_pool_destroy(mbp_pool_t *pool);
void *mbp_alloc_slow(mbp_pool_t *pool, size_t n);
void mbp_free_slow(mbp_pool_t *pool, void *p);
void mbp_pool_emptied(mbp_pool_t *pool, mbp_pool_hdr *ph);

/* n == 0 is served as 1 byte (a unique pointer), as malloc(0) may be. The fast paths are
 * inline (a pop from the class's pool; a push onto the block's pool), the rest is in
 * alloc/pool.c (a new pool or arena, malloc above MBP_SMALL_MAX, the lock, debug checks). */
static inline void *mbp_alloc(mbp_pool_t *a, size_t n) {
#ifndef MB_ALLOC_DEBUG
  if (__builtin_expect(n - 1 < a->fast_max, 1)) {
    const size_t c = (n - 1) / MBP_ALIGNMENT;
    mbp_pool_hdr *ph = a->used[c];
    if (__builtin_expect(ph != NULL, 1)) {
      void *bp = ph->freeblock, *next = *(void **)bp;
      if (__builtin_expect(next != NULL, 1)) { /* not the pool's last free block */
        ph->freeblock = next;
        ph->ref++;
        return bp;
      }
    }
  }
#endif
  return mbp_alloc_slow(a, n);
}
static inline void mbp_free(mbp_pool_t *a, void *p) {
#ifndef MB_ALLOC_DEBUG
  /* A block of the arena last seen (never NULL: no arena starts at 0), in a pool that was
   * not full. */
  if (__builtin_expect(((uintptr_t)p >> MBP_ARENA_SHIFT) == a->fast_arena, 1)) {
    mbp_pool_hdr *ph = mbp_pool_of(p);
    void *last = ph->freeblock;
    if (__builtin_expect(last != NULL, 1)) {
      *(void **)p = last;
      ph->freeblock = p;
      if (__builtin_expect(--ph->ref != 0, 1) || (a->used[ph->cls] == ph && !ph->next)) return;
      mbp_pool_emptied(a, ph);
      return;
    }
  }
#endif
  mbp_free_slow(a, p);
}
void *mbp_realloc(mbp_pool_t *pool, void *p, size_t n);
/* Usable size of a block this pool handed out (its class size, or malloc_usable_size). A
 * debug build reports a pointer it did not hand out to the handler and returns 0. */
size_t mbp_usable_size(mbp_pool_t *pool, const void *p);
/* n blocks of size bytes, zeroed; NULL with errno ENOMEM when n * size overflows. */
void *mbp_calloc(mbp_pool_t *pool, size_t n, size_t size);
/* Return empty arenas kept for reuse to the OS. Returns how many were unmapped. */
size_t mbp_pool_trim(mbp_pool_t *pool);
/* Statistics, counted by walking the arenas (blocks per class, pools) and from counters. */
void mbp_pool_stats(mbp_pool_t *pool, mbp_stats_t *out);

/* ---- the fixed-size free list ---- */
typedef struct mbf_freelist {
  void *head;           /* freed blocks, LIFO; the first word of each links to the next */
  char *cur, *end;      /* the uncarved rest of the newest chunk */
  void *chunks;         /* chunks, linked through their first 16 bytes */
  size_t block;         /* block size, a multiple of MB_ALLOC_ALIGN */
  size_t chunk_bytes;
  size_t in_use;        /* blocks handed out and not freed */
  size_t nchunks;
  int flags;
  pthread_mutex_t lock;
} mbf_freelist_t;

/* block: the one size served (rounded up to 16; at least 16). chunk_bytes: bytes mapped at
 * a time (0: 64 KiB, or 16 blocks where that is more); a chunk of fewer than 16 blocks, or
 * over SIZE_MAX / 4, is refused (-1, EINVAL). */
int mbf_init(mbf_freelist_t *fl, size_t block, size_t chunk_bytes, int flags);
void mbf_destroy(mbf_freelist_t *fl);
void *mbf_alloc_slow(mbf_freelist_t *fl);
void mbf_free_checked(mbf_freelist_t *fl, void *p);
void *mbf_alloc_locked(mbf_freelist_t *fl);
void mbf_free_locked(mbf_freelist_t *fl, void *p);

/* The fast paths, inline: a pop and a push. */
static inline void *mbf_alloc(mbf_freelist_t *fl) {
#ifndef MB_ALLOC_DEBUG
  void *p = fl->head;
  if (__builtin_expect(p != NULL && !fl->flags, 1)) {
    fl->head = *(void **)p;
    fl->in_use++;
    return p;
  }
#endif
  return fl->flags ? mbf_alloc_locked(fl) : mbf_alloc_slow(fl);
}
static inline void mbf_free(mbf_freelist_t *fl, void *p) {
#ifndef MB_ALLOC_DEBUG
  if (__builtin_expect(p != NULL && !fl->flags, 1)) {
    *(void **)p = fl->head;
    fl->head = p;
    fl->in_use--;
    return;
  }
#endif
  if (fl->flags) mbf_free_locked(fl, p);
  else mbf_free_checked(fl, p);
}

/* ---- the bump (region) allocator ---- */
typedef struct mbb_region {
  char *cur, *end;          /* the rest of the current chunk */
  void *chunks;             /* chunks, newest first, linked through their first 16 bytes */
  size_t chunk_bytes;       /* default chunk size */
  size_t nchunks;
  uint64_t allocs;
  uint64_t bytes_requested, bytes_handed_out; /* since the last reset */
} mbb_region_t;

/* chunk_bytes: size of each chunk (0: 1 MiB); larger requests get a chunk of their own. */
int mbb_init(mbb_region_t *r, size_t chunk_bytes);
/* Free every block at once; the first chunk is kept for reuse. */
void mbb_reset(mbb_region_t *r);
void mbb_destroy(mbb_region_t *r);
void *mbb_alloc_slow(mbb_region_t *r, size_t n);
static inline void *mbb_alloc(mbb_region_t *r, size_t n) {
  size_t sz = (n + MB_ALLOC_ALIGN - 1) & ~(size_t)(MB_ALLOC_ALIGN - 1);
  if (__builtin_expect(sz - 1 < (size_t)(r->end - r->cur), 1)) { /* n > 0 and it fits */
    char *p = r->cur;
    r->cur = p + sz;
    r->allocs++;
    r->bytes_requested += n;
    r->bytes_handed_out += sz;
    return p;
  }
  return mbb_alloc_slow(r, n);
}
/* A region frees nothing block by block: kept so code can treat it as an allocator. */
static inline void mbb_free(mbb_region_t *r, void *p) {
  (void)r;
  (void)p;
}

#ifdef __cplusplus
}
#endif
#endif /* MBALLOC_H */
