#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright. Install it when missing and
# possible; without it the `browser` tests are skipped with the reason.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found and apt-get is not available: browser tests will be skipped." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "Chromium not found and root is needed to install it: browser tests will be skipped." >&2
    exit 0
  fi
fi
echo "Installing Chromium for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
