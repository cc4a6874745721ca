#!/usr/bin/env bash
# test_views.sh BUILD RESULT: the report sections families declare (MB_VIEW) reach the report as
# data. membench --mb_views prints them; mbreport draws them from a result that records them
# and, for one that does not, from --views=FILE; a cell shows its benchmark's declared primary
# (the median of the clean repetitions); what a crafted result puts in a section is escaped
# or left out; a views file that is not JSON is one line and exit 2.
build=$1 result=$2
. "$(dirname "$0")/lib.sh"
"$build/membench" --mb_views > "$dir/views.json" || fail "membench --mb_views failed"
$py - "$dir/views.json" <<'PY' || fail "--mb_views: no hierarchy section with its table"
import json, sys
v = json.load(open(sys.argv[1]))
s = [x for x in v["hierarchy"]["sections"] if x["columns"]][0]
assert s["heading"] and s["columns"][0] == "working set" and len(s["rows"]) >= 1 and s["charts"][0]["file"]
PY
"$build/mbreport" "$result" charts --views="$dir/views.json" > "$dir/a.md" || fail "mbreport --views failed"
# The latency column: the entry's primary figure (sample_median_ns), median of its clean repetitions.
$py - "$result" "$dir/views.json" "$dir/a.md" <<'PY' || fail "a declared cell does not show its benchmark's primary figure"
import json, statistics, sys
res, views, report = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), open(sys.argv[3]).read()
sec = [x for x in views["hierarchy"]["sections"] if x["columns"]][0]
label, name = sec["rows"][0][0], sec["rows"][0][1]
runs = [b for b in res["benchmarks"] if b.get("run_name") == name and b.get("run_type") != "aggregate"
        and not b.get("error_occurred") and not b.get("mb_disturbed")]
prim = runs[0]["primary"]
m = statistics.median(b[prim] for b in runs)
want = "%.3g ns" % m
row = [l for l in report.splitlines() if l.startswith("| " + label + " |")]
assert row and row[0].split("|")[2].strip() == want, (row, want, prim)
PY
# The same sections recorded in the result itself, crafted: a chart name that is a path, an
# alternative text that closes the link, a heading with a new line.
$py - "$result" "$dir/crafted.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["context"]["membench"].setdefault("presentation", {}).setdefault("hierarchy", {})["sections"] = [
  {"heading": "H\n## injected", "place": 1, "charts": [{"file": "../../etc/passwd", "alt": "a"}, {"file": "ok", "alt": "x](http://evil.example/)"}],
   "columns": ["c", "d", "e"], "figures": [None], "rows": [["r <b>", "hierarchy/latency_random/ws:16384"], ["s", "no/such/benchmark", "hierarchy/latency_random/ws:16384"], ["gone", "no/such/benchmark"]]},
  # Columns that scale, share and divide, with a crafted unit and ratios that point nowhere.
  {"heading": "Columns", "place": 2, "charts": [], "columns": ["n", "ns", "half", "share", "ratio", "unit", "bad ratio"],
   "figures": ["sample_median_ns", "sample_median_ns", "sample_median_ns", None, "sample_median_ns", None],
   "units": [None, None, None, None, "|<b>x", None], "per": [0, 2, 0, 0, 0, 0], "inv": [0, 0, 0, 0, 0, 0],
   "share_of": [None, None, "sample_median_ns", None, None, None], "ratio": [None, None, None, [1, 2], None, [9, -1]],
   "rows": [["one", "hierarchy/latency_random/ws:16384", "hierarchy/latency_random/ws:16384", "hierarchy/latency_random/ws:16384", None,
             "hierarchy/latency_random/ws:16384", None]]}]
lat = lambda ws: {"bench": "hierarchy/latency_random/ws:%d" % ws}
c = lambda i, **k: dict({"id": i, "text": "t " + i, "a": lat(16384), "b": lat(268435456), "above": False, "bound": 1,
                         "measured": "{a:2} vs {b:2}", "holds": "holds ({r:3})", "differs": "differs"}, **k)
