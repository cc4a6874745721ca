/*
 * pool.c: the pool allocator of mballoc.h (mbp_*): arenas, pools, size classes, the debug checks.
 *
 * Pool layout (as pymalloc's): an arena is MBP_ARENA_SIZE bytes mapped at an address that is
 * a multiple of MBP_ARENA_SIZE, so the arena of any pointer is found by masking; its pools are
 * carved one at a time. A pool starts with its header; blocks follow, carved lazily (the free
 * list starts with one block and grows by one each time it runs dry, so a fresh pool is not
 * written to before it is used). A pool with a free block sits in used[class]; a full pool is
 * in no list; an empty pool goes back to its arena's free pools, except when it is the only
 * pool of its class (so that an alloc/free pair does not carve a pool each time).
 *
 * Whether a pointer belongs to the pool allocator (or was passed on to malloc) is decided by
 * looking its arena number up in a hash set, never by reading memory the allocator does not
 * own (pymalloc's address_in_range reads a word that may not belong to it; valgrind objects).
 */
#include "internal.h"

#define ARENA_SHIFT 18
_Static_assert((1u << ARENA_SHIFT) == MBP_ARENA_SIZE, "ARENA_SHIFT matches MBP_ARENA_SIZE");
_Static_assert(MBP_ARENA_SIZE % MBP_POOL_SIZE == 0, "an arena holds whole pools");
_Static_assert(MBP_SMALL_MAX % MBP_ALIGNMENT == 0, "classes end at MBP_SMALL_MAX");
_Static_assert(MBP_ALIGNMENT % MB_ALLOC_ALIGN == 0, "class sizes keep blocks aligned");
_Static_assert(MBP_ARENA_SHIFT == ARENA_SHIFT, "one arena shift");

/* A set of words (the arenas the pool owns): open addressing, linear probing, deletion by
 * backward shift; 0 is the empty slot. */

typedef struct wordset {
  uintptr_t *slot;
  size_t cap, count; /* cap: a power of two, at least twice count */
} wordset_t;

