pragma Singleton
import QtQuick

// The window's colours in one place: calm greys, one blue accent, and a colour per job state
// that always comes with the state's name (colour is never the only signal).
QtObject {
    id: root

    readonly property color window: "#eef0f3"
    readonly property color pane: "#f8f9fb"
    readonly property color base: "#ffffff"
    readonly property color border: "#d5d9df"
    readonly property color text: "#1f2328"
    readonly property color muted: "#5b636d"
    readonly property color accent: "#2f6fb0"
    readonly property color selection: "#dbe8f6"
    readonly property color hover: "#eef3f9"
    readonly property color rowAlt: "#fafbfc"
    readonly property color faultTint: "#fbf3ea"
    readonly property color faultBorder: "#ecd2b5"
    readonly property color errorBackground: "#fcebea"
    readonly property color errorBorder: "#e7b3ae"
    readonly property color errorText: "#8f1d1d"
    // A notice that asks for a decision, not an error (interrupted jobs of earlier runs).
    readonly property color noticeBackground: "#fdf5df"
    readonly property color noticeBorder: "#e8d49a"
    readonly property color noticeText: "#5c4300"
    readonly property color plotLine: "#2f6fb0"
    readonly property color plotReference: "#c2571a"
    readonly property color plotGrid: "#e3e6ea"
    readonly property color faultText: "#853800"
    // No fill: a background that shows only when hovered, a frame around nothing.
    readonly property color transparent: "transparent"
    // The rest of the Controls palette (Main.qml hands these to every control): buttons, text on
    // the accent, hints in empty fields, tooltips, and the shades Fusion draws frames with.
    readonly property color button: "#f5f6f8"
    readonly property color highlightedText: "#ffffff"
    readonly property color placeholderText: "#8a929b"
    readonly property color toolTipBase: "#2b3036"
    readonly property color toolTipText: "#ffffff"
    readonly property color shadeLight: "#ffffff"
    readonly property color shadeMid: "#c4c9d0"
    readonly property color shadeDark: "#9aa1ab"
    readonly property string monospace: "DejaVu Sans Mono"

    function stateBackground(key: string): color {
        switch (key) {
        case "queued": return "#e7e9ec";
        case "starting": return "#e1ecf8";
        case "running": return "#d6e6f8";
        case "paused": return "#faecc8";
        case "succeeded": return "#d8efdd";
        case "failed": return "#f7dad8";
        case "canceled": return "#e8e3ee";
        case "timed_out": return "#fbe1cc";
        default: return "#e7e9ec";
        }
    }

    // A pill's outline: the colour of its word, faint.
    function outline(word: color): color {
        return Qt.rgba(word.r, word.g, word.b, 0.25);
    }

    function stateForeground(key: string): color {
        switch (key) {
        case "queued": return "#464e58";
        case "starting": return "#1d4f86";
        case "running": return "#174f8c";
        case "paused": return "#6e4b00";
        case "succeeded": return "#1b6530";
        case "failed": return "#951b1b";
        case "canceled": return "#54456a";
        case "timed_out": return "#853800";
        default: return "#464e58";
        }
    }
}
