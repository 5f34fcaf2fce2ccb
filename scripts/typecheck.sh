#!/usr/bin/env bash
# Type-check congvan with mypy under the names it installs as (`congvan.models`,
# `congvan.parsers`, `congvan.pipeline`): the three top-level folders are
# linked into a temporary `congvan` package, because mypy cannot follow the
# editable install's import hook. Settings: [tool.mypy] in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir "$tree/congvan"
cp src/congvan/*.py "$tree/congvan/"
for d in models parsers pipeline; do ln -s "$root/$d" "$tree/congvan/$d"; done
cd "$tree"
"$root/.venv/bin/python" -m mypy --config-file "$root/pyproject.toml" --cache-dir "$root/.mypy_cache" -p congvan "$@"
