pragma Singleton
import QtQuick
import Qt.labs.settings

// What the window remembers between sessions, in the user's QSettings file (organisation and
// application names come from main()): the knobs of the batch bar, the window's size, the last
// folder of the file dialogs, the details pane's split and the colours. Never stored per run:
// the history keeps jobs, this keeps the person's preferences.
//
// The knobs are written only when someone changes them in the window (BatchBar), so a value
// given on the command line is not kept; -1 means "never set", and the controller's own
// default stands.
Settings {
    id: root

    category: "window"

    property int concurrency: -1
    property real timeoutSeconds: -1
    property int retries: -1
    property int width: 0
    property int height: 0
    property url lastFolder
    // ColorScheme.preference: "system" (as the desktop), "light" or "dark".
    property string colorScheme: "system"
    // SplitView.saveState() of the list beside (or above) the details pane.
    property var detailsSplit
}
