#!/usr/bin/env bash
# test_trackers.sh BUILD: what trackers read from membench. Two runs of the same build, the
# first with one benchmark skipped (MB_MEM_AVAILABLE) and the second measuring it, with
# --benchmark_repetitions=3 and an allocator in a child process:
#  - the skip is in not_measured with its reason, never in benchmarks; (family_index,
#    per_family_instance_index) names one benchmark across the merged children;
#  - Google Benchmark's compare.py (Debian's libbenchmark-tools) reads both and prints its
#    OVERALL_GEOMEAN row (a skipped entry of real_time 0 used to make it vanish);
#  - mbexport's Bencher and github-action-benchmark exports have their shapes: one entry per
#    benchmark, finite positive values, nothing for the skipped benchmark;
#  - mbcompare fails closed on the pair the other way round (measured, then skipped).
set -euo pipefail
build=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
filter='^(harness/empty|hierarchy/read/ws:(32768|67108864)|alloc/pool/pair/size:32)$'
run() { "$build/membench" --mb_quick --benchmark_filter="$filter" --benchmark_repetitions=3 --benchmark_min_time=0.005 \
  --mb_counters=none --benchmark_out="$1" >/dev/null 2>"$dir/err"; }
MB_MEM_AVAILABLE=100000000 run "$dir/a.json" || { cat "$dir/err"; echo "FAIL: first run"; exit 1; }
run "$dir/b.json" || { cat "$dir/err"; echo "FAIL: second run"; exit 1; }
py=/usr/bin/python3
[ -x $py ] || py=python3
$py - "$dir/a.json" "$dir/b.json" <<'PY' || { echo "FAIL: the raw results"; exit 1; }
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
skip = "hierarchy/read/ws:67108864"
assert any(e["name"] == skip and e["status"] == "skipped" and "MemAvailable" in e["reason"] for e in a["not_measured"]), a["not_measured"]
assert not any(e["name"].startswith(skip) for e in a["benchmarks"]), "a skipped benchmark is in benchmarks"
assert any(e["run_name"] == skip for e in b["benchmarks"]), "the second run did not measure it"
for d in (a, b):
    seen = {}
    for e in d["benchmarks"]:
        assert e["real_time"] > 0, e["name"]
        assert not e["name"].endswith(("_stddev", "_cv")), "spread aggregates are series: " + e["name"]
        key = (e["family_index"], e["per_family_instance_index"])
        assert seen.setdefault(key, e["run_name"]) == e["run_name"], ("index pair reused", key, e["run_name"], seen[key])
    assert any(e["run_name"].startswith("alloc/pool/pair") for e in d["benchmarks"]), "no child result merged"
print("raw results: skip kept apart, indices unique, children merged")
PY
if [ -f /usr/share/benchmark/compare.py ] && /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
  /usr/bin/python3 /usr/share/benchmark/compare.py benchmarks "$dir/a.json" "$dir/b.json" > "$dir/cmp.txt" 2>&1 ||
    { cat "$dir/cmp.txt"; echo "FAIL: compare.py"; exit 1; }
  grep -q OVERALL_GEOMEAN "$dir/cmp.txt" || { cat "$dir/cmp.txt"; echo "FAIL: compare.py printed no OVERALL_GEOMEAN"; exit 1; }
  echo "compare.py: OVERALL_GEOMEAN printed"
else
  echo "(compare.py or scipy missing: libbenchmark-tools, python3-scipy; not checked)"
fi
"$build/mbexport" --to=bencher "$dir/a.json" > "$dir/bmf.json"
"$build/mbexport" --to=github-action-benchmark "$dir/a.json" > "$dir/gab.json"
$py - "$dir/bmf.json" "$dir/gab.json" "$dir/a.json" <<'PY' || { echo "FAIL: the exports"; exit 1; }
import json, math, sys
bmf, gab, raw = (json.load(open(p)) for p in sys.argv[1:4])
runs = {e["run_name"] for e in raw["benchmarks"] if e["run_type"] == "iteration"}
assert set(bmf) == runs, (set(bmf), runs)
for name, measures in bmf.items():
    assert measures, name
    for m, v in measures.items():
        assert set(v) <= {"value", "lower_value", "upper_value"} and math.isfinite(v["value"]), (name, m, v)
        assert v["lower_value"] <= v["value"] <= v["upper_value"], (name, m, v)
names = [e["name"] for e in gab]
assert len(names) == len(set(names)) and set(names) == runs, names
for e in gab:
    assert set(e) == {"name", "unit", "value", "range", "extra"} and math.isfinite(e["value"]) and e["value"] > 0, e
assert not any(n.startswith("hierarchy/read/ws:67108864") for n in names)
print("exports: Bencher Metric Format and customSmallerIsBetter, one entry per benchmark")
PY
set +e
"$build/mbcompare" "$dir/b.json" "$dir/a.json" > "$dir/gate.txt" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "skipped in new" "$dir/gate.txt" || { cat "$dir/gate.txt"; echo "FAIL: the gate passed a benchmark that vanished (exit $rc)"; exit 1; }
echo "mbcompare: a benchmark measured, then skipped, fails the gate"
