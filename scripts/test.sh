#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run every test.
# Used as is by CI (.ci/run) and by developers: `bash scripts/test.sh [pytest args]`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The end-to-end tests drive Debian's Chromium (Playwright cannot download its own here);
# the handout PDF needs a CJK font (fonts-noto-cjk) and is read back with poppler-utils.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh family)" ]; } || missing+=(fontconfig fonts-noto-cjk)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${missing[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
