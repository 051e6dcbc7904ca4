import QtQuick
import QtTest
import Longrun.Backend
import Longrun.Ui

// Theme follows ColorScheme: the choice in the window's Colours box turns every colour, and a
// state's badge with it; the light colours come back as they were.
Item {
    id: root
    width: 200
    height: 100

    TestCase {
        id: testCase
        name: "Theme"
        when: windowShown

        Component {
            id: badgeComponent
            StateBadge {}
        }

        function cleanup() {
            ColorScheme.preference = "system";
        }

        function test_dark_and_light() {
            const badge = createTemporaryObject(badgeComponent, root, { stateKey: "failed", stateName: "Failed" });
            verify(badge);
            ColorScheme.preference = "light";
            verify(!Theme.dark);
            verify(Qt.colorEqual(Theme.window, "#eef0f3"), String(Theme.window));
            verify(Qt.colorEqual(Theme.text, "#1f2328"), String(Theme.text));
            verify(Qt.colorEqual(Theme.stateBackground("failed"), "#f7dad8"), String(Theme.stateBackground("failed")));
            const lightBadge = String(badge.color); // a copy: a read colour may track its property

            ColorScheme.preference = "dark";
            verify(ColorScheme.dark);
            verify(Theme.dark);
            verify(Qt.colorEqual(Theme.window, "#1d2025"), String(Theme.window));
            verify(Qt.colorEqual(Theme.text, "#e4e7eb"), String(Theme.text));
            verify(Qt.colorEqual(Theme.stateBackground("failed"), "#4a1f1f"), String(Theme.stateBackground("failed")));
            verify(!Qt.colorEqual(badge.color, lightBadge), "the badge turned with the theme");
            // Text stays lighter than its background in the dark, darker in the light.
            verify(Theme.text.hslLightness > Theme.window.hslLightness);

            ColorScheme.preference = "light";
            verify(Qt.colorEqual(Theme.window, "#eef0f3"), String(Theme.window));
            verify(Qt.colorEqual(badge.color, lightBadge));
        }

        function test_an_unknown_choice_changes_nothing() {
            ColorScheme.preference = "dark";
            ColorScheme.preference = "purple";
            compare(ColorScheme.preference, "dark");
            verify(Theme.dark);
        }
    }
}
