#!/usr/bin/env bash
# test_side.sh SOURCE_DIR BUILD_DIR: machines side by side. mbside on a known answer (a copy of
# the reference result with every time doubled is 2× worse in every family) and on a real
# second machine (tests/data/machines: an older result, real_time compared); its bad input;
# plots/machines.sh draws the three charts of both; mbextract --date.
set -u
src=$1 build=$2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ref=$src/results/amd-epyc-2c/latest.json
[ -f "$ref" ] || { echo "SKIP: no reference result"; exit 77; }
py=/usr/bin/python3
[ -x $py ] || py=python3
gzip -dc "$src/tests/data/machines/intel-xeon-16c-vm.json.gz" > "$work/intel.json" || fail "cannot unpack the Intel result"

# Known answer: every time doubled, every bandwidth and other figure left alone.
$py - "$ref" "$work/plain.json" "$work/slow.json" <<'PY' || fail "cannot write the doubled result"
import json, sys
d = json.load(open(sys.argv[1]))
for b in d["benchmarks"]:
    for k in ("primary", "unit", "direction"): b.pop(k, None)  # real_time is then the figure
json.dump(d, open(sys.argv[2], "w"))
d["context"]["mb_machine"] = "slow-twin"
for b in d["benchmarks"]:
    for k in ("real_time", "cpu_time"):
        if isinstance(b.get(k), (int, float)): b[k] *= 2
json.dump(d, open(sys.argv[3], "w"))
PY
"$build/mbside" "$work/plain.json" "$work/slow.json" > "$work/twin.md" || fail "mbside failed on the twin"
grep -q '^| B | slow-twin |' "$work/twin.md" || fail "no row for the twin"
# Neither declares a primary figure (removed from both): real_time everywhere, every family 0.5×.
rows=$(grep -cE '^\| [a-z]+ \| [0-9]+ \| 0\.5× \(worse\) \|$' "$work/twin.md")
fams=$(sed -n '/^| family |/,/^$/p' "$work/twin.md" | grep -cE '^\| [a-z]+ \| [0-9]+ \|')
[ "$fams" -ge 5 ] && [ "$rows" = "$fams" ] || { sed -n '/^| family |/,/^$/p' "$work/twin.md"; fail "$rows of $fams families at 0.5×"; }

# A real second machine: its latency at 16 KiB against ours, computed here independently.
"$build/mbside" --charts="$work/charts" "$ref" "$work/intel.json" > "$work/side.md" || fail "mbside failed"
grep -q '^| B | dev16 | Intel(R) Xeon(R) Processor | 16 |' "$work/side.md" || fail "no row for dev16"
want=$($py - "$ref" "$work/intel.json" <<'PY'
import json, sys, statistics
def rt(path, name):
    d = json.load(open(path))
    v = [b["real_time"] for b in d["benchmarks"] if b.get("run_name") == name and b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred")]
    return statistics.median(v)
n = "hierarchy/latency_random/ws:16384"
r = rt(sys.argv[1], n) / rt(sys.argv[2], n)
print("%.3g× %s" % (r, "better" if r >= 1 else "(worse)"))
PY
)
got=$(grep '^| `hierarchy/latency_random/ws:16384` |' "$work/side.md" | awk -F' \\| ' '{ print $NF }' | sed 's/ |$//')
[ "$got" = "$want" ] || fail "latency_random at 16 KiB: '$got', computed '$want'"

# Bad input: one line, exit 2.
for args in "$ref" "$ref $src/README.md" "--nope $ref $ref"; do
  # shellcheck disable=SC2086
  "$build/mbside" $args > /dev/null 2> "$work/err"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l < "$work/err")" = 1 ] || fail "mbside $args: exit $rc, $(cat "$work/err")"
done
[ "$("$build/mbextract" "$ref" --date)" = "$(cut -c1-10 <<< "$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["context"]["date"])' "$ref")")" ] ||
  fail "mbextract --date"

# The charts of both machines.
if command -v gnuplot >/dev/null; then
  # The charts the families declare for machines side by side (MB_CHART's .machines), from
  # what this membench declares: the results were recorded before some were.
  "$build/membench" --mb_views > "$work/views.json" || fail "membench --mb_views"
  bash "$src/plots/machines.sh" "$work/charts" "$build/mbextract" --views="$work/views.json" "$ref" "$work/intel.json" > "$work/log" 2>&1 ||
    fail "machines.sh: $(tail -3 "$work/log")"
  for c in machines_latency machines_bandwidth machines_alloc_pair; do
    [ -s "$work/charts/$c.svg" ] && [ -s "$work/charts/$c.png" ] || fail "no $c chart: $(cat "$work/log")"
    grep -q 'dev16' "$work/charts/$c.svg" && grep -q 'amd-epyc-2c' "$work/charts/$c.svg" || fail "a machine is missing from the $c chart"
  done
  grep -q 'dev16 triad' "$work/charts/machines_bandwidth.svg" || fail "the bandwidth chart does not name each machine's series"
  "$build/mbside" --charts="$work/charts" --views="$work/views.json" "$ref" "$work/intel.json" > "$work/side.md" || fail "mbside --views"
  grep -q "(charts/machines_latency.svg)" "$work/side.md" && grep -q "(charts/machines_alloc_pair.svg)" "$work/side.md" || fail "no chart link: $(grep -n svg "$work/side.md")"
  # One result is no side by side.
  "$build/mbextract" "$ref" --machines "$work/one" > /dev/null 2> "$work/err" && fail "mbextract --machines with one result"
  [ "$(wc -l < "$work/err")" = 1 ] || fail "mbextract --machines with one result: $(cat "$work/err")"
else
  echo "note: gnuplot is not installed: the charts were not drawn"
fi
echo "side by side: twin at 0.5× in $fams families; dev16's latency at 16 KiB $want"
