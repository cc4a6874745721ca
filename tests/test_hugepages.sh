#!/usr/bin/env bash
# test_hugepages.sh BUILD: hierarchy/latency_1g runs wholly on an explicit 1 GiB page or is
# skipped saying how many are free and how to reserve them. As root, with 4 GiB available and
# a kernel that has 1 GiB pages, the test reserves one more page for its run and gives it back
# (the pool's size is restored whatever happens); otherwise only the skip is checked.
build=$1
. "$(dirname "$0")/lib.sh"
pool=/sys/kernel/mm/hugepages/hugepages-1048576kB
run() { "$build/membench" --mb_quick --benchmark_filter='^hierarchy/latency_1g/ws:(4096|1048576)$' --benchmark_out="$dir/r.json" \
  --benchmark_out_format=json > /dev/null 2> "$dir/err" || fail "membench failed: $(tail -2 "$dir/err")"; }
check() { # measured | skipped
  $py - "$dir/r.json" "$1" <<'PY' || fail "latency_1g is not $1 as it should be"
import json, sys
d, want = json.load(open(sys.argv[1])), sys.argv[2]
got = {b["run_name"]: b for b in d["benchmarks"] if b.get("variant") == "latency_1g" and b.get("run_type") != "aggregate"}
skip = [n for n in d.get("not_measured", []) if n["name"].startswith("hierarchy/latency_1g/")]
if want == "skipped":
    assert not got and len(skip) == 2, (got.keys(), skip)
    assert all("1 GiB" in n["reason"] for n in skip), skip
else:
    assert len(got) == 2 and not skip, (got.keys(), skip)
    for b in got.values():
        assert b["hugetlb"] == 1 and b["huge_kib"] == 1048576, b
PY
}
free=$(cat "$pool/free_hugepages" 2>/dev/null || echo 0)
if [ "$free" -lt 1 ]; then
  run
  check skipped
fi
avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ "$(id -u)" = 0 ] && [ -w "$pool/nr_hugepages" ] && [ "${avail:-0}" -gt $((4 * 1024 * 1024)) ]; then
  old=$(cat "$pool/nr_hugepages")
  trap 'echo "$old" > "$pool/nr_hugepages"; rm -rf "$dir"' EXIT
  echo $((old + 1)) > "$pool/nr_hugepages" 2>/dev/null
  if [ "$(cat "$pool/free_hugepages")" -ge 1 ]; then
    run
    check measured
    echo "measured on a reserved 1 GiB page"
  else
    echo "(the kernel could not find 1 GiB of contiguous memory: the measured case is not checked)"
  fi
  echo "$old" > "$pool/nr_hugepages"
  [ "$(cat "$pool/nr_hugepages")" = "$old" ] || fail "the pool's size was not restored to $old"
else
  echo "(not root, no 1 GiB pages or under 4 GiB available: only the skip is checked)"
fi
finish
