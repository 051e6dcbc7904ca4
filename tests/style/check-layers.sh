#!/usr/bin/env bash
# Fails when a file of the backend includes a layer above its own (backend/CMakeLists.txt draws
# the graph): protocol and worker include neither Qt nor the engine; models never include
# runner or control; runner never includes models or control; nothing below cli includes cli;
# desktop (D-Bus, for the window) includes only system, and only QML uses it.
# Usage: check-layers.sh SOURCE_DIR
set -euo pipefail
cd "$1/backend"
status=0
# forbid FOLDER PATTERN WHY: no file under FOLDER may have an #include line matching PATTERN.
forbid() {
    local hits
    hits=$(grep -rnE --include='*.h' --include='*.cpp' "^[[:space:]]*#[[:space:]]*include[[:space:]]*$2" "$1" || true)
    if [[ -n "$hits" ]]; then
        echo "$1 must not include $3:"
        echo "$hits" | sed 's/^/  /'
        status=1
    fi
}
engine='["<](jobs|runner|control|models|cli|store|system|desktop)/'
forbid protocol '<Q' 'Qt'
forbid protocol "$engine" 'the engine'
forbid worker '<Q' 'Qt'
forbid worker "$engine" 'the engine'
forbid system '"(jobs|runner|control|models|cli|store|desktop)/' 'the engine (system is the bottom of it)'
forbid jobs '"(runner|control|models|cli|store|desktop)/' 'runner, control, models, store, desktop or cli'
forbid runner '"(control|models|cli|store|desktop)/' 'control, models, store, desktop or cli'
# models may read the store (HistoryModel pages stored jobs); the store never includes models.
forbid models '"(runner|control|cli|desktop)/' 'runner, control, desktop or cli'
forbid store '"(runner|control|models|cli|desktop)/' 'runner, control, models, desktop or cli'
forbid control '"(cli|desktop)/' 'cli or desktop'
forbid cli '"desktop/' 'desktop (the CLI never talks to the desktop)'
# desktop is the window's side of the desktop: it may use system/, never the engine's data path.
forbid desktop '"(jobs|runner|control|models|store|cli)/' 'the engine (only system/)'
# Every engine header is included by its folder (protocol's by name), so the graph above is
# the whole graph.
for dir in jobs runner control models cli store system desktop; do
    bare=$(grep -rnE --include='*.h' --include='*.cpp' '^#include "[a-z]+\.h"' "$dir" \
        | grep -vE '\.moc"|"(framing|messages|params|text)\.h"' || true)
    if [[ -n "$bare" ]]; then
        echo "$dir: include engine headers by folder (\"models/taskmodel.h\"), not bare:"
        echo "$bare" | sed 's/^/  /'
        status=1
    fi
done
((status == 0)) && echo "layers ok"
exit $status
