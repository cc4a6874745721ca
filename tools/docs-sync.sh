#!/usr/bin/env bash
# docs-sync.sh [--check] [BUILD]: the numbers in README.md and docs/*.md come from files, not
# typing. Two kinds of block, each closed by "<!-- end -->":
#   <!-- from FILE: HEADING -->   the lines under HEADING in FILE (a committed REPORT.md), up to
#                                 its next heading, blank lines at either end left out
#   <!-- run: build/mbTOOL ARGS --> a fenced block: "$ build/mbTOOL ARGS", then what it prints
#                                 (only the project's own mb* tools run; BUILD replaces "build/")
# Without --check the blocks are rewritten in place (make docs); with it, a block that differs
# from its source is named on stderr and the exit status is 1. Run from the source root.
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
build=${1:-build}
die() { echo "docs-sync: $*" >&2; exit 2; }

# section FILE HEADING: the body under the heading line that equals HEADING exactly.
section() {
  [ -f "$1" ] || die "$1: no such file"
  awk -v h="$2" '
    $0 == h { on = 1; next }
    on && /^#/ { exit }
    on { buf[n++] = $0 }
    END {
      if (!on) exit 3
      s = 0; while (s < n && buf[s] == "") s++
      e = n - 1; while (e >= s && buf[e] == "") e--
      for (i = s; i <= e; i++) print buf[i]
    }' "$1" || die "$1: no heading \"$2\""
}

# runblock CMD: the fenced output of one of the project's tools.
runblock() {
  case $1 in
    build/mb[a-z]*) ;;
    *) die "run: only build/mb* tools run from a document, not \"$1\"" ;;
  esac
  local argv
  read -r -a argv <<< "$1"
  argv[0]=$build/${argv[0]#build/}
  [ -x "${argv[0]}" ] || die "${argv[0]}: not built"
  printf '```\n$ %s\n' "$1"
  "${argv[@]}" || die "\"$1\" failed"
  printf '```\n'
}

status=0
shopt -s nullglob
for doc in README.md docs/*.md; do
  tmp=$(mktemp)
  inside=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [ $inside = 1 ]; then
      [ "$line" = "<!-- end -->" ] || continue
      inside=0
    fi
    printf '%s\n' "$line" >> "$tmp"
    case $line in
      "<!-- from "*": "*" -->")
        spec=${line#<!-- from }; spec=${spec% -->}
        section "${spec%%: *}" "${spec#*: }" >> "$tmp"; inside=1 ;;
      "<!-- run: "*" -->")
        cmd=${line#<!-- run: }; cmd=${cmd% -->}
        runblock "$cmd" >> "$tmp"; inside=1 ;;
    esac
  done < "$doc"
  [ $inside = 0 ] || { rm -f "$tmp"; die "$doc: a block without <!-- end -->"; }
  if cmp -s "$tmp" "$doc"; then
    rm -f "$tmp"
  elif [ $check = 1 ]; then
    echo "docs-sync: $doc: a block differs from its source (make docs rewrites it):" >&2
    diff "$doc" "$tmp" | head -20 >&2 || true
    rm -f "$tmp"; status=1
  else
    cat "$tmp" > "$doc"; rm -f "$tmp"; echo "docs-sync: $doc rewritten"
  fi
done
exit $status
