/*
 * python.c: CPython's objects, measured rather than quoted (lesson claims C5, C15): what an
 * int, a float, a small tuple, a list and a one-entry dict cost to create and destroy, how
 * big they really are, and a list of real floats summed beside layout/unboxed's flat array.
 * CPython (Debian's libpython3.11) is loaded into the "pymalloc" child process (pyembed.h);
 * without it every benchmark here is skipped with the reason.
 *
 * Names: python/<variant>[/n:N]
 *   new_int, new_float, new_tuple2, new_dict1, new_list/n:N   create one object through the
 *        C API (PyLong_FromLong of a value past the small-int cache, PyFloat_FromDouble,
 *        PyTuple_Pack of two ints, PyDict_New + one PyDict_SetItem, PyList_New(N)) and
 *        release it (Py_DecRef): what the interpreter pays per object, free lists included.
 *        Counters: sizeof_bytes (the object's __sizeof__), getsizeof_bytes (sys.getsizeof:
 *        with the garbage collector's header for container types), block_bytes (the block
 *        pymalloc really hands out for the object: the commonest distance between 1,000 of
 *        them alive at once).
 *   list_floats_sum/n:N   sum of a list of N floats (each a PyFloat object, built in order),
 *        read as a C extension reads them (the list's item array, each float's value): one
 *        scalar pointer load and one value load per element, eight independent sums
 *        (sum8.h). Counter bytes_per_element: the pointer plus the float's block.
 * Every kernel is checked: objects created and released one per iteration, sums exact.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membench.h"
#include "pyembed.h"
#include "sum8.h"

enum pykind { INT, FLOAT, TUPLE2, DICT1, LIST };

typedef struct pyctx {
  enum pykind kind;
  long n;           /* list length */
  pyobj *a, *b;     /* tuple items, dict key and value */
  pyobj *list;      /* list_floats_sum */
  long count;       /* elements of the list */
  uint64_t expect;  /* list_floats_sum: the sum of one pass */
} pyctx_t;

static pyobj *make(pyctx_t *c, uint64_t i) {
  switch (c->kind) {
  case INT: return mb_py.long_from(1000 + (long)(i & 1023)); /* past the cached small ints */
  case FLOAT: return mb_py.float_from((double)(i & 1023) + 0.5);
  case TUPLE2: return mb_py.tuple_pack(2, c->a, c->b);
  case LIST: return mb_py.list_new(c->n);
  default: {
    pyobj *d = mb_py.dict_new();
    if (d && mb_py.dict_set(d, c->a, c->b)) {
      mb_py.decref(d);
      return NULL;
    }
    return d;
  }
  }
}

static uint64_t k_new(uint64_t iters, void *data) {
  pyctx_t *c = data;
  uint64_t made = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    pyobj *o = make(c, i);
    mb_sink_ptr(o);
    if (!o) break;
    made++;
    mb_py.decref(o);
  }
  return made;
}

static int v_count(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != iters) return mb_fail(run, "%llu of %llu objects made and released", (unsigned long long)result, (unsigned long long)iters);
  return 0;
}

/* obj.__sizeof__() or sys.getsizeof(obj): -1 on any error. */
static long size_call(pyobj *obj, int get) {
  pyobj *fn = NULL, *r = NULL, *sys = NULL;
  long v = -1;
  if (get) {
    if ((sys = mb_py.import("sys")) && (fn = mb_py.getattr(sys, "getsizeof"))) r = mb_py.call1(fn, obj);
  } else if ((fn = mb_py.getattr(obj, "__sizeof__"))) {
    r = mb_py.call0(fn);
  }
  if (r) v = mb_py.long_as(r);
  if (!r || v < 0) mb_py.err_clear();
  if (r) mb_py.decref(r);
  if (fn) mb_py.decref(fn);
  if (sys) mb_py.decref(sys);
  return v;
}

static void t_py(mb_run_t *run) {
  pyctx_t *c = run->data;
  if (!c) return;
  if (mb_py.loaded) {
    if (c->a) mb_py.decref(c->a);
    if (c->b) mb_py.decref(c->b);
    if (c->list) mb_py.decref(c->list);
  }
  free(c);
  run->data = NULL;
}

static int setup_py(mb_run_t *run, enum pykind kind) {
  if (mb_py_load()) return mb_skip(run, "%s", mb_py.why);
  pyctx_t *c = calloc(1, sizeof *c);
  if (!c) return mb_skip(run, "out of memory");
  run->data = c;
  c->kind = kind;
  c->n = run->bench->argnames[0] ? (long)run->arg[0] : 0;
  if (!(c->a = mb_py.long_from(100000)) || !(c->b = mb_py.long_from(200000))) return mb_skip(run, "cannot make ints");
  /* Sizes: of one object, and the block behind it among 1,000 alive at once. */
  enum { ALIVE = 1000 };
  void *alive[ALIVE];
  int made = 0;
  for (; made < ALIVE; made++)
    if (!(alive[made] = make(c, (uint64_t)made * 7))) break;
  if (made < ALIVE) return mb_skip(run, "the interpreter refused to make the object");
  mb_counter(run, "sizeof_bytes", (double)size_call(alive[0], 0), MB_COUNTER_VALUE);
  mb_counter(run, "getsizeof_bytes", (double)size_call(alive[0], 1), MB_COUNTER_VALUE);
  void *sorted[ALIVE];
  memcpy(sorted, alive, sizeof sorted);
  mb_counter(run, "block_bytes", (double)mb_block_of(sorted, ALIVE), MB_COUNTER_VALUE);
  for (int i = 0; i < made; i++) mb_py.decref(alive[i]);
  mb_context_add("python_version", "%.*s", (int)strcspn(mb_py.version, " "), mb_py.version);
  run->items_per_iter = 1;
  return 0;
}

