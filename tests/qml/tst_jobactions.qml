import QtQuick
import QtQuick.Controls
import QtTest
import Longrun.Ui

// TestCase is invisible; the items under test live on this visible stage.
Item {
    id: root
    width: 400
    height: 100

    TestCase {
        id: testCase
        name: "JobActions"
        when: windowShown

        Component {
            id: actionsComponent
            JobActions {}
        }

        Component {
            id: plainButtonComponent
            Button {
                text: "Cancel"
            }
        }

        readonly property var verbs: ["pause", "resume", "retry", "cancel"]
        readonly property var words: ({ pause: "Pause", resume: "Resume", retry: "Retry", cancel: "Cancel" })

        function create(flags, extra) {
            const properties = Object.assign({ jobId: 12, canPause: flags.pause, canResume: flags.resume,
                                               canRetry: flags.retry, canCancel: flags.cancel }, extra);
            const actions = createTemporaryObject(actionsComponent, root, properties);
            verify(actions);
            return actions;
        }

        // Every combination of the four can* flags, named after the buttons it shows.
        function test_shows_what_the_job_allows_data() {
            const rows = [];
            for (let mask = 0; mask < 16; ++mask) {
                const flags = {};
                testCase.verbs.forEach((verb, bit) => flags[verb] = (mask & (1 << bit)) !== 0);
                const shown = testCase.verbs.filter(verb => flags[verb]);
                rows.push({ tag: shown.length > 0 ? shown.join("+") : "none", flags: flags });
            }
            return rows;
        }

        function test_shows_what_the_job_allows(data) {
            for (const compact of [false, true]) {
                const actions = create(data.flags, { compact: compact });
                const anyShown = testCase.verbs.some(verb => data.flags[verb]);
                compare(actions.visible, anyShown, "the bar hides when it has nothing to offer");
                for (const verb of testCase.verbs) {
                    const button = findChild(actions, verb + "Button_12");
                    verify(button, verb);
                    compare(button.visible, data.flags[verb], verb + (compact ? " (compact)" : ""));
                    compare(button.text, testCase.words[verb]);
                    compare(button.Accessible.name, testCase.words[verb] + " job 12");
                }
            }
        }

        function test_names_follow_the_job() {
            const flags = { pause: true, resume: false, retry: false, cancel: true };
            const actions = create(flags, { namePrefix: "details_" });
            verify(!findChild(actions, "cancelButton_12"), "the prefix is part of the name");
            const cancel = findChild(actions, "details_cancelButton_12");
            verify(cancel);
            actions.jobId = 7;
            compare(cancel.objectName, "details_cancelButton_7");
            compare(cancel.Accessible.name, "Cancel job 7");
            compare(findChild(actions, "details_pauseButton_7").Accessible.name, "Pause job 7");
        }

        // In a row the list keeps the keyboard (Up/Down, Delete); in the details pane Tab reaches
        // the buttons. Compact is smaller and tighter; otherwise a plain Button of the style.
        function test_compact_is_for_rows() {
            const flags = { pause: true, resume: false, retry: false, cancel: true };
            const row = create(flags, { compact: true });
            const pane = create(flags, { compact: false });
            const rowCancel = findChild(row, "cancelButton_12");
            const paneCancel = findChild(pane, "cancelButton_12");
            compare(rowCancel.focusPolicy, Qt.NoFocus);
            compare(paneCancel.focusPolicy, Qt.StrongFocus);
            compare(rowCancel.font.pixelSize, 12);
            compare(rowCancel.font.family, paneCancel.font.family);
            compare(rowCancel.leftPadding, 10);
            compare(rowCancel.topPadding, 3);
            const plain = createTemporaryObject(plainButtonComponent, root);
            compare(paneCancel.font.pixelSize, plain.font.pixelSize);
            compare(paneCancel.font.pointSize, plain.font.pointSize);
            compare(paneCancel.leftPadding, plain.leftPadding);
            compare(paneCancel.topPadding, plain.topPadding);
            compare(paneCancel.implicitWidth, plain.implicitWidth);
            // As wide as its word, not the style's minimum: the row's four fit in its column.
            compare(rowCancel.implicitWidth, rowCancel.implicitContentWidth + 20);
            verify(rowCancel.width < paneCancel.width);
            verify(row.width < pane.width);
        }
    }
}
