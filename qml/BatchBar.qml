pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// The batch at a glance: overall progress (never moves back), counts per state that double as
// the list's filter, pace and time left, and the knobs that apply to every job.
Pane {
    id: root

    readonly property string percentText: qsTr("%1%").arg(Math.floor(TaskController.model.overallProgress * 100))

    component FilterChip: Button {
        id: chip
        required property string key
        required property string label
        required property int count
        objectName: "filter_" + chip.key
        checkable: true
        checked: TaskController.jobs.filter === chip.key
        flat: !chip.checked
        focusPolicy: Qt.StrongFocus
        text: qsTr("%1 %2").arg(chip.label).arg(chip.count)
        onClicked: TaskController.jobs.filter = chip.key
        Accessible.name: qsTr("Show %1: %2 jobs").arg(chip.label).arg(chip.count)
        Accessible.checkable: true
        ToolTip.visible: chip.hovered
        ToolTip.text: qsTr("Show only these jobs in the list")
        ToolTip.delay: 600
        leftPadding: 8
        rightPadding: 10
        contentItem: Row {
            spacing: 6
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: 10
                height: 10
                radius: 5
                visible: chip.key !== "all" && chip.key !== "active"
                color: Theme.stateBackground(chip.key)
                border.color: Theme.stateForeground(chip.key)
            }
            Label {
                text: chip.label
                font.weight: chip.checked ? Font.DemiBold : Font.Normal
            }
            Label {
                text: chip.count
                color: Theme.muted
                font.weight: chip.checked ? Font.DemiBold : Font.Normal
            }
        }
    }

    objectName: "batchBar"
    padding: 10
    background: Rectangle {
        color: Theme.pane
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 12

            ProgressBar {
                id: overall
                objectName: "overallProgress"
                Layout.fillWidth: true
                Layout.minimumWidth: 120
                value: TaskController.model.overallProgress
                Accessible.name: qsTr("Progress of the batch")
                Accessible.description: root.percentText
            }
            Label {
                objectName: "overallText"
                text: TaskController.model.total === 0
                      ? qsTr("No jobs")
                      : qsTr("%1 · %2 of %3 done").arg(root.percentText).arg(TaskController.model.finished)
                        .arg(TaskController.model.total)
                font.weight: Font.DemiBold
            }
            Label {
                objectName: "paceText"
                visible: TaskController.batchElapsedText !== ""
                text: {
                    const parts = [qsTr("elapsed %1").arg(TaskController.batchElapsedText)];
                    if (TaskController.hasActiveJobs && TaskController.etaText !== "")
                        parts.push(qsTr("about %1 left").arg(TaskController.etaText));
                    if (TaskController.throughput > 0)
                        parts.push(qsTr("%1 jobs/min").arg(TaskController.throughput.toFixed(TaskController.throughput < 10 ? 1 : 0)));
                    return parts.join(" · ");
                }
                color: Theme.muted
            }
            Label {
                id: historyOff
                objectName: "historyOffLabel"
                visible: TaskController.historyProblem !== ""
                text: qsTr("History off")
                color: Theme.muted
                font.italic: true
                Accessible.name: historyOff.text
                Accessible.description: TaskController.historyProblem
                HoverHandler {
                    id: historyOffHover
                }
                ToolTip.visible: historyOffHover.hovered
                ToolTip.text: qsTr("Jobs of this session are not recorded.\n%1").arg(TaskController.historyProblem)
                ToolTip.delay: 300
            }
            Button {
                id: cancelAllButton
                objectName: "cancelAllButton"
                text: qsTr("Cancel all")
                enabled: TaskController.hasActiveJobs
                onClicked: TaskController.cancelAll()
                ToolTip.visible: cancelAllButton.hovered
                ToolTip.text: qsTr("Stop every queued, running and paused job")
                ToolTip.delay: 600
            }
            Button {
                id: clearButton
                objectName: "clearFinishedButton"
                text: qsTr("Clear finished")
                enabled: TaskController.model.finished > 0
                onClicked: TaskController.clearFinished()
                ToolTip.visible: clearButton.hovered
                ToolTip.text: qsTr("Remove finished jobs from the list")
                ToolTip.delay: 600
            }
        }

        Flow {
            Layout.fillWidth: true
            spacing: 4

            FilterChip { key: "all"; label: qsTr("All"); count: TaskController.model.total }
            FilterChip {
                key: "active"
                label: qsTr("Active")
                count: TaskController.model.queued + TaskController.model.running + TaskController.model.paused
            }
            FilterChip { key: "queued"; label: qsTr("Queued"); count: TaskController.model.queued }
            FilterChip { key: "running"; label: qsTr("Running"); count: TaskController.model.running }
            FilterChip { key: "paused"; label: qsTr("Paused"); count: TaskController.model.paused }
            FilterChip { key: "succeeded"; label: qsTr("Succeeded"); count: TaskController.model.succeeded }
            FilterChip {
                key: "failed"
                label: TaskController.model.timedOut > 0 ? qsTr("Failed or timed out") : qsTr("Failed")
                count: TaskController.model.failed + TaskController.model.timedOut
            }
            FilterChip { key: "canceled"; label: qsTr("Canceled"); count: TaskController.model.canceled }

            Item {
                width: 12
                height: 1
            }

            Row {
                spacing: 6
                Label {
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("At once")
                }
                SpinBox {
                    id: concurrencyBox
                    objectName: "concurrencyBox"
                    from: 1
                    to: TaskController.maxConcurrency
                    value: TaskController.concurrency
                    editable: true
                    width: 96
                    onValueModified: {
                        TaskController.concurrency = concurrencyBox.value;
                        WindowSettings.concurrency = TaskController.concurrency;
                    }
                    Accessible.name: qsTr("Jobs to run at once")
                    ToolTip.visible: concurrencyBox.hovered
                    ToolTip.text: qsTr("How many jobs run at the same time (1 to %1)").arg(TaskController.maxConcurrency)
                    ToolTip.delay: 600
                }
            }
            Row {
                spacing: 6
                Label {
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("Timeout")
                }
                SpinBox {
                    id: timeoutBox
                    objectName: "timeoutBox"
                    from: 0
                    to: 86400
                    stepSize: 10
                    value: Math.round(TaskController.timeoutSeconds)
                    editable: true
                    width: 110
                    textFromValue: (value, locale) => value === 0 ? qsTr("none") : qsTr("%1 s").arg(value)
                    valueFromText: (text, locale) => text.trim() === qsTr("none") ? 0 : (parseInt(text) || 0)
                    validator: RegularExpressionValidator {
                        regularExpression: /\s*(none|\d{1,5}\s*s?)\s*/
                    }
                    onValueModified: {
                        TaskController.timeoutSeconds = timeoutBox.value;
                        WindowSettings.timeoutSeconds = TaskController.timeoutSeconds;
                    }
                    Accessible.name: qsTr("Timeout per job in seconds, 0 for none")
                    ToolTip.visible: timeoutBox.hovered
                    ToolTip.text: qsTr("A job running longer than this is stopped and marked timed out (paused time does not count)")
                    ToolTip.delay: 600
                }
            }
            Row {
                spacing: 6
                Label {
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("Retries")
                }
                SpinBox {
                    id: retriesBox
                    objectName: "retriesBox"
                    from: 0
                    to: 10
                    value: TaskController.retries
                    editable: true
                    width: 80
                    onValueModified: {
                        TaskController.retries = retriesBox.value;
                        WindowSettings.retries = TaskController.retries;
                    }
                    Accessible.name: qsTr("Automatic retries of a failed job")
                    ToolTip.visible: retriesBox.hovered
                    ToolTip.text: qsTr("Failed or timed-out jobs started from now on are tried again this many times")
                    ToolTip.delay: 600
                }
            }

        }
    }
}
