import QtQuick
import QtQuick.Controls

// A job's state as a word on a coloured pill: the word carries the meaning, the colour helps.
Label {
    id: root

    property string stateKey: "queued"
    property string stateName: qsTr("Queued")

    text: root.stateName
    horizontalAlignment: Text.AlignHCenter
    verticalAlignment: Text.AlignVCenter
    elide: Text.ElideRight
    leftPadding: 8
    rightPadding: 8
    topPadding: 2
    bottomPadding: 2
    font.pixelSize: 12
    font.weight: Font.DemiBold
    color: Theme.stateForeground(root.stateKey)
    background: Rectangle {
        radius: height / 2
        color: Theme.stateBackground(root.stateKey)
        border.width: 1
        border.color: Theme.outline(root.color)
    }
    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("State: %1").arg(root.stateName)
}
