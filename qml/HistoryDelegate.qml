pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One stored job in the History view: its state, what it ran (the command line), when and for
// how long, and how it ended. Reads only the light roles; the details pane has the rest.
ItemDelegate {
    id: root

    required property int index
    required property real jobId
    required property real runId
    required property int seq
    required property string kind
    required property string stateKey
    required property string stateText
    required property string commandLine
    required property string addedText
    required property string runtimeText
    required property string message
    required property string summary
    required property string errorText
    required property string exitText
    required property string logPath
    required property string imagePath
    required property string host
    required property int attempts
    required property bool isCommand

    signal activated()

    objectName: "history_" + root.jobId
    height: 54
    padding: 0
    leftPadding: 10
    rightPadding: 10
    highlighted: ListView.isCurrentItem
    focusPolicy: Qt.NoFocus
    onClicked: root.activated()

    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("%1, run %2: %3 — %4").arg(root.addedText).arg(root.runId)
                     .arg(root.commandLine).arg(root.stateText)
    Accessible.description: root.message

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
            stateName: root.stateText
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 100
            spacing: 3
            Label {
                Layout.fillWidth: true
                text: root.commandLine
                font.family: root.isCommand ? Theme.monospace : root.font.family
                elide: Text.ElideRight
                maximumLineCount: 1
                textFormat: Text.PlainText
            }
            Label {
                Layout.fillWidth: true
                text: root.exitText !== "" ? qsTr("%1 · %2").arg(root.exitText).arg(root.message)
                                           : root.message
                color: root.errorText !== "" && root.summary === "" ? Theme.stateForeground(root.stateKey)
                                                                    : Theme.muted
                font.pixelSize: 12
                elide: Text.ElideRight
                maximumLineCount: 1
                textFormat: Text.PlainText
            }
        }

        ColumnLayout {
            Layout.preferredWidth: 118
            Layout.minimumWidth: 118
            Layout.maximumWidth: 118
            spacing: 3
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                text: root.addedText
                font.pixelSize: 12
                elide: Text.ElideLeft
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                text: root.runtimeText
                color: Theme.muted
                font.pixelSize: 12
                elide: Text.ElideLeft
            }
        }
    }
}
