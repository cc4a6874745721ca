#!/usr/bin/env bash
# test_plan.sh BUILD: what membench says before a run and what it records for the next one.
# Asserts no durations (a busy machine must not fail it): only where the estimate came from,
# what the result records (context.membench.timing), the min time --mb_budget chose staying
# in its bounds and reaching the run, the one-off --mb_ws/--mb_threads lists, and bad input.
set -u
build=$1
. "$(dirname "$0")/lib.sh"
f='^harness/(empty|clock)'
mb() { "$build/membench" --mb_quick --mb_counters=none --mb_quiet_check=off --benchmark_filter="$f" --mb_out_dir="$dir/r" --mb_machine=plan "$@"; }
mb > /dev/null 2> "$dir/e1" || { cat "$dir/e1"; fail "first run"; }
grep -q "^membench: [0-9]* benchmarks, about .* (a guess: no earlier quick run of plan under --mb_out_dir)" "$dir/e1" ||
  fail "first run: no guess said: $(grep about "$dir/e1")"
sleep 1
mb > /dev/null 2> "$dir/e2" || fail "second run"
grep -q "^membench: [0-9]* benchmarks, about .* (from 20[0-9T:-]*Z.json)" "$dir/e2" || fail "second run: not from the first: $(grep about "$dir/e2")"
$py - "$dir/r/plan/latest.json" <<'PY' || fail "context.membench.timing"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["context"]["membench"]["timing"]
n = len({b["run_name"] for b in d["benchmarks"]})
assert t["min_time_s"] == 0.01 and t["wall_s"] > 0, t
assert t["families"]["harness"]["benchmarks"] == n and t["families"]["harness"]["wall_s"] > 0, (t, n)
PY
sleep 1
mb --mb_budget=3s > /dev/null 2> "$dir/e3" || { cat "$dir/e3"; fail "a run with --mb_budget"; }
grep -q "min time .* s for --mb_budget" "$dir/e3" || fail "--mb_budget: no min time said: $(grep about "$dir/e3")"
$py -c 'import json,sys; m=json.load(open(sys.argv[1]))["context"]["membench"]["timing"]["min_time_s"]; assert 0.005 <= m <= 2 and m != 0.01, m' \
  "$dir/r/plan/latest.json" || fail "--mb_budget: the min time chosen is not in the record"
# A history that is not what membench writes is data: ignored, the run goes on (a guess).
mkdir -p "$dir/h/plan"
printf '{"context": {"membench": {"quick": true, "timing": {"min_time_s": "x", "families": {"harness": {"wall_s": "y", "benchmarks": -1}}}}}, "benchmarks": 7}' \
  > "$dir/h/plan/2099-01-01T00-00-00Z.json"
"$build/membench" --mb_quick --mb_counters=none --mb_quiet_check=off --benchmark_filter="$f" --mb_out_dir="$dir/h" --mb_machine=plan \
  > /dev/null 2> "$dir/e4" || fail "a run beside a crafted history"
grep -q "a guess" "$dir/e4" || fail "a crafted history was used: $(grep about "$dir/e4")"
# Bad input: one line, exit 2.
mb --mb_budget=1s --benchmark_min_time=0.1 > /dev/null 2> "$dir/e5"; rc=$?
[ $rc -eq 2 ] && grep -q "mb_budget chooses the min time" "$dir/e5" && [ "$(wc -l < "$dir/e5")" -eq 1 ] || fail "--mb_budget with --benchmark_min_time: exit $rc"
# One-off runs: one working set, one thread count.
"$build/membench" --benchmark_list_tests --mb_ws=64KiB --mb_threads=2 --benchmark_filter='^(hierarchy/read|machine/read_compact)/' > "$dir/l" || fail "list with --mb_ws"
[ "$(cat "$dir/l")" = "$(printf 'hierarchy/read/ws:65536\nmachine/read_compact/threads:2/ws:65536/real_time')" ] || fail "--mb_ws/--mb_threads list: $(cat "$dir/l")"
finish
