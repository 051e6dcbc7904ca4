import QtQuick
import QtQuick.Controls
import Longrun.Backend

// The window's colours: as the desktop says (its appearance setting, else its theme), light or
// dark. Remembered in WindowSettings; the tooltip says where "as the desktop" got its answer.
ThemedComboBox {
    id: schemeBox

    objectName: "colorSchemeBox"
    implicitWidth: 150
    textRole: "text"
    valueRole: "value"
    model: [
        { value: "system", text: qsTr("As the desktop") },
        { value: "light", text: qsTr("Light") },
        { value: "dark", text: qsTr("Dark") }
    ]
    currentIndex: schemeBox.indexOfValue(ColorScheme.preference)
    onActivated: {
        ColorScheme.preference = schemeBox.currentValue;
        WindowSettings.colorScheme = ColorScheme.preference;
    }
    Accessible.name: qsTr("Colours of the window: as the desktop, light or dark")
    ToolTip.visible: schemeBox.hovered
    ToolTip.text: ColorScheme.preference !== "system"
                  ? qsTr("Chosen here; \"As the desktop\" follows the desktop's setting")
                  : ColorScheme.source === "portal"
                    ? qsTr("The desktop prefers %1 (its appearance setting)").arg(ColorScheme.dark ? qsTr("dark") : qsTr("light"))
                    : qsTr("The desktop states no preference: %1, from its theme's colours").arg(ColorScheme.dark ? qsTr("dark") : qsTr("light"))
    ToolTip.delay: 600
}
