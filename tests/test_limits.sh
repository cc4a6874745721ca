#!/usr/bin/env bash
# test_limits.sh: nothing measured is lost to a kill no handler sees, and working sets fit the
# memory the run may really take.
#  - SIGKILL mid-run (what the OOM killer and a CI job's timeout send): the last checkpoint,
#    <stamp>.partial.json, is a valid result marked context.membench.incomplete, holding some
#    but not all of the selected benchmarks; latest.json and an earlier result are as they
#    were; tools/lost.sh (make bench's message) names the kill and what was kept.
#  - A run that finishes leaves no .partial.json, and its result has no incomplete mark.
#  - A child process past its deadline is stopped; what it measured is kept, the rest named.
#  - An allocator in the user's LD_PRELOAD is recorded in the context and said.
#  - ulimit -n, -s and -u are named in one line or in the reason, and what fits still runs.
#  - In a memory cgroup of 200 MiB (as root, where cgroup v1's memory controller or v2 with
#    memory is writable; else this part says so, left out): a 256 MiB working set is skipped
#    with a reason naming the cgroup, and context.membench.memory says the cgroup limits.
# Usage: test_limits.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/mbtest-limits.XXXXXX")
cg=""
cleanup() { [ -n "$cg" ] && rmdir "$cg" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
py=/usr/bin/python3
[ -x $py ] || py=python3
fail() { echo "FAIL: $*"; exit 1; }

# 1. Killed mid-run.
mkdir -p "$dir/r/t"
echo '{"context": {"n": 1}, "benchmarks": []}' > "$dir/r/t/2020-01-01T00-00-00Z.json"
cp "$dir/r/t/2020-01-01T00-00-00Z.json" "$dir/r/t/latest.json"
start=$(date +%s)
"$build/membench" --mb_quick --mb_counters=none --mb_out_dir="$dir/r" --mb_machine=t \
  --benchmark_filter='^(harness|hierarchy|layout)/' >/dev/null 2>"$dir/err" &
pid=$!
for _ in $(seq 1 600); do # until layout's family runs and a checkpoint exists (at most 60 s)
  if grep -q "family layout" "$dir/err" && ls "$dir/r/t/"*.partial.json >/dev/null 2>&1; then break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
kill -9 $pid 2>/dev/null || fail "membench ended before it could be killed"
wait $pid && rc=0 || rc=$?
[ "$rc" -eq 137 ] || fail "exit $rc after SIGKILL"
set -- "$dir/r/t/"*.partial.json
[ -f "$1" ] || fail "no checkpoint after SIGKILL"
$py - "$1" "$dir/r/t" <<'PY' || fail "the checkpoint"
import json, sys, os
d = json.load(open(sys.argv[1]))
inc = d["context"]["membench"]["incomplete"]
n = {e["run_name"] for e in d["benchmarks"]}
assert 0 < inc["done"] < inc["selected"], inc
assert len(n) >= 1 and inc["done"] >= len(n), (inc, len(n))
assert any(x.startswith("hierarchy/") for x in n), "hierarchy's entries are not in the checkpoint"
assert d["context"]["mb_machine"] == "t"
for f in ("latest.json", "2020-01-01T00-00-00Z.json"):
    assert json.load(open(os.path.join(sys.argv[2], f))) == {"context": {"n": 1}, "benchmarks": []}, f
names = sorted(os.listdir(sys.argv[2]))
assert len(names) == 3 and not any(x.endswith(".tmp") for x in names), names
print("checkpoint after SIGKILL: %d of %d benchmarks" % (inc["done"], inc["selected"]))
PY
msg=$(MB_ARGS=--mb_machine=t bash "$src/tools/lost.sh" "$dir/r" "$build" 137 "$start" 2>&1 >/dev/null)
echo "$msg"
case $msg in *"killed by SIGKILL"*"partial.json, holds "*" of "*"benchmarks"*) ;; *) fail "lost.sh said: $msg" ;; esac
# Its message for an earlier run's checkpoint: none (the run that just ended wrote its result).
msg=$(MB_ARGS=--mb_machine=t bash "$src/tools/lost.sh" "$dir/r" "$build" 1 $((start + 100000)) 2>&1)
[ -z "$msg" ] || fail "lost.sh spoke of an earlier run's checkpoint: $msg"

