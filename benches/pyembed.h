/*
 * pyembed.h: CPython embedded in a membench process, loaded with dlopen (no build-time
 * dependency, nothing linked: libpython's TLS and constructors stay out of every other
 * family's process). The alloc family's pymalloc allocator and the python family run in a
 * child process of their own ("pymalloc") that initializes the interpreter once
 * (Py_InitializeEx(0): no signal handlers) and keeps the GIL on its one thread.
 *
 * MB_LIBPYTHON=path loads that library instead of the first of libpython3.11, 3.12, 3.13,
 * 3.10 found.
 * Nothing of Python.h is used: the functions come from dlsym, and the two object layouts the
 * list-of-floats sum reads directly (a list's item array, a float's value), as a C
 * extension's PyList_GET_ITEM and PyFloat_AS_DOUBLE do, are checked against the API at load
 * time (mb_py_layout_ok); where they differ (a debug or free-threaded build) the benchmarks
 * that need them skip with the reason.
 */
#ifndef MB_PYEMBED_H
#define MB_PYEMBED_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr; a file that includes this defines it first */
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

typedef void pyobj; /* PyObject */

typedef struct mb_py {
  int loaded, failed;
  char why[256];   /* why it could not be loaded */
  char path[256];  /* the library PyObject_Malloc was found in (dladdr) */
  const char *version;
  void *(*malloc)(size_t);
  void (*free)(void *);
  void *(*raw_malloc)(size_t);
  void (*raw_free)(void *);
  pyobj *(*long_from)(long);
  pyobj *(*float_from)(double);
  double (*float_as)(pyobj *);
  pyobj *(*tuple_pack)(long, ...);
  pyobj *(*list_new)(long);
  int (*list_set)(pyobj *, long, pyobj *); /* steals the item's reference */
  pyobj *(*list_get)(pyobj *, long);       /* borrowed */
  pyobj *(*dict_new)(void);
  int (*dict_set)(pyobj *, pyobj *, pyobj *);
  void (*decref)(pyobj *);
  void (*incref)(pyobj *);
  pyobj *(*getattr)(pyobj *, const char *);
  pyobj *(*call0)(pyobj *);
  pyobj *(*call1)(pyobj *, pyobj *);
  long (*long_as)(pyobj *);
  pyobj *(*import)(const char *);
  void (*err_clear)(void);
  void (*debug_stats)(FILE *); /* _PyObject_DebugMallocStats: the allocator's own account */
  /* Running Python source (pylesson.c): compile and execute a module, call into it, read
   * what it returns, and say what went wrong. */
  pyobj *(*compile)(const char *, const char *, int);
  pyobj *(*exec_module)(const char *, pyobj *);
  pyobj *(*module_new)(const char *);
  pyobj *(*cfunction_new)(void *, pyobj *, pyobj *);
  int (*setattr)(pyobj *, const char *, pyobj *);
  pyobj *(*call_function)(pyobj *, const char *, ...);
  pyobj *(*tuple_get)(pyobj *, long);  /* borrowed */
  long (*size)(pyobj *);               /* PyObject_Size */
  pyobj *(*seq_get)(pyobj *, long);    /* PySequence_GetItem: new reference */
  int (*dict_next)(pyobj *, long *, pyobj **, pyobj **);
  const char *(*utf8)(pyobj *);
  unsigned long long (*ull_mask)(pyobj *);
  pyobj *(*err_occurred)(void);
  void (*err_fetch)(pyobj **, pyobj **, pyobj **);
  pyobj *(*str)(pyobj *);
  void *none;                          /* Py_None */
} mb_py_t;

static mb_py_t mb_py;

