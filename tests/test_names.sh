#!/usr/bin/env bash
# test_names.sh: every benchmark name the report and the side-by-side tool look up by hand
# (tools/mbreport.c, tools/mbside.c) is one membench registers, with the argument names it
# has: a renamed variant or argument fails here instead of turning a report cell into "–".
# Usage: test_names.sh SRCDIR path/to/membench
set -euo pipefail
src=$1 bin=$2
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$bin" --benchmark_list_tests >"$list" 2>/dev/null
[ -s "$list" ] || { echo "membench listed no benchmarks"; exit 1; }
/usr/bin/python3 - "$list" "$src/tools/mbreport.c" "$src/tools/mbside.c" <<'PY'
import re, sys
listed = [l.strip() for l in open(sys.argv[1]) if l.strip()]
families = {n.split('/')[0] for n in listed}
def parts(name):
    """(prefix of the name before its arguments, [argument names])"""
    comps = [c for c in name.split('/') if c]
    head = [c for c in comps if ':' not in c]
    args = [c.split(':')[0] for c in comps if ':' in c]
    return '/'.join(head), args
def listed_args(name, prefix):
    comps = name[len(prefix):].split('/')
    return [c.split(':')[0] for c in comps if ':' in c]
checked = bad = 0
for path in sys.argv[2:]:
    for lit in sorted(set(re.findall(r'"([a-z0-9_]+/[a-z0-9_/:]*)"', open(path).read()))):
        if lit.split('/')[0] not in families:
            continue  # a path fragment or a unit, not a benchmark name
        prefix, args = parts(lit)
        partial = lit.endswith('_')  # a prefix of variants, e.g. "recursion/overflow_"
        ok = any((n.startswith(prefix) if partial else (n == prefix or n.startswith(prefix + '/')))
                 and listed_args(n, prefix)[:len(args)] == args for n in listed)
        checked += 1
        if not ok:
            bad += 1
            print(f"{path.split('/')[-1]}: \"{lit}\" names no registered benchmark (variant {prefix!r}, arguments {args})")
print(f"{checked} names checked against {len(listed)} registered benchmarks, {bad} unknown")
sys.exit(1 if bad or checked < 10 else 0)
PY
