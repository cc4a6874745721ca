/*
 * test_alloc.c: unit tests of the allocator library (alloc/): size classes, alignment,
 * pools and arenas, statistics, realloc, arenas given back, the free list, the bump region,
 * the locked mode from two threads, and (in a debug build) invalid frees detected.
 */
#include <pthread.h>
#include <stdint.h>

#include "mballoc.h"
#include "testutil.h"

static struct {
  int n;
  mb_alloc_error_t what;
  const void *ptr;
  char who[16];
} errs;

static void record(mb_alloc_error_t what, const char *allocator, const void *ptr) {
  errs.n++;
  errs.what = what;
  errs.ptr = ptr;
  snprintf(errs.who, sizeof errs.who, "%s", allocator);
}

static size_t live_blocks(const mbp_stats_t *s) {
  size_t n = 0;
  for (int c = 0; c < MBP_NCLASSES; c++) n += s->blocks_in_use[c];
  return n;
}

static void test_classes(void) {
  CHECK_EQ_INT(MBP_NCLASSES, 32);
  CHECK_EQ_INT(mbp_block_size(1), 16);
  CHECK_EQ_INT(mbp_block_size(16), 16);
  CHECK_EQ_INT(mbp_block_size(20), 32); /* the lesson's example, with 16-byte steps */
  CHECK_EQ_INT(mbp_block_size(512), 512);
  mbp_pool_t p;
  CHECK(mbp_pool_init(&p, MBP_STATS) == 0); /* counted: allocs and bytes below */
  for (size_t n = 1; n <= 600; n++) {
    void *b = mbp_alloc(&p, n);
    CHECK(b != NULL);
    CHECK(((uintptr_t)b & 15) == 0);
    size_t u = mbp_usable_size(&p, b);
    CHECK(u >= n);
    if (n <= MBP_SMALL_MAX) CHECK_EQ_INT(u, mbp_block_size(n));
    memset(b, 0xab, n);
    mbp_free(&p, b);
  }
  mbp_stats_t s;
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(live_blocks(&s), 0);
  CHECK_EQ_INT(s.large_in_use, 0);
  CHECK_EQ_INT(s.allocs, 600);
  CHECK_EQ_INT(s.frees, 600);
  CHECK_EQ_INT(s.bytes_requested, 512 * 513 / 2); /* small requests only */
  /* n == 0 is a unique, usable pointer. */
  void *z1 = mbp_alloc(&p, 0), *z2 = mbp_alloc(&p, 0);
  CHECK(z1 && z2 && z1 != z2);
  mbp_free(&p, z1);
  mbp_free(&p, z2);
  mbp_free(&p, NULL);
  mbp_pool_destroy(&p);
  /* Uncounted (the fast paths): the walkable figures, no call counts. */
  CHECK(mbp_pool_init(&p, 0) == 0);
  void *kept[100];
  for (int i = 0; i < 100; i++) kept[i] = mbp_alloc(&p, 24);
  for (int i = 0; i < 50; i++) mbp_free(&p, kept[i]);
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(s.counted, 0);
  CHECK_EQ_INT(live_blocks(&s), 50);
  CHECK(s.allocs == 0 && s.frees == 0 && s.bytes_requested == 0 && s.bytes_handed_out == 0);
  for (int i = 50; i < 100; i++) mbp_free(&p, kept[i]);
  mbp_pool_destroy(&p);
  CHECK(mbp_pool_init(&p, 42) == -1 && errno == EINVAL);
}

/* Blocks of one class fill pools of one page; pools fill arenas of 64 pools; freeing them
 * all gives every arena but one back at once, and trim gives the last one back. */
