pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Before jobs that run programs of their own start (a rerun from the history, a jobs file with
// commands): how many, which programs, in which folders, a few whole lines. Nothing runs until
// "Run" is pressed (issue #12). Fed a CommandSummary (jobs/commandreview.h) as `summary`;
// the owner calls what `accepted` and `rejected` mean (e.g. HistoryActions.confirmReview()).
ThemedDialog {
    id: root

    // CommandSummary::toVariantMap(): jobs, commands, programCount, folderCount, programs,
    // folders, examples, variables, clearedEnvironments.
    property var summary: ({})
    readonly property int jobs: root.summary.jobs ?? 0
    readonly property int commands: root.summary.commands ?? 0
    readonly property int programCount: root.summary.programCount ?? 0
    readonly property int folderCount: root.summary.folderCount ?? 0
    readonly property var programs: root.summary.programs ?? []
    readonly property var folders: (root.summary.folders ?? []).map(f => f === "" ? qsTr("the folder longrun runs in") : f)
    readonly property var examples: root.summary.examples ?? []
    readonly property var variables: root.summary.variables ?? []
    readonly property int clearedEnvironments: root.summary.clearedEnvironments ?? 0

    function listed(names: var, total: int): string {
        const more = total - names.length;
        return more > 0 ? qsTr("%1 and %n more", "", more).arg(names.join(", ")) : names.join(", ");
    }

    objectName: "commandReview"
    title: root.commands === 1 ? qsTr("Run 1 command?") : qsTr("Run %1 commands?").arg(root.commands)
    width: Math.min(640, (Overlay.overlay ? Overlay.overlay.width : 640) - 40)

    footer: Pane {
        palette: Theme.colors.palette
        RowLayout {
            anchors.right: parent.right
            spacing: 8
            Button {
                objectName: "commandReviewCancel"
                text: qsTr("Cancel")
                onClicked: root.reject()
                Accessible.name: qsTr("Do not run them")
            }
            Button {
                objectName: "commandReviewRun"
                text: root.commands === 1 ? qsTr("Run it") : qsTr("Run them")
                highlighted: true
                onClicked: root.accept()
                Accessible.name: root.jobs === 1 ? qsTr("Run the job")
                                                 : qsTr("Run the %1 jobs").arg(root.jobs)
            }
        }
    }

    // The body in a pane of its own palette (Theme.colors says why).
    Pane {
        anchors.fill: parent
        padding: 0
        background: null
        palette: Theme.colors.palette

        ColumnLayout {
            anchors.fill: parent
            spacing: 10

            Label {
                objectName: "commandReviewText"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: root.jobs > root.commands
                      ? qsTr("%1 of the %2 jobs run programs on this computer, as you:").arg(root.commands).arg(root.jobs)
                      : qsTr("These jobs run programs on this computer, as you:")
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                rowSpacing: 6
                Label {
                    text: root.programCount === 1 ? qsTr("Program") : qsTr("%1 programs").arg(root.programCount)
                    font.weight: Font.DemiBold
                }
                Label {
                    objectName: "commandReviewPrograms"
                    Layout.fillWidth: true
                    text: root.listed(root.programs, root.programCount)
                    font.family: Theme.monospace
                    wrapMode: Text.WrapAnywhere
                    textFormat: Text.PlainText
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("Programs: %1").arg(text)
                }
                Label {
                    text: root.folderCount === 1 ? qsTr("Folder") : qsTr("%1 folders").arg(root.folderCount)
                    font.weight: Font.DemiBold
                }
                Label {
                    objectName: "commandReviewFolders"
                    Layout.fillWidth: true
                    text: root.listed(root.folders, root.folderCount)
                    wrapMode: Text.WrapAnywhere
                    textFormat: Text.PlainText
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("Folders: %1").arg(text)
                }
                Label {
                    visible: root.variables.length > 0 || root.clearedEnvironments > 0
                    text: qsTr("Environment")
                    font.weight: Font.DemiBold
                }
                Label {
                    objectName: "commandReviewEnvironment"
                    visible: root.variables.length > 0 || root.clearedEnvironments > 0
                    Layout.fillWidth: true
                    text: {
                        const set = root.variables.length > 0
                                  ? qsTr("sets %1").arg(root.variables.join(", ")) : "";
                        const cleared = root.clearedEnvironments > 0
                                      ? qsTr("%n start(s) with no inherited variable", "",
                                             root.clearedEnvironments) : "";
                        return [set, cleared].filter(t => t !== "").join("; ");
                    }
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("Environment: %1").arg(text)
                }
            }
            Label {
                text: root.commands > root.examples.length ? qsTr("The first %1:").arg(root.examples.length)
                                                           : qsTr("In full:")
                color: Theme.muted
            }
            TextArea {
                objectName: "commandReviewExamples"
                Layout.fillWidth: true
                text: root.examples.join("\n")
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                textFormat: TextEdit.PlainText
                font.family: Theme.monospace
                font.pixelSize: 12
                Accessible.name: qsTr("The command lines")
            }
        }
    }
}
