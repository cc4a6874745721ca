#!/usr/bin/env bash
# test_mlp.sh BUILD: the mlp family in quick mode: every chain count measured and checked, its
# figures consistent with each other (ns per load = the iteration's time over the chains; one
# chain overlaps with itself once), and the report's declared section shows them (a chain count
# the quick run has not: no row). No speed is
# asserted: timings belong in benchmarks.
build=$1
. "$(dirname "$0")/lib.sh"
"$build/membench" --mb_quick --benchmark_filter='^mlp/' --benchmark_out="$dir/r.json" --benchmark_out_format=json > /dev/null 2> "$dir/err" ||
  fail "membench --benchmark_filter=^mlp/ failed: $(tail -3 "$dir/err")"
$py - "$dir/r.json" <<'PY' || fail "the mlp entries are not what they should be"
import json, sys
d = json.load(open(sys.argv[1]))
e = {b["run_name"]: b for b in d["benchmarks"] if b.get("family") == "mlp"}
skipped = [n for n in d.get("not_measured", []) if n["name"].startswith("mlp/")]
if skipped:  # a machine without 256 MiB to spare: every point skipped with its reason
    assert all("memory" in n["reason"] or "MemAvailable" in n["reason"] for n in skipped), skipped
    sys.exit(0)
want = ["mlp/chase/chains:%d/ws:268435456" % n for n in (1, 4, 16)]
assert sorted(e) == sorted(want), sorted(e)
for n, name in zip((1, 4, 16), want):
    b = e[name]
    assert b["primary"] == "ns_per_load" and b["unit"] == "ns", b
    assert abs(b["ns_per_load"] * n - b["real_time"]) <= 0.01 * b["real_time"] + 0.5, (name, b["ns_per_load"], b["real_time"])
    assert abs(b["items_per_second"] - n * 1e9 / b["real_time"]) <= 0.02 * b["items_per_second"], name
one = e[want[0]]
if not one.get("mb_disturbed"):
    assert abs(one["misses_in_flight"] - 1) < 1e-9, one
    assert all("misses_in_flight" in e[w] for w in want)
PY
"$build/membench" --mb_views > "$dir/views.json" && "$build/mbreport" "$dir/r.json" charts --views="$dir/views.json" > "$dir/R.md" ||
  fail "no report of the mlp result"
grep -q '^## Memory-level parallelism$' "$dir/R.md" || fail "the report has no mlp section"
grep -Eq '^\| 4 \| [0-9.]+ ns \| [0-9.]+ ns \| [0-9.]+× \|$' "$dir/R.md" || fail "the mlp table has no 4-chain row: $(grep -A9 'Memory-level' "$dir/R.md")"
grep -q '^| 2 |' "$dir/R.md" && fail "a chain count not in the quick run has a row (of nothing but –)"
finish
