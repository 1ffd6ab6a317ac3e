#!/usr/bin/env bash
# The benchmarks (bench/) drive the store with Debian's wrk; the test suite runs them in smoke
# mode. Install it when missing and possible; without it bench/storefront stops saying so and
# the bench smoke test is skipped with the reason (or fails when STORE_REQUIRE_SERVICES is set).
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "wrk not found and apt-get is not available: the bench smoke test will be skipped." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "wrk not found and root is needed to install it: the bench smoke test will be skipped." >&2
    exit 0
  fi
fi
echo "Installing wrk for the benchmarks..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
