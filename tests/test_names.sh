#!/usr/bin/env bash
# test_names.sh: the tools and the chart scripts name no benchmark. What a result means is
# declared beside its benchmarks (MB_VIEW, MB_TEXT, MB_CLAIM, MB_CHART, checked by membench at
# start); a name written into tools/ or plots/ would be a second place to keep in step, and a
# renamed benchmark would turn its cell into "–" unnoticed. Comments may name benchmarks.
# Usage: test_names.sh SRCDIR path/to/membench
set -euo pipefail
src=$1 bin=$2
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$bin" --benchmark_list_tests >"$list" 2>/dev/null
[ -s "$list" ] || { echo "membench listed no benchmarks"; exit 1; }
/usr/bin/python3 - "$list" "$src" <<'PY'
import glob, os, re, sys
listed = [l.strip() for l in open(sys.argv[1]) if l.strip()]
variants = {'/'.join(n.split('/')[:2]) for n in listed if n.count('/') >= 1}
families = {n.split('/')[0] for n in listed}
def code(path, text):
    """The text without its comments: C's /* */ and //, the shell's and gnuplot's #."""
    if path.endswith(('.c', '.h', '.cc')):
        text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
        return re.sub(r'//[^\n]*', '', text)
    return re.sub(r'(^|\s)#[^\n]*', r'\1', text)
files = [f for d in ("tools", "plots") for f in sorted(glob.glob(os.path.join(sys.argv[2], d, "*"))) if os.path.isfile(f)]
bad = 0
for path in files:
    try:
        text = code(path, open(path).read())
    except UnicodeDecodeError:
        continue
    for m in re.finditer(r'\b([a-z0-9_]+)/([a-z0-9_]+)', text):
        fam, var = m.group(1), m.group(2)
        # a family and the start of one of its variants ("recursion/overflow_" names them all)
        if fam in families and any(v.startswith(fam + '/' + var) for v in variants):
            line = text[:m.start()].count('\n') + 1
            print(f"{os.path.relpath(path, sys.argv[2])}:{line}: names the benchmark {m.group(0)!r}")
            bad += 1
print(f"{len(files)} files of tools/ and plots/ read against {len(listed)} registered benchmarks ({len(families)} families): {bad} names")
sys.exit(1 if bad or len(files) < 10 else 0)
PY