d["context"]["membench"]["presentation"]["hierarchy"]["claims"] = [
  c("X1", text="t <i>", measured="{a:2} vs {b:2} | {a:99} {q:1}"), c("X2", above=True), c("X3", a={"bench": "no/such/thing"}),
  c("X4", after="X1", a={"bench": "hierarchy/latency_random/ws:16384", "per": 2}, b=None),
  c("X5", b=lat(16384), bound=0.5, high=1.5, measured="{p:0}% {c:2} {d:1}", c=lat(16384), d={"bench": "no/such/thing"}),
  c("X6", b=lat(16384), bound=1.5, high=3, measured="{r:1}"),
  # Rules as expressions (mb_rule.h) and the templates they bring, with known answers: a / b
  # is far below 1 (a in L1, b in memory).
  c("X7", rule="a < b && min(a, b) == a || e", e={"bench": "no/such/thing"}, c=lat(16384),
    f={"bench": "hierarchy/latency_random/ws:16384", "per": 1e9}, g={"bench": "hierarchy/latency_random/ws:16384", "per": 1e-6},
    measured="{=b / a:0}x {f#zero|one|two} {g#zero|one} {(a < b)?less|more} {c?yes|no} {d?yes|no} {s:none_such} {e:1}", holds="H", differs="D"),
  c("X8", rule="a > b && e > 0", e={"bench": "no/such/thing"}, holds="H", differs="D"),
  c("X9", rule="a > b || e > 0", e={"bench": "no/such/other"}, holds="H", differs="D"),
  c("X10", rule="a >= ; x", holds="H", differs="D"),
  c("X11", rule="a == 8 && b == 8", a={"ctx": "stack_thread_default_bytes", "per": 1048576}, b={"bench": "hierarchy/latency_random", "largest": True},
    measured="{a:0} MiB, the largest {b:1}", holds="H", differs="D")]
d["context"]["membench"]["presentation"]["hierarchy"]["claims"].append(
  c("X12", rule="c >= 2", a={"bench": "hierarchy/latency_random", "smallest": True},
    b={"bench": "hierarchy/latency_random", "arg": "ws", "largest": True, "pick": "sample_median_ns"}, c={"bench": "hierarchy/latency_random", "count": True},
    d={"bench": "hierarchy/latency_random", "over": "hierarchy/latency_random", "largest": True}, measured="{a:2} {b:1} {c:0} {d:1}", holds="H", differs="D"))
del d["context"]["membench"]["presentation"]["hierarchy"]["claims"][3]["b"]
# Lines (MB_TEXT): filled, escaped (a code span kept, a '|' in it escaped), left out where a
# figure is missing or the condition is malformed; a table's header row and a heading.
d["context"]["membench"]["presentation"]["hierarchy"]["texts"] = [
  {"place": 1, "cells": ["T1 <i> `code|x` {a:ns} {=a * 2:ns} {=a / a:x} {a:zz}"], "a": lat(16384)},
  {"place": 1, "cells": ["T2 hidden {a:0}"], "a": {"bench": "no/such/thing"}},
  {"place": 1, "cells": ["T3 hidden"], "when": "a >= ; x", "a": lat(16384)},
  {"place": 1, "heading": "Sub\n# x", "header": True, "cells": ["h1", "h2"]},
  {"place": 1, "cells": ["r", "{a:ns}"], "a": lat(16384)},
  {"place": 1, "cells": ["- bullet {=max(a, e):ns}"], "a": lat(16384), "e": {"bench": "no/such/thing"}, "when": "known(a) && !known(e)"}]
json.dump(d, open(sys.argv[2], "w"))
PY
"$build/mbreport" "$dir/crafted.json" charts > "$dir/c.md" || fail "mbreport on a crafted section failed"
grep -q '^## injected' "$dir/c.md" && fail "a heading's new line made a heading of its own"
grep -q 'etc/passwd' "$dir/c.md" && fail "a chart name that is a path reached the report"
grep -q '](http' "$dir/c.md" && fail "an alternative text closed its link"
grep -q '<b>' "$dir/c.md" && fail "HTML in a row label reached the report"
grep -q '^| s | – | [0-9.]* ns |$' "$dir/c.md" || fail "a benchmark the result lacks is not shown as –"
grep -q '^| gone |' "$dir/c.md" && fail "a row of nothing but missing benchmarks is shown"
# per 2 halves the figure, a share of itself is 100%, the ratio of the two is 2x, the crafted
# unit is escaped text, a ratio of columns that do not exist is –.
$py - "$result" "$dir/c.md" <<'PY' || fail "declared columns (per, share_of, ratio, unit) are not shown as declared"
import json, statistics, sys
res, rep = json.load(open(sys.argv[1])), open(sys.argv[2]).read().splitlines()
m = statistics.median(b["sample_median_ns"] for b in res["benchmarks"] if b.get("run_name") == "hierarchy/latency_random/ws:16384"
                      and b.get("run_type") != "aggregate" and not b.get("mb_disturbed"))
