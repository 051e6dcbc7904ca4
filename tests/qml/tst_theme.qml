import QtQuick
import QtQuick.Controls
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

        Component {
            id: dialogComponent
            ThemedDialog {
                property alias body: bodyLabel
                property alias foot: footPane
                title: "A question"
                Pane {
                    palette: Theme.colors.palette
                    Label {
                        id: bodyLabel
                        text: "the body"
                    }
                }
                footer: Pane {
                    id: footPane
                    palette: Theme.colors.palette
                }
            }
        }

        Component {
            id: comboComponent
            ThemedComboBox {
                model: ["one", "two"]
            }
        }

        // What a popup shows follows every change of colours, open or closed, made before or
        // after it was created (Qt 6.4 alone leaves it one change behind).
        function test_popups_follow_every_change() {
            ColorScheme.preference = "light";
            const dialog = createTemporaryObject(dialogComponent, root);
            const combo = createTemporaryObject(comboComponent, root);
            verify(dialog && combo);
            for (const scheme of ["dark", "light", "dark"]) {
                ColorScheme.preference = scheme;
                dialog.open();
                combo.popup.open();
                tryCompare(dialog, "opened", true);
                tryCompare(combo.popup, "opened", true);
                const item = combo.popup.contentItem.itemAtIndex(0);
                verify(item);
                for (const [what, colour] of [[dialog.palette.window, Theme.window],
                                              [dialog.header.palette.windowText, Theme.text],
                                              [dialog.body.palette.windowText, Theme.text],
                                              [dialog.foot.palette.window, Theme.window],
                                              [combo.popup.palette.window, Theme.window],
                                              [item.palette.text, Theme.text]])
                    verify(Qt.colorEqual(what, colour), scheme + ": " + what + " is not " + colour);
                // Changed while open, too.
                ColorScheme.preference = scheme === "dark" ? "light" : "dark";
                verify(Qt.colorEqual(dialog.body.palette.windowText, Theme.text));
                verify(Qt.colorEqual(item.palette.text, Theme.text));
                dialog.close();
                combo.popup.close();
                tryCompare(dialog, "visible", false);
                tryCompare(combo.popup, "visible", false);
            }
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
