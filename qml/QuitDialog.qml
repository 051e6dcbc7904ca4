import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// Asked once when the window is closed while jobs run. Quitting cancels them through
// TaskController.shutdown(); the app leaves when the last worker is gone, never waiting on one.
ThemedDialog {
    id: root

    readonly property int activeCount: TaskController.model.queued + TaskController.model.running
                                       + TaskController.model.paused

    objectName: "quitDialog"
    title: qsTr("Jobs are still running")
    width: Math.min(460, (Overlay.overlay ? Overlay.overlay.width : 460) - 40)
    onAccepted: TaskController.shutdown()

    Label {
        palette: Theme.colors.palette
        width: root.availableWidth
        wrapMode: Text.Wrap
        text: qsTr("%n job(s) are running, paused or waiting. Quitting cancels them all; their "
                   + "processes are stopped and nothing is left behind.", "", root.activeCount)
    }

    footer: Pane {
        palette: Theme.colors.palette
        RowLayout {
            anchors.right: parent.right
            spacing: 8
            Button {
                objectName: "keepRunningButton"
                text: qsTr("Keep running")
                onClicked: root.reject()
            }
            Button {
                objectName: "quitAndCancelButton"
                text: qsTr("Cancel jobs and quit")
                highlighted: true
                onClicked: root.accept()
            }
        }
    }
}