row = [l for l in rep if l.startswith("| one |")][0]
want = "| one | %.3g ns | %.3g ns | 100%% | 2× | %.4g \\|&lt;b&gt;x | – |" % (m, m / 2, m)
assert row == want, (row, want)
PY
grep -q '^## H ## injected$' "$dir/c.md" || fail "the crafted section is not drawn: $(grep -n '^## H' "$dir/c.md")"
# Declared claims: judged by their rule each way, a missing figure said, the templates filled
# and escaped, a claim with .after right after its row.
$py - "$result" "$dir/c.md" <<'PY' || fail "declared claims are not judged and shown as declared"
import json, statistics, sys
res, rep = json.load(open(sys.argv[1])), open(sys.argv[2]).read().splitlines()
def med(n):
    return statistics.median(b["sample_median_ns"] for b in res["benchmarks"] if b.get("run_name") == n
                             and b.get("run_type") != "aggregate" and not b.get("mb_disturbed"))
a, b = med("hierarchy/latency_random/ws:16384"), med("hierarchy/latency_random/ws:268435456")
row = {l.split(" | ")[0][2:]: (i, l) for i, l in enumerate(rep) if l.startswith("| X")}
assert row["X1"][1] == "| X1 | t &lt;i&gt; | %.2f vs %.2f \\| {a:99} {q:1} | holds (%.3f) |" % (a, b, a / b), row["X1"]
assert row["X2"][1].endswith("| differs |"), row["X2"]
assert "not measured: no `no/such/thing` in this result | not measurable here yet |" in row["X3"][1], row["X3"]
assert row["X4"][0] == row["X1"][0] + 1 and ("| %.2f vs 1.00 |" % (a / 2)) in row["X4"][1], (row["X4"], row["X1"])
# A range rule: a / a = 1 lies within 0.5..1.5 (holds), not within 1.5..3 (differs); {p} is a
# share in %, {c} a figure of the text, {d} one the result lacks.
assert row["X5"][1].endswith("| 100%% %.2f – | holds (%.3f) |" % (a, 1.0)), row["X5"]
assert row["X6"][1].endswith("| 1.0 | differs |"), row["X6"]
# X7: a rule that holds though e is missing (the || side decides alone); {=...} an expression,
# {a#...} a place past the list ("?"), {(...)?} and {x?} choices, a missing context string.
assert row["X7"][1] == "| X7 | t X7 | %.0fx zero ? less yes no unknown – | H |" % (b / a), row["X7"]
# X8: false whatever e is (0 && x); X9: open without e: not measurable, naming it.
assert row["X8"][1].endswith("| D |"), row["X8"]
assert "not measured: no `no/such/other` in this result | not measurable here yet |" in row["X9"][1], row["X9"]
assert row["X10"][1].endswith("| not judged: its rule is no expression over a..j | not measurable here |"), row["X10"]
# X11: a context number and the largest over a sweep.
fam = res["context"]["membench"]["families"]
most = max(med(b["run_name"]) for b in res["benchmarks"] if b.get("run_name", "").startswith("hierarchy/latency_random/")
           and b.get("run_type") != "aggregate" and not b.get("error_occurred"))
assert row["X11"][1] == "| X11 | t X11 | %.0f MiB, the largest %.1f | %s |" % (
    float(fam["stack_thread_default_bytes"]) / 1048576, most, "H" if float(fam["stack_thread_default_bytes"]) == 8 << 20 and most == 8 else "D"), row["X11"]
# X12: the smallest over a sweep, the figure at its largest argument, how many, each over itself.
runs = {b["run_name"] for b in res["benchmarks"] if b.get("run_name", "").startswith("hierarchy/latency_random/")
        and b.get("run_type") != "aggregate" and not b.get("error_occurred")}
top = max(runs, key=lambda n: int(n.split("/ws:")[1].split("/")[0]))
assert row["X12"][1] == "| X12 | t X12 | %.2f %.1f %d 1.0 | H |" % (min(med(n) for n in runs), med(top), len(runs)), row["X12"]
# The lines.
fmt = lambda v: "%.3g ns" % v
i = rep.index("T1 &lt;i&gt; `code\\|x` %s %s 1× {a:zz}" % (fmt(a), fmt(2 * a)))
assert not [l for l in rep if l.startswith("T2") or l.startswith("T3")], "a line without its figure, or with a malformed condition, shown"
assert rep[i + 1:i + 9] == ["", "### Sub # x", "", "| h1 | h2 |", "|---|---|", "| r | %s |" % fmt(a), "", "- bullet %s" % fmt(a)], rep[i + 1:i + 9]
PY
echo '{"hierarchy":' > "$dir/bad.json"
"$build/mbreport" "$result" charts --views="$dir/bad.json" > /dev/null 2> "$dir/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$dir/err")" = 1 ] || fail "a broken views file: rc $rc, $(cat "$dir/err")"
finish