# 1b. Ctrl-C while a child process measures: what this process measured is in its checkpoint
#     (written before the children start), and neither process leaves a temporary.
mkdir -p "$dir/i"
"$build/membench" --mb_quick --mb_counters=none --mb_out_dir="$dir/i" --mb_machine=t --benchmark_min_time=0.3 \
  --benchmark_filter='^(harness/|alloc/glibc/)' >/dev/null 2>"$dir/ierr" &
pid=$!
for _ in $(seq 1 300); do grep -q "in a child process" "$dir/ierr" && break; sleep 0.1; done
sleep 0.5
kill -INT $pid
wait $pid && rc=0 || rc=$?
[ "$rc" -eq 130 ] || fail "exit $rc after SIGINT"
set -- "$dir/i/t/"*.partial.json
[ -f "$1" ] || fail "no checkpoint after Ctrl-C during a child"
$py -c 'import json,sys; d=json.load(open(sys.argv[1])); n={e["run_name"] for e in d["benchmarks"]}; assert {"harness/empty","harness/clock_gettime"} <= n, n' "$1" ||
  fail "the checkpoint lacks what ran before the child"
[ "$(ls -A "$dir/i/t" | wc -l)" -eq 1 ] || fail "left behind: $(ls -A "$dir/i/t")"

# 2. A run that finishes: no checkpoint left, no incomplete mark.
"$build/membench" --mb_quick --mb_counters=none --benchmark_filter='^harness/' \
  --benchmark_out="$dir/done.json" >/dev/null 2>"$dir/err2" || { cat "$dir/err2"; fail "complete run"; }
[ ! -e "$dir/done.partial.json" ] || fail "a finished run left its checkpoint"
$py -c 'import json,sys; assert "incomplete" not in json.load(open(sys.argv[1]))["context"]["membench"]' "$dir/done.json" ||
  fail "a finished result is marked incomplete"

# 3. A child process past its deadline (MB_CHILD_TIMEOUT; an allocator that hangs would be
#    waited on forever): stopped, said in one line, exit 1; what its checkpoint held is kept,
#    the rest is in not_measured (status error, the reason) and context.membench.child_failures.
MB_CHILD_TIMEOUT=2 "$build/membench" --mb_quick --mb_counters=none --benchmark_filter='^(harness/empty|alloc/glibc/)' \
  --benchmark_min_time=0.3 --benchmark_out="$dir/child.json" >/dev/null 2>"$dir/err4" && fail "a stopped child gave exit 0"
grep -q "child process 'glibc' did not finish within 2 s" "$dir/err4" || fail "no line for the stopped child: $(tail -3 "$dir/err4")"
$py - "$dir/child.json" <<'PY' || fail "the stopped child's record"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["context"]["membench"]["child_failures"]
assert len(f) == 1 and f[0]["process"] == "glibc" and "did not finish" in f[0]["why"], f
lost = [e for e in d["not_measured"] if e["status"] == "error" and e["name"].startswith("alloc/glibc/")]
kept = {e["run_name"] for e in d["benchmarks"] if e["run_name"].startswith("alloc/glibc/")}
assert len(lost) == f[0]["lost"] and lost and "did not finish within 2 s" in lost[0]["reason"], (f, lost[:1])
assert not kept & {e["name"] for e in lost}, "a benchmark both kept and lost"
assert len(kept) + len(lost) == 13, (len(kept), len(lost))
assert any(e["run_name"] == "harness/empty" for e in d["benchmarks"])
print("child stopped at its deadline: %d entries kept from its checkpoint, %d benchmarks in not_measured" % (len(kept), len(lost)))
PY
left=$(find "$dir" -maxdepth 1 -name '*.partial.json' -o -maxdepth 1 -name '.*.tmp' | wc -l)
[ "$left" -eq 0 ] || fail "the stopped child left $left files"

