#!/usr/bin/env bash
# test_plots.sh SOURCE_DIR BUILD_DIR: charts of the committed reference result are drawn, from
# at most seven reads of it (mbextract --batch, --charts); the charts the families declare
# (MB_CHART) from what this membench declares, the reference being older; a point measured
# only while disturbed is drawn apart (a red ring, said in the key); and
# without gnuplot on the PATH, plots/draw.sh says so in one line, draws nothing and exits 0, so
# that make plots still writes REPORT.md.
set -u
src=$1 build=$2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
result=$src/results/amd-epyc-2c/latest.json
[ -f "$result" ] || { echo "SKIP: no reference result"; exit 77; }
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot is not installed"; exit 77; }

# mbextract through a wrapper that counts its calls: the result is read a handful of times,
# not once per series (a 50 MB result took two minutes at 40 reads).
printf '#!/bin/sh\necho x >> "%s/calls"\nexec "%s" "$@"\n' "$work" "$build/mbextract" > "$work/mbextract"
chmod +x "$work/mbextract"
views=$work/views.json
"$build/membench" --mb_views > "$views" || fail "membench --mb_views"
bash "$src/plots/draw.sh" "$result" "$work/charts" "$work/mbextract" "$views" > "$work/log" 2>&1 || fail "draw.sh failed: $(tail -3 "$work/log")"
[ -s "$work/charts/latency.png" ] && [ -s "$work/charts/machine.png" ] || fail "charts missing"
calls=$(wc -l < "$work/calls")
[ "$calls" -le 7 ] || fail "the result was read $calls times"

# Disturbed points are drawn apart: a latency point whose every repetition was disturbed gets
# its own file beside its series (mbextract --batch) and a ring with its key on the chart; the
# reference, none disturbed, has neither.
grep -q "disturbed: something else had the CPU" "$work/charts/latency.svg" && fail "a ring on the reference's latency chart"
/usr/bin/python3 - "$result" "$work/dist.json" <<'PY' || fail "cannot write the disturbed copy"
import json, sys
d = json.load(open(sys.argv[1]))
for b in d["benchmarks"]:
    if b["name"] == "hierarchy/latency_random/ws:16384":
        b["mb_disturbed"] = True
        b["mb_disturbed_reason"] = "run-queue wait 50%"
json.dump(d, open(sys.argv[2], "w"))
PY
mkdir "$work/d"
echo "lat hierarchy/latency_random sample_median_ns" > "$work/spec"
"$build/mbextract" "$work/dist.json" --batch "$work/spec" "$work/d" || fail "mbextract --batch on the disturbed copy"
[ "$(cut -d' ' -f1 "$work/d/lat_disturbed.dat")" = 16384 ] || fail "lat_disturbed.dat: $(cat "$work/d/lat_disturbed.dat")"
grep -q "^16384 " "$work/d/lat.dat" || fail "the disturbed point left its series"
bash "$src/plots/draw.sh" "$work/dist.json" "$work/dcharts" "$build/mbextract" "$views" > "$work/log3" 2>&1 || fail "draw.sh (disturbed): $(tail -3 "$work/log3")"
grep -q "disturbed: something else had the CPU" "$work/dcharts/latency.svg" || fail "no ring on the disturbed latency point"

# The heat maps, dots and ratios with known answers, from crafted entries (mbextract --charts
# into a directory read here): a 2-node NUMA matrix (cell i, j = 100 + 10 i + j, one cell
# disturbed), a core-to-core matrix of PUs 0, 1 and 4 placed in topology order 4, 0, 1 and
# drawn both ways, and the traversal ratios (col_sum over row_sum at each n, the sizes that are
# no power of 2 apart).
/usr/bin/python3 - "$result" "$work/cells.json" <<'PY' || fail "cannot write the crafted cells"
import copy, json, sys
d = json.load(open(sys.argv[1]))
tpl = next(b for b in d["benchmarks"] if b["name"].startswith("hierarchy/c2c/") and b.get("run_type") == "iteration")
keep = [b for b in d["benchmarks"] if not b["name"].startswith(("machine/numa_", "hierarchy/c2c/"))]
def entry(name, **fields):
    b = copy.deepcopy(tpl)
    b.update(name=name, run_name=name, **fields)
    return b
