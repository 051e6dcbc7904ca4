pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Longrun.Backend

// The left pane: what can be started. Job kinds from the worker's catalog (the demo failures
// apart), a jobs file, and any command line.
Pane {
    id: root

    // The name of the picked kind; the first one until someone picks another.
    property string selectedKind: ""

    function startSelected(): bool {
        for (const repeater of [computeRepeater, faultRepeater]) {
            for (let i = 0; i < repeater.count; ++i) {
                const card = repeater.itemAt(i) as KindCard;
                if (card && card.shown && card.expanded)
                    return card.start();
            }
        }
        return false;
    }

    function openJobsFile() {
        jobsFileDialog.open();
    }

    function focusCommand() {
        commandField.forceActiveFocus();
        commandField.selectAll();
    }

    objectName: "catalogPane"
    padding: 0
    background: Rectangle {
        color: Theme.pane
    }

    // Sleep is the friendliest first pick: it costs nothing and shows queueing and cancelling.
    function pickDefaultKind() {
        if (root.selectedKind === "" && TaskController.catalog.indexOf("sleep") >= 0)
            root.selectedKind = "sleep";
    }

    Component.onCompleted: root.pickDefaultKind()

    Connections {
        target: TaskController.catalog
        function onLoaded() {
            root.pickDefaultKind();
        }
    }

    FileDialog {
        id: jobsFileDialog
        title: qsTr("Open a jobs file")
        nameFilters: [qsTr("Jobs files (*.json)"), qsTr("All files (*)")]
        currentFolder: WindowSettings.lastFolder
        onAccepted: {
            WindowSettings.lastFolder = jobsFileDialog.currentFolder;
            TaskController.loadJobsFile(jobsFileDialog.selectedFile);
        }
    }

    FolderDialog {
        id: cwdDialog
        objectName: "cwdDialog"
        title: qsTr("Working folder of the command")
        currentFolder: WindowSettings.lastFolder
        onAccepted: {
            WindowSettings.lastFolder = cwdDialog.selectedFolder;
            cwdField.text = TaskController.localPath(cwdDialog.selectedFolder);
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: scroll.availableWidth
        ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 8

            RowLayout {
                Layout.fillWidth: true
                Layout.topMargin: 10
                Layout.leftMargin: 12
                Layout.rightMargin: 10
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Start jobs")
                    font.pixelSize: 17
                    font.weight: Font.DemiBold
                    Accessible.role: Accessible.Heading
                }
                Button {
                    id: openButton
                    objectName: "openJobsFileButton"
                    text: qsTr("Open jobs file…")
                    enabled: !TaskController.shuttingDown
                    onClicked: root.openJobsFile()
                    ToolTip.visible: openButton.hovered
                    ToolTip.text: qsTr("Queue the jobs of a JSON file (Ctrl+O)")
                    ToolTip.delay: 600
                }
            }

            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                visible: TaskController.catalog.loading
                text: qsTr("Asking the worker which jobs it can run…")
                color: Theme.muted
                wrapMode: Text.Wrap
            }

            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                visible: TaskController.catalog.error !== ""
                text: qsTr("Could not read the job kinds: %1").arg(TaskController.catalog.error)
                color: Theme.errorText
                wrapMode: Text.Wrap
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }

            Repeater {
                id: computeRepeater
                model: TaskController.catalog
                delegate: KindCard {
                    id: computeCard
                    Layout.fillWidth: true
                    Layout.leftMargin: 10
                    Layout.rightMargin: 10
                    // The command line section below runs commands; no second form for them.
                    shown: !computeCard.isFault && computeCard.name !== "command"
                    expanded: computeCard.name === root.selectedKind
                    onPicked: root.selectedKind = computeCard.name
                }
            }

            MenuSeparator {
                Layout.fillWidth: true
                Layout.topMargin: 6
            }

            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                text: qsTr("Run a command")
                font.weight: Font.DemiBold
                Accessible.role: Accessible.Heading
            }

            TextField {
                id: commandField
                objectName: "commandField"
                Layout.fillWidth: true
                Layout.leftMargin: 10
                Layout.rightMargin: 10
                placeholderText: qsTr("Command line, e.g. rsync -a --info=progress2 src/ dst/")
                font.family: Theme.monospace
                selectByMouse: true
                onAccepted: runButton.clicked()
                Accessible.name: qsTr("Command line")
                Accessible.description: qsTr("Runs as one job; press Enter to start it (Ctrl+L to get here)")
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 10
                Layout.rightMargin: 10
                spacing: 8
                TextField {
                    id: cwdField
                    objectName: "cwdField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Working folder (optional)")
                    font.family: Theme.monospace
                    selectByMouse: true
                    onAccepted: runButton.clicked()
                    Accessible.name: qsTr("Working folder")
                }
                Button {
                    id: cwdBrowse
                    objectName: "cwdBrowseButton"
                    text: qsTr("Browse…")
                    onClicked: cwdDialog.open()
                    Accessible.name: qsTr("Choose the working folder")
                    ToolTip.visible: cwdBrowse.hovered
                    ToolTip.text: qsTr("Choose the folder the command runs in")
                    ToolTip.delay: 600
                }
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 10
                Layout.rightMargin: 10
                spacing: 8
                CheckBox {
                    id: terminalCheck
                    objectName: "commandTerminalCheck"
                    Layout.fillWidth: true
                    checked: true
                    text: qsTr("On a terminal")
                    Accessible.name: qsTr("Run the command on a terminal")
                    Accessible.description: terminalTip.text
                    ToolTip {
                        id: terminalTip
                        palette: Theme.colors.palette
                        visible: terminalCheck.hovered
                        delay: 600
                        text: qsTr("Many programs draw their progress only when they see a terminal. "
                                   + "Untick to give the program plain pipes instead.")
                    }
                }
                Button {
                    id: runButton
                    objectName: "runCommandButton"
                    text: qsTr("Run")
                    enabled: commandField.text.trim() !== "" && !TaskController.shuttingDown
                    onClicked: {
                        if (TaskController.startCommand(commandField.text, cwdField.text, terminalCheck.checked))
                            commandField.clear();
                    }
                    ToolTip.visible: runButton.hovered
                    ToolTip.text: qsTr("Run the command line as one job")
                    ToolTip.delay: 600
                }
            }

            Label {
                Layout.fillWidth: true
                Layout.topMargin: 10
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                text: qsTr("Demo failures")
                font.weight: Font.DemiBold
                Accessible.role: Accessible.Heading
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                text: qsTr("These jobs misbehave on purpose (crash, hang, garbage…) to show how longrun copes.")
                color: Theme.muted
                font.pixelSize: 12
                wrapMode: Text.Wrap
            }

            Repeater {
                id: faultRepeater
                model: TaskController.catalog
                delegate: KindCard {
                    id: faultCard
                    Layout.fillWidth: true
                    Layout.leftMargin: 10
                    Layout.rightMargin: 10
                    shown: faultCard.isFault
                    expanded: faultCard.name === root.selectedKind
                    onPicked: root.selectedKind = faultCard.name
                }
            }

            Item {
                Layout.preferredHeight: 6
            }
        }
    }
}