static void test_pools_and_arenas(void) {
  mbp_pool_t p;
  CHECK(mbp_pool_init(&p, 0) == 0);
  enum { N = 20000 };
  static void *b[N];
  for (int i = 0; i < N; i++) {
    b[i] = mbp_alloc(&p, 64);
    CHECK(b[i] != NULL);
    memset(b[i], i & 0xff, 64);
  }
  mbp_stats_t s;
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(s.blocks_in_use[3], N);
  CHECK_EQ_INT(s.block_bytes_in_use, (size_t)N * 64);
  /* A pool holds (4096 - header) / 64 blocks. */
  size_t per_pool = (MBP_POOL_SIZE - 64) / 64 + 1; /* header <= 64 bytes: at least 63 blocks */
  CHECK(s.pools_in_use >= (N + per_pool - 1) / per_pool - 1);
  CHECK(s.pools_in_use <= N / 60 + 1);
  CHECK(s.arenas >= s.pools_in_use / MBP_POOLS_PER_ARENA);
  CHECK_EQ_INT(s.arenas, s.arenas_peak);
  size_t peak = s.arenas;
  CHECK(peak >= 5);
  /* Every block in its pool's page, no two alike. */
  for (int i = 0; i < N; i++) CHECK(((unsigned char *)b[i])[63] == (i & 0xff));
  for (int i = 0; i < N; i += 2) mbp_free(&p, b[i]); /* half: pools stay in use */
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(s.blocks_in_use[3], N / 2);
  CHECK_EQ_INT(s.arenas, peak);
  for (int i = 1; i < N; i += 2) mbp_free(&p, b[i]);
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(live_blocks(&s), 0);
  CHECK_EQ_INT(s.pools_in_use, 0);
  CHECK(s.arenas <= MBP_KEEP_EMPTY_ARENAS + 1); /* one kept empty, one holding the kept pool */
  CHECK_EQ_INT(s.arenas_unmapped + s.arenas, peak);
  mbp_pool_trim(&p);
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(s.arenas, 0);
  CHECK_EQ_INT(s.arenas_unmapped, peak);
  /* Reuse after trim. */
  void *again = mbp_alloc(&p, 64);
  CHECK(again != NULL);
  mbp_free(&p, again);
  mbp_pool_destroy(&p);
}

static void test_realloc(void) {
  mbp_pool_t p;
  CHECK(mbp_pool_init(&p, 0) == 0);
  char *a = mbp_realloc(&p, NULL, 20);
  CHECK(a != NULL);
  memcpy(a, "0123456789012345678", 20);
  CHECK(mbp_realloc(&p, a, 30) == a); /* same 32-byte class */
  char *b = mbp_realloc(&p, a, 100);   /* another class: moved, contents kept */
  CHECK(b != NULL && !memcmp(b, "0123456789012345678", 20));
  char *c = mbp_realloc(&p, b, 5000); /* to malloc */
  CHECK(c != NULL && !memcmp(c, "0123456789012345678", 20));
  CHECK(mbp_usable_size(&p, c) >= 5000);
  memset(c + 20, 'x', 4980);
  char *d = mbp_realloc(&p, c, 9000); /* stays with malloc */
  CHECK(d != NULL && d[4999] == 'x' && !memcmp(d, "0123456789012345678", 20));
  char *e = mbp_realloc(&p, d, 10); /* back to a pool */
  CHECK(e != NULL && !memcmp(e, "0123456789", 10) && mbp_usable_size(&p, e) == 16);
  mbp_stats_t s;
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(live_blocks(&s), 1);
  CHECK_EQ_INT(s.large_in_use, 0);
  mbp_free(&p, e);
  mbp_pool_destroy(&p);
}

static void test_freelist(void) {
  mbf_freelist_t f;
  CHECK(mbf_init(&f, 0, 0, 0) == -1 && errno == EINVAL);
  CHECK(mbf_init(&f, 24, 8192, 0) == 0);
  CHECK_EQ_INT(f.block, 32);
  enum { N = 5000 };
  static void *b[N];
  for (int i = 0; i < N; i++) {
    b[i] = mbf_alloc(&f);
    CHECK(b[i] && ((uintptr_t)b[i] & 15) == 0);
    memset(b[i], i & 0xff, 32);
  }
  CHECK_EQ_INT(f.in_use, N);
  CHECK(f.nchunks >= N * 32 / 8192);
  for (int i = 0; i < N; i++) CHECK(((unsigned char *)b[i])[31] == (i & 0xff));
  void *last = b[N - 1];
  for (int i = 0; i < N; i++) mbf_free(&f, b[i]);
  CHECK_EQ_INT(f.in_use, 0);
  CHECK(mbf_alloc(&f) == last); /* LIFO */
  mbf_destroy(&f);
}

