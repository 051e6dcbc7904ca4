// ColorScheme against a real session bus: a dbus-daemon started by the test, and on it a
// service that answers as the XDG desktop portal does (org.freedesktop.portal.Settings on
// org.freedesktop.portal.Desktop), or lies, or is not there; and a real application palette.

#include "desktop/colorscheme.h"
#include "procutil.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusContext>
#include <QtDBus/QDBusError>
#include <QtDBus/QDBusMessage>
#include <QtDBus/QDBusVariant>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace longrun;

namespace {

using test::kHangMs;
const QString kService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString kPath = QStringLiteral("/org/freedesktop/portal/desktop");

// The portal's Settings interface as xdg-desktop-portal serves it: Read() answers a variant
// holding the value's variant (interface version 1), an unknown key is an error.
class PortalSettings : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")

public:
    // What Read() of org.freedesktop.appearance color-scheme answers; invalid: NotFound.
    QVariant value;
    bool wrapTwice = true;

public slots:
    QDBusVariant Read(const QString &group, const QString &key)
    {
        if (group != u"org.freedesktop.appearance" || key != u"color-scheme" || !value.isValid()) {
            sendErrorReply(QStringLiteral("org.freedesktop.portal.Error.NotFound"),
                           QStringLiteral("Requested setting not found"));
            return {};
        }
        if (!wrapTwice)
            return QDBusVariant(value);
        return QDBusVariant(QVariant::fromValue(QDBusVariant(value)));
    }

signals:
    void SettingChanged(const QString &group, const QString &key, const QDBusVariant &value);
};

QPalette paletteWith(const QColor &window, const QColor &text)
{
    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    return palette;
}

} // namespace

