#!/usr/bin/env bash
# The two commands of the README, in one script:
#   cmake/dev.sh run    install what is missing, build, open the window (a headless demo batch
#                       when there is no display)
#   cmake/dev.sh test   install what is missing, build, run the whole test suite with ctest
# Extra arguments after "run" go to longrun itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what=${1:-run}
shift || true
preset=default
[[ "${CI:-}" == true ]] && preset=ci

bash cmake/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

case "$what" in
    run)
        if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
            exec "build/$preset/bin/longrun" "$@"
        fi
        echo "longrun: no display found, running a headless demo batch instead of the window"
        exec "build/$preset/bin/longrun" --headless --demo "$@"
        ;;
    test)
        exec ctest --preset "$preset"
        ;;
    *)
        echo "usage: cmake/dev.sh run|test" >&2
        exit 2
        ;;
esac
