#!/usr/bin/env bash
# test_demo.sh SRC: docs/writing-a-benchmark.md's example, pasted as one new file
# (benches/demo.c) in a scratch copy of the tree, shows up in a result, in REPORT.md and in a
# chart after `make bench ARGS=...` and `make plots`, with no other file touched.
set -euo pipefail
src=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The tree as committed plus what is changed here (not the build or results).
(cd "$src" && git ls-files -co --exclude-standard -z | grep -zv '^results/' | xargs -0 cp --parents -t "$scratch" 2>/dev/null) ||
  { echo "test_demo: cannot copy the tree (git ls-files)"; exit 77; }
cd "$scratch"
# The example, exactly as docs/writing-a-benchmark.md shows it (its first two C blocks: the
# benchmark, then its family's section and claim).
awk '/^```c$/ { c = 1; next } c && /^```$/ { c = 0; if (++blocks == 2) exit } c' docs/writing-a-benchmark.md > benches/demo.c
grep -q 'MB_BENCH(.family = "demo"' benches/demo.c || { echo "FAIL: no demo/sum example in docs/writing-a-benchmark.md"; exit 1; }
before=$(git -C "$src" ls-files | grep -v '^results/' | (cd "$scratch" && xargs sha256sum 2>/dev/null) | sha256sum)
export MB_SKIP_DEPS=1
# The flags CI builds with (warnings are errors), whatever make passes down.
flags="-DMB_BUILD_TESTS=OFF -DMB_WERROR=ON"
unset MAKEFLAGS MFLAGS
make --no-print-directory build CMAKE_FLAGS="$flags" >build.log 2>&1 || { tail -30 build.log; echo "FAIL: the tree with demo.c does not build"; exit 1; }
make --no-print-directory bench CMAKE_FLAGS="$flags" ARGS='--benchmark_filter=^demo/ --benchmark_min_time=0.01' RESULTS=out >bench.log 2>&1 ||
  { cat bench.log; echo "FAIL: make bench ARGS=... failed"; exit 1; }
result=$(ls out/partial/*/*Z.json | head -1)
/usr/bin/env python3 - "$result" <<'PY' || { echo "FAIL: demo/sum is not in the result as a described entry"; exit 1; }
import json, sys
d = json.load(open(sys.argv[1]))
e = [b for b in d["benchmarks"] if b["name"] == "demo/sum"]
assert e and e[0]["family"] == "demo" and e[0]["variant"] == "sum", e
assert e[0]["primary"] == "bytes_per_second" and e[0]["unit"] == "B/s" and e[0]["direction"] == "bigger_is_better", e[0]
assert e[0]["bytes_per_second"] > 0
PY
make --no-print-directory plots CMAKE_FLAGS="$flags" RESULT="$result" RESULTS=out >plots.log 2>&1 || { cat plots.log; echo "FAIL: make plots failed"; exit 1; }
machine=$(basename "$(dirname "$result")")
# A partial result (a filter in ARGS) is drawn apart: runs/<its name>/, never over the machine's.
drawn=out/$machine/runs/$(basename "$result" .json)
report=$drawn/REPORT.md
section=$(sed -n '/^## Summing$/,/^## /p' "$report")
[ -n "$section" ] || { cat "$report"; echo "FAIL: REPORT.md has no section Summing (the demo family's MB_VIEW)"; exit 1; }
grep -q '^| 8 KiB | [0-9.]* GB/s |$' <<< "$section" || { echo "$section"; echo "FAIL: the demo section's table has no 8 KiB row with demo/sum's bandwidth"; exit 1; }
grep -q '^!\[the demo family\](charts/family_demo.png)$' <<< "$section" || { echo "$section"; echo "FAIL: the demo section does not show its chart"; exit 1; }
grep -Eq '^\| D1 \| a sum from L1 runs above 1 GB/s \| [0-9]+ bytes per second \| (holds|differs) \|$' "$report" ||
  { grep -n 'D1' "$report"; echo "FAIL: the demo claim D1 is not judged in REPORT.md"; exit 1; }
if command -v gnuplot >/dev/null; then
  [ -s "$drawn/charts/family_demo.png" ] || { cat plots.log; echo "FAIL: no default chart for the demo family"; exit 1; }
else
  echo "(gnuplot not installed: the chart itself is not drawn)"
fi
after=$(git -C "$src" ls-files | grep -v '^results/' | xargs sha256sum 2>/dev/null | sha256sum)
[ "$before" = "$after" ] || { echo "FAIL: files other than benches/demo.c changed"; exit 1; }
echo "demo/sum: in the result, in its declared section of REPORT.md ($report) with its chart, and claim D1 judged"
