#!/usr/bin/env bash
# membench-plots RESULT.json [DIR]: the charts (DIR/charts/) and the report (DIR/REPORT.md) of
# a membench result; DIR defaults to the result's own directory. What `make plots` runs in the
# source tree (MB_TOOLS_DIR, MB_PLOTS_DIR say where the tools and chart scripts are) and what
# an installed membench runs as membench-plots (they are found beside it: ../share/membench/plots).
# The report replaces the old one only when it is complete; the charts likewise (plots/start.sh).
set -u
usage() { echo "usage: membench-plots RESULT.json [DIR]   (charts into DIR/charts, the report into DIR/REPORT.md; DIR: the result's directory)" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
case $1 in -h|--help) usage ;; esac
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
tools=${MB_TOOLS_DIR:-$here}
plots=${MB_PLOTS_DIR:-$here/../share/membench/plots}
result=$1
dir=${2:-$(dirname -- "$result")}
[ -f "$result" ] || { echo "membench-plots: no result $result" >&2; exit 2; }
[ -x "$tools/mbextract" ] && [ -x "$tools/mbreport" ] ||
  { echo "membench-plots: mbextract and mbreport are not in $tools (MB_TOOLS_DIR)" >&2; exit 2; }
[ -f "$plots/draw.sh" ] || { echo "membench-plots: the chart scripts are not in $plots (MB_PLOTS_DIR)" >&2; exit 2; }
"$tools/mbextract" "$result" --machine >/dev/null || exit 2
mkdir -p -- "$dir" || exit 2
# The charts and report sections this membench declares, for a result recorded before its
# families did.
vf=$(mktemp) || exit 2
trap 'rm -f "$vf"' EXIT
views=() drawn=()
if [ -x "$tools/membench" ] && "$tools/membench" --mb_views > "$vf" 2>/dev/null; then views=(--views="$vf") drawn=("$vf"); fi
bash "$plots/draw.sh" "$result" "$dir/charts" "$tools/mbextract" "${drawn[@]}" || exit 2
tmp=$(mktemp --suffix=.tmp "$dir/.REPORT.XXXXXX") || exit 2
if "$tools/mbreport" "$result" charts "${views[@]}" > "$tmp" && chmod "$(umask -S | tr -d x)" "$tmp" && mv "$tmp" "$dir/REPORT.md"; then
  echo "plots: $dir/REPORT.md"
else
  rm -f "$tmp"
  exit 2
fi
