pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Longrun.Backend

// The jobs, as TaskController.jobs filters them. Up/Down/PageUp/PageDown/Home/End move the
// selection, Delete cancels the selected job.
Pane {
    id: root

    readonly property alias view: list
    readonly property int currentJobId: list.currentItem ? (list.currentItem as JobDelegate).jobId : -1

    function selectJob(id: int) {
        const row = TaskController.jobs.rowOfId(id);
        if (row >= 0)
            list.currentIndex = row;
    }

    objectName: "jobListPane"
    padding: 0
    background: Rectangle {
        color: Theme.base
    }

    ListView {
        id: list
        objectName: "jobList"
        anchors.fill: parent
        clip: true
        model: TaskController.jobs
        reuseItems: true
        boundsBehavior: Flickable.StopAtBounds
        highlightMoveDuration: 0
        highlightFollowsCurrentItem: false
        keyNavigationEnabled: true
        activeFocusOnTab: true
        currentIndex: -1
        ScrollBar.vertical: ScrollBar {
            objectName: "jobListScrollBar"
        }

        Accessible.role: Accessible.List
        Accessible.name: qsTr("Jobs")
        Accessible.description: qsTr("%1 jobs shown").arg(list.count)

        readonly property int pageRows: Math.max(1, Math.floor(list.height / 58) - 1)

        Keys.onPressed: (event) => {
            if (list.count === 0)
                return;
            if (event.key === Qt.Key_PageDown) {
                list.currentIndex = Math.min(list.count - 1, Math.max(0, list.currentIndex) + list.pageRows);
            } else if (event.key === Qt.Key_PageUp) {
                list.currentIndex = Math.max(0, list.currentIndex - list.pageRows);
            } else if (event.key === Qt.Key_Home) {
                list.currentIndex = 0;
            } else if (event.key === Qt.Key_End) {
                list.currentIndex = list.count - 1;
            } else if (event.key === Qt.Key_Delete) {
                if (root.currentJobId >= 0)
                    TaskController.cancel(root.currentJobId);
            } else {
                return;
            }
            list.positionViewAtIndex(list.currentIndex, ListView.Contain);
            event.accepted = true;
        }

        delegate: JobDelegate {
            id: row
            width: list.width - (list.ScrollBar.vertical.visible ? list.ScrollBar.vertical.width : 0)
            onActivated: {
                list.currentIndex = row.index;
                list.forceActiveFocus();
            }
        }
    }

    Label {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 420)
        visible: list.count === 0
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.muted
        text: TaskController.model.total === 0
              ? qsTr("No jobs yet. Pick a kind on the left, set its fields and press Start (Ctrl+Return).")
              : qsTr("No job matches this filter.")
    }

    // A focus frame: keyboard users see where Up/Down and Delete go.
    Rectangle {
        anchors.fill: parent
        color: Theme.transparent
        border.width: list.activeFocus ? 2 : 0
        border.color: Theme.accent
        opacity: 0.5
    }
}
