#!/usr/bin/env bash
# test_readers.sh SOURCE_DIR BUILD_DIR: every result read right, at any size.
#  - Time units: the reference result rewritten in ms (--benchmark_time_unit=ms) gives the
#    same report, exports, side-by-side table and chart data as in ns (the report's claim C3
#    read "0.00 ns, 14741763x cheaper").
#  - Repetitions: a benchmark with 100 (more than the 64 the readers used to keep) exports
#    its true median and range.
#  - Spreads: the cv and stddev membench writes are what Google Benchmark's own JSON reporter
#    writes for the same run, and what Python's statistics computes from its repetitions.
#  - Names are data: crafted names render as text in Markdown and on the terminal.
#  - Scale: a 100,000-entry result is read by every tool (the times are printed, not judged:
#    they were 42 s and over 120 s; a test must not fail because the machine is busy).
set -u
src=$1 build=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mbtest-readers.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3
[ -x $py ] || py=python3
ref=$src/results/amd-epyc-2c/latest.json
[ -f "$ref" ] || { echo "SKIP: no reference result"; exit 77; }

# 1. Time units.
$py - "$ref" "$work/ms.json" <<'PY' || fail "cannot write the ms copy"
import json, sys
d = json.load(open(sys.argv[1]))
for key in ("benchmarks", "spread"):
    for b in d.get(key, []):
        if b.get("time_unit", "ns") == "ns" and b.get("aggregate_unit") != "percentage":
            for f in ("real_time", "cpu_time"):
                if isinstance(b.get(f), (int, float)): b[f] = b[f] / 1e6
            b["time_unit"] = "ms"
            if b.get("unit") == "ns" and b.get("primary", "real_time") in ("real_time", "cpu_time"): b["unit"] = "ms"  # as membench writes it
json.dump(d, open(sys.argv[2], "w"))
PY
cp "$ref" "$work/ns.json"
# The claims this membench declares, for a reference recorded before some were declared.
"$build/membench" --mb_views > "$work/views.json" || fail "membench --mb_views"
for u in ns ms; do
  "$build/mbreport" "$work/$u.json" charts --views="$work/views.json" | sed "s/\`$u.json\`/RESULT/" > "$work/report_$u.md" || fail "mbreport ($u)"
  "$build/mbexport" --to=bencher "$work/$u.json" > "$work/bencher_$u.json" || fail "mbexport ($u)"
  "$build/mbexport" --to=github-action-benchmark "$work/$u.json" > "$work/gab_$u.json" || fail "mbexport gab ($u)"
  "$build/mbside" "$work/$u.json" "$ref" | grep -v "^Result\|^| [AB] |" > "$work/side_$u.md" || fail "mbside ($u)"
  mkdir "$work/fc_$u" && "$build/mbextract" "$work/$u.json" --family-charts "$work/fc_$u" > /dev/null || fail "mbextract ($u)"
  printf 'lat hierarchy/latency_random real_time\nmal stack/malloc real_time\n' > "$work/spec"
  mkdir "$work/b_$u" && "$build/mbextract" "$work/$u.json" --batch "$work/spec" "$work/b_$u" || fail "mbextract --batch ($u)"
done
$py - "$work" <<'PY' || fail "a reader differs between ns and ms"
import json, sys, os, re
w = sys.argv[1]
def close(a, b):  # numbers printed from values divided by 1e6 and multiplied back
    ta, tb = re.split(r"([-+0-9.eE]+)", a), re.split(r"([-+0-9.eE]+)", b)
    if len(ta) != len(tb): return False
    for x, y in zip(ta, tb):
        if x == y: continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if abs(fx - fy) > 1e-6 * max(abs(fx), abs(fy)): return False
    return True
for name in ("report_%s.md", "side_%s.md", "b_%s/lat.dat", "b_%s/mal.dat"):
    a = open(os.path.join(w, name % "ns")).read().splitlines()
    b = open(os.path.join(w, name % "ms")).read().splitlines()
    assert len(a) == len(b), (name, len(a), len(b))
    bad = [(x, y) for x, y in zip(a, b) if not close(x, y)]
    assert not bad, (name, bad[:2])