static void test_bump(void) {
  mbb_region_t r;
  CHECK(mbb_init(&r, 100) == -1 && errno == EINVAL);
  CHECK(mbb_init(&r, 8192) == 0);
  char *prev = NULL;
  for (int i = 1; i <= 1000; i++) {
    char *q = mbb_alloc(&r, (size_t)i % 100);
    CHECK(q && ((uintptr_t)q & 15) == 0);
    if (prev && q > prev) CHECK(q - prev >= 16);
    memset(q, 1, (size_t)i % 100);
    prev = q;
  }
  CHECK(r.nchunks > 1);
  char *big = mbb_alloc(&r, 100000); /* a chunk of its own */
  CHECK(big && ((uintptr_t)big & 15) == 0);
  memset(big, 2, 100000);
  CHECK(r.bytes_handed_out >= r.bytes_requested);
  mbb_reset(&r);
  CHECK_EQ_INT(r.nchunks, 1);
  CHECK_EQ_INT(r.bytes_requested, 0);
  char *again = mbb_alloc(&r, 16);
  CHECK(again != NULL);
  mbb_free(&r, again); /* does nothing */
  mbb_destroy(&r);
  CHECK_EQ_INT(r.nchunks, 0);
}

/* Locked mode: one thread allocates, another frees, through the same objects. */
enum { RING = 256, HANDOFF = 200000 };
static struct {
  void *slot[RING];
  volatile unsigned head, tail;
  mbp_pool_t pool;
  mbf_freelist_t fl;
  int use_fl;
} xfer;

static void *consumer(void *arg) {
  (void)arg;
  for (unsigned i = 0; i < HANDOFF; i++) {
    while (__atomic_load_n(&xfer.tail, __ATOMIC_ACQUIRE) == i) sched_yield();
    void *b = xfer.slot[i % RING];
    if (*(unsigned *)b != i) abort();
    if (xfer.use_fl) mbf_free(&xfer.fl, b);
    else mbp_free(&xfer.pool, b);
    __atomic_store_n(&xfer.head, i + 1, __ATOMIC_RELEASE);
  }
  return NULL;
}

static void test_locked(int use_fl) {
  memset((void *)&xfer, 0, sizeof xfer);
  xfer.use_fl = use_fl;
  CHECK(mbp_pool_init(&xfer.pool, MB_ALLOC_LOCKED | MBP_STATS) == 0); /* counted: allocs == frees below */
  CHECK(mbf_init(&xfer.fl, 48, 0, MB_ALLOC_LOCKED) == 0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, consumer, NULL) == 0);
  int fails = 0;
  for (unsigned i = 0; i < HANDOFF; i++) {
    while (i - __atomic_load_n(&xfer.head, __ATOMIC_ACQUIRE) >= RING) sched_yield();
    unsigned *b = use_fl ? mbf_alloc(&xfer.fl) : mbp_alloc(&xfer.pool, 16 + (i % 8) * 16);
    fails += b == NULL;
    if (!b) break;
    *b = i;
    xfer.slot[i % RING] = b;
    __atomic_store_n(&xfer.tail, i + 1, __ATOMIC_RELEASE);
  }
  pthread_join(t, NULL);
  CHECK_EQ_INT(fails, 0);
  mbp_stats_t s;
  mbp_pool_stats(&xfer.pool, &s);
  CHECK_EQ_INT(live_blocks(&s), 0);
  CHECK_EQ_INT(s.allocs, s.frees);
  CHECK_EQ_INT(xfer.fl.in_use, 0);
  mbp_pool_destroy(&xfer.pool);
  mbf_destroy(&xfer.fl);
}

