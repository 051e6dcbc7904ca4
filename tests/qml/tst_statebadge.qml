import QtQuick
import QtTest
import Longrun.Ui

// TestCase is invisible; the items under test live on this visible stage.
Item {
    id: root
    width: 200
    height: 100

    TestCase {
        id: testCase
        name: "StateBadge"
        when: windowShown

        Component {
            id: badgeComponent
            StateBadge {}
        }

        function test_says_the_state_in_words_data() {
            return [
                { tag: "running", key: "running", name: "Running" },
                { tag: "failed", key: "failed", name: "Failed" },
                { tag: "timed out", key: "timed_out", name: "Timed out" },
            ];
        }

        function test_says_the_state_in_words(data) {
            const badge = createTemporaryObject(badgeComponent, root, { stateKey: data.key, stateName: data.name });
            verify(badge);
            compare(badge.text, data.name);
            compare(badge.Accessible.name, "State: " + data.name);
        }

        function test_colours_differ_by_state() {
            const ok = createTemporaryObject(badgeComponent, root, { stateKey: "succeeded", stateName: "Succeeded" });
            const bad = createTemporaryObject(badgeComponent, root, { stateKey: "failed", stateName: "Failed" });
            verify(!Qt.colorEqual(ok.color, bad.color));
            verify(!Qt.colorEqual(ok.background.color, bad.background.color));
            // The outline is the word's colour, faint.
            const border = bad.background.border.color;
            verify(Qt.colorEqual(Qt.rgba(border.r, border.g, border.b, 1), bad.color));
            fuzzyCompare(border.a, 0.25, 0.01);
        }
    }
}
