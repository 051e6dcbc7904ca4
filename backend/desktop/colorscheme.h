#pragma once

// The desktop side of the window: what longrun reads from (and one day tells) the desktop over
// D-Bus, through the freedesktop interfaces. GUI thread. Includes system/ at most; nothing of the
// engine includes it, and the headless CLI never creates one (it links, never connects).
//
// ColorScheme: light or dark, for Theme.qml. The person's choice ("light", "dark", or "system",
// the default) wins; "system" asks the desktop the way GTK 4, libadwaita and Qt 6.5 do, through
// the XDG settings portal (org.freedesktop.portal.Settings, key org.freedesktop.appearance
// color-scheme: 1 prefers dark, 2 prefers light, 0 says nothing), and follows its
// SettingChanged signal live. Where the portal is absent or says nothing (no session bus, a
// desktop without a portal, a CI machine), the application palette decides: a dark window colour
// means a dark desktop theme. The call is asynchronous (the window never waits on the bus) and
// bounded; until it answers, the palette decides.

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusVariant>
#include <QtQml/qqmlregistration.h>

class QDBusPendingCallWatcher;

namespace longrun {

class ColorScheme : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(QString preference READ preference WRITE setPreference NOTIFY changed)
    Q_PROPERTY(bool dark READ dark NOTIFY changed)
    // Where "system" got its answer: "portal", "palette" (for the person to read in a tooltip).
    Q_PROPERTY(QString source READ source NOTIFY changed)

public:
    // The session bus, unless a test hands another connection.
    explicit ColorScheme(QObject *parent = nullptr);
    explicit ColorScheme(const QDBusConnection &bus, QObject *parent = nullptr);

    [[nodiscard]] QString preference() const { return m_preference; }
    // "system", "light" or "dark"; anything else (a settings file edited by hand) is ignored.
    void setPreference(const QString &preference);

    [[nodiscard]] bool dark() const;
    [[nodiscard]] QString source() const;

    // The portal's value as read (or last announced): 0 none, 1 dark, 2 light; -1 not known.
    [[nodiscard]] int portalScheme() const { return m_portalScheme; }

signals:
    void changed();

protected:
    // The application palette changed (a new desktop theme): "system" may change with it.
    bool eventFilter(QObject *watched, QEvent *event) override;

private slots:
    void onSettingChanged(const QString &group, const QString &key, const QDBusVariant &value);

private:
    void askPortal();
    void onPortalAnswer(QDBusPendingCallWatcher *call);
    void setPortalScheme(int scheme);
    [[nodiscard]] bool paletteIsDark() const;

    QDBusConnection m_bus;
    QString m_preference = QStringLiteral("system");
    int m_portalScheme = -1;
};

} // namespace longrun
