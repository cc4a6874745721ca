/*
 * bump.c: the bump region of mballoc.h (mbb_*): chunks from mmap, freed all at once.
 */
#include "internal.h"

/* A chunk: [next chunk][bytes] data... */
int mbb_init(mbb_region_t *r, size_t chunk_bytes) {
  memset(r, 0, sizeof *r);
  if (!chunk_bytes) chunk_bytes = 1 << 20;
  if (chunk_bytes < 4096 || chunk_bytes > (SIZE_MAX >> 2)) {
    errno = EINVAL;
    return -1;
  }
  r->chunk_bytes = (chunk_bytes + 4095) & ~(size_t)4095;
  return 0;
}

void *mbb_alloc_slow(mbb_region_t *r, size_t n) {
  if (n == 0) return mbb_alloc(r, 1);
  if (n > (SIZE_MAX >> 2)) {
    errno = ENOMEM;
    return NULL;
  }
  size_t sz = ROUND16(n);
  size_t bytes = sz + CHUNK_LINK > r->chunk_bytes ? ((sz + CHUNK_LINK + 4095) & ~(size_t)4095) : r->chunk_bytes;
  char *c = mba_map(bytes);
  if (!c) return NULL;
  ((void **)c)[0] = r->chunks;
  ((size_t *)c)[1] = bytes;
  r->chunks = c;
  r->nchunks++;
  r->cur = c + CHUNK_LINK;
  r->end = c + bytes;
  return mbb_alloc(r, n);
}

void mbb_reset(mbb_region_t *r) {
  /* Keep the oldest chunk if it has the default size; unmap the rest. */
  char *keep = NULL;
  for (char *c = r->chunks, *next; c; c = next) {
    next = ((char **)c)[0];
    if (!next && ((size_t *)c)[1] == r->chunk_bytes) keep = c;
    else munmap(c, ((size_t *)c)[1]);
  }
  r->chunks = keep;
  r->nchunks = keep != NULL;
  r->cur = keep ? keep + CHUNK_LINK : NULL;
  r->end = keep ? keep + r->chunk_bytes : NULL;
  r->allocs = r->bytes_requested = r->bytes_handed_out = 0;
}

void mbb_destroy(mbb_region_t *r) {
  for (char *c = r->chunks, *next; c; c = next) {
    next = ((char **)c)[0];
    munmap(c, ((size_t *)c)[1]);
  }
  memset(r, 0, sizeof *r);
}
