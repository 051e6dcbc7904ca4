pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Longrun.Backend
import Longrun.Ui

// The selected job in full: results, image, live plot, and for failures the whole story.
Pane {
    id: root

    property int jobId: -1
    readonly property bool hasJob: selection.found

    objectName: "jobDetails"
    padding: 0
    background: Rectangle {
        color: Theme.pane
    }

    SelectedJobModel {
        id: selection
        jobs: TaskController.model
        jobId: root.jobId
    }

    Label {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 320)
        visible: !selection.found
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.muted
        text: qsTr("Select a job to see its results, its image or plot, and what went wrong if it failed.")
    }

    Repeater {
        model: selection
        delegate: JobDetailsView {
            width: root.availableWidth
            height: root.availableHeight
        }
    }
}
