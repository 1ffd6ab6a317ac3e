#!/usr/bin/env bash
# Install a tool the tests need from Debian's packages when it is missing and possible:
#   scripts/install_debian_tool.sh COMMAND "WHAT SKIPS WITHOUT IT" PACKAGE...
# Without it the tests that need it are skipped with the reason (or fail when
# STORE_REQUIRE_SERVICES is set), so a machine without root still runs the rest.
set -euo pipefail

command_name=$1 without_it=$2
shift 2

if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$command_name not found and apt-get is not available: $without_it." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "$command_name not found and root is needed to install it: $without_it." >&2
    exit 0
  fi
fi
echo "Installing $* ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
