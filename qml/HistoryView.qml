pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Longrun.Backend

// Looking back: the stored jobs of past and current runs, newest first, paged from the store
// (TaskController.pastJobs), with search, kind, state and period filters and the count; the
// selected job's details and what to do with it: rerun it or its whole run, copy its command,
// delete its run, export what is shown.
Pane {
    id: root

    readonly property HistoryModel jobs: TaskController.pastJobs
    readonly property HistoryActions actions: TaskController.historyActions
    // The selected row (a HistoryDelegate; var, since 6.4's qmlcachegen miscompiles an "as" here).
    readonly property var current: list.currentItem
    readonly property bool hasCurrent: root.current !== null

    function focusSearch() {
        search.forceActiveFocus();
        search.selectAll();
    }

    objectName: "historyView"
    padding: 0
    background: Rectangle {
        color: Theme.window
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // The filters and the count.
        Pane {
            Layout.fillWidth: true
            padding: 8
            background: Rectangle {
                color: Theme.pane
                Rectangle {
                    anchors.bottom: parent.bottom
                    width: parent.width
                    height: 1
                    color: Theme.border
                }
            }
            Flow {
                width: parent.width
                spacing: 8
                TextField {
                    id: search
                    objectName: "historySearch"
                    width: 220
                    placeholderText: qsTr("Search (Ctrl+F)")
                    selectByMouse: true
                    Accessible.name: qsTr("Search the history")
                    onTextEdited: searchDelay.restart()
                    Keys.onEscapePressed: {
                        search.clear();
                        root.jobs.text = "";
                    }
                    // One read when typing pauses, not one per key.
                    Timer {
                        id: searchDelay
                        interval: 250
                        onTriggered: root.jobs.text = search.text
                    }
                }
                ThemedComboBox {
                    id: kindBox
                    objectName: "historyKind"
                    width: 140
                    model: [qsTr("All kinds"), ...root.jobs.kinds]
                    onActivated: root.jobs.kind = kindBox.currentIndex > 0 ? kindBox.currentText : ""
                    Accessible.name: qsTr("Kind: %1").arg(kindBox.currentText)
                }
                ThemedComboBox {
                    id: stateBox
                    objectName: "historyState"
                    width: 140
                    textRole: "text"
                    valueRole: "key"
                    model: [
                        { key: "", text: qsTr("All states") },
                        { key: "succeeded", text: qsTr("Succeeded") },
                        { key: "failed", text: qsTr("Failed") },
                        { key: "timed_out", text: qsTr("Timed out") },
                        { key: "canceled", text: qsTr("Canceled") },
                        { key: "interrupted", text: qsTr("Interrupted") },
                        { key: "running", text: qsTr("Running") },
                        { key: "queued", text: qsTr("Queued") }
                    ]
                    onActivated: root.jobs.state = stateBox.currentValue
                    Accessible.name: qsTr("State: %1").arg(stateBox.currentText)
                }
                ThemedComboBox {
                    id: periodBox
                    objectName: "historyPeriod"
                    width: 140
                    textRole: "text"
                    valueRole: "days"
                    model: [
                        { days: 0, text: qsTr("Any time") },
                        { days: 1, text: qsTr("Last 24 hours") },
                        { days: 7, text: qsTr("Last 7 days") },
                        { days: 30, text: qsTr("Last 30 days") }
                    ]
                    onActivated: root.jobs.days = periodBox.currentValue
                    Accessible.name: qsTr("Period: %1").arg(periodBox.currentText)
                }
                Label {
                    objectName: "historyCount"
                    height: search.height
                    verticalAlignment: Text.AlignVCenter
                    text: root.jobs.countText
                    color: Theme.muted
                    Accessible.role: Accessible.StaticText
                    Accessible.name: text
                }
                Button {
                    objectName: "historyExportButton"
                    text: qsTr("Export…")
                    enabled: root.jobs.count > 0
                    onClicked: exportDialog.open()
                    Accessible.name: qsTr("Export the %1 shown").arg(root.jobs.countText)
                }
            }
        }

        SplitView {
            id: split
            objectName: "historySplit"
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: root.width >= 900 ? Qt.Horizontal : Qt.Vertical

            ListView {
                id: list
                objectName: "historyList"
                SplitView.fillWidth: true
                SplitView.fillHeight: true
                SplitView.minimumWidth: 320
                SplitView.minimumHeight: 150
                clip: true
                model: root.jobs
                reuseItems: true
                boundsBehavior: Flickable.StopAtBounds
                highlightMoveDuration: 0
                keyNavigationEnabled: true
                activeFocusOnTab: true
                currentIndex: -1
                ScrollBar.vertical: ScrollBar {}

                Accessible.role: Accessible.List
                Accessible.name: qsTr("Stored jobs")
                Accessible.description: root.jobs.countText

                Keys.onPressed: (event) => {
                    if (list.count === 0)
                        return;
                    const page = Math.max(1, Math.floor(list.height / 54) - 1);
                    if (event.key === Qt.Key_PageDown)
                        list.currentIndex = Math.min(list.count - 1, Math.max(0, list.currentIndex) + page);
                    else if (event.key === Qt.Key_PageUp)
                        list.currentIndex = Math.max(0, list.currentIndex - page);
                    else if (event.key === Qt.Key_Home)
                        list.currentIndex = 0;
                    else if (event.key === Qt.Key_End)
                        list.currentIndex = list.count - 1;
                    else
                        return;
                    list.positionViewAtIndex(list.currentIndex, ListView.Contain);
                    event.accepted = true;
                }

                delegate: HistoryDelegate {
                    id: row
                    width: list.width - (list.ScrollBar.vertical.visible ? list.ScrollBar.vertical.width : 0)
                    onActivated: {
                        list.currentIndex = row.index;
                        list.forceActiveFocus();
                    }
                }

                Label {
                    anchors.centerIn: parent
                    width: Math.min(parent.width - 40, 420)
                    visible: list.count === 0 && !root.jobs.loading
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    color: Theme.muted
                    text: root.jobs.problem !== "" ? root.jobs.problem
                        : root.jobs.text !== "" || root.jobs.kind !== "" || root.jobs.state !== "" || root.jobs.days > 0
                          ? qsTr("No stored job matches these filters.")
                          : qsTr("No jobs stored yet: every job you run is kept here.")
                }
            }

            HistoryDetails {
                id: details
                objectName: "historyDetails"
                job: root.current
                actions: root.actions
                SplitView.preferredWidth: 380
                SplitView.minimumWidth: 260
                SplitView.preferredHeight: 230
                SplitView.minimumHeight: 140
                onDeleteRequested: deleteDialog.open()
            }
        }
    }

    Shortcut {
        sequence: "Ctrl+F"
        enabled: root.visible
        onActivated: root.focusSearch()
    }

    // Deleting a run asks first: it cannot be undone.
    ThemedDialog {
        id: deleteDialog
        objectName: "historyDeleteDialog"
        property real runId: root.hasCurrent ? root.current.runId : 0
        title: qsTr("Delete run %1?").arg(deleteDialog.runId)
        onAccepted: root.actions.deleteRun(deleteDialog.runId)
        footer: Pane {
            palette: Theme.colors.palette
            RowLayout {
                anchors.right: parent.right
                spacing: 8
                Button {
                    objectName: "historyDeleteKeep"
                    text: qsTr("Keep it")
                    onClicked: deleteDialog.reject()
                }
                Button {
                    objectName: "historyDeleteConfirm"
                    text: qsTr("Delete")
                    onClicked: deleteDialog.accept()
                    Accessible.name: qsTr("Delete run %1").arg(deleteDialog.runId)
                }
            }
        }
        Label {
            palette: Theme.colors.palette
            width: 380
            wrapMode: Text.Wrap
            text: qsTr("Every job of run %1 goes from the history, with its images and logs inside the data folder. This cannot be undone.").arg(deleteDialog.runId)
        }
    }

    // What an export holds, its format, then where it goes.
    ThemedDialog {
        id: exportDialog
        objectName: "historyExportDialog"
        title: qsTr("Export %1").arg(root.jobs.countText)
        width: Math.min(560, (Overlay.overlay ? Overlay.overlay.width : 560) - 40)
        footer: Pane {
            palette: Theme.colors.palette
            RowLayout {
                anchors.right: parent.right
                spacing: 8
                Button {
                    text: qsTr("Cancel")
                    onClicked: exportDialog.reject()
                }
                Button {
                    objectName: "historyExportChoose"
                    text: qsTr("Choose a file…")
                    highlighted: true
                    onClicked: exportDialog.accept()
                }
            }
        }
        onAccepted: saveDialog.open()
        Pane {
            anchors.fill: parent
            padding: 0
            background: null
            palette: Theme.colors.palette
            ColumnLayout {
                anchors.fill: parent
                spacing: 8
                Label {
                    objectName: "historyExportFields"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("The jobs the filters select now, with these fields: %1.").arg(root.jobs.exportFieldList())
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Theme.muted
                    text: qsTr("Logs, output and results are not included. The file is new and only you can read it; an existing file is never replaced.")
                }
                RowLayout {
                    spacing: 12
                    RadioButton {
                        id: csvChoice
                        objectName: "historyExportCsv"
                        text: qsTr("CSV")
                        checked: true
                    }
                    RadioButton {
                        objectName: "historyExportJson"
                        text: qsTr("JSON")
                    }
                }
            }
        }
    }

    FileDialog {
        id: saveDialog
        objectName: "historySaveDialog"
        title: qsTr("Export to")
        fileMode: FileDialog.SaveFile
        // The export refuses a name that exists: the dialog must not promise to replace it.
        // (6.4's qmltypes do not describe the options' type.)
        options: FileDialog.DontConfirmOverwrite // qmllint disable type
        defaultSuffix: csvChoice.checked ? "csv" : "json"
        nameFilters: csvChoice.checked ? [qsTr("CSV files (*.csv)")] : [qsTr("JSON files (*.json)")]
        onAccepted: root.jobs.exportTo(saveDialog.selectedFile, csvChoice.checked ? "csv" : "json")
    }

    Connections {
        target: root.jobs
        function onExportFinished(ok: bool, message: string) {
            exportResult.text = message;
            exportResult.ok = ok;
            exportResult.open();
        }
    }

    Popup {
        id: exportResult
        property bool ok: true
        property string text
        objectName: "historyExportResult"
        palette: Theme.colors.palette
        x: (root.width - exportResult.width) / 2
        y: root.height - exportResult.height - 16
        padding: 10
        background: Rectangle {
            color: exportResult.ok ? Theme.noticeBackground : Theme.errorBackground
            border.color: exportResult.ok ? Theme.noticeBorder : Theme.errorBorder
            radius: 4
        }
        Label {
            text: exportResult.text
            wrapMode: Text.Wrap
            width: Math.min(implicitWidth, root.width - 60)
            color: exportResult.ok ? Theme.noticeText : Theme.errorText
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
        Timer {
            running: exportResult.visible
            interval: 6000
            onTriggered: exportResult.close()
        }
    }
}
