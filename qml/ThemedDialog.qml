import QtQuick
import QtQuick.Controls

// A Dialog in the window's colours, whichever were chosen after it was made: its own palette,
// its title, and (with `palette: Theme.colors.palette` on them) its body and footer take the
// theme's palette themselves (see Theme.colors). Modal (the window dimmed behind it), framed,
// centred, closed with Escape.
Dialog {
    id: root

    palette: Theme.colors.palette
    modal: true
    anchors.centerIn: Overlay.overlay
    closePolicy: Popup.CloseOnEscape

    // A frame that shows on either scheme, and the window dimmed behind it.
    background: Rectangle {
        color: Theme.window
        border.color: Theme.border
        radius: 3
    }

    Overlay.modal: Rectangle {
        color: Theme.modalDim
    }

    header: Label {
        palette: Theme.colors.palette
        text: root.title
        visible: root.title !== ""
        elide: Label.ElideRight
        font.bold: true
        padding: 6
        topPadding: 10
        background: Rectangle {
            color: Theme.window
            radius: 2
        }
    }
}
