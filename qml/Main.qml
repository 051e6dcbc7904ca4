pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Longrun.Backend

// The longrun window: the batch bar on top, what to start on the left, the jobs in the middle,
// the selected job's details on the right (below the list when the window is narrow).
ApplicationWindow {
    id: root

    readonly property bool wide: root.width >= 1100

    objectName: "mainWindow"
    // As large as the design wants (or as it was left, see onCompleted), but never larger than
    // the screen it opens on.
    width: Math.min(1280, Screen.desktopAvailableWidth)
    height: Math.min(800, Screen.desktopAvailableHeight)
    minimumWidth: 760
    minimumHeight: 500
    visible: true
    title: TaskController.hasActiveJobs
           ? qsTr("longrun — %1%").arg(Math.floor(TaskController.model.overallProgress * 100))
           : qsTr("longrun")
    color: Theme.window

    palette: Theme.colors.palette

    // The size is stored when the window goes (a window's width and height do not notify QML
    // of every resize by the platform).
    Component.onDestruction: {
        if (root.width >= root.minimumWidth && root.height >= root.minimumHeight) {
            WindowSettings.width = root.width;
            WindowSettings.height = root.height;
        }
    }

    // The size, the knobs and the details pane's split as they were left last time (a
    // --concurrency given to main() is applied after this, and wins).
    Component.onCompleted: {
        if (WindowSettings.width > 0)
            root.width = Math.min(WindowSettings.width, Screen.desktopAvailableWidth);
        if (WindowSettings.height > 0)
            root.height = Math.min(WindowSettings.height, Screen.desktopAvailableHeight);
        if (WindowSettings.concurrency > 0)
            TaskController.concurrency = Math.min(WindowSettings.concurrency, TaskController.maxConcurrency);
        if (WindowSettings.timeoutSeconds >= 0)
            TaskController.timeoutSeconds = WindowSettings.timeoutSeconds;
        if (WindowSettings.retries >= 0)
            TaskController.retries = WindowSettings.retries;
        ColorScheme.preference = WindowSettings.colorScheme;
        if (WindowSettings.detailsSplit !== undefined)
            innerSplit.restoreState(WindowSettings.detailsSplit);
    }

    // Closing with jobs alive asks once; with none it closes at once. While shutting down the
    // window stays (main() exits when the controller says every worker is gone).
    onClosing: (close) => {
        if (TaskController.shuttingDown) {
            close.accepted = false;
        } else if (TaskController.hasActiveJobs) {
            close.accepted = false;
            if (!quitDialog.visible)
                quitDialog.open();
        }
    }

    header: BatchBar {
        id: batchBar
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ErrorBanner {
            id: errorBanner
            Layout.fillWidth: true
        }

        InterruptedBanner {
            id: interruptedBanner
            Layout.fillWidth: true
        }

        SplitView {
            id: outerSplit
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: Qt.Horizontal

            CatalogPane {
                id: catalogPane
                SplitView.preferredWidth: root.wide ? 320 : 260
                SplitView.minimumWidth: 230
            }

            // The middle: the live jobs, or the history (Ctrl+1, Ctrl+2).
            ColumnLayout {
                id: middle
                SplitView.fillWidth: true
                SplitView.minimumWidth: 360
                spacing: 0

                // The views, and at the right the window's colours.
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 8

                    TabBar {
                        id: viewTabs
                        objectName: "viewTabs"
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Views")
                        TabButton {
                            objectName: "jobsTab"
                            text: qsTr("Jobs")
                            width: implicitWidth + 24
                            Accessible.name: qsTr("Jobs of this window (Ctrl+1)")
                        }
                        TabButton {
                            objectName: "historyTab"
                            text: qsTr("History")
                            width: implicitWidth + 24
                            Accessible.name: qsTr("History of past and current runs (Ctrl+2)")
                        }
                    }

                    ColorSchemeBox {
                        Layout.rightMargin: 8
                    }
                }

                StackLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    currentIndex: viewTabs.currentIndex

                    SplitView {
                        id: innerSplit
                        orientation: root.wide ? Qt.Horizontal : Qt.Vertical
                        onResizingChanged: {
                            if (!innerSplit.resizing)
                                WindowSettings.detailsSplit = innerSplit.saveState();
                        }

                        JobList {
                            id: jobList
                            SplitView.fillWidth: true
                            SplitView.fillHeight: true
                            SplitView.minimumWidth: 320
                            SplitView.minimumHeight: 150
                        }

                        JobDetails {
                            id: jobDetails
                            jobId: jobList.currentJobId
                            SplitView.preferredWidth: 380
                            SplitView.minimumWidth: 260
                            SplitView.preferredHeight: 210
                            SplitView.minimumHeight: 120
                        }
                    }

                    HistoryView {
                        id: historyView
                    }
                }
            }
        }
    }

    Shortcut {
        sequences: ["Ctrl+Return", "Ctrl+Enter"]
        onActivated: catalogPane.startSelected()
    }
    Shortcut {
        sequence: "Ctrl+O"
        onActivated: catalogPane.openJobsFile()
    }
    Shortcut {
        sequence: "Ctrl+L"
        onActivated: catalogPane.focusCommand()
    }

    Shortcut {
        sequence: "Ctrl+1"
        onActivated: viewTabs.currentIndex = 0
    }
    Shortcut {
        sequence: "Ctrl+2"
        onActivated: viewTabs.currentIndex = 1
    }

    QuitDialog {
        id: quitDialog
    }

    // Jobs that run programs wait here for a look first (a rerun from the history, a jobs file).
    CommandReview {
        id: commandReview
        summary: TaskController.historyActions.review
        onAccepted: TaskController.historyActions.confirmReview()
        onRejected: TaskController.historyActions.dismissReview()
    }

    Connections {
        target: TaskController.historyActions
        function onReviewChanged() {
            if (TaskController.historyActions.reviewPending)
                commandReview.open();
            else
                commandReview.close();
        }
        // What was rerun is in the job list: show it there.
        function onRerunQueued() {
            viewTabs.currentIndex = 0;
        }
    }

    // While shutting down: say so, and keep hands off the controls.
    Popup {
        objectName: "shutdownPopup"
        visible: TaskController.shuttingDown
        modal: true
        Overlay.modal: Rectangle {
            color: Theme.modalDim
        }
        closePolicy: Popup.NoAutoClose
        anchors.centerIn: Overlay.overlay
        padding: 20
        palette: Theme.colors.palette
        contentItem: RowLayout {
            spacing: 12
            BusyIndicator {
                palette: Theme.colors.palette
                running: TaskController.shuttingDown
                Accessible.name: qsTr("Stopping")
            }
            Label {
                palette: Theme.colors.palette
                text: qsTr("Stopping %n job(s)…", "", TaskController.model.running + TaskController.model.paused)
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
        }
    }
}
