#!/usr/bin/env bash
# gab.sh BUILD NAME TOOL FILE...: run github-action-benchmark v1.22.0's own code (vendored in
# tests/vendor/github-action-benchmark) on membench's files, one run per FILE, as in a
# workflow with fail-on-alert. Its dependencies come from npm once, into BUILD/gab.
# Exit: the action's (0 passed, 1 failed), or 77 with the reason when Node or npm's packages
# cannot be had here.
set -euo pipefail
build=$(cd "$1" && pwd) name=$2 tool=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
vendor=$here/vendor/github-action-benchmark
gab=$build/gab
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "SKIP: no Node.js/npm here (Debian: apt-get install nodejs npm)"; exit 77; }
node -e 'process.exit(parseInt(process.versions.node) >= 16 ? 0 : 1)' ||
  { echo "SKIP: Node.js $(node --version) is older than 16"; exit 77; }
stamp=$gab/.built
if [ ! -f "$stamp" ] || [ -n "$(find "$vendor" "$here/gab_build.js" -newer "$stamp" -print -quit)" ]; then
  mkdir -p "$gab"
  cp "$vendor/deps.json" "$gab/package.json"
  if ! (cd "$gab" && npm install --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
    echo "SKIP: npm could not install github-action-benchmark's dependencies (no registry?): $(tail -n 3 "$gab/npm.log" | tr '\n' ' ')"
    exit 77
  fi
  rm -rf "$gab/dist"
  NODE_PATH=$gab/node_modules node "$here/gab_build.js" "$vendor/src" "$gab/dist"
  touch "$stamp"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
NODE_PATH=$gab/node_modules node "$here/gab_run.js" "$gab/dist" "$vendor/action.yml" "$work" "$name" "$tool" "$@"