static inline size_t ws_hash(uintptr_t k, size_t cap) {
  return (size_t)((k * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

static int ws_contains(const uintptr_t *slot, size_t cap, uintptr_t k) {
  if (!cap) return 0;
  for (size_t i = ws_hash(k, cap);; i = (i + 1) & (cap - 1)) {
    if (slot[i] == k) return 1;
    if (!slot[i]) return 0;
  }
}

static int ws_insert(uintptr_t **slotp, size_t *capp, size_t *countp, uintptr_t k) {
  if (2 * (*countp + 1) > *capp) {
    size_t ncap = *capp ? 2 * *capp : 64;
    uintptr_t *ns = calloc(ncap, sizeof *ns);
    if (!ns) return -1;
    for (size_t i = 0; i < *capp; i++) {
      uintptr_t v = (*slotp)[i];
      if (!v) continue;
      size_t j = ws_hash(v, ncap);
      while (ns[j]) j = (j + 1) & (ncap - 1);
      ns[j] = v;
    }
    free(*slotp);
    *slotp = ns;
    *capp = ncap;
  }
  size_t i = ws_hash(k, *capp);
  while ((*slotp)[i]) i = (i + 1) & (*capp - 1);
  (*slotp)[i] = k;
  (*countp)++;
  return 0;
}

static int ws_remove(uintptr_t *slot, size_t cap, size_t *countp, uintptr_t k) {
  if (!cap) return 0;
  size_t i = ws_hash(k, cap);
  while (slot[i] != k) {
    if (!slot[i]) return 0;
    i = (i + 1) & (cap - 1);
  }
  /* Backward shift: move later members of the cluster into the hole when they may. */
  size_t j = i;
  for (;;) {
    slot[i] = 0;
    for (;;) {
      j = (j + 1) & (cap - 1);
      if (!slot[j]) {
        (*countp)--;
        return 1;
      }
      size_t h = ws_hash(slot[j], cap);
      /* slot[j] may move to i when its home h is not in (i, j] (cyclically). */
      if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) break;
    }
    slot[i] = slot[j];
    i = j;
  }
}

#define CLASS_NONE UINT32_MAX
#define LIVE_BYTES MBP_LIVE_BYTES

#define POOL_OVERHEAD ROUND16(sizeof(mbp_pool_hdr))

struct mbp_arena {
  uintptr_t base;
  unsigned nfreepools;              /* pools in freepools plus pools not carved yet */
  unsigned ncarved;
  mbp_pool_hdr *freepools;
  struct mbp_arena *next, *prev;    /* every arena */
  struct mbp_arena *unext, *uprev;  /* arenas with nfreepools > 0 */
};

static inline uint32_t class_of(size_t n) { return (uint32_t)((n - 1) / MBP_ALIGNMENT); }
static inline size_t class_size(uint32_t c) { return (size_t)(c + 1) * MBP_ALIGNMENT; }

static inline int in_arenas(mbp_pool_t *a, const void *p) {
  uintptr_t k = (uintptr_t)p >> ARENA_SHIFT;
  if (LIKELY(k == a->last_arena)) return 1;
  if (!ws_contains(a->set, a->set_cap, k)) return 0;
  a->last_arena = k;
  if (!a->flags) a->fast_arena = k;
  return 1;
}

static void lock(mbp_pool_t *a) {
  if (a->flags & MB_ALLOC_LOCKED) pthread_mutex_lock(&a->lock);
}
static void unlock(mbp_pool_t *a) {
  if (a->flags & MB_ALLOC_LOCKED) pthread_mutex_unlock(&a->lock);
}

int mbp_pool_init(mbp_pool_t *a, int flags) {
  if (flags & ~(MB_ALLOC_LOCKED | MBP_STATS)) {
    errno = EINVAL;
    return -1;
  }
  memset(a, 0, sizeof *a);
  a->flags = flags;
  a->fast_max = flags ? 0 : MBP_SMALL_MAX; /* locked or counted: every call takes the slow path */
  a->fast_arena = UINTPTR_MAX;
  return mba_init_lock(&a->lock, flags);
}

/* The usable list: arenas that can give a pool. */
static void usable_link(mbp_pool_t *a, struct mbp_arena *ar) {
  ar->uprev = NULL;
  ar->unext = a->usable;
  if (a->usable) a->usable->uprev = ar;
  a->usable = ar;
}
static void usable_unlink(mbp_pool_t *a, struct mbp_arena *ar) {
  if (ar->uprev) ar->uprev->unext = ar->unext;
  else a->usable = ar->unext;
  if (ar->unext) ar->unext->uprev = ar->uprev;
  ar->unext = ar->uprev = NULL;
}

static struct mbp_arena *arena_new(mbp_pool_t *a) {
  struct mbp_arena *ar = calloc(1, sizeof *ar);
  if (!ar) return NULL;
  /* Map twice the size and keep the aligned arena inside it. */
  char *raw = mba_map(2 * MBP_ARENA_SIZE);
  if (!raw) {
    free(ar);
    return NULL;
  }
  uintptr_t base = ((uintptr_t)raw + MBP_ARENA_SIZE - 1) & ~(uintptr_t)(MBP_ARENA_SIZE - 1);
  size_t head = base - (uintptr_t)raw, tail = MBP_ARENA_SIZE - head;
  if (head) munmap(raw, head);
  if (tail) munmap((char *)base + MBP_ARENA_SIZE, tail);
  if (ws_insert(&a->set, &a->set_cap, &a->set_count, base >> ARENA_SHIFT)) {
    munmap((void *)base, MBP_ARENA_SIZE);
    free(ar);
    errno = ENOMEM;
    return NULL;
  }
  ar->base = base;
  ar->nfreepools = MBP_POOLS_PER_ARENA;
  ar->next = a->arenas;
  if (a->arenas) a->arenas->prev = ar;
  a->arenas = ar;
  usable_link(a, ar);
  if (++a->narenas > a->narenas_peak) a->narenas_peak = a->narenas;
  return ar;
}

static void arena_unmap(mbp_pool_t *a, struct mbp_arena *ar) {
  usable_unlink(a, ar);
  if (ar->prev) ar->prev->next = ar->next;
  else a->arenas = ar->next;
  if (ar->next) ar->next->prev = ar->prev;
  ws_remove(a->set, a->set_cap, &a->set_count, ar->base >> ARENA_SHIFT);
  if (a->last_arena == ar->base >> ARENA_SHIFT) a->last_arena = 0;
  if (a->fast_arena == ar->base >> ARENA_SHIFT) a->fast_arena = UINTPTR_MAX;
  munmap((void *)ar->base, MBP_ARENA_SIZE);
  free(ar);
  a->narenas--;
  a->narenas_unmapped++;
}

static size_t empty_arenas(mbp_pool_t *a) {
  size_t n = 0;
  for (struct mbp_arena *ar = a->usable; ar; ar = ar->unext) n += ar->nfreepools == MBP_POOLS_PER_ARENA;
  return n;
}

static void used_unlink(mbp_pool_t *a, mbp_pool_hdr *pool) {
  if (pool->prev) pool->prev->next = pool->next;
  else a->used[pool->cls] = pool->next;
  if (pool->next) pool->next->prev = pool->prev;
  pool->next = pool->prev = NULL;
}
static void used_link_front(mbp_pool_t *a, mbp_pool_hdr *pool) {
  mbp_pool_hdr *head = a->used[pool->cls];
  pool->prev = NULL;
  pool->next = head;
  if (head) head->prev = pool;
  a->used[pool->cls] = pool;
}

/* An empty pool goes back to its arena; an arena left with nothing goes back to the OS
 * unless it is the only empty one. */
static void pool_release(mbp_pool_t *a, mbp_pool_hdr *pool) {
  struct mbp_arena *ar = pool->arena;
  used_unlink(a, pool);
  pool->cls = CLASS_NONE;
  pool->next = ar->freepools;
  ar->freepools = pool;
  if (ar->nfreepools++ == 0) usable_link(a, ar);
  if (ar->nfreepools == MBP_POOLS_PER_ARENA && empty_arenas(a) > MBP_KEEP_EMPTY_ARENAS) arena_unmap(a, ar);
}

#ifdef MB_ALLOC_DEBUG
static inline unsigned block_index(const mbp_pool_hdr *pool, const void *p) {
  return (unsigned)(((uintptr_t)p - (uintptr_t)pool - POOL_OVERHEAD) / class_size(pool->cls));
}
#define LIVE_SET(pool, p) ((pool)->live[block_index(pool, p) / 8] |= (uint8_t)(1u << (block_index(pool, p) % 8)))
#else
#define LIVE_SET(pool, p) ((void)0)
#endif

/* A pool for class c: a free pool of a usable arena, or a new arena. */
static void *alloc_new_pool(mbp_pool_t *a, uint32_t c) {
  struct mbp_arena *ar = a->usable;
  if (!ar && !(ar = arena_new(a))) return NULL;
  mbp_pool_hdr *pool = ar->freepools;
  if (pool) ar->freepools = pool->next;
  else pool = (mbp_pool_hdr *)(ar->base + (uintptr_t)ar->ncarved++ * MBP_POOL_SIZE);
  if (--ar->nfreepools == 0) usable_unlink(a, ar);
  const size_t size = class_size(c);
  memset(pool, 0, POOL_OVERHEAD);
  pool->arena = ar;
  pool->cls = c;
  pool->ref = 1;
  char *first = (char *)pool + POOL_OVERHEAD;
  pool->nextoffset = (uint32_t)(POOL_OVERHEAD + 2 * size);
  pool->maxnextoffset = (uint32_t)(MBP_POOL_SIZE - size);
  /* The second block starts the free list (every class fits at least two blocks). */
  pool->freeblock = first + size;
  *(void **)pool->freeblock = NULL;
  used_link_front(a, pool);
  LIVE_SET(pool, first);
  return first;
}

static void *small_alloc(mbp_pool_t *a, size_t n) {
  const uint32_t c = class_of(n);
  mbp_pool_hdr *pool = a->used[c];
  const int counted = a->flags & MBP_STATS;
  if (counted) a->class_allocs[c]++, a->requested += n;
  if (LIKELY(pool != NULL)) {
    void *bp = pool->freeblock;
    pool->ref++;
    LIVE_SET(pool, bp);
    if (LIKELY((pool->freeblock = *(void **)bp) != NULL)) return bp;
    if (pool->nextoffset <= pool->maxnextoffset) { /* carve one more block */
      pool->freeblock = (char *)pool + pool->nextoffset;
      pool->nextoffset += (uint32_t)class_size(c);
      *(void **)pool->freeblock = NULL;
      return bp;
    }
    used_unlink(a, pool); /* full */
    return bp;
  }
  void *p = alloc_new_pool(a, c);
  if (!p && counted) {
    a->class_allocs[c]--;
    a->requested -= n;
  }
  return p;
}

static void *large_alloc(mbp_pool_t *a, size_t n) {
  void *p = malloc(n);
  if (!p) return NULL;
#ifdef MB_ALLOC_DEBUG
  wordset_t *ls = a->large;
  if (!ls && !(ls = a->large = calloc(1, sizeof *ls))) {
    free(p);
    return NULL;
  }
  if (ws_insert(&ls->slot, &ls->cap, &ls->count, (uintptr_t)p)) {
    free(p);
    return NULL;
  }
  wordset_t *fs = a->large_freed; /* handed out again: no longer a freed block */
  if (fs) ws_remove(fs->slot, fs->cap, &fs->count, (uintptr_t)p);
#endif
  a->large_allocs++;
  return p;
}

static void *alloc_unlocked(mbp_pool_t *a, size_t n) {
  if (n == 0) n = 1;
  return LIKELY(n <= MBP_SMALL_MAX) ? small_alloc(a, n) : large_alloc(a, n);
}

void *mbp_alloc_slow(mbp_pool_t *a, size_t n) {
  if (LIKELY(!a->flags)) return alloc_unlocked(a, n);
  lock(a);
  void *p = alloc_unlocked(a, n);
  unlock(a);
  return p;
}

/* Debug checks of a small block being freed; 0 when it may be freed. */
static int check_small_free(mbp_pool_t *a, mbp_pool_hdr *pool, const void *p) {
#ifdef MB_ALLOC_DEBUG
  struct mbp_arena *ar = NULL;
  for (struct mbp_arena *x = a->arenas; x; x = x->next)
    if (x->base == ((uintptr_t)p & ~(uintptr_t)(MBP_ARENA_SIZE - 1))) ar = x;
  unsigned idx = (unsigned)(((uintptr_t)pool - ar->base) / MBP_POOL_SIZE);
  size_t off = (uintptr_t)p - (uintptr_t)pool;
  if (idx >= ar->ncarved || pool->cls == CLASS_NONE) {
    mba_error_handler(MB_ALLOC_FOREIGN, "pool", p);
    return -1;
  }
  size_t size = class_size(pool->cls);
  if (off < POOL_OVERHEAD || (off - POOL_OVERHEAD) % size || off >= pool->nextoffset) {
    mba_error_handler(MB_ALLOC_INTERIOR, "pool", p);
    return -1;
  }
  unsigned b = block_index(pool, p);
  if (!(pool->live[b / 8] & (1u << (b % 8)))) {
    mba_error_handler(MB_ALLOC_DOUBLE_FREE, "pool", p);
    return -1;
  }
  pool->live[b / 8] &= (uint8_t) ~(1u << (b % 8));
#else
  (void)a, (void)pool, (void)p;
#endif
  return 0;
}

static void large_free(mbp_pool_t *a, void *p) {
#ifdef MB_ALLOC_DEBUG
  wordset_t *ls = a->large, *fs = a->large_freed;
  if (!ls || !ws_remove(ls->slot, ls->cap, &ls->count, (uintptr_t)p)) {
    /* A large block freed before and not handed out since is a double free, not a stranger. */
    int twice = fs && ws_contains(fs->slot, fs->cap, (uintptr_t)p);
    mba_error_handler(twice ? MB_ALLOC_DOUBLE_FREE : MB_ALLOC_FOREIGN, "pool", p);
    return;
  }
  if (!fs) fs = a->large_freed = calloc(1, sizeof *fs);
  if (fs && fs->count >= 65536) fs->count = 0, memset(fs->slot, 0, fs->cap * sizeof *fs->slot); /* bounded */
  if (fs) ws_insert(&fs->slot, &fs->cap, &fs->count, (uintptr_t)p);
#endif
  a->large_frees++;
  free(p);
}

#ifdef MB_ALLOC_DEBUG
/* Debug builds hold the last MBP_QUARANTINE freed small blocks back before they return to
 * their pools (as AddressSanitizer's quarantine does): a block is not handed out again, and
 * its pool not emptied and reused for another class, while it waits. A double free within
 * that window then finds the block's live bit clear, where it used to find the live bit of
 * whatever the reused pool had put at that address and free it under its new owner (the
 * next allocation handed one block to two owners). Stats, trim and destroy release it first. */
#define MBP_QUARANTINE 1024
typedef struct quarantine {
  void *slot[MBP_QUARANTINE];
  size_t head, count;
} quarantine_t;

/* p joins the quarantine: 1 when it is held and nothing leaves; 0 with *out the block to
 * release now (the oldest, or p itself when there is no quarantine). */
static int quarantine_put(mbp_pool_t *a, void *p, void **out) {
  quarantine_t *q = a->quarantine;
  if (!q && !(q = a->quarantine = calloc(1, sizeof *q))) return *out = p, 0;
  if (q->count < MBP_QUARANTINE) {
    q->slot[(q->head + q->count++) % MBP_QUARANTINE] = p;
    return 1;
  }
  *out = q->slot[q->head];
  q->slot[q->head] = p;
  q->head = (q->head + 1) % MBP_QUARANTINE;
  return 0;
}
#endif

static void release_small(mbp_pool_t *a, void *p);

static void quarantine_flush(mbp_pool_t *a) {
#ifdef MB_ALLOC_DEBUG
  quarantine_t *q = a->quarantine;
  while (q && q->count) {
    void *o = q->slot[q->head];
    q->head = (q->head + 1) % MBP_QUARANTINE;
    q->count--;
    release_small(a, o);
  }
#else
  (void)a;
#endif
}

static void free_unlocked(mbp_pool_t *a, void *p) {
  if (UNLIKELY(!p)) return;
  if (UNLIKELY(!in_arenas(a, p))) {
    large_free(a, p);
    return;
  }
  if (check_small_free(a, mbp_pool_of(p), p)) return;
#ifdef MB_ALLOC_DEBUG
  if (quarantine_put(a, p, &p)) return;
#endif
  release_small(a, p);
}

/* A small block back to its pool (checked, and out of the quarantine in debug builds). */
static void release_small(mbp_pool_t *a, void *p) {
  mbp_pool_hdr *pool = mbp_pool_of(p);
  void *last = pool->freeblock;
  *(void **)p = last;
  pool->freeblock = p;
  if (UNLIKELY(!last)) used_link_front(a, pool); /* it was full */
  /* Keep the only pool of its class (an alloc/free pair would otherwise carve a pool each
   * time); release the others. */
  if (UNLIKELY(--pool->ref == 0)) mbp_pool_emptied(a, pool);
}

void mbp_free_slow(mbp_pool_t *a, void *p) {
  if (LIKELY(!a->flags)) {
    free_unlocked(a, p);
    return;
  }
  lock(a);
  free_unlocked(a, p);
  unlock(a);
}

void mbp_pool_emptied(mbp_pool_t *a, struct mbp_pool_hdr *pool) {
  if (a->used[pool->cls] != pool || pool->next) pool_release(a, pool);
}

static size_t usable_unlocked(mbp_pool_t *a, const void *p) {
  if (in_arenas(a, p)) return class_size(mbp_pool_of(p)->cls);
#ifdef MB_ALLOC_DEBUG
  wordset_t *ls = a->large; /* malloc_usable_size of a stranger's pointer reads garbage */
  if (!ls || !ws_contains(ls->slot, ls->cap, (uintptr_t)p)) {
    mba_error_handler(MB_ALLOC_FOREIGN, "pool", p);
    return 0;
  }
#endif
  return malloc_usable_size((void *)p);
}

size_t mbp_usable_size(mbp_pool_t *a, const void *p) {
  if (!p) return 0;
  lock(a);
  size_t n = usable_unlocked(a, p);
  unlock(a);
  return n;
}

void *mbp_calloc(mbp_pool_t *a, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = mbp_alloc(a, n * size);
  if (p) memset(p, 0, n * size);
  return p;
}

void *mbp_realloc(mbp_pool_t *a, void *p, size_t n) {
  if (!p) return mbp_alloc(a, n);
  if (n == 0) n = 1;
  lock(a);
  void *q = NULL;
  if (in_arenas(a, p)) {
    size_t old = class_size(mbp_pool_of(p)->cls);
    if (n <= MBP_SMALL_MAX && mbp_block_size(n) == old) {
      q = p; /* same class: the block already fits */
    } else if ((q = alloc_unlocked(a, n))) {
      memcpy(q, p, old < n ? old : n);
      free_unlocked(a, p);
    }
  } else {
#ifdef MB_ALLOC_DEBUG
    /* Not one of its blocks: said before anything is read from it. */
    wordset_t *ls = a->large;
    if (!ls || !ws_contains(ls->slot, ls->cap, (uintptr_t)p)) {
      mba_error_handler(MB_ALLOC_FOREIGN, "pool", p);
      unlock(a);
      return NULL;
    }
#endif
    if (n <= MBP_SMALL_MAX) {
      if ((q = alloc_unlocked(a, n))) {
        memcpy(q, p, n); /* large to small: n is the smaller */
        free_unlocked(a, p);
      }
    } else {
      q = realloc(p, n);
#ifdef MB_ALLOC_DEBUG
      if (q && q != p) {
        ws_remove(ls->slot, ls->cap, &ls->count, (uintptr_t)p);
        ws_insert(&ls->slot, &ls->cap, &ls->count, (uintptr_t)q); /* room: one was removed */
      }
#endif
    }
  }
  unlock(a);
  return q;
}

size_t mbp_pool_trim(mbp_pool_t *a) {
  lock(a);
  quarantine_flush(a);
  for (uint32_t c = 0; c < MBP_NCLASSES; c++) {
    mbp_pool_hdr *pool = a->used[c];
    while (pool) {
      mbp_pool_hdr *next = pool->next;
      if (!pool->ref) pool_release(a, pool);
      pool = next;
    }
  }
  size_t n = 0;
  for (struct mbp_arena *ar = a->usable, *next; ar; ar = next) {
    next = ar->unext;
    if (ar->nfreepools == MBP_POOLS_PER_ARENA) {
      arena_unmap(a, ar);
      n++;
    }
  }
  unlock(a);
  return n;
}

/* The fast paths keep no counters; a pool made with MBP_STATS counts allocations per class
 * and bytes requested (in the slow path, which its every call takes), and the rest is derived
 * here: frees = allocations - blocks still in use. */
void mbp_pool_stats(mbp_pool_t *a, mbp_stats_t *out) {
  lock(a);
  quarantine_flush(a);
  memset(out, 0, sizeof *out);
  out->arenas = a->narenas;
  out->arenas_peak = a->narenas_peak;
  out->arenas_unmapped = a->narenas_unmapped;
  for (struct mbp_arena *ar = a->arenas; ar; ar = ar->next) {
    for (unsigned i = 0; i < ar->ncarved; i++) {
      const mbp_pool_hdr *pool = (const mbp_pool_hdr *)(ar->base + (uintptr_t)i * MBP_POOL_SIZE);
      if (pool->cls == CLASS_NONE || pool->ref == 0) {
        out->pools_empty++;
        continue;
      }
      out->pools_in_use++;
      out->blocks_in_use[pool->cls] += pool->ref;
      out->block_bytes_in_use += pool->ref * class_size(pool->cls);
    }
  }
  uint64_t small_allocs = 0, live = 0;
  for (uint32_t c = 0; c < MBP_NCLASSES; c++) {
    small_allocs += a->class_allocs[c];
    live += out->blocks_in_use[c];
    out->bytes_handed_out += a->class_allocs[c] * class_size(c);
  }
  out->large_in_use = a->large_allocs - a->large_frees;
  out->counted = (a->flags & MBP_STATS) != 0;
  if (out->counted) {
    out->bytes_requested = a->requested;
    out->allocs = small_allocs + a->large_allocs;
    out->frees = small_allocs - live + a->large_frees;
  } else {
    out->bytes_handed_out = 0;
  }
  unlock(a);
}

void mbp_pool_destroy(mbp_pool_t *a) {
#ifdef MB_ALLOC_DEBUG
  wordset_t *ls = a->large, *fs = a->large_freed;
  if (ls) {
    for (size_t i = 0; i < ls->cap; i++)
      if (ls->slot[i]) free((void *)ls->slot[i]);
    free(ls->slot);
    free(ls);
  }
  if (fs) {
    free(fs->slot);
    free(fs);
  }
  a->large = a->large_freed = NULL;
  free(a->quarantine); /* its blocks go with their arenas */
#endif
  while (a->arenas) {
    struct mbp_arena *ar = a->arenas;
    a->arenas = ar->next;
    munmap((void *)ar->base, MBP_ARENA_SIZE);
    free(ar);
  }
  free(a->set);
  if (a->flags & MB_ALLOC_LOCKED) pthread_mutex_destroy(&a->lock);
  memset(a, 0, sizeof *a);
}
