/*
 * freelist.c: the fixed-size free list of mballoc.h (mbf_*): one block size, chunks from mmap,
 * LIFO reuse; the slow paths, the checked and the locked calls (the fast ones are inline).
 */
#include "internal.h"

/* A chunk: [next chunk (CHUNK_LINK)][bytes][debug: live bitmap] blocks... */

static size_t fl_header(const mbf_freelist_t *fl) {
#ifdef MB_ALLOC_DEBUG
  return CHUNK_LINK + ROUND16((fl->chunk_bytes / fl->block + 7) / 8);
#else
  (void)fl;
  return CHUNK_LINK;
#endif
}

int mbf_init(mbf_freelist_t *fl, size_t block, size_t chunk_bytes, int flags) {
  if (flags & ~MB_ALLOC_LOCKED || block == 0 || block > (SIZE_MAX >> 8)) {
    errno = EINVAL;
    return -1;
  }
  memset(fl, 0, sizeof *fl);
  fl->block = ROUND16(block);
  /* 0: 64 KiB, or 16 blocks where that is more (an 8 KiB block gets 128 KiB chunks) */
  if (!chunk_bytes) chunk_bytes = 16 * fl->block > 64 * 1024 ? 16 * fl->block : 64 * 1024;
  /* not even 16 blocks: a mistake, not a request; nor a chunk no mmap can map */
  if (chunk_bytes < 16 * fl->block || chunk_bytes > (SIZE_MAX >> 2)) {
    errno = EINVAL;
    return -1;
  }
  if (chunk_bytes < 16 * fl->block + 4096) chunk_bytes = 16 * fl->block + 4096;
  fl->chunk_bytes = (chunk_bytes + 4095) & ~(size_t)4095;
  fl->flags = flags;
  return mba_init_lock(&fl->lock, flags);
}

#ifdef MB_ALLOC_DEBUG
/* The chunk holding p and the block's index, or NULL. */
static char *fl_find(mbf_freelist_t *fl, const void *p, size_t *idx, int *interior) {
  for (char *c = fl->chunks; c; c = *(char **)c) {
    char *first = c + fl_header(fl);
    if ((const char *)p < c || (const char *)p >= c + fl->chunk_bytes) continue;
    size_t off = (size_t)((const char *)p - first);
    *interior = (const char *)p < first || off % fl->block;
    *idx = off / fl->block;
    return c;
  }
  return NULL;
}
#endif

void *mbf_alloc_slow(mbf_freelist_t *fl) {
  void *p = fl->head;
  if (p) {
    fl->head = *(void **)p;
  } else {
    if (!fl->cur || (size_t)(fl->end - fl->cur) < fl->block) {
      char *c = mba_map(fl->chunk_bytes);
      if (!c) return NULL;
      *(void **)c = fl->chunks;
      fl->chunks = c;
      fl->nchunks++;
      fl->cur = c + fl_header(fl);
      fl->end = c + fl->chunk_bytes;
    }
    p = fl->cur;
    fl->cur += fl->block;
  }
#ifdef MB_ALLOC_DEBUG
  size_t idx = 0;
  int interior;
  char *c = fl_find(fl, p, &idx, &interior);
  c[CHUNK_LINK + idx / 8] |= (char)(1u << (idx % 8));
#endif
  fl->in_use++;
  return p;
}

void mbf_free_checked(mbf_freelist_t *fl, void *p) {
  if (!p) return;
#ifdef MB_ALLOC_DEBUG
  size_t idx = 0;
  int interior;
  char *c = fl_find(fl, p, &idx, &interior);
  if (!c || interior) {
    mba_error_handler(c ? MB_ALLOC_INTERIOR : MB_ALLOC_FOREIGN, "freelist", p);
    return;
  }
  unsigned char *bits = (unsigned char *)c + CHUNK_LINK;
  if (!(bits[idx / 8] & (1u << (idx % 8)))) {
    mba_error_handler(MB_ALLOC_DOUBLE_FREE, "freelist", p);
    return;
  }
  bits[idx / 8] &= (unsigned char)~(1u << (idx % 8));
#endif
  *(void **)p = fl->head;
  fl->head = p;
  fl->in_use--;
}

void *mbf_alloc_locked(mbf_freelist_t *fl) {
  pthread_mutex_lock(&fl->lock);
  void *p = mbf_alloc_slow(fl);
  pthread_mutex_unlock(&fl->lock);
  return p;
}

void mbf_free_locked(mbf_freelist_t *fl, void *p) {
  pthread_mutex_lock(&fl->lock);
  mbf_free_checked(fl, p);
  pthread_mutex_unlock(&fl->lock);
}

void mbf_destroy(mbf_freelist_t *fl) {
  for (char *c = fl->chunks, *next; c; c = next) {
    next = *(char **)c;
    munmap(c, fl->chunk_bytes);
  }
  if (fl->flags & MB_ALLOC_LOCKED) pthread_mutex_destroy(&fl->lock);
  memset(fl, 0, sizeof *fl);
}
