pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Longrun.Ui

// The Monte-Carlo estimate against the number of samples, with pi as a reference line. The line
// itself is a SeriesPlot (scene graph); the axis labels are laid out here from its ticks.
Item {
    id: root

    property alias points: plot.points
    property alias referenceY: plot.referenceY
    property string referenceLabel: "π"
    property string xTitle: qsTr("samples")
    readonly property alias count: plot.count

    implicitHeight: 240
    Accessible.role: Accessible.Chart
    Accessible.name: qsTr("Estimate of pi by number of samples")
    Accessible.description: plot.count > 0
                            ? qsTr("%1 points, latest estimate %2").arg(plot.count).arg(plot.lastY.toFixed(5))
                            : qsTr("no points yet")

    Rectangle {
        id: frame
        x: 56
        y: 6
        width: Math.max(0, root.width - 56 - 30)
        height: Math.max(0, root.height - 6 - 36)
        color: Theme.base
        border.width: 1
        border.color: Theme.border

        SeriesPlot {
            id: plot
            objectName: "seriesPlot"
            anchors.fill: parent
            anchors.margins: 1
            logX: true
            color: Theme.plotLine
            referenceColor: Theme.plotReference
            gridColor: Theme.plotGrid
        }
    }

    Repeater {
        model: plot.yTicks
        delegate: Label {
            required property var modelData
            x: frame.x - width - 6
            y: frame.y + 1 + modelData.position - height / 2
            text: modelData.label
            color: Theme.muted
            font.pixelSize: 11
        }
    }

    Repeater {
        model: plot.xTicks
        delegate: Label {
            required property var modelData
            x: frame.x + 1 + modelData.position - width / 2
            y: frame.y + frame.height + 3
            text: modelData.label
            color: Theme.muted
            font.pixelSize: 11
        }
    }

    Label {
        visible: plot.referencePosition >= 0
        x: frame.x + frame.width + 4
        y: frame.y + 1 + plot.referencePosition - height / 2
        text: root.referenceLabel
        color: Theme.plotReference
        font.pixelSize: 13
        font.weight: Font.DemiBold
    }

    Label {
        anchors.horizontalCenter: frame.horizontalCenter
        anchors.bottom: parent.bottom
        text: root.xTitle
        color: Theme.muted
        font.pixelSize: 11
    }

    Label {
        anchors.centerIn: frame
        visible: plot.count === 0
        text: qsTr("Waiting for the first points…")
        color: Theme.muted
    }
}
