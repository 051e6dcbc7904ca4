import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// What TaskController could not do (a bad jobs file, an unknown command...), until dismissed.
// The latest few messages are kept; long texts wrap.
Rectangle {
    id: root

    property var messages: []
    readonly property string message: root.messages.join("\n")

    function show(text: string) {
        const kept = root.messages.slice(-2);
        kept.push(text);
        root.messages = kept;
    }

    function dismiss() {
        root.messages = [];
    }

    objectName: "errorBanner"
    visible: root.messages.length > 0
    implicitHeight: row.implicitHeight + 16
    color: Theme.errorBackground
    border.color: Theme.errorBorder

    Connections {
        target: TaskController
        function onErrorOccurred(message: string) {
            root.show(message);
        }
    }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        anchors.leftMargin: 14
        spacing: 10

        Label {
            objectName: "errorBannerText"
            Layout.fillWidth: true
            text: root.message
            wrapMode: Text.Wrap
            color: Theme.errorText
            textFormat: Text.PlainText
            Accessible.role: Accessible.AlertMessage
            Accessible.name: root.message
        }
        Button {
            id: dismissButton
            objectName: "dismissErrorButton"
            Layout.alignment: Qt.AlignTop
            text: qsTr("Dismiss")
            onClicked: root.dismiss()
            ToolTip.visible: dismissButton.hovered
            ToolTip.text: qsTr("Hide these messages")
            ToolTip.delay: 600
        }
    }
}
