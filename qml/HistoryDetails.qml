pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// The selected stored job in full: its command, when and how it ended, the whole error, its
// log's path and its image; and what to do: rerun it, rerun its run, copy the command, delete
// the run. Texts a person may want to copy are selectable.
Pane {
    id: root

    // The selected HistoryDelegate, or null.
    property var job: null
    property HistoryActions actions: null
    readonly property bool hasJob: root.job !== null

    signal deleteRequested()

    padding: 0
    background: Rectangle {
        color: Theme.pane
    }

    Label {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 320)
        visible: !root.hasJob
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.muted
        text: qsTr("Select a stored job to see how it ended, to run it again or to copy its command.")
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        visible: root.hasJob
        contentWidth: scroll.availableWidth
        ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 10

            RowLayout {
                Layout.fillWidth: true
                Layout.topMargin: 12
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                spacing: 10
                Label {
                    objectName: "historyDetailsTitle"
                    Layout.fillWidth: true
                    text: root.hasJob ? qsTr("Run %1 · job %2 · %3").arg(root.job.runId).arg(root.job.seq).arg(root.job.kind) : ""
                    font.pixelSize: 17
                    font.weight: Font.DemiBold
                    elide: Text.ElideRight
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }
                StateBadge {
                    stateKey: root.hasJob ? root.job.stateKey : ""
                    stateName: root.hasJob ? root.job.stateText : ""
                }
            }

            TextEdit {
                objectName: "historyDetailsCommand"
                Layout.fillWidth: true
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                text: root.hasJob ? root.job.commandLine : ""
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                textFormat: TextEdit.PlainText
                color: Theme.text
                font.family: Theme.monospace
                font.pixelSize: 12
                Accessible.role: Accessible.StaticText
                Accessible.name: qsTr("Command: %1").arg(text)
            }

            Flow {
                Layout.fillWidth: true
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                spacing: 6
                Button {
                    objectName: "historyRerunButton"
                    text: qsTr("Rerun")
                    enabled: root.hasJob
                    onClicked: root.actions.rerunJob(root.job.jobId)
                    Accessible.name: root.hasJob ? qsTr("Rerun job %1 of run %2").arg(root.job.seq).arg(root.job.runId) : text
                }
                Button {
                    objectName: "historyRerunRunButton"
                    text: qsTr("Rerun the run")
                    enabled: root.hasJob
                    onClicked: root.actions.rerunRun(root.job.runId)
                    Accessible.name: root.hasJob ? qsTr("Rerun every job of run %1").arg(root.job.runId) : text
                }
                Button {
                    objectName: "historyCopyButton"
                    text: qsTr("Copy command")
                    enabled: root.hasJob
                    onClicked: root.actions.copyText(root.job.commandLine)
                    Accessible.name: qsTr("Copy the command to the clipboard")
                }
                Button {
                    objectName: "historyDeleteButton"
                    text: qsTr("Delete run…")
                    enabled: root.hasJob && root.job.runId !== TaskController.pastJobs.currentRun
                    onClicked: root.deleteRequested()
                    Accessible.name: root.hasJob ? qsTr("Delete run %1").arg(root.job.runId) : text
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: enabled ? qsTr("Remove this run's jobs from the history")
                                          : qsTr("The run of this window cannot be deleted")
                }
            }

            GridLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                columns: 2
                columnSpacing: 12
                rowSpacing: 4
                component Key: Label {
                    color: Theme.muted
                    font.pixelSize: 12
                }
                component Value: Label {
                    Layout.fillWidth: true
                    font.pixelSize: 12
                    wrapMode: Text.WrapAnywhere
                    textFormat: Text.PlainText
                }
                Key { text: qsTr("Added") }
                Value { text: root.hasJob ? root.job.addedText : "" }
                Key { text: qsTr("Runtime") }
                Value { text: root.hasJob ? root.job.runtimeText : "" }
                Key {
                    text: qsTr("Ended with")
                    visible: root.hasJob && root.job.exitText !== ""
                }
                Value {
                    objectName: "historyDetailsExit"
                    visible: root.hasJob && root.job.exitText !== ""
                    text: root.hasJob ? root.job.exitText : ""
                }
                Key { text: qsTr("Attempts") }
                Value { text: root.hasJob ? String(root.job.attempts) : "" }
                Key {
                    text: qsTr("Host")
                    visible: root.hasJob && root.job.host !== ""
                }
                Value {
                    visible: root.hasJob && root.job.host !== ""
                    text: root.hasJob ? root.job.host : ""
                }
                Key {
                    text: qsTr("Log")
                    visible: root.hasJob && root.job.logPath !== ""
                }
                Value {
                    objectName: "historyDetailsLog"
                    visible: root.hasJob && root.job.logPath !== ""
                    text: root.hasJob ? root.job.logPath : ""
                }
            }

            // The log's end, read again twice a second while the job is not over (follow).
            ColumnLayout {
                id: logPane
                readonly property bool wanted: root.hasJob && root.job.logPath !== ""
                readonly property bool live: logPane.wanted
                                             && ["queued", "starting", "running", "paused"].indexOf(root.job.stateKey) >= 0
                property bool shown: false
                function reload() {
                    logText.text = logPane.shown && logPane.wanted && root.actions
                                 ? root.actions.logTail(root.job.logPath, 65536) : "";
                    if (logPane.live)
                        logText.cursorPosition = logText.length;
                }
                Layout.fillWidth: true
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                visible: logPane.wanted
                spacing: 6
                onShownChanged: logPane.reload()
                Connections {
                    target: root
                    function onJobChanged() { logPane.reload(); }
                }
                Timer {
                    interval: 500
                    repeat: true
                    running: logPane.shown && logPane.live
                    onTriggered: logPane.reload()
                }
                Button {
                    objectName: "historyDetailsShowLog"
                    text: logPane.shown ? qsTr("Hide the log") : qsTr("Show the log")
                    onClicked: logPane.shown = !logPane.shown
                    Accessible.name: logPane.shown ? qsTr("Hide the job's log")
                                                   : qsTr("Show the job's log (its end, followed while it runs)")
                }
                ScrollView {
                    id: logScroll
                    Layout.fillWidth: true
                    Layout.preferredHeight: 300
                    visible: logPane.shown
                    TextArea {
                        id: logText
                        objectName: "historyDetailsLogText"
                        readOnly: true
                        selectByMouse: true
                        wrapMode: TextEdit.WrapAnywhere
                        textFormat: TextEdit.PlainText
                        font.family: Theme.monospace
                        font.pixelSize: 12
                        Accessible.name: logPane.live ? qsTr("The job's log, followed while it runs")
                                                      : qsTr("The job's log")
                    }
                }
            }

            Label {
                objectName: "historyDetailsSummary"
                Layout.fillWidth: true
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                visible: root.hasJob && root.job.summary !== ""
                text: root.hasJob ? root.job.summary : ""
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
            }

            TextArea {
                objectName: "historyDetailsError"
                Layout.fillWidth: true
                Layout.leftMargin: 14
                Layout.rightMargin: 14
                visible: root.hasJob && root.job.errorText !== ""
                text: root.hasJob ? root.job.errorText : ""
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                color: Theme.errorText
                font.family: Theme.monospace
                font.pixelSize: 12
                background: Rectangle {
                    color: Theme.errorBackground
                    border.color: Theme.errorBorder
                    radius: 3
                }
                Accessible.name: qsTr("Error: %1").arg(text)
            }

            Image {
                objectName: "historyDetailsImage"
                Layout.leftMargin: 14
                Layout.bottomMargin: 12
                Layout.preferredWidth: Math.min(sourceSize.width, scroll.availableWidth - 28)
                Layout.preferredHeight: sourceSize.width > 0 ? Layout.preferredWidth * sourceSize.height / sourceSize.width : 0
                visible: status === Image.Ready
                // Shown, never written or deleted through: a stored path is data.
                source: root.hasJob && root.job.imagePath.startsWith("/") ? "file://" + root.job.imagePath : ""
                fillMode: Image.PreserveAspectFit
                asynchronous: true
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("The job's image")
            }
            Item {
                Layout.preferredHeight: 8
            }
        }
    }
}