for i in range(2):
    for j in range(2):
        keep.append(entry("machine/numa_latency/from:%d/to:%d/real_time" % (i, j), family="machine", latency_ns=100.0 + 10 * i + j,
                          mb_disturbed=(i, j) == (1, 0)))
rank = {0: 1, 1: 2, 4: 0}
for a, b in ((0, 1), (0, 4), (1, 4)):
    keep.append(entry("hierarchy/c2c/a:%d/b:%d/real_time" % (a, b), real_time=200.0 + a + b, a_rank=float(rank[a]), b_rank=float(rank[b])))
d["benchmarks"] = keep
d["context"]["membench"].pop("presentation", None)  # drawn as this membench declares them
json.dump(d, open(sys.argv[2], "w"))
PY
mkdir "$work/cells"
"$build/mbextract" "$work/cells.json" --charts "$work/cells" "$views" > "$work/cells/list" || fail "mbextract --charts on the crafted cells"
grep -qx "draw numa_latency" "$work/cells/list" && grep -qx "draw c2c" "$work/cells/list" || fail "the crafted matrices not drawn: $(cat "$work/cells/list")"
[ "$(sort "$work/cells/chart_numa_latency_0.dat" | awk '{ printf "%s,%s,%s ", $1, $2, $3 }')" = "0,0,100 0,1,110 1,0,101 1,1,111 " ] ||
  fail "NUMA cells (x = memory's node, y = the threads'): $(cat "$work/cells/chart_numa_latency_0.dat")"
[ "$(cat "$work/cells/chart_numa_latency_0_disturbed.dat")" = "0 1" ] || fail "the disturbed NUMA cell: $(cat "$work/cells/chart_numa_latency_0_disturbed.dat")"
grep -q "ls 100" "$work/cells/chart_numa_latency.gp" || fail "no ring for the disturbed NUMA cell"
[ "$(sort "$work/cells/chart_c2c_0.dat" | awk '{ printf "%s,%s,%s ", $1, $2, $3 }')" = "0,1,204 0,2,205 1,0,204 1,2,201 2,0,205 2,1,201 " ] ||
  fail "core-to-core cells in topology order, both ways: $(cat "$work/cells/chart_c2c_0.dat")"
grep -q 'set xtics ("1" 2, "0" 1, "4" 0)\|set xtics ("[014]" [012], "[014]" [012], "[014]" [012])' "$work/cells/chart_c2c.gp" ||
  fail "core-to-core tics: $(grep xtics "$work/cells/chart_c2c.gp")"
for pu in 0 1 4; do grep "set xtics" "$work/cells/chart_c2c.gp" | grep -q "\"$pu\" $( [ $pu = 4 ] && echo 0 || echo $((pu + 1)) )" || fail "PU $pu not labelled at its place"; done
/usr/bin/python3 - "$result" "$work/cells/chart_traverse_0.dat" "$work/cells/chart_traverse_0_other.dat" <<'PY' || fail "traversal ratios"
import json, statistics, sys
d = json.load(open(sys.argv[1]))
def series(v):
    out = {}
    for b in d["benchmarks"]:
        if b["name"].startswith("traverse/%s/n:" % v) and b.get("run_type") == "iteration" and not b.get("error_occurred"):
            out.setdefault(int(b["name"].split("/")[2][2:]), []).append(b["real_time"])
    return {n: statistics.median(t) for n, t in out.items()}
