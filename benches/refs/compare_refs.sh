#!/usr/bin/env bash
# compare_refs.sh: membench's hierarchy family side by side with the references, in one run,
# on one PU (default 0: likwid-bench's S0 thread 0), and the run-to-run spread.
#   - bandwidth: hierarchy/read|copy|triad against likwid-bench load_avx512, copy_avx512,
#     triad_avx512 at 32 KiB, 512 KiB, 8 MiB, 1 GiB (ratio = membench / likwid-bench),
#     alternating, medians of three rounds; triad also against stream_avx512, likwid's
#     STREAM-style 3-stream triad, the like-for-like kernel
#   - latency: hierarchy/latency_random against benches/refs/chase_ref.c (an independent chase)
#     at 16 KiB, 256 KiB, 4 MiB, 256 MiB, alternating, medians of three rounds
#   - CV of the bandwidth points over 5 repetitions, and of latency per level
# Usage: benches/refs/compare_refs.sh [build dir] [cpu]. Needs likwid (Debian package) and a build.
# This times things: it is a benchmark, not a test, and never runs in `make test`.
set -euo pipefail
build=${1:-build}
cpu=${2:-0}
command -v likwid-bench >/dev/null || { echo "compare_refs: likwid-bench not found (apt-get install likwid)" >&2; exit 2; }
[ -x "$build/membench" ] || { echo "compare_refs: no $build/membench (run make)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

sizes="32768 524288 8388608 1073741824"
lk_size() { case $1 in 32768) echo 32KB;; 524288) echo 512KB;; 8388608) echo 8MB;; 1073741824) echo 1GB;; esac; }

echo "membench hierarchy vs references on PU $cpu ($(date -u +%FT%TZ))"
"$build/membench" --mb_cpu="$cpu" --mb_counters=none --benchmark_repetitions=5 \
  --benchmark_filter='^hierarchy/((read|copy|triad)/ws:(32768|524288|8388608|1073741824)|latency_random/ws:(16384|262144|4194304|268435456))$' \
  --benchmark_out="$out/mb.json" >/dev/null 2>"$out/mb.err" || { cat "$out/mb.err" >&2; exit 1; }

# median and CV of a membench benchmark: field = bytes_per_second or real_time
mb() { /usr/bin/python3 - "$out/mb.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); name, field = sys.argv[2], sys.argv[3]
med = [b for b in d["benchmarks"] if b["name"] == name + "_median"]
cv = [b for b in d["benchmarks"] if b["name"] == name + "_cv"]
print(med[0][field] if med else "nan", cv[0][field] if cv else "nan")
PY
}

# Bandwidth: membench and likwid-bench alternate at each point, three rounds, and the
# medians are compared, so drift of a shared host between the two does not land in the
# ratio. CV: membench's spread over the 5 repetitions of the run above.
printf '\n%-10s %-8s %14s %14s %8s %8s\n' op size "membench GB/s" "likwid GB/s" ratio "CV"
for op in read:load_avx512 copy:copy_avx512 triad:triad_avx512 triad:stream_avx512; do
  mbop=${op%%:*}; lkop=${op##*:}
  for s in $sizes; do
    m=() l=()
    for round in 1 2 3; do
      "$build/membench" --mb_cpu="$cpu" --mb_counters=none --benchmark_min_time=0.2 \
        --benchmark_filter="^hierarchy/$mbop/ws:$s\$" --benchmark_format=json 2>/dev/null > "$out/bw.json"
      m+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/bw.json'))['benchmarks'][0]['bytes_per_second'])")")
      l+=("$(likwid-bench -t "$lkop" -w "S0:$(lk_size "$s"):1" 2>/dev/null | awk '/^MByte\/s:/ {print $2 * 1e6}')")
    done
    read -r _ cv < <(mb "hierarchy/$mbop/ws:$s" bytes_per_second)
    /usr/bin/python3 -c "
import statistics as st
m, l = st.median([${m[0]}, ${m[1]}, ${m[2]}]), st.median([${l[0]:-nan}, ${l[1]:-nan}, ${l[2]:-nan}])
print('%-10s %-8s %14.1f %14.1f %8.3f %7.2f%%  (%s)' % ('$mbop', '$(lk_size "$s")', m / 1e9, l / 1e9, m / l, 100 * float('$cv'), '$lkop'))"
  done
done

printf '\n%-10s %12s %8s\n' size "latency ns" "CV (5 reps)"
for s in 16384 262144 4194304 268435456; do
  read -r t cv < <(mb "hierarchy/latency_random/ws:$s" real_time)
  /usr/bin/python3 -c "print('%-10s %12.2f %7.2f%%' % ('$s', $t, 100 * float('$cv')))"
done

# Latency: DRAM latency on a shared host drifts by 10-20% over minutes, so membench and the
# reference alternate, three rounds each, and the medians are compared.
printf '\n%-10s %12s %12s %8s\n' size "membench ns" "chase_ref ns" ratio
for s in 16384 262144 4194304 268435456; do
  m=() r=()
  for round in 1 2 3; do
    "$build/membench" --mb_cpu="$cpu" --mb_counters=none --benchmark_min_time=0.3 \
      --benchmark_filter="^hierarchy/latency_random/ws:$s\$" --benchmark_format=json 2>/dev/null > "$out/lat.json"
    m+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/lat.json'))['benchmarks'][0]['real_time'])")")
    r+=("$("$build/chase_ref" "$cpu" "$s" | awk '{print $2}')")
  done
  /usr/bin/python3 -c "
import statistics as st
m, r = st.median([${m[0]}, ${m[1]}, ${m[2]}]), st.median([${r[0]}, ${r[1]}, ${r[2]}])
print('%-10s %12.2f %12.2f %8.3f' % ('$s', m, r, m / r))"
done
echo
echo "note: likwid's triad_avx512 is A = B*C + D (4 streams, 32 B/element); membench's triad is"
echo "STREAM's a = b + s*c (3 streams, 24 B/element), as likwid's stream_avx512 is: that row is"
echo "the like-for-like one. Sizes are totals over all arrays in both."
