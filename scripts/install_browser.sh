#!/usr/bin/env bash
# Install the browser the browser tests drive through Playwright: Debian's chromium (apt).
# Playwright's own browser download needs the internet, so the tests use this one instead.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "browser present: $(command -v chromium)"
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing chromium from apt"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
echo "browser installed: $(command -v chromium)"
