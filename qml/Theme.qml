pragma Singleton
import QtQuick
import QtQuick.Controls
import Longrun.Backend

// The window's colours in one place: calm greys, one blue accent, and a colour per job state
// that always comes with the state's name (colour is never the only signal). Light or dark as
// ColorScheme says (the person's choice, else the desktop's), each pair of text and background
// at a contrast of 4.5:1 or more.
QtObject {
    id: root

    readonly property bool dark: ColorScheme.dark

    readonly property color window: root.dark ? "#1d2025" : "#eef0f3"
    readonly property color pane: root.dark ? "#23272d" : "#f8f9fb"
    readonly property color base: root.dark ? "#181b1f" : "#ffffff"
    readonly property color border: root.dark ? "#3a4048" : "#d5d9df"
    readonly property color text: root.dark ? "#e4e7eb" : "#1f2328"
    readonly property color muted: root.dark ? "#9da5ae" : "#5b636d"
    readonly property color accent: root.dark ? "#5e9ddb" : "#2f6fb0"
    readonly property color selection: root.dark ? "#233a52" : "#dbe8f6"
    readonly property color hover: root.dark ? "#2a3038" : "#eef3f9"
    readonly property color rowAlt: root.dark ? "#1f2227" : "#fafbfc"
    readonly property color faultTint: root.dark ? "#2e2619" : "#fbf3ea"
    readonly property color faultBorder: root.dark ? "#5c4528" : "#ecd2b5"
    readonly property color errorBackground: root.dark ? "#3b2020" : "#fcebea"
    readonly property color errorBorder: root.dark ? "#733836" : "#e7b3ae"
    readonly property color errorText: root.dark ? "#f4bcb8" : "#8f1d1d"
    // A notice that asks for a decision, not an error (interrupted jobs of earlier runs).
    readonly property color noticeBackground: root.dark ? "#332b14" : "#fdf5df"
    readonly property color noticeBorder: root.dark ? "#6e5c25" : "#e8d49a"
    readonly property color noticeText: root.dark ? "#f1da8f" : "#5c4300"
    readonly property color plotLine: root.dark ? "#6aa6e0" : "#2f6fb0"
    readonly property color plotReference: root.dark ? "#ec8c52" : "#c2571a"
    readonly property color plotGrid: root.dark ? "#343a42" : "#e3e6ea"
    readonly property color faultText: root.dark ? "#f2b47f" : "#853800"
    // Behind a modal dialog: the window, dimmed enough to read as "not now" in either scheme.
    readonly property color modalDim: root.dark ? Qt.rgba(0, 0, 0, 0.5) : Qt.rgba(0.1, 0.12, 0.15, 0.28)
    // No fill: a background that shows only when hovered, a frame around nothing.
    readonly property color transparent: "transparent"
    // The rest of the Controls palette (Main.qml hands these to every control): buttons, text on
    // the accent, hints in empty fields, tooltips, and the shades Fusion draws frames with.
    readonly property color button: root.dark ? "#2c3138" : "#f5f6f8"
    readonly property color highlightedText: root.dark ? "#0d1520" : "#ffffff"
    readonly property color placeholderText: root.dark ? "#7f8892" : "#8a929b"
    readonly property color toolTipBase: root.dark ? "#3b424b" : "#2b3036"
    readonly property color toolTipText: root.dark ? "#f2f4f6" : "#ffffff"
    readonly property color shadeLight: root.dark ? "#3c434c" : "#ffffff"
    readonly property color shadeMid: root.dark ? "#2b3037" : "#c4c9d0"
    readonly property color shadeDark: root.dark ? "#121417" : "#9aa1ab"
    readonly property string monospace: "DejaVu Sans Mono"

    // The Controls palette of these colours, for `palette: Theme.colors.palette` on the window
    // and on every popup, its content and its footer. Qt 6.4 does not pass a palette change on
    // to a popup, nor from a popup to what it holds (they keep the colours of their first
    // showing, or of the change before), so each of those takes this palette itself.
    // The tooltip every `ToolTip.text` shows is one shared popup: it takes the palette too.
    Component.onCompleted: root.colors.ToolTip.toolTip.palette = Qt.binding(() => root.colors.palette)

    readonly property Control colors: Control {
        palette.window: root.window
        palette.windowText: root.text
        palette.base: root.base
        palette.alternateBase: root.rowAlt
        palette.text: root.text
        palette.button: root.button
        palette.buttonText: root.text
        palette.highlight: root.accent
        palette.highlightedText: root.highlightedText
        palette.placeholderText: root.placeholderText
        palette.toolTipBase: root.toolTipBase
        palette.toolTipText: root.toolTipText
        palette.mid: root.shadeMid
        palette.light: root.shadeLight
        palette.dark: root.shadeDark
    }

    function stateBackground(key: string): color {
        switch (key) {
        case "queued": return root.dark ? "#2c3138" : "#e7e9ec";
        case "starting": return root.dark ? "#1e3348" : "#e1ecf8";
        case "running": return root.dark ? "#1c3a5b" : "#d6e6f8";
        case "paused": return root.dark ? "#463711" : "#faecc8";
        case "succeeded": return root.dark ? "#1c3a25" : "#d8efdd";
        case "failed": return root.dark ? "#4a1f1f" : "#f7dad8";
        case "canceled": return root.dark ? "#342d40" : "#e8e3ee";
        case "timed_out": return root.dark ? "#4a2d16" : "#fbe1cc";
        default: return root.dark ? "#2c3138" : "#e7e9ec";
        }
    }

    // A pill's outline: the colour of its word, faint.
    function outline(word: color): color {
        return Qt.rgba(word.r, word.g, word.b, 0.25);
    }

    function stateForeground(key: string): color {
        switch (key) {
        case "queued": return root.dark ? "#c5cbd2" : "#464e58";
        case "starting": return root.dark ? "#a0c6ee" : "#1d4f86";
        case "running": return root.dark ? "#a9cff6" : "#174f8c";
        case "paused": return root.dark ? "#f1d07c" : "#6e4b00";
        case "succeeded": return root.dark ? "#92d8a6" : "#1b6530";
        case "failed": return root.dark ? "#f6a8a8" : "#951b1b";
        case "canceled": return root.dark ? "#cbbde2" : "#54456a";
        case "timed_out": return root.dark ? "#f3b582" : "#853800";
        default: return root.dark ? "#c5cbd2" : "#464e58";
        }
    }
}