for name in ("bencher_%s.json", "gab_%s.json"):
    a, b = json.load(open(os.path.join(w, name % "ns"))), json.load(open(os.path.join(w, name % "ms")))
    assert json.dumps(a, sort_keys=True)[:200] and len(json.dumps(a)) > 1000
    def flat(x, p=""):
        if isinstance(x, dict): return sum((flat(v, p + "/" + k) for k, v in sorted(x.items())), [])
        if isinstance(x, list): return sum((flat(v, p + "/%d" % i) for i, v in enumerate(x)), [])
        return [(p, x)]
    fa, fb = flat(a), flat(b)
    assert [k for k, _ in fa] == [k for k, _ in fb], name
    for (k, x), (_, y) in zip(fa, fb):
        if isinstance(x, float): assert abs(x - y) <= 1e-6 * max(abs(x), abs(y)), (name, k, x, y)
        else: assert x == y, (name, k, x, y)
c3 = [l for l in open(os.path.join(w, "report_ms.md")) if l.startswith("| C3 |")]
assert c3 and " ns " in c3[0] and "0.00 ns" not in c3[0], c3
print("ms and ns: the same report, exports, side-by-side table and chart data; " + c3[0].split("|")[3].strip())
PY

# 2. More than 64 repetitions: values 1..100, in shuffled order.
$py - "$ref" "$work/reps.json" <<'PY' || fail "cannot write the repetitions copy"
import json, sys, random
d = json.load(open(sys.argv[1]))
b0 = next(b for b in d["benchmarks"] if b["run_name"] == "stack/malloc/size:16")
vals = list(range(1, 101))
random.Random(1).shuffle(vals)
reps = []
for i, v in enumerate(vals):
    e = dict(b0, real_time=float(v), cpu_time=float(v), repetitions=100, repetition_index=i, time_unit="ns")
    e.pop("mb_disturbed", None)
    reps.append(e)
d["benchmarks"] = [b for b in d["benchmarks"] if b["run_name"] != "stack/malloc/size:16"] + reps
json.dump(d, open(sys.argv[2], "w"))
PY
"$build/mbexport" --to=bencher "$work/reps.json" > "$work/reps_b.json" || fail "mbexport (100 repetitions)"
$py -c '
import json, sys
m = json.load(open(sys.argv[1]))["stack/malloc/size:16"]
k = [x for x in m if x.startswith("real_time")][0] if any(x.startswith("real_time") for x in m) else list(m)[0]
v = m[k]
assert (v["value"], v["lower_value"], v["upper_value"]) == (50.5, 1, 100), v
print("100 repetitions: median %g, range %g..%g" % (v["value"], v["lower_value"], v["upper_value"]))' "$work/reps_b.json" || fail "100 repetitions: $(head -c 300 "$work/reps_b.json")"

# 3. Spreads as Google Benchmark defines them: its own JSON reporter on stdout, membench's
#    result file, and Python's statistics (sample standard deviation) on the repetitions.
# (the quiet check off: a re-measuring pass would print a second report on stdout)
"$build/membench" --mb_quick --mb_counters=none --mb_quiet_check=off --benchmark_filter='^(harness/empty|stack/malloc/size:16)$' \
  --benchmark_repetitions=4 --benchmark_time_unit=us --benchmark_format=json --benchmark_out="$work/sp.json" \
  > "$work/gb.json" 2>/dev/null || fail "the spread run"
$py - "$work/sp.json" "$work/gb.json" <<'PY' || fail "spreads"
import json, sys, statistics as st
try:
    import numpy as np
except ImportError:
    np = None
d, g = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
gb = {b["name"]: b for b in g["benchmarks"]}
n = 0
for s in d["spread"]:
    assert abs(s["real_time"] - gb[s["name"]]["real_time"]) <= 1e-12 * abs(s["real_time"]) + 1e-300, (s["name"], s["real_time"], gb[s["name"]]["real_time"])
    v = [b["real_time"] for b in d["benchmarks"] if b["run_name"] == s["run_name"] and b["run_type"] == "iteration"]
    want = st.stdev(v) / st.mean(v) if s["aggregate_name"] == "cv" else st.stdev(v)
    assert abs(s["real_time"] - want) <= 1e-9 * abs(want), (s["name"], s["real_time"], want)
    if np:  # and numpy's, where it is installed (Debian: python3-numpy)
        sd = float(np.std(v, ddof=1))
        want = sd / float(np.mean(v)) if s["aggregate_name"] == "cv" else sd
        assert abs(s["real_time"] - want) <= 1e-9 * abs(want), ("numpy", s["name"], s["real_time"], want)
    n += 1
assert n == 4, n
print("spreads: %d (cv, stddev) equal to Google Benchmark's and Python's statistics%s" % (n, " and numpy's" if np else " (numpy not installed)"))
PY

