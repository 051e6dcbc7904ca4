pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The details of one job (a delegate of SelectedJobModel, so it reads the heavy roles for the
// selected job only). Texts a person may want to copy are selectable.
ScrollView {
    id: root

    required property int jobId
    required property string kind
    required property string params
    required property string stateKey
    required property string stateName
    required property real progress
    required property string progressText
    required property string elapsedText
    required property string etaText
    required property string resultSummary
    required property var resultValues
    required property string imageUrl
    required property var series
    required property string error
    required property string stderrTail
    required property int attempt
    required property real pid
    required property bool canCancel
    required property bool canPause
    required property bool canResume
    required property bool canRetry
    required property bool isTerminal

    readonly property string percentText: qsTr("%1%").arg(Math.floor(root.progress * 100))
    readonly property string outputTail: root.resultValues.output_tail ?? ""
    readonly property var valueKeys: Object.keys(root.resultValues).filter(key => key !== "output_tail")

    objectName: "jobDetailsView"
    contentWidth: root.availableWidth
    ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

    ColumnLayout {
        width: root.availableWidth
        spacing: 12

        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: 12
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            spacing: 10
            Label {
                Layout.fillWidth: true
                text: qsTr("Job %1 · %2").arg(root.jobId).arg(root.kind)
                font.pixelSize: 17
                font.weight: Font.DemiBold
                elide: Text.ElideRight
                Accessible.role: Accessible.Heading
            }
            StateBadge {
                objectName: "detailsStateBadge"
                stateKey: root.stateKey
                stateName: root.stateName
            }
        }

        TextEdit {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            visible: root.params !== ""
            text: root.params
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.Wrap
            color: Theme.muted
            font.family: Theme.monospace
            font.pixelSize: 12
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("Parameters: %1").arg(root.params)
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            spacing: 8
            ProgressBar {
                objectName: "detailsProgress"
                Layout.fillWidth: true
                value: root.progress
                Accessible.name: qsTr("Progress of job %1").arg(root.jobId)
                Accessible.description: root.percentText
            }
            Label {
                text: root.percentText
            }
        }

        // The job's buttons, right under its progress: in a short pane (the window at 800x600)
        // they stay in sight without scrolling.
        JobActions {
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            namePrefix: "details_"
            jobId: root.jobId
            canPause: root.canPause
            canResume: root.canResume
            canRetry: root.canRetry
            canCancel: root.canCancel
        }

        GridLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            columns: 2
            columnSpacing: 14
            rowSpacing: 4

            Label { text: qsTr("Progress"); color: Theme.muted; visible: root.progressText !== "" }
            Label {
                Layout.fillWidth: true
                visible: root.progressText !== ""
                text: root.progressText
                wrapMode: Text.Wrap
            }
            Label { text: qsTr("Elapsed"); color: Theme.muted }
            Label { text: root.elapsedText !== "" ? root.elapsedText : qsTr("not started") }
            Label { text: qsTr("Time left"); color: Theme.muted; visible: !root.isTerminal }
            Label {
                visible: !root.isTerminal
                text: root.etaText !== "" ? root.etaText : qsTr("estimating…")
            }
            Label { text: qsTr("Attempt"); color: Theme.muted; visible: root.attempt > 1 }
            Label { text: root.attempt; visible: root.attempt > 1 }
            Label { text: qsTr("Process"); color: Theme.muted; visible: root.pid > 0 && !root.isTerminal }
            Label { text: qsTr("pid %1").arg(root.pid); visible: root.pid > 0 && !root.isTerminal }
        }

        // Result: the summary and every value the worker returned.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            visible: root.resultSummary !== ""
            spacing: 4
            Label {
                text: qsTr("Result")
                font.weight: Font.DemiBold
                Accessible.role: Accessible.Heading
            }
            TextEdit {
                objectName: "resultSummaryText"
                Layout.fillWidth: true
                text: root.resultSummary
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                font.pixelSize: 15
                color: Theme.text
                Accessible.role: Accessible.StaticText
                Accessible.name: qsTr("Result: %1").arg(root.resultSummary)
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 14
                rowSpacing: 2
                Repeater {
                    model: root.valueKeys
                    delegate: Label {
                        required property string modelData
                        Layout.row: root.valueKeys.indexOf(modelData)
                        Layout.column: 0
                        text: modelData
                        color: Theme.muted
                    }
                }
                Repeater {
                    model: root.valueKeys
                    delegate: TextEdit {
                        required property string modelData
                        Layout.row: root.valueKeys.indexOf(modelData)
                        Layout.column: 1
                        Layout.fillWidth: true
                        text: String(root.resultValues[modelData])
                        readOnly: true
                        selectByMouse: true
                        wrapMode: TextEdit.WrapAnywhere
                        color: Theme.text
                        font.family: Theme.monospace
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("%1: %2").arg(modelData).arg(text)
                    }
                }
            }
        }

        // A command's last lines of output.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            visible: root.outputTail !== ""
            spacing: 4
            Label {
                text: qsTr("Output (last lines)")
                font.weight: Font.DemiBold
            }
            TextArea {
                objectName: "outputText"
                Layout.fillWidth: true
                text: root.outputTail
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                font.family: Theme.monospace
                font.pixelSize: 12
                Accessible.name: qsTr("Output of the command")
            }
        }

        // Mandelbrot: the image the controller wrote.
        Image {
            id: image
            objectName: "resultImage"
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            Layout.preferredHeight: image.status === Image.Ready && image.sourceSize.width > 0
                                    ? Math.min(image.sourceSize.height,
                                               image.width * image.sourceSize.height / image.sourceSize.width)
                                    : 0
            visible: root.imageUrl !== ""
            source: root.imageUrl
            asynchronous: true
            cache: false
            fillMode: Image.PreserveAspectFit
            horizontalAlignment: Image.AlignLeft
            smooth: true
            mipmap: true
            Accessible.role: Accessible.Graphic
            Accessible.name: qsTr("Image rendered by job %1").arg(root.jobId)
        }

        // Monte Carlo: the estimate converging, live.
        ConvergencePlot {
            id: plotView
            objectName: "convergencePlot"
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 8
            Layout.preferredHeight: 240
            visible: root.kind === "montecarlo-pi" || plotView.count > 0
            points: root.series
            referenceY: root.kind === "montecarlo-pi" ? Math.PI : NaN
        }

        // Failures: the whole error and the last lines the worker wrote to stderr, to copy.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            visible: root.error !== ""
            spacing: 4
            Label {
                text: root.stateKey === "canceled" ? qsTr("Why it stopped") : qsTr("What went wrong")
                font.weight: Font.DemiBold
                Accessible.role: Accessible.Heading
            }
            TextArea {
                objectName: "errorText"
                Layout.fillWidth: true
                text: root.error
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: Theme.errorText
                Accessible.name: qsTr("Error of job %1").arg(root.jobId)
                background: Rectangle {
                    color: Theme.errorBackground
                    border.color: Theme.errorBorder
                    radius: 3
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            visible: root.stderrTail !== ""
            spacing: 4
            Label {
                text: qsTr("Standard error (last lines)")
                font.weight: Font.DemiBold
                Accessible.role: Accessible.Heading
            }
            TextArea {
                objectName: "stderrText"
                Layout.fillWidth: true
                text: root.stderrTail
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                font.family: Theme.monospace
                font.pixelSize: 12
                Accessible.name: qsTr("Standard error of job %1").arg(root.jobId)
            }
        }

        Item {
            Layout.preferredHeight: 8
        }
    }
}