# What follows is about the host's limits and libraries: under qemu-user (make test-aarch64)
# qemu itself takes descriptors, stack and threads, and the host's libjemalloc is not arm64's.
if [ -n "${MB_TEST_EMULATOR:-}" ]; then
  echo "LD_PRELOAD, ulimit and cgroup parts: left out under $MB_TEST_EMULATOR (qemu's own limits and libraries)"
  echo "PASS"
  exit 0
fi

# 4. An allocator in the user's LD_PRELOAD is what malloc is here: recorded in the context and
#    said (stack/malloc measured jemalloc as "malloc"). Needs Debian's libjemalloc2.
if ldconfig -p 2>/dev/null | grep -q 'libjemalloc\.so\.2 '; then
  LD_PRELOAD=libjemalloc.so.2 "$build/membench" --mb_quick --mb_counters=none --benchmark_filter='^stack/malloc/size:16$' \
    --benchmark_out="$dir/pre.json" >/dev/null 2>"$dir/err5" || fail "run under LD_PRELOAD"
  grep -q "warning: malloc here is libjemalloc.so.2's (LD_PRELOAD=libjemalloc.so.2)" "$dir/err5" || fail "no line for the preloaded malloc"
  $py -c 'import json,sys; c=json.load(open(sys.argv[1]))["context"]; assert "libjemalloc" in c["mb_malloc_library"] and c["mb_ld_preload"] == "libjemalloc.so.2", c.get("mb_malloc_library")' \
    "$dir/pre.json" || fail "the preloaded malloc is not in the context"
  echo "LD_PRELOAD=libjemalloc.so.2: recorded and said"
else
  echo "LD_PRELOAD part: left out (libjemalloc.so.2 is not installed)"
fi

# 5. Resource limits are named: too few descriptors ends the run in one line (a low soft
#    limit is raised); a small stack still runs what fits, the reason names ulimit -s; with
#    no processes left (ulimit -u, as another user) thread and probe starts say errno and
#    the limit, never "no depth".
msg=$( (ulimit -n 7; "$build/membench" --mb_quick --benchmark_filter='^harness/empty$' 2>&1 >/dev/null); echo "rc=$?")
case $msg in "membench: only 7 file descriptors may be open (ulimit -n)"*"rc=2") ;; *) fail "ulimit -n 7: $msg" ;; esac
(ulimit -Sn 10; "$build/membench" --mb_quick --mb_counters=none --benchmark_filter='^harness/empty$' --benchmark_out="$dir/fd.json" \
  >/dev/null 2>&1) || fail "a soft ulimit -n 10 ended the run"
# hwloc's topology (membench's own; under qemu it may have no caches); Google Benchmark's cache list wherever sysfs has one
# (some VMs have no /sys/devices/system/cpu/cpu0/cache/index*).
$py -c 'import json,sys,glob; c=json.load(open(sys.argv[1]))["context"]; assert c["num_cpus"] > 0 and int(c["mb_topo_pus"]) > 0 and "mb_topo_cache_line" in c, c; assert c["caches"] or not glob.glob("/sys/devices/system/cpu/cpu0/cache/index*"), "no caches"' "$dir/fd.json" ||
  fail "a soft ulimit -n 10 lost context"
(ulimit -s 256; "$build/membench" --mb_quick --mb_counters=none --benchmark_filter='^stack/array_untouched/size:(16|1048576)$' \
  --benchmark_out="$dir/st.json" >/dev/null 2>&1) || fail "run under ulimit -s 256"
