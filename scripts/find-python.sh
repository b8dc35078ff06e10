#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, the only version Rasa 3.6 supports.
# Order: $PYTHON, python3.10 on PATH, pyenv, then python3 if it is 3.10.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

if [ -n "${PYTHON:-}" ]; then
  if is_310 "$PYTHON"; then "$PYTHON" -c 'import sys; print(sys.executable)'; exit 0; fi
  echo "error: PYTHON=$PYTHON is not a Python 3.10 interpreter; Rasa 3.6 needs Python 3.10." >&2
  exit 1
fi

candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$v/bin/python3.10")
  done
fi
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin; do
  [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
done
command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")

for c in "${candidates[@]}"; do
  if is_310 "$c"; then
    # pyenv shims exist for versions that are not installed: resolve to the real binary.
    "$c" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

echo "error: Python 3.10 not found. Install it ('pyenv install 3.10', or your distribution's python3.10 and python3.10-venv packages) or set PYTHON=/path/to/python3.10." >&2
exit 1
