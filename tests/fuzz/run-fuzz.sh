#!/usr/bin/env bash
# Builds the "fuzz" preset and runs every fuzz_* target for a bounded time.
#
#   tests/fuzz/run-fuzz.sh [seconds per target, default 60] [extra libFuzzer flags...]
#
# Each fuzz_<name> starts from the committed seeds in tests/fuzz/corpus/<name>/ and keeps what it
# finds in build/fuzz/corpus/<name>/ (the committed seeds are only read). Crash inputs land in
# build/fuzz/artifacts/. Exits non-zero when a target crashes.
set -euo pipefail

seconds="${1:-60}"
shift || true
case "$seconds" in
    '' | *[!0-9]*) echo "usage: $0 [seconds per target] [libFuzzer flags...]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cmake --preset fuzz
cmake --build --preset fuzz

build="$root/build/fuzz"
shopt -s nullglob
targets=("$build"/fuzz/fuzz_*)
if [ "${#targets[@]}" -eq 0 ]; then
    echo "no fuzz_* executables in $build/fuzz" >&2
    exit 1
fi

status=0
for target in "${targets[@]}"; do
    [ -x "$target" ] || continue
    name="$(basename "$target")"
    short="${name#fuzz_}"
    work="$build/corpus/$short"
    artifacts="$build/artifacts/$short/"
    mkdir -p "$work" "$artifacts"
    seeds=()
    [ -d "$root/tests/fuzz/corpus/$short" ] && seeds=("$root/tests/fuzz/corpus/$short")
    echo "=== $name: ${seconds}s"
    if ! "$target" -max_total_time="$seconds" -print_final_stats=1 \
            -artifact_prefix="$artifacts" "$@" "$work" "${seeds[@]}"; then
        echo "=== $name FAILED; reproduce with: $target $artifacts<crash file>" >&2
        status=1
    fi
done
exit "$status"
