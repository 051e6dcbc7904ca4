#!/bin/sh
# Drives the real longrun window through a scenario (a mixed batch with failures, a failed job's
# details, the Mandelbrot image, the Monte-Carlo plot, 500 jobs in an 800x600 window) and saves
# PNGs next to this script.
#
#   tests/screenshots/take-screenshots.sh [BUILD_DIR]     (default: build/ui)
#
# Runs under xvfb-run when it is installed (the plot is drawn by the OpenGL scene graph), else on
# the offscreen platform.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/ui}
exe=$build/bin/longrun-screenshots
if [ ! -x "$exe" ]; then
    echo "take-screenshots.sh: $exe not found; build it first:" >&2
    echo "  cmake --build $build --target longrun-screenshots" >&2
    exit 1
fi
if command -v xvfb-run >/dev/null 2>&1; then
    exec xvfb-run -a -s '-screen 0 1280x800x24' "$exe" "$here"
fi
QT_QPA_PLATFORM=offscreen exec "$exe" "$here"
