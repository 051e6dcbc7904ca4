pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import Longrun.Backend

// What a person can do to one job: Pause, Resume, Retry, Cancel, each shown only while the job's
// state allows it, each calling TaskController and naming its job for a screen reader. The job
// row shows them compact (small, never taking focus from the list); the details pane at the
// style's size, reachable with Tab. With nothing to offer, the bar hides itself.
Row {
    id: root

    required property int jobId
    required property bool canPause
    required property bool canResume
    required property bool canRetry
    required property bool canCancel
    property bool compact: false
    // Put before each button's objectName ("pauseButton_12"): tests tell the row's buttons from
    // the details pane's by it.
    property string namePrefix: ""

    component ActionButton: Button {
        id: button
        required property string verb
        property string tip
        objectName: root.namePrefix + button.verb + "Button_" + root.jobId
        focusPolicy: root.compact ? Qt.NoFocus : Qt.StrongFocus
        // undefined resets to what the style gives: compact changes only the rows' buttons.
        font: root.compact ? Qt.font({ pixelSize: 12 }) : undefined
        leftPadding: root.compact ? 10 : undefined
        rightPadding: root.compact ? 10 : undefined
        topPadding: root.compact ? 3 : undefined
        bottomPadding: root.compact ? 3 : undefined
        // The style's own formula, less its minimum width when compact: short words stay short.
        implicitWidth: Math.max(root.compact ? 0 : button.implicitBackgroundWidth + button.leftInset
                                                   + button.rightInset,
                                button.implicitContentWidth + button.leftPadding + button.rightPadding)
        ToolTip.visible: button.hovered
        ToolTip.text: button.tip
        ToolTip.delay: 600
    }

    visible: root.canPause || root.canResume || root.canRetry || root.canCancel
    spacing: root.compact ? 4 : 6

    ActionButton {
        verb: "pause"
        visible: root.canPause
        text: qsTr("Pause")
        onClicked: TaskController.pause(root.jobId)
        Accessible.name: qsTr("Pause job %1").arg(root.jobId)
        tip: qsTr("Freeze the process; its time stops counting")
    }
    ActionButton {
        verb: "resume"
        visible: root.canResume
        text: qsTr("Resume")
        onClicked: TaskController.resume(root.jobId)
        Accessible.name: qsTr("Resume job %1").arg(root.jobId)
        tip: qsTr("Let the paused process run again")
    }
    ActionButton {
        verb: "retry"
        visible: root.canRetry
        text: qsTr("Retry")
        onClicked: TaskController.retry(root.jobId)
        Accessible.name: qsTr("Retry job %1").arg(root.jobId)
        tip: qsTr("Run this job again")
    }
    ActionButton {
        verb: "cancel"
        visible: root.canCancel
        text: qsTr("Cancel")
        onClicked: TaskController.cancel(root.jobId)
        Accessible.name: qsTr("Cancel job %1").arg(root.jobId)
        tip: qsTr("Stop this job (Delete in the list)")
    }
}
