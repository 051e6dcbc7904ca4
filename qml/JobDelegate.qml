pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One row of the job list. Kept light: it reads only the roles it shows (never the series or
// the result values), so hundreds of rows and a flood of progress updates stay smooth.
ItemDelegate {
    id: root

    required property int index
    required property int jobId
    required property string kind
    required property string params
    required property string stateKey
    required property string stateName
    required property real progress
    required property string progressText
    required property string elapsedText
    required property string etaText
    required property string resultSummary
    required property string error
    required property int attempt
    required property bool canCancel
    required property bool canPause
    required property bool canResume
    required property bool canRetry
    required property bool isTerminal

    readonly property string percentText: qsTr("%1%").arg(Math.floor(root.progress * 100))

    signal activated()

    objectName: "job_" + root.jobId
    height: 58
    padding: 0
    leftPadding: 10
    rightPadding: 8
    highlighted: ListView.isCurrentItem
    focusPolicy: Qt.NoFocus
    onClicked: root.activated()

    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("Job %1: %2 %3 — %4, %5").arg(root.jobId).arg(root.kind).arg(root.params)
                     .arg(root.stateName).arg(root.percentText)
    Accessible.description: root.isTerminal ? (root.error !== "" ? root.error : root.resultSummary)
                                            : root.progressText

    background: Rectangle {
        color: root.highlighted ? Theme.selection
             : root.hovered ? Theme.hover
             : root.index % 2 ? Theme.rowAlt : Theme.base
        Rectangle {
            width: 3
            height: parent.height
            color: Theme.accent
            visible: root.highlighted
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
            opacity: 0.6
        }
    }

    contentItem: RowLayout {
        spacing: 10

        StateBadge {
            Layout.preferredWidth: 96
            Layout.minimumWidth: 96
            stateKey: root.stateKey
            stateName: root.stateName
        }

        // Takes what the fixed columns leave, never more: long parameters elide.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 100
            spacing: 3

            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                Label {
                    text: qsTr("#%1").arg(root.jobId)
                    color: Theme.muted
                    font.pixelSize: 12
                }
                Label {
                    text: root.kind
                    font.weight: Font.DemiBold
                }
                Label {
                    Layout.fillWidth: true
                    text: root.params
                    color: Theme.muted
                    elide: Text.ElideRight
                    maximumLineCount: 1
                }
                Label {
                    visible: root.attempt > 1
                    text: qsTr("attempt %1").arg(root.attempt)
                    color: Theme.muted
                    font.pixelSize: 12
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                ProgressBar {
                    Layout.preferredWidth: 100
                    Layout.maximumWidth: 100
                    visible: !root.isTerminal
                    value: root.progress
                    Accessible.name: qsTr("Progress of job %1").arg(root.jobId)
                    Accessible.description: root.percentText
                }
                Label {
                    Layout.preferredWidth: 34
                    visible: !root.isTerminal
                    text: root.percentText
                    font.pixelSize: 12
                    horizontalAlignment: Text.AlignRight
                }
                Label {
                    Layout.fillWidth: true
                    // One line in the row; the details pane has the whole text.
                    text: root.isTerminal ? (root.error !== "" ? root.error.split("\n")[0] : root.resultSummary)
                                          : root.progressText
                    color: root.isTerminal && root.error !== "" ? Theme.stateForeground(root.stateKey)
                                                                : Theme.muted
                    font.pixelSize: 12
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    wrapMode: Text.NoWrap
                    textFormat: Text.PlainText
                }
            }
        }

        ColumnLayout {
            Layout.preferredWidth: 84
            Layout.minimumWidth: 84
            Layout.maximumWidth: 84
            spacing: 3
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                text: root.elapsedText
                font.pixelSize: 12
                elide: Text.ElideLeft
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                visible: root.etaText !== ""
                text: qsTr("%1 left").arg(root.etaText)
                color: Theme.muted
                font.pixelSize: 12
                elide: Text.ElideLeft
            }
        }

        // Fixed width, right-aligned: the buttons line up from row to row.
        Item {
            Layout.preferredWidth: 134
            Layout.minimumWidth: 134
            Layout.fillHeight: true
            JobActions {
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                compact: true
                jobId: root.jobId
                canPause: root.canPause
                canResume: root.canResume
                canRetry: root.canRetry
                canCancel: root.canCancel
            }
        }
    }
}
