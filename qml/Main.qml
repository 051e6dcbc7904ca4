pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

ApplicationWindow {
    id: root
    width: 1100
    height: 720
    visible: true
    title: qsTr("longrun")

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8

        RowLayout {
            ComboBox {
                id: kindBox
                objectName: "kindBox"
                model: TaskController.catalog
                textRole: "title"
                valueRole: "name"
                Accessible.name: qsTr("Job kind")
            }
            SpinBox {
                id: countBox
                from: 1
                to: 10000
                value: 1
                editable: true
                Accessible.name: qsTr("Number of jobs")
            }
            Button {
                text: qsTr("Start")
                onClicked: TaskController.start(kindBox.currentValue, {}, countBox.value)
            }
            Button {
                text: qsTr("Cancel all")
                onClicked: TaskController.cancelAll()
            }
        }
        ProgressBar {
            Layout.fillWidth: true
            value: TaskController.model.overallProgress
        }
        ListView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: TaskController.jobs
            delegate: ItemDelegate {
                id: row
                required property int jobId
                required property string title
                required property string stateName
                required property real progress
                required property string error
                required property string resultSummary
                width: ListView.view.width
                text: row.title + "  " + row.stateName + "  " + Math.round(row.progress * 100) + "%  "
                      + row.resultSummary + row.error
            }
        }
    }
}