# 3b. Names are data: a name with a newline and a heading, '|', HTML and an ANSI escape, and
#     a reason with HTML, render as text in the report and the side-by-side table, and no
#     control character reaches the terminal through mbcompare.
$py - "$ref" "$work/crafted.json" <<'PY' || fail "cannot write the crafted result"
import json, sys
d = json.load(open(sys.argv[1]))
evil = "harness/x\n# Injected heading|col <script>alert(1)</script> \x1b[31mred"
bs = [b for b in d["benchmarks"] if b["run_name"] == "harness/empty"]
for b in bs:
    c = dict(b, name=evil, run_name=evil)
    d["benchmarks"].append(c)
d["not_measured"].append({"name": evil, "run_name": evil, "status": "skipped", "reason": "<img src=x onerror=alert(1)>\n## also"})
d["context"]["mb_cpu_model"] = "CPU <b>bold</b>|x"
json.dump(d, open(sys.argv[2], "w"))
PY
"$build/mbreport" "$work/crafted.json" charts > "$work/crafted.md" || fail "mbreport on crafted names"
"$build/mbside" "$work/crafted.json" "$work/crafted.json" > "$work/crafted_side.md" || fail "mbside on crafted names"
"$build/mbcompare" --any_machine "$work/crafted.json" "$work/crafted.json" > "$work/crafted.txt" 2>&1
$py - "$work" <<'PY' || fail "crafted names"
import sys, os, re
w = sys.argv[1]
for f in ("crafted.md", "crafted_side.md"):
    t = open(os.path.join(w, f), encoding="utf-8").read()
    prose = re.sub(r"`[^`\n]*`", "", t)  # a code span shows HTML as text
    assert "<script>" not in prose and "<img" not in prose and "<b>" not in prose, (f, "raw HTML")
    assert not re.search(r"^#+ (Injected|also)", t, re.M), (f, "an injected heading")
    assert "\x1b" not in t, (f, "an escape")
    rows = [l for l in t.splitlines() if "Injected heading" in l]
    assert rows, (f, "the crafted name is not shown")
    for l in rows:  # one row, with its columns: every '|' of the name escaped
        assert l.startswith("|") and "\\|col" in l, (f, l)
t = open(os.path.join(w, "crafted.txt"), encoding="utf-8", errors="replace").read()
assert "\x1b" not in t and "Injected heading" in t, "mbcompare"
print("crafted names: text in the report, the side-by-side table and the terminal")
PY

# 4. 100,000 entries (a 90 MB result: under qemu-user, minutes of emulated JSON parsing that
#    the native run already covers).
if [ -n "${MB_TEST_EMULATOR:-}" ]; then
  echo "100,000 entries: left out under $MB_TEST_EMULATOR (the native run reads them)"
  echo PASS
  exit 0
fi
$py - "$ref" "$work/big.json" <<'PY' || fail "cannot write the large result"
import json, sys
d = json.load(open(sys.argv[1]))
out, k = [], 0
while len(out) < 100000:
    for e in d["benchmarks"]:
        e2 = dict(e)
        if k:
            e2["name"] = e2["name"] + "/copy:%d" % k
            e2["run_name"] = e2["run_name"] + "/copy:%d" % k
        out.append(e2)
    k += 1
d["benchmarks"] = out[:100000]
json.dump(d, open(sys.argv[2], "w"))
PY
mkdir "$work/bigfc"
printf 'lat hierarchy/latency_random sample_median_ns\nbw hierarchy/read bytes_per_second\n' > "$work/spec"
times=""
for t in "mbreport BIG charts" "mbexport --to=bencher BIG" "mbexport --to=github-action-benchmark BIG" \
  "mbextract BIG --family-charts $work/bigfc" "mbextract BIG --batch $work/spec $work/bigfc" "mbside BIG $ref" \
  "mbcompare --any_machine BIG BIG"; do
  set -f; set -- ${t//BIG/$work/big.json}; set +f
  s=$(date +%s%N)
  "$build/$@" > /dev/null 2> "$work/big.err"; rc=$?
  # (one repetition each: the gate reads every entry and then has no verdict to give, exit 2)
  { [ $rc -eq 0 ] || { [ "$1" = mbcompare ] && grep -q "no verdict" "$work/big.err"; }; } ||
    fail "$1 on 100,000 entries: exit $rc: $(tail -2 "$work/big.err")"
  times="$times $1 $(( ($(date +%s%N) - s) / 1000000 )) ms;"
done
echo "100,000 entries read by every tool:$times"
echo PASS
