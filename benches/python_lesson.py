# python_lesson.py: the Python half of the lesson (claims C17 on), run by benches/pylesson.c in
# the embedded interpreter (the binary carries this file: .incbin). Each setup_<name>(arg)
# returns (figures, kernel): figures is a dict of numbers, with "expect" (what kernel(1)
# returns, masked to 64 bits: kernel(k) must return k times it), "items" (items per iteration),
# or "skip" (a reason); kernel(iters) does the timed work. probe_<name>(...) runs in a fresh
# interpreter of its own (mb_probe) and returns up to 15 integers.
# _mb (set by pylesson.c): at(depth) records a depth where a crash handler can read it;
# arenas() is pymalloc's arenas in use (-1 when PYTHONMALLOC chose another allocator).
import gc
import os
import sys

M64 = (1 << 64) - 1


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def val(i):
    """Position-dependent data (a float per index), so that a part re-read fails a sum."""
    return float((i * 2654435761) % 1021) + 0.5


# ---- GC roots: what a module-level name keeps alive ----

ROOT = []  # a module global: a GC root


def setup_gc_collect(n):
    gc.collect()
    gc.disable()  # no automatic collection in between: the explicit one finds them all
    try:
        ROOT[:] = [[i] for i in range(n)]  # n containers reachable from a root
        for i in range(n):  # n containers reachable from nothing but themselves
            a = [i]
            a.append(a)
        del a
        unreferenced = gc.collect()
    finally:
        gc.enable()
    rooted = gc.collect()
    want = n * (n - 1) // 2

    def kernel(iters):
        done = collected = 0
        for _ in range(iters):
            collected += gc.collect()
            done += 1
        intact = len(ROOT) == n and sum(x[0] for x in ROOT) == want
        return (done + (collected << 32) + ((not intact) << 62)) & M64

    return {"expect": 1, "items": n, "collected_unreferenced": unreferenced, "collected_rooted": rooted,
            "containers": n}, kernel


# ---- Retention: survivors pin pymalloc's arenas (a probe: a fresh interpreter) ----

def probe_retain(n, kept_of_64):
    gc.collect()
    r0, a0 = rss_kib(), _mb.arenas()
    big = [val(i) for i in range(n)]
    r1, a1 = rss_kib(), _mb.arenas()
    step = 64 // kept_of_64 if kept_of_64 else 0
    keep = big[::step] if step else []  # evenly spread survivors
    want = sum(val(i) for i in range(0, n, step)) if step else 0.0
    del big
    gc.collect()
    r2, a2 = rss_kib(), _mb.arenas()
    ok = len(keep) == (len(range(0, n, step)) if step else 0) and sum(keep) == want
    return [r0, r1, r2, a0, a1, a2, len(keep), int(ok)]


# ---- Recursion: how deep, and how it ends (probes: a crash must not take the run down) ----

def probe_recursion(kind, limit):
    """kind 0: pure Python; 1: through C (__repr__ calling repr() of the next object).
    Returns [depth reached, ending: 1 RecursionError, 2 MemoryError, 3 returned]."""
    sys.setrecursionlimit(limit)
    at = _mb.at
    if kind == 0:
        def f(d):
            at(d)
            return f(d + 1)
        start = lambda: f(1)
    else:
        class Node:
            __slots__ = ("child", "d")

            def __repr__(self):
                at(self.d)
                return repr(self.child)
        head = None
        for d in range(limit + 10, 0, -1):
            node = Node()
            node.child, node.d = head, d
            head = node
        start = lambda: repr(head)
    depth = 0
    try:
        start()
        ending = 3
    except RecursionError:
        ending = 1
    except MemoryError:
        ending = 2
    depth = _mb.at(-1)
    return [depth, ending]


def _rec(n):
    return 0 if n == 0 else _rec(n - 1) + n