col, row = series("col_sum"), series("row_sum")
want = {n: col[n] / row[n] for n in col if n in row}
pow2 = {float(l.split()[0]): float(l.split()[1]) for l in open(sys.argv[2])}
other = {float(l.split()[0]): float(l.split()[1]) for l in open(sys.argv[3])}
assert pow2 and other and all(int(n) & (int(n) - 1) == 0 for n in pow2) and all(int(n) & (int(n) - 1) for n in other), (pow2, other)
for n, r in {**pow2, **other}.items():
    assert abs(r / want[int(n)] - 1) < 1e-9, (n, r, want[int(n)])
assert len(pow2) + len(other) == len(want), (len(pow2), len(other), len(want))
PY
pf=$(awk -F'" ' '{ print $2 }' "$work/cells/chart_pagefault.dat" | head -1)
want=$(/usr/bin/python3 -c 'import json,statistics,sys; d=json.load(open(sys.argv[1])); print(statistics.median([b["real_time"] for b in d["benchmarks"] if (b["name"] + "/").startswith("stack/heap_untouched/pages:512/") and b.get("run_type") == "iteration"]) / 512e3)' "$result")
/usr/bin/python3 -c 'import sys; a, b = map(float, sys.argv[1:]); assert abs(a / b - 1) < 1e-9, (a, b)' "$pf" "$want" || fail "the page-fault dot: $pf, not $want µs"
grep -q '^"pure Python: RecursionError" ' "$work/cells/chart_python_depths.dat" || fail "the recursion bars' names: $(cat "$work/cells/chart_python_depths.dat")"
echo "heat maps, dots, bars and ratios: the crafted cells and the reference's ratios where they belong"

# A result may come from anyone: the charts it declares are data. Its own declaration wins
# over this membench's of the same name (here a latency chart titled with quotes, backquotes and a newline, a
# label that tries the same); a file name that is not a plain name, a range or a figure with
# code in it is left out; nothing runs.
/usr/bin/python3 - "$result" "$work/crafted.json" "$work" <<'PY' || fail "cannot write the crafted copy"
import json, sys
d = json.load(open(sys.argv[1]))
w = sys.argv[3]
evil = "it's `touch %s/pwned-bq` \n system('touch %s/pwned-nl') \\ @x" % (w, w)
lat = {"file": "latency", "title": evil, "xlabel": evil, "ylabel": "ns", "key": "off'; system('touch %s/pwned-key')" % w, "logx": 2, "bytes": 1,
       "series": [{"bench": "hierarchy/latency_random", "figure": "sample_median_ns", "title": evil},
                  {"bench": "machine/loaded_latency", "figure": "latency_ns", "x": "loaders_bytes_per_second", "label": evil + "|" + evil}]}
bad = [{"file": "../evil", "title": "t", "series": [{"bench": "hierarchy/latency_random", "figure": "real_time"}]},
       {"file": "range", "title": "t", "yrange": "0:1]; system('touch %s/pwned-range'); set yrange [0:1" % w,
        "series": [{"bench": "hierarchy/latency_random", "figure": "real_time"}]},
       {"file": "figure", "title": "t", "series": [{"bench": "hierarchy/latency_random", "figure": "real_time u 1:(system('touch x'))"}]}]
d["context"]["membench"]["presentation"]["hierarchy"]["charts"] = [lat] + bad
json.dump(d, open(sys.argv[2], "w"))
PY
bash "$src/plots/draw.sh" "$work/crafted.json" "$work/ccharts" "$build/mbextract" "$views" > "$work/log5" 2>&1 || fail "draw.sh (crafted): $(tail -3 "$work/log5")"
[ -z "$(ls "$work"/pwned* 2>/dev/null)" ] || fail "a crafted chart ran a command: $(ls "$work"/pwned*)"
grep -q "it's .touch" "$work/ccharts/latency.svg" || fail "the crafted title was not drawn as text"
# The result's latency chart drawn, not this membench's of the same name; a chart this membench
# declares that the result does not (stride, here) drawn from the views beside it.
grep -q "random chase, 2 MiB pages" "$work/ccharts/latency.svg" && fail "this membench's declaration overrode the result's own"
[ -e "$work/ccharts/stride.svg" ] || fail "a chart declared since the result was recorded is not drawn"
[ -z "$(find "$work" -name 'evil*')" ] && [ ! -e "$work/ccharts/figure.svg" ] || fail "a chart with a crafted name or figure was drawn"
[ -s "$work/ccharts/range.svg" ] && ! grep -q "pwned" "$work/ccharts/range.svg" || fail "a chart with a crafted range: not drawn without it"
echo "crafted chart declarations: drawn as text, nothing run"

