#!/usr/bin/env bash
# redis-server stands in for Memorystore. Install Debian's package when it is missing.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
echo "redis-server not found: installing Debian's redis-server package" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "need root (or sudo) to run: apt-get install -y redis-server" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package may start a system service; the stack runs its own redis on a free port.
command -v redis-server >/dev/null