static int s_int(mb_run_t *run) { return setup_py(run, INT); }
static int s_float(mb_run_t *run) { return setup_py(run, FLOAT); }
static int s_tuple2(mb_run_t *run) { return setup_py(run, TUPLE2); }
static int s_dict1(mb_run_t *run) { return setup_py(run, DICT1); }
static int s_list(mb_run_t *run) { return setup_py(run, LIST); }

/* ---- A list of floats ---- */

static int s_list_floats(mb_run_t *run) {
  if (mb_py_load()) return mb_skip(run, "%s", mb_py.why);
  if (!mb_py_layout_ok()) return mb_skip(run, "this CPython's list or float layout is not the one a C extension of 3.x reads");
  pyctx_t *c = calloc(1, sizeof *c);
  if (!c) return mb_skip(run, "out of memory");
  run->data = c;
  c->count = (long)run->arg[0];
  if (!(c->list = mb_py.list_new(c->count))) return mb_skip(run, "cannot make a list of %ld", c->count);
  for (long i = 0; i < c->count; i++) {
    pyobj *f = mb_py.float_from(mb_val(0xF, (uint64_t)i)); /* position-dependent: a re-read part fails the sum */
    if (!f || mb_py.list_set(c->list, i, f)) return mb_skip(run, "cannot fill the list");
    c->expect += (uint64_t)mb_val(0xF, (uint64_t)i);
  }
  /* What one element occupies: its pointer, and the float's block (neighbours in the list
   * were allocated one after the other). */
  enum { PROBE = 1000 };
  void *probe[PROBE];
  long k = c->count < PROBE ? c->count : PROBE;
  for (long i = 0; i < k; i++) probe[i] = mb_py.list_get(c->list, i);
  mb_counter(run, "bytes_per_element", 8.0 + (double)mb_block_of(probe, (size_t)k), MB_COUNTER_VALUE);
  run->items_per_iter = (double)c->count;
  return 0;
}

/* As PyList_GET_ITEM and PyFloat_AS_DOUBLE read them (offsets checked in setup). */
static uint64_t k_list_floats(uint64_t iters, void *data) {
  pyctx_t *c = data;
  double total = 0;
  for (uint64_t it = 0; it < iters; it++) {
    pyobj *const *items = *(pyobj *const *const *)((const char *)MB_OPAQUE(c->list) + 24);
    total += MB_SUM8(MB_WORK((size_t)c->count), i, *(const double *)((const char *)items[i] + 16));
  }
  return (uint64_t)total;
}

static int v_list_floats(mb_run_t *run, uint64_t result, uint64_t iters) {
  const pyctx_t *c = run->data;
  return mb_check_sum(run, result, c->expect * iters);
}

MB_FAMILY(.name = "python", .title = "CPython objects on pymalloc", .doc = "What CPython pays per object through its own allocator (libpython embedded).");

#define NEW(V, S, DOC)                                                                                    \
  MB_BENCH(.family = "python", .variant = V, .kernel = k_new, .setup = S, .teardown = t_py, .verify = v_count, \
           .process = "pymalloc", .doc = DOC)
NEW("new_int", s_int, "create and release an int (PyLong_FromLong)");
NEW("new_float", s_float, "create and release a float (PyFloat_FromDouble)");
NEW("new_tuple2", s_tuple2, "create and release a tuple of two ints");
NEW("new_dict1", s_dict1, "create a dict, set one entry, release it");
MB_BENCH(.family = "python", .variant = "new_list", .kernel = k_new, .setup = s_list, .teardown = t_py, .verify = v_count,
         .argnames = {"n"}, .args = MB_ARGS(0, 8, 64), .quick_args = MB_ARGS(8), .process = "pymalloc",
         .doc = "create and release a list of n empty slots");
MB_BENCH(.family = "python", .variant = "list_floats_sum", .kernel = k_list_floats, .setup = s_list_floats, .teardown = t_py,
         .verify = v_list_floats, .argnames = {"n"}, .args = MB_ARGS(10000, 1000000), .quick_args = MB_ARGS(10000),
         .process = "pymalloc", .doc = "sum of a list of n float objects, as a C extension reads them");

/* The objects' cost and sizes, and the list of floats, in the Python section. */
#define PY_OBJ(LABEL, N) {LABEL, {"python/" N, "python/" N, "python/" N, "python/" N}}
MB_VIEW(.family = "python", .heading = "CPython's objects through the C API", .place = 90, .corner = "object",
        .cols = {"create + release", "__sizeof__", "sys.getsizeof", "block pymalloc hands out"},
        .figure = {"real_time", "sizeof_bytes", "getsizeof_bytes", "block_bytes"}, .unit = {"ns", "B", "B", "B"},
        .rows = {PY_OBJ("int", "new_int"), PY_OBJ("float", "new_float"), PY_OBJ("tuple of 2", "new_tuple2"), PY_OBJ("dict of 1", "new_dict1"),
                 PY_OBJ("list of 0 slots", "new_list/n:0"), PY_OBJ("list of 8", "new_list/n:8"), PY_OBJ("list of 64", "new_list/n:64")},
        .note = "The block is measured: the commonest distance between 1,000 objects alive at once.");
#define PY_SUM(N) {#N, {"python/list_floats_sum/n:" #N, "python/list_floats_sum/n:" #N}}
MB_VIEW(.family = "python", .place = 91, .corner = "a list of n floats summed in C", .cols = {"time", "bytes per element"},
        .figure = {"real_time", "bytes_per_element"}, .unit = {"ns", "B"}, .rows = {PY_SUM(10000), PY_SUM(1000000)});
