#!/usr/bin/env bash
# Installs, with apt, every Debian bookworm package longrun needs to build, run and test.
# Idempotent: asks dpkg first and says nothing when all is already there. Never prompts.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build ccache pkg-config git clang-format
    # libraries
    qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools libcereal-dev libssl-dev
    # Qt SQL's SQLite driver (the history store) and the sqlite3 shell the tests read it with
    libqt6sql6-sqlite sqlite3
    # QML runtime modules that Debian splits out of qt6-declarative-dev
    qml6-module-qtquick qml6-module-qtqml qml6-module-qtqml-models
    qml6-module-qtqml-workerscript qml6-module-qtquick-controls
    qml6-module-qtquick-templates qml6-module-qtquick-layouts qml6-module-qtquick-window
    qml6-module-qtquick-dialogs qml6-module-qtquick-shapes qml6-module-qttest
    qml6-module-qt-labs-folderlistmodel qml6-module-qt-labs-settings
    # the session bus the window asks for the desktop's colour scheme (tests start their own)
    dbus-daemon
    # the window under a virtual display (screenshots) and process tools the tests use
    fonts-dejavu-core xvfb xauth procps util-linux python3
    # fuzzing (clang's libFuzzer) and benchmarks
    clang libclang-rt-14-dev libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ "$status" == installed ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "longrun: installing ${#missing[@]} missing package(s): ${missing[*]}"
sudo=()
if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "longrun: run as root or install sudo" >&2; exit 1; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "longrun: packages installed"
