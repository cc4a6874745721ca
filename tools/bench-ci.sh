#!/usr/bin/env bash
# bench-ci.sh BASE BUILD: the paired timing gate (make bench-ci BASE=<rev>).
#
# Builds revision BASE once (a copy of its tree under BUILD/gate/, kept for the next run: a
# revision's tree never changes), then runs BASE's membench and this tree's (BUILD/membench)
# on the CI subset (benches/ci_subset.txt) in interleaved rounds on one PU, the order within
# each round drawn at random, so that a drift in the machine's speed falls on both alike, and
# decides with mbcompare --paired: the
# exact signed-rank test over the rounds, Holm's correction, a minimum effect (COMPARE_ARGS:
# --threshold=0.05 by default, --family_threshold=F=X). Exit 0 no regression, 1 regression
# (named, with its ratio and interval), 2 could not run or judge (said why).
#
# Environment: MB_GATE_ROUNDS (20), MB_GATE_REPS (repetitions per run, 3), MB_GATE_MIN_TIME
# (seconds per repetition, 0.01: --mb_quick's), MB_GATE_KEEP=DIR
# (keep the round results there), CMAKE_FLAGS (for the base build), MB_COMPARE_ARGS.
set -euo pipefail
base_rev=$1 build=$2
rounds=${MB_GATE_ROUNDS:-20} reps=${MB_GATE_REPS:-3} min_time=${MB_GATE_MIN_TIME:-0.01}
src=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "bench-ci: $*" >&2; }
fail() { say "$*"; exit 2; }
case $rounds in '' | *[!0-9]*) fail "MB_GATE_ROUNDS=$rounds is not a whole number" ;; esac
case $reps in '' | *[!0-9]*) fail "MB_GATE_REPS=$reps is not a whole number" ;; esac
[ "$rounds" -ge 2 ] && [ "$rounds" -le 64 ] || fail "MB_GATE_ROUNDS=$rounds: from 2 to 64"
[ "$reps" -ge 1 ] || fail "MB_GATE_REPS=$reps: at least 1"
start=$(date +%s)

# The base: a tree of its own, built once per revision.
sha=$(git -C "$src" rev-parse --verify --quiet "$base_rev^{commit}") ||
  fail "BASE=$base_rev is not a commit of this repository (a shallow clone may need: git fetch --depth=2 origin $base_rev)"
gate=$build/gate
tree=$gate/src-$sha bbuild=$gate/build-$sha
if [ ! -x "$bbuild/membench" ]; then
  say "building the base, ${sha:0:12} (once: kept in $bbuild)"
  rm -rf "$tree" "$bbuild"
  mkdir -p "$tree"
  git -C "$src" archive --format=tar "$sha" | tar -x -C "$tree" || fail "cannot extract $sha into $tree"
  # shellcheck disable=SC2086 # CMAKE_FLAGS are words
  { cmake -S "$tree" -B "$bbuild" -DMB_BUILD_TESTS=OFF ${CMAKE_FLAGS:-} &&
    cmake --build "$bbuild" -j "$(nproc 2>/dev/null || echo 2)" --target membench; } > "$gate/build-$sha.log" 2>&1 ||
    { tail -20 "$gate/build-$sha.log" >&2; rm -rf "$bbuild"; fail "the base ${sha:0:12} does not build (log: $gate/build-$sha.log)"; }
fi
built=$(date +%s)
head=$build/membench base=$bbuild/membench
[ -x "$head" ] || fail "no $head: build this tree first (make build)"

out=$(mktemp -d "${TMPDIR:-/tmp}/membench-gate.XXXXXX") || fail "cannot make a temporary directory (TMPDIR=${TMPDIR:-})"
trap 'rm -rf "$out"' EXIT
filter="^($(paste -sd'|' "$src/benches/ci_subset.txt"))\$"
# One PU for every run of both builds: where a run of this tree would go now (the quiet PU
# of the default's kind); -1: unpinned.
pu=$("$head" --mb_print_pu 2>/dev/null) || pu=-1
pin=()
[ "$pu" -ge 0 ] && pin=(--mb_cpu="$pu")
# Each round runs fresh copies of both binaries from paths of one length: a binary's file (its
# page-cache pages, the length of its path in argv and auxv) is then no property of one side
# that persists through the gate.
run() { # run SIDE ROUND
  local bin=$out/${1:0:1}/membench
  "$bin" --mb_quick --benchmark_filter="$filter" --benchmark_repetitions="$reps" --benchmark_min_time="$min_time" \
    --mb_counters=none "${pin[@]}" \
    --benchmark_out="$out/$1-$2.json" > "$out/$1-$2.log" 2>&1 ||
    { tail -5 "$out/$1-$2.log" >&2; fail "the $1 build failed in round $2 (exit $?)"; }
}
files=()
order=""
say "$rounds rounds of base (${sha:0:12}) and head, $reps repetitions each, on PU $pu"
mkdir -p "$out/b" "$out/h"
for r in $(seq 1 "$rounds"); do
  cp "$base" "$out/b/membench.new" && mv -f "$out/b/membench.new" "$out/b/membench" &&
    cp "$head" "$out/h/membench.new" && mv -f "$out/h/membench.new" "$out/h/membench" || fail "cannot copy the binaries into $out"
  # Which side goes first is drawn for every round: with a fixed ABBA order, 2 of 10 A/A gates
  # here found one side slower in nearly every round (a periodic load can meet a fixed order).
  if [ $((RANDOM % 2)) -eq 0 ]; then run base "$r"; run head "$r"; order+=B; else run head "$r"; run base "$r"; order+=H; fi
  files+=("$out/base-$r.json" "$out/head-$r.json")
  [ $((r % 4)) -eq 0 ] && say "round $r of $rounds ($(($(date +%s) - built)) s)"
done
if [ -n "${MB_GATE_KEEP:-}" ]; then mkdir -p "$MB_GATE_KEEP" && cp "$out"/*.json "$MB_GATE_KEEP"/; fi
set +e
set -f
# shellcheck disable=SC2086 # the user's flags are words
"$build/mbcompare" --paired ${MB_COMPARE_ARGS:-} "${files[@]}"
rc=$?
set +f
say "$rounds rounds in $(($(date +%s) - built)) s (first in each: $order), the base build $((built - start)) s; exit $rc"
exit $rc
