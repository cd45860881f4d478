#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the page tests (tests/e2e/test_status_page_browser.py):
# Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver). Installed
# with apt-get when missing; a test tool's own browser download fails offline.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "${missing[*]} not found: installing Debian's ${missing[*]} package(s)" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "need root (or sudo) to run: apt-get install -y ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
command -v chromium >/dev/null && command -v chromedriver >/dev/null