def setup_call_recursive(depth):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), depth + 100))

    def kernel(iters):
        s = 0
        for _ in range(iters):
            s += _rec(depth)
        return s & M64

    return {"expect": depth * (depth + 1) // 2, "items": depth}, kernel


def setup_sum_iterative(n):
    def kernel(iters):
        s = 0
        for _ in range(iters):
            for i in range(n + 1):
                s += i
        return s & M64

    return {"expect": n * (n + 1) // 2, "items": n}, kernel


# ---- sys.getsizeof: shallow; a deep size beside it ----

def deep_size(obj):
    """getsizeof of obj and of everything it refers to (gc.get_referents), each object once;
    a NumPy view's base counts (arrays are not GC containers)."""
    seen, todo, total = set(), [obj], 0
    while todo:
        o = todo.pop()
        if id(o) in seen or isinstance(o, type) or type(o).__name__ in ("module", "function"):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        todo.extend(gc.get_referents(o))
        base = getattr(o, "base", None) if type(o).__name__ == "ndarray" else None
        if base is not None:
            todo.append(base)
    return total


def _numpy():
    try:
        import numpy
        return numpy
    except ImportError:
        return None


_TAIL = "ijklmnop"
SIZED = {  # what to measure: a maker, so that tracemalloc sees a fresh one built
    "list3": lambda np: [1, 2, 3],
    "list3_floats": lambda np: [1.5, 2.5, 3.5],
    "dict3": lambda np: {"a": 1, "b": 2, "c": 3},
    "str16": lambda np: "abcdefgh" + _TAIL,  # built at run time, not a constant
    "float": lambda np: float("1.5"),
    "tuple3": lambda np: (1, 2, int("3")),
    "ndarray_1m": lambda np: np.zeros(1000000),
    "ndarray_view": lambda np: np.zeros(1000000)[::2],
}


def setup_getsizeof(what):
    import tracemalloc
    np = _numpy()
    if what.startswith("ndarray") and np is None:
        return {"skip": "NumPy is not installed (Debian: python3-numpy)"}, None
    make = SIZED[what]
    obj = make(np)
    shallow, deep = sys.getsizeof(obj), deep_size(obj)
    # What tracemalloc sees one allocate: many kept at once for the small ones, so that free
    # lists (floats, tuples, dicts, lists reuse freed objects) do not hide the allocation.
    count = 1 if deep > (1 << 20) else 10000
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    fresh = [make(np) for _ in range(count)]
    traced = (tracemalloc.get_traced_memory()[0] - before - sys.getsizeof(fresh)) / count
    tracemalloc.stop()
    del fresh
    getsizeof = sys.getsizeof

    def kernel(iters):
        s = 0
        for _ in range(iters):
            s += getsizeof(obj)
        return s & M64

    return {"expect": shallow, "items": 1, "getsizeof_bytes": shallow, "deep_bytes": deep, "traced_bytes": traced,
            "numpy": int(np is not None)}, kernel


# ---- A workload: build a list of floats and sum it (pymalloc, malloc, tracemalloc) ----

def build(n):
    return [((i * 2654435761) % 1021) + 0.5 for i in range(n)]  # val(i), on the line that allocates


def workload(n):
    return sum(build(n))


def setup_floats_workload(n, traced=False):
    want = int(sum(val(i) for i in range(n)) * 2)  # every val is k + 0.5: exact in binary
    figures = {"expect": want, "items": n, "arenas": _mb.arenas()}
    if traced:
        import tracemalloc
        tracemalloc.start()
        floats = build(n)
        size, peak = tracemalloc.get_traced_memory()
        top = tracemalloc.take_snapshot().statistics("lineno")
        tracemalloc.stop()
        del floats
        line = top[0].traceback[0] if top else None
        where = build.__code__  # the line the floats are made on: build's body
        figures.update({"traced_bytes_per_float": size / n, "traced_peak_bytes": peak,
                        "top_line_is_workload": int(line is not None and line.filename == where.co_filename
                                                    and line.lineno == where.co_firstlineno + 1),
                        "top_line_share_pct": 100.0 * top[0].size / size if top and size else -1})

    def kernel(iters):
        s = 0
        for _ in range(iters):
            s += int(workload(n) * 2)
        return s & M64

    return figures, kernel


def probe_workload(n, reps):
    """The workload reps times in this fresh interpreter: [median ns, min ns, pymalloc's arenas
    (-1 on another allocator), 1 if every sum was right]."""
    import time
    want = sum(val(i) for i in range(n))
    times, ok = [], 1
    for _ in range(reps):
        t = time.perf_counter_ns()
        got = workload(n)
        times.append(time.perf_counter_ns() - t)
        ok &= got == want
    times.sort()
    return [times[len(times) // 2], times[0], _mb.arenas(), ok]


def setup_floats_traced(n):
    import tracemalloc
    figures, kernel = setup_floats_workload(n, traced=True)

    def traced_kernel(iters):
        tracemalloc.start()
        try:
            return kernel(iters)
        finally:
            tracemalloc.stop()

    return figures, traced_kernel


# ---- Interning and the small-int cache ----

def setup_small_ints(_):
    cached = [i for i in range(-20, 1100) if int(str(i)) is int(str(i))]
    low, high = min(cached), max(cached)
    contiguous = cached == list(range(low, high + 1))

    def kernel(iters):
        s = 0
        for i in range(iters):
            s += (i & 255) - (i & 255)  # results inside the cache: no allocation
        return (s + iters) & M64

    return {"expect": 1, "items": 1, "cache_low": low, "cache_high": high, "contiguous": int(contiguous)}, kernel


def setup_interned(n):
    import tracemalloc
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    strings = [sys.intern("membench-interned-%09d" % i) for i in range(n)]
    same = all(sys.intern("membench-interned-%09d" % i) is strings[i] for i in range(0, n, 97))
    made = tracemalloc.get_traced_memory()[0] - base
    size = sum(sys.getsizeof(s) for s in strings)
    list_bytes = sys.getsizeof(strings)
    del strings
    gc.collect()
    left = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    keys = ["membench-interned-%09d" % i for i in range(0, n, 13)]
    intern = sys.intern
    table = [intern(k) for k in keys]  # the timed lookups find these

    def kernel(iters):
        hits = 0
        m = len(keys)
        for i in range(iters):
            hits += intern(keys[i % m]) is table[i % m]
        return hits & M64

    return {"expect": 1, "items": 1, "strings_bytes": size, "traced_made_bytes": made, "traced_left_bytes": left,
            "strings_freed_pct": 100.0 * (made - left - list_bytes) / size if size else -1, "intern_returns_same": int(same)}, kernel
