#!/usr/bin/env bash
# test_export.sh BUILD RESULT: mbexport's flat exports read by real parsers. On a committed
# full result (RESULT): jsonl (Python's json, line by line), csv (Python's csv) and openmetrics
# (prometheus_client's OpenMetrics parser, from python3-prometheus-client; without it that part
# says so) hold the same rows: one per figure of every measured benchmark, its value the median
# of its clean repetitions as computed here from the result itself, times in seconds in
# OpenMetrics. On a crafted result: names with quotes, commas, a newline, a formula prefix and
# a fingerprint field that is an object come back as the same strings (or are left out), and
# bad input is one line and exit 2.
set -u
build=$1 result=$2
. "$(dirname "$0")/lib.sh"
for f in jsonl csv openmetrics; do
  "$build/mbexport" --to=$f "$result" > "$dir/out.$f" 2> "$dir/err.$f" || { cat "$dir/err.$f"; fail "--to=$f exit status"; }
done
$py - "$result" "$dir" <<'PY' || fail "the exports of the committed result"
import csv, json, statistics, sys
result, d = sys.argv[1], sys.argv[2]
doc = json.load(open(result))
rows = [json.loads(l) for l in open(d + "/out.jsonl")]
with open(d + "/out.csv", newline="") as f:
    crows = list(csv.DictReader(f))
assert rows and len(rows) == len(crows), (len(rows), len(crows))
# The rows expected from the result itself: per run name, the primary figure and each declared
# one, the median of the clean iteration entries.
runs = {}
for b in doc["benchmarks"]:
    if b.get("run_type") == "iteration":
        runs.setdefault(b["run_name"], []).append(b)
unit_ns = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
want = {}
for name, es in runs.items():
    clean = [e for e in es if not e.get("mb_disturbed")]
    if not clean:
        continue
    figs = [es[0].get("primary", "real_time")] + list(es[0].get("figures", {}))
    for fig in figs:
        vals = [e[fig] * (unit_ns[e["time_unit"]] if fig in ("real_time", "cpu_time") else 1) for e in clean if fig in e]
        if vals:
            want[(name, fig)] = statistics.median(vals)
got = {(r["benchmark"].split("@v")[0], r["figure"]): r for r in rows}
missing = set(want) - set(got)
assert not missing, sorted(missing)[:5]
for k, v in want.items():
    assert abs(got[k]["value"] - v) <= 1e-9 * abs(v), (k, got[k]["value"], v)
fp = doc["context"]["membench"]["fingerprint"]
for r, c in zip(rows, crows):
    assert r["machine"] == doc["context"]["mb_machine"] and r["fp_cpu_model"] == fp["cpu_model"] and c["fp_caches"] == fp["caches"]
    assert abs(float(c["value"]) - r["value"]) <= 1e-11 * abs(r["value"]) + 1e-300, (c["value"], r["value"])
    assert r["unit"] and r["direction"] in ("smaller_is_better", "bigger_is_better")
    args = runs[r["benchmark"].split("@v")[0]][0].get("args", {})
    assert all(r["param_" + a] == v and c["param_" + a] == str(v) for a, v in args.items()), (r, args)
print(f"jsonl and csv: {len(rows)} rows, {len(runs)} benchmarks, every figure's median as the result has it")
try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("openmetrics: left out (python3-prometheus-client is not installed)")
    sys.exit(0)
samples = [(f, s) for f in text_string_to_metric_families(open(d + "/out.openmetrics").read()) for s in f.samples]
assert len(samples) == len(rows), (len(samples), len(rows))
for f, s in samples:
    r = got[(s.labels["benchmark"].split("@v")[0], s.labels["figure"])]
    scale = 1e-9 if r["unit"] == "ns" else 1024 if r["unit"] == "KiB" else 1
    assert abs(s.value - r["value"] * scale) <= 1e-9 * abs(r["value"] * scale), (s, r)
    assert f.type == "gauge" and (not f.unit or f.name.endswith("_" + f.unit))
    assert "date" not in s.labels
print(f"openmetrics: {len(samples)} samples in {len({f.name for f, _ in samples})} gauge families, parsed by prometheus_client")
PY

# A crafted result: what it says comes back as data.
$py - "$dir/bad.json" <<'PY'
import json, sys
name = 'x/evil "quoted", comma\nnewline'
doc = {"context": {"mb_machine": "=HYPERLINK(\"http://x\")", "date": "d", "membench": {"fingerprint": {"cpu_model": "a\\b \"c\"", "nested": {"x": 1}}}},
       "benchmarks": [{"name": name, "run_name": name, "run_type": "iteration", "real_time": 5.0, "time_unit": "ns", "iterations": 1,
                       "family": "x", "variant": "evil", "args": {"n": 3, "bad": "str"}, "primary": "real_time", "unit": "ns", "direction": "smaller_is_better"}]}
json.dump(doc, open(sys.argv[1], "w"))
PY
for f in jsonl csv openmetrics; do "$build/mbexport" --to=$f "$dir/bad.json" > "$dir/bad.$f" 2>/dev/null || fail "crafted --to=$f"; done
$py - "$dir" <<'PY' || fail "the crafted result's exports"
import csv, json, sys
d = sys.argv[1]
name = 'x/evil "quoted", comma\nnewline'
r = [json.loads(l) for l in open(d + "/bad.jsonl")]
assert len(r) == 1 and r[0]["benchmark"] == name and r[0]["fp_cpu_model"] == 'a\\b "c"' and "fp_nested" not in r[0] and "param_bad" not in r[0], r
c = list(csv.DictReader(open(d + "/bad.csv", newline="")))
assert len(c) == 1 and c[0]["benchmark"] == name and c[0]["machine"] == "'=HYPERLINK(\"http://x\")", c
try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
    s = [s for f in text_string_to_metric_families(open(d + "/bad.openmetrics").read()) for s in f.samples]
    assert len(s) == 1 and s[0].labels["benchmark"] == name and s[0].labels["fp_cpu_model"] == 'a\\b "c"' and abs(s[0].value - 5e-9) < 1e-18, s
except ImportError:
    pass
print("crafted result: names, quotes, newlines and a formula come back as data; a nested fingerprint field is left out")
PY
"$build/mbexport" --to=xml "$result" > /dev/null 2> "$dir/e"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$dir/e")" -eq 1 ] || fail "--to=xml: exit $rc, $(cat "$dir/e")"
echo '{"context": {}, "benchmarks": 3}' > "$dir/notres.json"
"$build/mbexport" --to=csv "$dir/notres.json" > /dev/null 2> "$dir/e"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$dir/e")" -eq 1 ] || fail "not a result: exit $rc"
finish