# Locale-proof: under a decimal-comma locale (de_DE, built here with localedef into a scratch
# LOCPATH: nothing of the system changes) every chart is byte for byte the C locale's.
mkdir -p "$work/loc"
if command -v localedef >/dev/null && localedef -i de_DE -f UTF-8 "$work/loc/de_DE.UTF-8" >/dev/null 2>&1 &&
   [ "$(LOCPATH=$work/loc LC_ALL=de_DE.UTF-8 awk 'BEGIN { printf "%.1f", 0.5 }')" = "0,5" ]; then
  LOCPATH=$work/loc LC_ALL=de_DE.UTF-8 bash "$src/plots/draw.sh" "$result" "$work/de" "$build/mbextract" "$views" > "$work/log4" 2>&1 ||
    fail "draw.sh under de_DE: $(tail -3 "$work/log4")"
  for f in "$work"/charts/*.svg; do cmp -s "$f" "$work/de/${f##*/}" || fail "${f##*/} differs under de_DE.UTF-8"; done
  echo "charts under de_DE.UTF-8: the same as under C"
else
  echo "note: no de_DE locale could be built here (localedef, Debian's locales data): the decimal-comma check was not made"
fi

# Three drawings into one directory at once (two make plots): each stages its own and all
# succeed, every chart complete, no staging directory left.
for k in 1 2 3; do bash "$src/plots/draw.sh" "$result" "$work/same" "$build/mbextract" "$views" > "$work/same$k.log" 2>&1 & done
ok=0
for job in $(jobs -p); do wait "$job" && ok=$((ok + 1)); done
[ "$ok" -eq 3 ] || fail "concurrent drawings: $ok of 3 succeeded: $(tail -2 "$work"/same*.log)"
for f in "$work"/same/*.svg; do tail -c 64 "$f" | grep -q '</svg>' || fail "${f##*/} incomplete after concurrent drawings"; done
[ -z "$(find "$work/same" -name '.stage.*')" ] || fail "a staging directory was left"
[ "$(ls "$work"/same/*.svg | wc -l)" -eq "$(ls "$work"/charts/*.svg | wc -l)" ] || fail "concurrent drawings: a chart missing"
echo "three drawings at once: all complete"

# A partial result (only harness/) drawn with make plots RESULT=: into runs/<its name>/ with
# only its own charts; the machine's REPORT.md and charts are as they were.
pr=$work/pr
mkdir -p "$pr/amd-epyc-2c"
cp "$result" "$pr/amd-epyc-2c/latest.json"
# The result names its machine (amd-epyc-2c), whatever this machine's name is: given as RESULT=.
make --no-print-directory -s -C "$src" plots RESULT="$pr/amd-epyc-2c/latest.json" RESULTS="$pr" BUILD="$build" MB_SKIP_DEPS=1 > "$work/pr1.log" 2>&1 ||
  fail "make plots of latest.json: $(tail -2 "$work/pr1.log")"
before=$(cat "$pr/amd-epyc-2c/REPORT.md" "$pr/amd-epyc-2c/charts/latency.svg" | cksum)
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["benchmarks"]=[b for b in d["benchmarks"] if b["name"].startswith("harness/")]; json.dump(d,open(sys.argv[2],"w"))' \
  "$result" "$work/only-harness.json" || fail "cannot write the partial result"