$py - "$dir/st.json" <<'PY' || fail "ulimit -s 256"
import json, sys
d = json.load(open(sys.argv[1]))
assert any(e["run_name"] == "stack/array_untouched/size:16" for e in d["benchmarks"]), "16 bytes did not run under ulimit -s 256"
r = [e["reason"] for e in d["not_measured"] if e["name"] == "stack/array_untouched/size:1048576"]
assert r and "ulimit -s" in r[0] and "margin" in r[0], r
PY
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && runuser -u nobody -- true 2>/dev/null && [ -x "$build/membench" ] &&
   runuser -u nobody -- test -x "$build/membench"; then
  # The smallest two-thread point: its working set follows this machine's caches.
  two=$("$build/membench" --mb_quick --benchmark_list_tests | grep -E '^machine/read_compact/threads:2/ws:[0-9]+/real_time$' |
    sort -t: -k3 -n | head -n 1)
  [ -n "$two" ] || fail "no two-thread machine/read_compact point in the quick suite"
  out=$(runuser -u nobody -- bash -c "cd /; ulimit -u 1; exec '$build/membench' --mb_quick --mb_counters=none --mb_quiet_check=off \
    --benchmark_filter='^($two|recursion/overflow_main/frame:64/iterations:1/real_time)\$'" 2>&1)
  echo "$out" | grep -Eq "cannot start thread [12] of 2: Resource temporarily unavailable \(a limit on processes or threads: ulimit -u" ||
    fail "ulimit -u 1, threads: $(echo "$out" | grep -i error | head -2)"
  case $out in *"cannot start the probe process: Resource temporarily unavailable (a limit on processes: ulimit -u"*) ;;
    *) fail "ulimit -u 1, probe: $(echo "$out" | grep -i error | head -2)" ;; esac
  echo "ulimit -u 1: thread and probe starts name the limit"
else
  echo "ulimit -u part: left out (needs root to run as another user: root has no process limit)"
fi
echo "ulimit -n and -s: named"

# 6. A memory cgroup.
v1=/sys/fs/cgroup/memory
rel=$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}:\(.*\)$/\3/p' /proc/self/cgroup | head -n 1)
if [ "$(id -u)" = 0 ] && [ -n "$rel" ] && [ -w "$v1$rel" ] && mkdir "$v1$rel/mbtest$$" 2>/dev/null; then
  cg="$v1$rel/mbtest$$"
  echo $((200 << 20)) > "$cg/memory.limit_in_bytes"
elif [ "$(id -u)" = 0 ] && grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
  mkdir "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/mbtest$$" 2>/dev/null; then
  cg="/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/mbtest$$"
  echo $((200 << 20)) > "$cg/memory.max"
fi
if [ -z "$cg" ]; then
  echo "memory cgroup: left out (needs root and a writable memory cgroup, v1 or v2)"
  exit 0
fi
( echo $BASHPID > "$cg/cgroup.procs"
  exec "$build/membench" --mb_counters=none --benchmark_filter='^hierarchy/read/ws:(32768|268435456)$' \
    --benchmark_min_time=0.01 --benchmark_out="$dir/cg.json" >/dev/null 2>"$dir/err3" ) || { cat "$dir/err3"; fail "run in the cgroup"; }
$py - "$dir/cg.json" <<'PY' || fail "the cgroup's limit"
import json, sys
d = json.load(open(sys.argv[1]))
mem = d["context"]["membench"]["memory"]
assert mem["limited_by"] == "cgroup" and mem["cgroup_limit"] == 200 << 20 and mem["bytes"] <= 200 << 20, mem
skip = [e for e in d["not_measured"] if e["name"] == "hierarchy/read/ws:268435456"]
assert skip and "memory cgroup" in skip[0]["reason"], d["not_measured"]
assert any(e["run_name"] == "hierarchy/read/ws:32768" for e in d["benchmarks"])
print("in a 200 MiB cgroup: " + skip[0]["reason"])
PY
echo "PASS"