/* Load and initialize CPython once. 0, or -1 with the reason in mb_py.why. */
static int mb_py_load(void) {
  if (mb_py.loaded) return 0;
  if (mb_py.failed) return -1;
  static const char *const names[] = {"libpython3.11.so.1.0", "libpython3.12.so.1.0", "libpython3.13.so.1.0",
                                      "libpython3.10.so.1.0", "libpython3.so"};
  /* MB_LIBPYTHON=path picks another build (a 3.12, a debug build...) instead. */
  const char *chosen = getenv("MB_LIBPYTHON");
  void *lib = chosen && *chosen ? dlopen(chosen, RTLD_NOW | RTLD_GLOBAL) : NULL;
  for (size_t i = 0; !lib && !(chosen && *chosen) && i < sizeof names / sizeof *names; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
  mb_py.failed = 1;
  if (!lib) {
    snprintf(mb_py.why, sizeof mb_py.why, "no libpython3 to load (Debian's libpython3.11 is needed): %.180s", dlerror());
    return -1;
  }
#define MB_PY_SYM(field, name)                                                                      \
  if (!(*(void **)&mb_py.field = dlsym(lib, name))) {                                              \
    snprintf(mb_py.why, sizeof mb_py.why, "libpython lacks %s", name);                            \
    return -1;                                                                                      \
  }
  MB_PY_SYM(malloc, "PyObject_Malloc") MB_PY_SYM(free, "PyObject_Free") MB_PY_SYM(raw_malloc, "PyMem_RawMalloc")
  MB_PY_SYM(raw_free, "PyMem_RawFree") MB_PY_SYM(long_from, "PyLong_FromLong") MB_PY_SYM(float_from, "PyFloat_FromDouble")
  MB_PY_SYM(float_as, "PyFloat_AsDouble") MB_PY_SYM(tuple_pack, "PyTuple_Pack") MB_PY_SYM(list_new, "PyList_New")
  MB_PY_SYM(list_set, "PyList_SetItem") MB_PY_SYM(list_get, "PyList_GetItem") MB_PY_SYM(dict_new, "PyDict_New")
  MB_PY_SYM(dict_set, "PyDict_SetItem") MB_PY_SYM(decref, "Py_DecRef") MB_PY_SYM(incref, "Py_IncRef") MB_PY_SYM(getattr, "PyObject_GetAttrString")
  MB_PY_SYM(call0, "PyObject_CallNoArgs") MB_PY_SYM(call1, "PyObject_CallOneArg") MB_PY_SYM(long_as, "PyLong_AsLong")
  MB_PY_SYM(import, "PyImport_ImportModule") MB_PY_SYM(err_clear, "PyErr_Clear")
  MB_PY_SYM(debug_stats, "_PyObject_DebugMallocStats")
  MB_PY_SYM(compile, "Py_CompileString") MB_PY_SYM(exec_module, "PyImport_ExecCodeModule") MB_PY_SYM(module_new, "PyModule_New")
  MB_PY_SYM(cfunction_new, "PyCFunction_NewEx") MB_PY_SYM(setattr, "PyObject_SetAttrString")
  MB_PY_SYM(call_function, "PyObject_CallFunction") MB_PY_SYM(tuple_get, "PyTuple_GetItem") MB_PY_SYM(size, "PyObject_Size")
  MB_PY_SYM(seq_get, "PySequence_GetItem") MB_PY_SYM(dict_next, "PyDict_Next") MB_PY_SYM(utf8, "PyUnicode_AsUTF8")
  MB_PY_SYM(ull_mask, "PyLong_AsUnsignedLongLongMask") MB_PY_SYM(err_occurred, "PyErr_Occurred")
  MB_PY_SYM(err_fetch, "PyErr_Fetch") MB_PY_SYM(str, "PyObject_Str") MB_PY_SYM(none, "_Py_NoneStruct")
#undef MB_PY_SYM
  void (*init)(int) = (void (*)(int))dlsym(lib, "Py_InitializeEx");
  int (*is_init)(void) = (int (*)(void))dlsym(lib, "Py_IsInitialized");
  const char *(*version)(void) = (const char *(*)(void))dlsym(lib, "Py_GetVersion");
  if (!init || !is_init || !version) {
    snprintf(mb_py.why, sizeof mb_py.why, "libpython lacks Py_InitializeEx");
    return -1;
  }
  Dl_info info;
  if (!dladdr(*(void **)&mb_py.malloc, &info) || !info.dli_fname || !strstr(info.dli_fname, "libpython")) {
    snprintf(mb_py.why, sizeof mb_py.why, "PyObject_Malloc does not come from a libpython");
    return -1;
  }
  snprintf(mb_py.path, sizeof mb_py.path, "%s", info.dli_fname);
  if (!is_init()) init(0); /* no signal handlers; this thread holds the GIL from now on */
  if (!is_init()) {
    snprintf(mb_py.why, sizeof mb_py.why, "Py_InitializeEx failed");
    return -1;
  }
  mb_py.version = version();
  mb_py.failed = 0;
  mb_py.loaded = 1;
  return 0;
}

/* The layouts a C extension's macros rely on, checked against the API: a list's items at
 * offset 24 (after refcount, type, size), a float's value at offset 16. 1 if they hold. */
__attribute__((unused)) static int mb_py_layout_ok(void) {
  pyobj *f = mb_py.float_from(2.5), *l = mb_py.list_new(1);
  if (!f || !l) return 0;
  int ok = *(const double *)((const char *)f + 16) == 2.5;
  mb_py.list_set(l, 0, f); /* l owns f now */
  ok = ok && (*(pyobj *const *const *)((const char *)l + 24))[0] == mb_py.list_get(l, 0);
  mb_py.decref(l);
  return ok;
}

/* What the allocator says of itself (_PyObject_DebugMallocStats, as sys._debugmallocstats()
 * prints it): its small-request threshold and size classes, the arena size, the arenas in
 * use and those given back to the OS so far. Fields it did not print stay -1. */
typedef struct mb_py_stats {
  long threshold, classes, arena_bytes, arenas, reclaimed, highwater, pool_bytes;
} mb_py_stats_t;

__attribute__((unused)) static void mb_py_read_stats(mb_py_stats_t *st) {
  *st = (mb_py_stats_t){-1, -1, -1, -1, -1, -1, -1};
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return;
  mb_py.debug_stats(f);
  fclose(f);
  for (char *line = buf; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    long a, b;
    const char *eq = strrchr(line, '=');
    long v = eq ? strtol(eq + 1 + strspn(eq + 1, " "), NULL, 10) : -1;
    if (sscanf(line, "Small block threshold = %ld, in %ld size classes", &a, &b) == 2) st->threshold = a, st->classes = b;
    else if (sscanf(line, "%ld arenas * %ld bytes/arena", &a, &b) == 2) st->arena_bytes = b;
    else if (sscanf(line, "%ld unused pools * %ld bytes", &a, &b) == 2) st->pool_bytes = b;
    else if (strstr(line, "# arenas allocated current")) st->arenas = v;
    else if (strstr(line, "# arenas reclaimed")) st->reclaimed = v;
    else if (strstr(line, "# arenas highwater mark")) st->highwater = v;
    line = nl ? nl + 1 : NULL;
  }
  free(buf);
}

static int mb_by_address(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return (x > y) - (x < y);
}

/* The commonest distance between address-neighbouring blocks among p[0..n) (sorted here):
 * the block an allocator of size classes really hands out, measured, not quoted. */
__attribute__((unused)) static size_t mb_block_of(void **p, size_t n) {
  qsort(p, n, sizeof *p, mb_by_address);
  size_t best = 0, best_count = 0;
  for (size_t i = 1; i < n; i++) {
    size_t gap = (size_t)((char *)p[i] - (char *)p[i - 1]), count = 0;
    if (gap == best || gap > 4096) continue;
    for (size_t j = 1; j < n; j++) count += (size_t)((char *)p[j] - (char *)p[j - 1]) == gap;
    if (count > best_count) best = gap, best_count = count;
  }
  return best;
}

#endif /* MB_PYEMBED_H */