class tst_ColorScheme : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_daemon;
    QString m_address;
    QStringList m_connections;
    const QPalette m_lightPalette = paletteWith(QColor("#eeeeee"), QColor("#111111"));
    const QPalette m_darkPalette = paletteWith(QColor("#202020"), QColor("#eeeeee"));

    // A new connection of the test's own to the test bus (each test gets fresh ones).
    QDBusConnection connect(const QString &role)
    {
        m_connections << QStringLiteral("%1-%2").arg(role).arg(m_connections.size());
        return QDBusConnection::connectToBus(m_address, m_connections.last());
    }

    // The portal, on a connection of its own, owning the portal's well-known name.
    bool servePortal(QDBusConnection &bus, PortalSettings &portal)
    {
        return bus.isConnected() && bus.registerService(kService)
               && bus.registerObject(kPath, &portal,
                                     QDBusConnection::ExportAllSlots
                                         | QDBusConnection::ExportAllSignals);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A session bus of the test's own, with no service directory: nothing on this machine
        // (a real xdg-desktop-portal, say) can be started on it by D-Bus activation.
        const QString config = m_dir.filePath(QStringLiteral("bus.conf"));
        QVERIFY(test::writeFile(
            config, QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
                                   "Configuration 1.0//EN\" \"http://www.freedesktop.org/"
                                   "standards/dbus/1.0/busconfig.dtd\">\n"
                                   "<busconfig><type>session</type>"
                                   "<listen>unix:dir=%1</listen>"
                                   "<auth>EXTERNAL</auth>"
                                   "<policy context=\"default\">"
                                   "<allow send_destination=\"*\" eavesdrop=\"true\"/>"
                                   "<allow eavesdrop=\"true\"/><allow own=\"*\"/>"
                                   "</policy></busconfig>\n")
                        .arg(m_dir.path())
                        .toUtf8()));
        m_daemon.start(QStringLiteral("dbus-daemon"),
                       {QStringLiteral("--config-file=%1").arg(config), QStringLiteral("--nofork"),
                        QStringLiteral("--print-address=1")});
        QVERIFY2(m_daemon.waitForStarted(kHangMs), "dbus-daemon (Debian: dbus-daemon) not found");
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon.canReadLine(), kHangMs);
        m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
        QVERIFY2(m_address.startsWith(u"unix:"), qPrintable(m_address));
    }

    void cleanupTestCase()
    {
        m_daemon.terminate();
        QVERIFY(m_daemon.waitForFinished(kHangMs));
    }

    void init() { QGuiApplication::setPalette(m_lightPalette); }

    // Every connection of the test goes, and with it the portal's name, even after a failure.
    void cleanup()
    {
        for (const QString &name : std::as_const(m_connections))
            QDBusConnection::disconnectFromBus(name);
        m_connections.clear();
    }

    void thePortalDecides_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<bool>("wrapTwice");
        QTest::addColumn<bool>("darkPalette");
        QTest::addColumn<bool>("dark");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("scheme");
        QTest::newRow("prefers dark") << QVariant(1u) << true << false << true << "portal" << 1;
        QTest::newRow("prefers light, dark palette")
            << QVariant(2u) << true << true << false << "portal" << 2;
        QTest::newRow("no preference, light palette")
            << QVariant(0u) << true << false << false << "palette" << 0;
        QTest::newRow("no preference, dark palette")
            << QVariant(0u) << true << true << true << "palette" << 0;
        QTest::newRow("one variant only (ReadOne's form)")
            << QVariant(1u) << false << false << true << "portal" << 1;
        QTest::newRow("a signed integer") << QVariant(1) << true << false << true << "portal" << 1;
        QTest::newRow("out of range: ignored")
            << QVariant(7u) << true << true << true << "palette" << -1;
        QTest::newRow("a string: ignored")
            << QVariant(QStringLiteral("dark")) << true << false << false << "palette" << -1;
    }

    // The portal's answer, then the palette where it says nothing (or nonsense).
    void thePortalDecides()
    {
        QFETCH(QVariant, value);
        QFETCH(bool, wrapTwice);
        QFETCH(bool, darkPalette);
        QFETCH(bool, dark);
        QFETCH(QString, source);
        QFETCH(int, scheme);
        QGuiApplication::setPalette(darkPalette ? m_darkPalette : m_lightPalette);
        QDBusConnection portalBus = connect("portal");
        PortalSettings portal;
        portal.value = value;
        portal.wrapTwice = wrapTwice;
        QVERIFY(servePortal(portalBus, portal));

        ColorScheme colors(connect("client"));
        QCOMPARE(colors.preference(), QStringLiteral("system"));
        // Until the answer comes, the palette decides.
        QCOMPARE(colors.dark(), darkPalette);
        QTRY_COMPARE_WITH_TIMEOUT(colors.portalScheme(), scheme, kHangMs);
        // An ignored answer leaves -1: give it time to have come and gone.
        if (scheme < 0)
            QTest::qWait(300);
        QCOMPARE(colors.portalScheme(), scheme);
        QCOMPARE(colors.dark(), dark);
        QCOMPARE(colors.source(), source);
    }

    // The desktop switches: SettingChanged is followed at once; other keys change nothing.
    void followsTheDesktopLive()
    {
        QDBusConnection portalBus = connect("portal");
        PortalSettings portal;
        portal.value = 2u;
        QVERIFY(servePortal(portalBus, portal));
        ColorScheme colors(connect("client"));
        QTRY_COMPARE_WITH_TIMEOUT(colors.portalScheme(), 2, kHangMs);
        QVERIFY(!colors.dark());
        QSignalSpy changed(&colors, &ColorScheme::changed);

        emit portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"),
                                   QStringLiteral("color-scheme"), QDBusVariant(1u));
        QTRY_VERIFY_WITH_TIMEOUT(colors.dark(), kHangMs);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(colors.source(), QStringLiteral("portal"));

        emit portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"),
                                   QStringLiteral("accent-color"), QDBusVariant(2u));
        emit portal.SettingChanged(QStringLiteral("org.gnome.desktop.interface"),
                                   QStringLiteral("color-scheme"), QDBusVariant(2u));
        // A marker after them: once it is in, the two before it were handled and ignored.
        emit portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"),
                                   QStringLiteral("color-scheme"), QDBusVariant(0u));
        QTRY_COMPARE_WITH_TIMEOUT(colors.portalScheme(), 0, kHangMs);
        QCOMPARE(changed.count(), 2); // dark (portal) -> light (palette)
        QVERIFY(!colors.dark());
        QCOMPARE(colors.source(), QStringLiteral("palette"));
    }

    // No portal on the bus, or no bus at all: the palette, and its changes, decide.
    void withoutAPortal()
    {
        ColorScheme colors(connect("client"));
        ColorScheme busless(QDBusConnection(QStringLiteral("not-connected")));
        QTest::qWait(300); // the failed call has come back by now
        QCOMPARE(colors.portalScheme(), -1);
        QCOMPARE(colors.source(), QStringLiteral("palette"));
        QVERIFY(!colors.dark());
        QVERIFY(!busless.dark());
        QSignalSpy changed(&colors, &ColorScheme::changed);
        QGuiApplication::setPalette(m_darkPalette);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kHangMs);
        QVERIFY(colors.dark());
        QVERIFY(busless.dark());
    }

    // The person's choice wins over the desktop; anything but the three words is ignored.
    void theChoiceWins()
    {
        QDBusConnection portalBus = connect("portal");
        PortalSettings portal;
        portal.value = 1u;
        QVERIFY(servePortal(portalBus, portal));
        ColorScheme colors(connect("client"));
        QTRY_VERIFY_WITH_TIMEOUT(colors.dark(), kHangMs);
        QSignalSpy changed(&colors, &ColorScheme::changed);
        colors.setPreference(QStringLiteral("light"));
        QVERIFY(!colors.dark());
        QCOMPARE(colors.source(), QStringLiteral("chosen"));
        colors.setPreference(QStringLiteral("blue"));
        colors.setPreference(QString());
        QCOMPARE(colors.preference(), QStringLiteral("light"));
        colors.setPreference(QStringLiteral("light"));
        QCOMPARE(changed.count(), 1);
        // The desktop changing meanwhile does not override the choice.
        emit portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"),
                                   QStringLiteral("color-scheme"), QDBusVariant(2u));
        QTRY_COMPARE_WITH_TIMEOUT(colors.portalScheme(), 2, kHangMs);
        QVERIFY(!colors.dark());
        colors.setPreference(QStringLiteral("dark"));
        QVERIFY(colors.dark());
        colors.setPreference(QStringLiteral("system"));
        QVERIFY(!colors.dark()); // the desktop's latest word: light
        QCOMPARE(colors.source(), QStringLiteral("portal"));
    }
};

QTEST_MAIN(tst_ColorScheme)
#include "tst_colorscheme.moc"
