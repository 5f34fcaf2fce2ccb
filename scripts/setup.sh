#!/usr/bin/env bash
# Set up congvan on a fresh Debian/Ubuntu machine: the Debian tools the PDF,
# OCR and Word readers call, then a virtualenv in .venv with congvan installed
# (editable). `--dev` adds the test, notebook and Dask extras.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
dev_tools=""
# --dev: the test extras, and Debian's chromium for the tests that open pages in a real browser.
[ "${1:-}" = "--dev" ] && extras="[dev]" && dev_tools="chromium"

missing=0
for tool in tesseract pdftoppm antiword soffice task $dev_tools; do
  command -v "$tool" >/dev/null 2>&1 || missing=1
done
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
  missing=1
fi
if [ "$missing" = 1 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" != 0 ] && sudo="sudo"
    echo "setup: installing Debian packages (tesseract-ocr-vie, poppler-utils, antiword, libreoffice-writer-nogui, taskwarrior${dev_tools:+, $dev_tools})"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      tesseract-ocr tesseract-ocr-vie poppler-utils antiword libreoffice-writer-nogui taskwarrior $dev_tools >/dev/null
  else
    echo "setup: warning: install tesseract-ocr, tesseract-ocr-vie, poppler-utils, antiword," \
         "libreoffice-writer-nogui and taskwarrior (and chromium for --dev) yourself; scanned PDFs and .doc" \
         "files need them, the Taskwarrior round-trip test needs task, the page tests chromium" >&2
  fi
fi

python3 -m venv .venv
# pip's build chatter goes to a log; it is shown only if the install fails.
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".${extras}"; } >.venv/pip.log 2>&1; then
  tail -n 40 .venv/pip.log >&2
  echo "setup: pip install failed (full log: .venv/pip.log)" >&2
  exit 1
fi
echo "setup: ready ($(.venv/bin/congvan --help >/dev/null && echo 'congvan installed in .venv'))"
