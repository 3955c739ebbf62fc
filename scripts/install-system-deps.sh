#!/usr/bin/env bash
# System packages the test suite needs. Idempotent; installs only what is missing.
set -euo pipefail
needed=()
command -v git >/dev/null || needed+=(git)
# The shared-storage tests start their own redis-server (test/helpers/redis.ts); the package's service is not used.
{ command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ]; } || needed+=(redis-server)
# The TLS tests make throwaway CAs and certificates with it, and curl (with HTTP/2) is their client; `npm start -- --tls` uses openssl too.
command -v openssl >/dev/null || needed+=(openssl)
command -v curl >/dev/null || needed+=(curl)
# The CORS test drives a real headless browser (test/browser/cors.e2e.test.ts); Debian's chromium, never a download of its own.
{ command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; } || needed+=(chromium)
# `tollgate completion zsh|fish` is tested in those shells (bash is already there).
command -v zsh >/dev/null || needed+=(zsh)
command -v fish >/dev/null || needed+=(fish)
if [ ${#needed[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${needed[@]}"
fi
