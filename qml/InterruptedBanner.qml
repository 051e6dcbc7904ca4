import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// Jobs that earlier runs left interrupted (longrun was killed or crashed before they ended),
// with the one thing to do about them: queue them again. Gone once none is left.
Rectangle {
    id: root

    readonly property int count: TaskController.interruptedCount
    readonly property string message: root.count === 1
                                      ? qsTr("1 job was interrupted when longrun last stopped")
                                      : qsTr("%1 jobs were interrupted when longrun last stopped").arg(root.count)

    objectName: "interruptedBanner"
    visible: root.count > 0
    implicitHeight: row.implicitHeight + 16
    color: Theme.noticeBackground
    border.color: Theme.noticeBorder

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        anchors.leftMargin: 14
        spacing: 10

        Label {
            objectName: "interruptedText"
            Layout.fillWidth: true
            text: root.message
            wrapMode: Text.Wrap
            color: Theme.noticeText
            Accessible.role: Accessible.AlertMessage
            Accessible.name: root.message
        }
        Button {
            id: requeueButton
            objectName: "requeueInterruptedButton"
            text: qsTr("Requeue interrupted")
            onClicked: TaskController.requeueInterrupted()
            Accessible.name: root.count === 1 ? qsTr("Requeue the interrupted job")
                                              : qsTr("Requeue the %1 interrupted jobs").arg(root.count)
            ToolTip.visible: requeueButton.hovered
            ToolTip.text: qsTr("Queue these jobs again, with the parameters they had")
            ToolTip.delay: 600
        }
    }
}