/* calloc with the overflow check; a free list whose chunk cannot hold 16 blocks is refused. */
static void test_calloc_and_bad_init(void) {
  mbp_pool_t p;
  CHECK(mbp_pool_init(&p, 0) == 0);
  unsigned char *z = mbp_calloc(&p, 5, 7);
  CHECK(z != NULL);
  int zero = 1;
  for (int i = 0; z && i < 35; i++) zero &= z[i] == 0;
  CHECK(zero);
  mbp_free(&p, z);
  errno = 0;
  CHECK(mbp_calloc(&p, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
  unsigned char *big = mbp_calloc(&p, 100, 10); /* above the small threshold: malloc's */
  CHECK(big && big[0] == 0 && big[999] == 0);
  mbp_free(&p, big);
  mbp_pool_destroy(&p);
  mbf_freelist_t f;
  errno = 0;
  CHECK(mbf_init(&f, 32, 1, 0) == -1 && errno == EINVAL);
  CHECK(mbf_init(&f, 32, 16 * 32, 0) == 0);
  mbf_destroy(&f);
  /* The documented default chunk for a block too big for 64 KiB: 16 blocks, usable */
  CHECK(mbf_init(&f, 8192, 0, 0) == 0);
  void *b8[40];
  for (int i = 0; i < 40; i++) CHECK((b8[i] = mbf_alloc(&f)) != NULL);
  for (int i = 0; i < 40; i++) memset(b8[i], i, 8192), mbf_free(&f, b8[i]);
  mbf_destroy(&f);
  /* A chunk no mmap could map is refused, not rounded into a wrap-around */
  errno = 0;
  CHECK(mbf_init(&f, 32, SIZE_MAX, 0) == -1 && errno == EINVAL);
  CHECK(mbf_init(&f, 32, SIZE_MAX - 4000, 0) == -1 && errno == EINVAL);
}

static void test_invalid_frees(void) {
  if (!mb_alloc_debug_build()) {
    fprintf(stderr, "release build: invalid frees are not checked (debug builds check them)\n");
    return;
  }
  mb_alloc_set_error_handler(record);
  mbp_pool_t p;
  CHECK(mbp_pool_init(&p, 0) == 0);
  char *a = mbp_alloc(&p, 32), *keep = mbp_alloc(&p, 32);
  mbp_free(&p, a);
  errs.n = 0;
  mbp_free(&p, a);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_DOUBLE_FREE && errs.ptr == a && !strcmp(errs.who, "pool"));
  errs.n = 0;
  mbp_free(&p, keep + 8);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_INTERIOR);
  errs.n = 0;
  static _Alignas(16) char foreign[64]; /* not the allocator's */
  mbp_free(&p, foreign);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_FOREIGN);
  errs.n = 0;
  CHECK(mbp_realloc(&p, foreign, 16) == NULL); /* caught before it is copied from */
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_FOREIGN);
  errs.n = 0;
  void *from_malloc = malloc(40);
  mbp_free(&p, from_malloc);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_FOREIGN);
  free(from_malloc);
  void *large = mbp_alloc(&p, 1000);
  CHECK_EQ_INT(mbp_usable_size(&p, large) >= 1000, 1);
  mbp_free(&p, large);
  errs.n = 0;
  mbp_free(&p, large);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_DOUBLE_FREE); /* a large block freed twice is a double free */
  errs.n = 0;
  CHECK_EQ_INT(mbp_usable_size(&p, foreign), 0); /* not read from a stranger's memory */
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_FOREIGN);
  /* An address in an arena but in a pool never carved. */
  errs.n = 0;
  mbp_free(&p, (char *)((uintptr_t)keep & ~(uintptr_t)(MBP_ARENA_SIZE - 1)) + MBP_ARENA_SIZE - 64);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_FOREIGN);
  /* The allocator is still sound after all that. */
  mbp_stats_t s;
  mbp_pool_stats(&p, &s);
  CHECK_EQ_INT(live_blocks(&s), 1);
  mbp_free(&p, keep);
  mbp_pool_destroy(&p);

  /* A double free after the block's pool emptied and was reused for another size class:
   * the first 16-byte pool is filled, a second started, the first freed whole (released:
   * it is not the class's only pool), a 32-byte block allocated (that pool, reused), then
   * the first 16-byte block freed again. It was taken as a free of the 32-byte block at
   * the same address, and the next allocations handed that block to two owners. */
  CHECK(mbp_pool_init(&p, 0) == 0);
  enum { PER_POOL = (MBP_POOL_SIZE - 64) / 16 + 1 }; /* over a pool's worth of 16-byte blocks */
  static void *sixteen[2 * PER_POOL];
  int n16 = 0;
  sixteen[n16++] = mbp_alloc(&p, 16);
  while (n16 < 2 * PER_POOL && mbp_pool_of(sixteen[n16 - 1]) == mbp_pool_of(sixteen[0])) sixteen[n16++] = mbp_alloc(&p, 16);
  CHECK(mbp_pool_of(sixteen[n16 - 1]) != mbp_pool_of(sixteen[0])); /* a second pool started */
  for (int i = 0; i < n16 - 1; i++) mbp_free(&p, sixteen[i]);
  void *thirty_two = mbp_alloc(&p, 32);
  errs.n = 0;
  mbp_free(&p, sixteen[0]);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_DOUBLE_FREE && errs.ptr == sixteen[0]);
  /* And nothing is handed to two owners: the 32-byte block stays its own. */
  memset(thirty_two, 0x5a, 32);
  void *next32 = mbp_alloc(&p, 32), *next16 = mbp_alloc(&p, 16);
  CHECK(next32 != thirty_two && next16 != thirty_two);
  CHECK(((unsigned char *)thirty_two)[31] == 0x5a);
  mbp_free(&p, next32);
  mbp_free(&p, next16);
  mbp_free(&p, thirty_two);
  mbp_free(&p, sixteen[n16 - 1]);
  mbp_pool_stats(&p, &s); /* the quarantine is released for the count */
  CHECK_EQ_INT(live_blocks(&s), 0);
  mbp_pool_destroy(&p);

  mbf_freelist_t f;
  CHECK(mbf_init(&f, 32, 0, 0) == 0);
  char *x = mbf_alloc(&f), *y = mbf_alloc(&f);
  mbf_free(&f, x);
  errs.n = 0;
  mbf_free(&f, x);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_DOUBLE_FREE && !strcmp(errs.who, "freelist"));
  errs.n = 0;
  mbf_free(&f, y + 4);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_INTERIOR);
  errs.n = 0;
  mbf_free(&f, foreign);
  CHECK(errs.n == 1 && errs.what == MB_ALLOC_FOREIGN);
  CHECK_EQ_INT(f.in_use, 1);
  mbf_free(&f, y);
  mbf_destroy(&f);
  mb_alloc_set_error_handler(NULL);
}

/* The default handler says what happened in one line and aborts. */
static void test_default_handler(void) {
  if (!mb_alloc_debug_build()) return;
  int fd[2];
  CHECK(pipe(fd) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd[1], 2);
    mbp_pool_t p;
    mbp_pool_init(&p, 0);
    void *a = mbp_alloc(&p, 8);
    mbp_free(&p, a);
    mbp_free(&p, a);
    _exit(0);
  }
  close(fd[1]);
  char buf[256] = "";
  ssize_t n = read(fd[0], buf, sizeof buf - 1);
  close(fd[0]);
  int st;
  waitpid(pid, &st, 0);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
  CHECK(n > 0 && strstr(buf, "mballoc: pool: double free") != NULL);
}

int main(void) {
  test_classes();
  test_pools_and_arenas();
  test_realloc();
  test_freelist();
  test_bump();
  test_locked(0);
  test_locked(1);
  test_invalid_frees();
  test_calloc_and_bad_init();
  test_default_handler();
  return TEST_EXIT();
}
