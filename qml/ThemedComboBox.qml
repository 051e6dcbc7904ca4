pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls

// A ComboBox whose list, shown in a popup, has the window's colours whichever were chosen after
// it was made (Theme.colors says why a popup needs them given): Fusion's own delegate, with the
// theme's palette.
ComboBox {
    id: control

    popup.palette: Theme.colors.palette

    delegate: MenuItem {
        required property var modelData
        required property int index

        palette: Theme.colors.palette
        width: ListView.view ? ListView.view.width : implicitWidth
        text: control.textRole ? modelData[control.textRole] : modelData
        font.weight: control.currentIndex === index ? Font.DemiBold : Font.Normal
        highlighted: control.highlightedIndex === index
        hoverEnabled: control.hoverEnabled
    }
}
