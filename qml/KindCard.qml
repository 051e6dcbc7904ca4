pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// One job kind of the catalog: a header to pick it and, once picked, its description, its
// parameters, how many jobs to start, and Start.
Rectangle {
    id: root

    required property string name
    required property string title
    required property string description
    required property string category
    required property var params

    property bool expanded: false
    // Each kind is instantiated by two repeaters (the demo failures are listed apart) and shown by
    // one: only the shown card carries objectNames, so that tests find exactly one.
    property bool shown: true
    readonly property bool isFault: root.category === "fault"
    // Every field's text is valid (bumped when the fields are (re)built, so the binding sees them).
    property int fieldRevision: 0
    readonly property bool valid: {
        let ok = root.fieldRevision >= 0;
        for (let i = 0; i < fieldRepeater.count; ++i) {
            const field = fieldRepeater.itemAt(i) as ParamField;
            if (!field || !field.valid)
                ok = false;
        }
        return ok;
    }
    readonly property bool canStart: root.valid && !TaskController.shuttingDown

    signal picked()

    // Starts `count` jobs of this kind with the fields' values; false when it could not.
    function start(): bool {
        if (!root.canStart)
            return false;
        const values = {};
        for (let i = 0; i < fieldRepeater.count; ++i) {
            const field = fieldRepeater.itemAt(i) as ParamField;
            if (field)
                values[field.name] = field.text;
        }
        return TaskController.start(root.name, values, countBox.value);
    }

    objectName: root.shown ? "kindCard_" + root.name : ""
    visible: root.shown
    implicitHeight: column.implicitHeight + 2
    radius: 6
    color: root.isFault ? Theme.faultTint : Theme.base
    border.width: 1
    border.color: root.expanded ? Theme.accent : root.isFault ? Theme.faultBorder : Theme.border

    ColumnLayout {
        id: column
        x: 1
        y: 1
        width: parent.width - 2
        spacing: 0

        ItemDelegate {
            id: header
            objectName: root.shown ? "kind_" + root.name : ""
            Layout.fillWidth: true
            text: root.title
            checkable: false
            highlighted: false
            onClicked: root.picked()
            Accessible.name: root.title
            Accessible.description: root.expanded ? qsTr("selected") : qsTr("press to set up jobs of this kind")
            contentItem: RowLayout {
                spacing: 8
                Label {
                    Layout.fillWidth: true
                    text: root.title
                    font.weight: root.expanded ? Font.Bold : Font.DemiBold
                    elide: Text.ElideRight
                }
                Label {
                    text: root.isFault ? qsTr("fails on purpose") : root.category
                    color: root.isFault ? Theme.faultText : Theme.muted
                    font.pixelSize: 11
                }
            }
            background: Rectangle {
                radius: 6
                color: header.down ? Theme.selection : header.hovered ? Theme.hover : Theme.transparent
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            Layout.bottomMargin: 12
            visible: root.expanded
            spacing: 10

            Label {
                Layout.fillWidth: true
                text: root.description
                wrapMode: Text.Wrap
                color: Theme.muted
            }

            Repeater {
                id: fieldRepeater
                model: root.params
                onItemAdded: ++root.fieldRevision
                onItemRemoved: ++root.fieldRevision
                delegate: ParamField {
                    Layout.fillWidth: true
                    kind: root.name
                    named: root.shown
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label {
                    text: qsTr("Jobs")
                }
                SpinBox {
                    id: countBox
                    objectName: root.shown ? "count_" + root.name : ""
                    Layout.fillWidth: true
                    Layout.minimumWidth: 90
                    from: 1
                    to: 100000
                    value: 1
                    editable: true
                    Accessible.name: qsTr("Number of %1 jobs to start").arg(root.title)
                    ToolTip.visible: countBox.hovered
                    ToolTip.text: qsTr("How many jobs of this kind to start, 1 to 100000")
                    ToolTip.delay: 600
                }
                Button {
                    id: startButton
                    objectName: root.shown ? "startButton_" + root.name : ""
                    text: countBox.value === 1 ? qsTr("Start") : qsTr("Start %1").arg(countBox.value)
                    enabled: root.canStart
                    highlighted: true
                    onClicked: root.start()
                    Accessible.name: qsTr("Start %1 %2 jobs").arg(countBox.value).arg(root.title)
                    ToolTip.visible: startButton.hovered
                    ToolTip.text: root.valid ? qsTr("Queue the jobs (Ctrl+Return)")
                                             : qsTr("Fix the fields marked above first")
                    ToolTip.delay: 600
                }
            }
        }
    }
}
