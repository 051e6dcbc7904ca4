#!/usr/bin/env bash
# Fails when clang-format (with the root .clang-format) would change any C++ file of the tree.
# Usage: check-format.sh SOURCE_DIR [CLANG_FORMAT]
set -euo pipefail
cd "$1"
clang_format=${2:-clang-format}
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null \
    || find app backend qml tests -name '*.cpp' -o -name '*.h')
bad=()
for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if ((${#bad[@]})); then
    echo "not formatted with clang-format (run: clang-format -i FILE):"
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "${#files[@]} files formatted"
