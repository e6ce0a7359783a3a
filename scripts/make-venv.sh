#!/bin/sh
# Create the virtual environment with the first Python >= 3.12 found (Mesa 3.5 needs it).
set -eu
venv="$1"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    exit 0
fi
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for candidate in python3.12 python3.13 python3 $(ls -d "$pyenv_root"/versions/3.1*/bin/python3 2>/dev/null | sort -V); do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if "$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        echo "Creating $venv with $path ($("$path" --version))"
        rm -rf "$venv"
        "$path" -m venv "$venv"
        exit 0
    fi
done
echo "error: pausegame needs Python >= 3.12 (Mesa 3.5 requires it); none was found on PATH or under $pyenv_root/versions" >&2
exit 1