make --no-print-directory -s -C "$src" plots RESULT="$work/only-harness.json" RESULTS="$pr" BUILD="$build" MB_SKIP_DEPS=1 > "$work/pr2.log" 2>&1 ||
  fail "make plots of a partial result: $(tail -2 "$work/pr2.log")"
[ "$(cat "$pr/amd-epyc-2c/REPORT.md" "$pr/amd-epyc-2c/charts/latency.svg" | cksum)" = "$before" ] || fail "a partial result changed the machine's report or charts"
[ "$(ls "$pr/amd-epyc-2c/runs/only-harness/charts")" = "$(printf 'family_harness.png\nfamily_harness.svg')" ] ||
  fail "the partial result's charts: $(ls "$pr/amd-epyc-2c/runs/only-harness/charts" | tr '\n' ' ')"
[ -s "$pr/amd-epyc-2c/runs/only-harness/REPORT.md" ] || fail "no report for the partial result"
# Drawn again into a directory that holds another result's charts: only its own are left.
bash "$src/plots/draw.sh" "$work/only-harness.json" "$pr/amd-epyc-2c/charts" "$build/mbextract" > /dev/null 2>&1 || fail "redraw"
[ "$(ls "$pr/amd-epyc-2c/charts" | wc -l)" -eq 2 ] || fail "another result's charts were left beside this one's"
echo "partial result: drawn apart, the machine's report and charts untouched; no other run's chart left beside a run's"

# A full disk (a 1 MiB tmpfs as the results directory, as root; else said and left out): make
# plots fails with a line saying so, and the REPORT.md and charts already there are as they
# were, with no staging directory or temporary left.
full=$work/full
if [ "$(id -u)" = 0 ] && mkdir "$full" && mount -t tmpfs -o size=1m tmpfs "$full" 2>/dev/null; then
  trap 'umount "$full" 2>/dev/null; rm -rf "$work"' EXIT
  mkdir -p "$full/amd-epyc-2c/charts"
  echo "old report" > "$full/amd-epyc-2c/REPORT.md"
  echo "old chart" > "$full/amd-epyc-2c/charts/latency.svg"
  make --no-print-directory -s -C "$src" plots RESULT="$result" RESULTS="$full" BUILD="$build" MB_SKIP_DEPS=1 \
    > "$work/full.out" 2> "$work/full.err" && fail "make plots on a full disk exited 0"
  grep -q "^plots: .*full disk" "$work/full.err" || fail "no line about the full disk: $(tail -3 "$work/full.err")"
  [ "$(cat "$full/amd-epyc-2c/REPORT.md")" = "old report" ] || fail "REPORT.md changed on a full disk"
  [ "$(cat "$full/amd-epyc-2c/charts/latency.svg")" = "old chart" ] || fail "a chart changed on a full disk"
  left=$(find "$full" -name '.stage.*' -o -name '*.tmp' -o -name '.REPORT*' | wc -l)
  [ "$left" -eq 0 ] || fail "$left staging files left on the full disk"
  echo "full disk: $(grep -m1 '^plots: ' "$work/full.err")"
  umount "$full"
else
  echo "note: not root, or no tmpfs mount here: the full-disk check was not made"
fi

# A PATH with every command but gnuplot.
mkdir "$work/bin"
for f in /usr/local/bin/* /usr/bin/* /bin/*; do
  n=${f##*/}
  case $n in gnuplot*) continue ;; esac
  [ -e "$work/bin/$n" ] || ln -s "$f" "$work/bin/$n"
done
PATH=$work/bin bash "$src/plots/draw.sh" "$result" "$work/none" "$build/mbextract" > "$work/log2" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "exit $rc without gnuplot"
[ "$(grep -c . "$work/log2")" -eq 1 ] && grep -q "gnuplot is not installed" "$work/log2" || fail "expected one line, got: $(cat "$work/log2")"
[ -z "$(ls -A "$work/none" 2>/dev/null)" ] || fail "charts drawn without gnuplot"
echo "1 passed, 0 failed"
