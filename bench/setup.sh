#!/usr/bin/env bash
# Installs what bench/gateway.mjs and bench/reload.mjs need, only when missing:
#   wrk, nginx-light and nghttp2-client (Debian packages), and @fastify/reply-from (a devDependency,
#   used by the bare-proxy baseline bench/lib/reply-from-proxy.mjs).
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: not root and no sudo: install wrk and nginx-light yourself" >&2; exit 1
  fi
fi

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# nginx-light ships /usr/sbin/nginx, which is not always on a user's PATH.
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
# h2load, for the HTTP/2 rows of bench/gateway-tls.mjs.
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
else
  echo "setup: wrk and nginx already installed"
fi

if ! node -e "import('@fastify/reply-from').then(() => process.exit(0), () => process.exit(1))" >/dev/null 2>&1; then
  if grep -q '"@fastify/reply-from"' package.json; then
    echo "setup: @fastify/reply-from is a devDependency but not installed: npm install"
    npm install
  else
    # v12 is the line for fastify 5 (peer range ^5.0.0); its undici 7 needs Node >= 20.18.1.
    echo "setup: adding @fastify/reply-from as a devDependency"
    npm install --save-dev '@fastify/reply-from@^12'
  fi
else
  echo "setup: @fastify/reply-from already installed"
fi

# The benchmarks run the compiled gateway.
[ -f dist/cli/main.js ] || npm run build
echo "setup: done ($(wrk -v 2>&1 | head -n1 | sed "s/ Copyright.*//"), $( (command -v nginx || echo /usr/sbin/nginx) | head -n1), @fastify/reply-from $(node -p "require('@fastify/reply-from/package.json').version" 2>/dev/null))"
