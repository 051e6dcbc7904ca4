import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Longrun.Backend

// One parameter of a job kind as a typed field, with its description and the catalog's verdict
// on what was typed. An empty optional field means the kind's default.
ColumnLayout {
    id: root

    required property var modelData
    required property string kind
    // Whether this field carries objectNames (see KindCard.shown).
    property bool named: true

    readonly property string name: root.modelData.name
    readonly property string type: root.modelData.type
    readonly property bool isRequired: root.modelData.required
    // What is sent to TaskController.start(), as text.
    readonly property string text: root.type === "bool" ? (boolBox.checked ? "true" : "false")
                                 : root.type === "choice" ? choiceBox.currentText
                                 : textField.text
    readonly property string problem: TaskController.catalog.checkParam(root.kind, root.name, root.text)
    readonly property bool valid: root.problem === ""

    objectName: root.named ? "param_" + root.kind + "_" + root.name : ""
    spacing: 2

    Label {
        id: nameLabel
        Layout.fillWidth: true
        text: root.isRequired ? qsTr("%1 (required)").arg(root.name) : root.name
        font.weight: Font.DemiBold
        elide: Text.ElideRight
    }

    FileDialog {
        id: pathDialog
        objectName: root.named ? "pathDialog_" + root.kind + "_" + root.name : ""
        title: qsTr("Choose the file for %1").arg(root.name)
        currentFolder: WindowSettings.lastFolder
        onAccepted: {
            WindowSettings.lastFolder = pathDialog.currentFolder;
            textField.text = TaskController.localPath(pathDialog.selectedFile);
        }
    }

    RowLayout {
        Layout.fillWidth: true
        visible: root.type !== "bool" && root.type !== "choice"
        spacing: 6

        TextField {
            id: textField
            objectName: root.named ? "field_" + root.kind + "_" + root.name : ""
            Layout.fillWidth: true
            text: root.modelData.defaultText
            selectByMouse: true
            placeholderText: root.type === "argv" ? qsTr("program and arguments, e.g. sh -c 'sleep 3'")
                           : root.type === "path" ? qsTr("a path, e.g. /etc/os-release")
                           : root.modelData.defaultText !== "" ? qsTr("default: %1").arg(root.modelData.defaultText)
                           : ""
            inputMethodHints: root.type === "int" ? Qt.ImhFormattedNumbersOnly
                            : root.type === "real" ? Qt.ImhFormattedNumbersOnly : Qt.ImhNone
            Accessible.name: root.name
            Accessible.description: root.valid ? root.modelData.description : root.problem
            ToolTip.visible: textField.hovered && root.modelData.description !== ""
            ToolTip.text: root.modelData.description
            ToolTip.delay: 600
        }

        Button {
            id: browseButton
            objectName: root.named ? "browse_" + root.kind + "_" + root.name : ""
            visible: root.type === "path"
            text: qsTr("Browse…")
            onClicked: pathDialog.open()
            Accessible.name: qsTr("Choose a file for %1").arg(root.name)
            ToolTip.visible: browseButton.hovered
            ToolTip.text: qsTr("Pick the file in a dialog")
            ToolTip.delay: 600
        }
    }

    CheckBox {
        id: boolBox
        objectName: root.named ? "check_" + root.kind + "_" + root.name : ""
        visible: root.type === "bool"
        checked: root.modelData.defaultText === "true"
        text: boolBox.checked ? qsTr("yes") : qsTr("no")
        Accessible.name: root.name
        Accessible.description: root.modelData.description
    }

    ThemedComboBox {
        id: choiceBox
        objectName: root.named ? "choice_" + root.kind + "_" + root.name : ""
        Layout.fillWidth: true
        visible: root.type === "choice"
        model: root.type === "choice" ? root.modelData.choices : []
        currentIndex: root.type === "choice" ? Math.max(0, root.modelData.choices.indexOf(root.modelData.defaultText)) : -1
        Accessible.name: root.name
        Accessible.description: root.modelData.description
    }

    Label {
        Layout.fillWidth: true
        visible: root.valid && root.modelData.description !== ""
        text: root.modelData.description
        color: Theme.muted
        font.pixelSize: 12
        wrapMode: Text.Wrap
    }

    Label {
        objectName: root.named ? "problem_" + root.kind + "_" + root.name : ""
        Layout.fillWidth: true
        visible: !root.valid
        text: root.problem
        color: Theme.errorText
        font.pixelSize: 12
        wrapMode: Text.Wrap
        Accessible.role: Accessible.AlertMessage
        Accessible.name: qsTr("%1: %2").arg(root.name).arg(root.problem)
    }
}
