#include "desktop/colorscheme.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEvent>
#include <QtDBus/QDBusArgument>
#include <QtDBus/QDBusMessage>
#include <QtDBus/QDBusPendingCallWatcher>
#include <QtDBus/QDBusPendingReply>
#include <QtDBus/QDBusVariant>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>

namespace longrun {

namespace {

const QString kPortalService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString kPortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
const QString kSettingsInterface = QStringLiteral("org.freedesktop.portal.Settings");
const QString kAppearance = QStringLiteral("org.freedesktop.appearance");
const QString kColorSchemeKey = QStringLiteral("color-scheme");
// The portal answers at once when it runs; when it must first be started by D-Bus activation
// (or hangs), the palette keeps deciding meanwhile, and after this long the question is dropped.
constexpr int kPortalTimeoutMs = 3000;

// Read() wraps the value in one variant more than the portal's documentation shows (version 1
// of the interface; ReadOne, from version 2, does not): unwrap every level.
QVariant unwrap(QVariant value)
{
    for (int depth = 0; depth < 4; ++depth) {
        if (value.metaType() == QMetaType::fromType<QDBusVariant>())
            value = value.value<QDBusVariant>().variant();
        else if (value.metaType() == QMetaType::fromType<QDBusArgument>())
            value = qdbus_cast<QDBusVariant>(value.value<QDBusArgument>()).variant();
        else
            break;
    }
    return value;
}

// 0, 1 or 2 from a value the portal sent; -1 for anything else (another type, out of range):
// a portal of another desktop, or one that lies, is ignored, not believed.
int schemeOf(const QVariant &value)
{
    const QVariant v = unwrap(value);
    const int type = v.metaType().id();
    if (type != QMetaType::UInt && type != QMetaType::Int)
        return -1;
    const qlonglong scheme = v.toLongLong();
    return scheme >= 0 && scheme <= 2 ? static_cast<int>(scheme) : -1;
}

} // namespace

ColorScheme::ColorScheme(QObject *parent)
    : ColorScheme(QDBusConnection::sessionBus(), parent)
{}

ColorScheme::ColorScheme(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (QCoreApplication *app = QCoreApplication::instance())
        app->installEventFilter(this);
    if (m_bus.isConnected()) {
        // Subscribed before asking, so that a change between the answer and the subscription
        // cannot be missed. The bus delivers only what the owner of the portal's name sends.
        m_bus.connect(kPortalService, kPortalPath, kSettingsInterface,
                      QStringLiteral("SettingChanged"), this,
                      SLOT(onSettingChanged(QString, QString, QDBusVariant)));
        askPortal();
    }
}

void ColorScheme::setPreference(const QString &preference)
{
    if (preference != u"system" && preference != u"light" && preference != u"dark")
        return;
    if (preference == m_preference)
        return;
    m_preference = preference;
    emit changed();
}

bool ColorScheme::dark() const
{
    if (m_preference == u"dark")
        return true;
    if (m_preference == u"light")
        return false;
    if (m_portalScheme == 1)
        return true;
    if (m_portalScheme == 2)
        return false;
    return paletteIsDark();
}

QString ColorScheme::source() const
{
    if (m_preference != u"system")
        return QStringLiteral("chosen");
    return m_portalScheme == 1 || m_portalScheme == 2 ? QStringLiteral("portal")
                                                      : QStringLiteral("palette");
}

bool ColorScheme::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == QCoreApplication::instance()
        && event->type() == QEvent::ApplicationPaletteChange)
        emit changed();
    return QObject::eventFilter(watched, event);
}

void ColorScheme::onSettingChanged(const QString &group, const QString &key,
                                   const QDBusVariant &value)
{
    if (group == kAppearance && key == kColorSchemeKey)
        setPortalScheme(schemeOf(value.variant()));
}

void ColorScheme::askPortal()
{
    QDBusMessage read = QDBusMessage::createMethodCall(kPortalService, kPortalPath,
                                                       kSettingsInterface, QStringLiteral("Read"));
    read << kAppearance << kColorSchemeKey;
    auto *call = new QDBusPendingCallWatcher(m_bus.asyncCall(read, kPortalTimeoutMs), this);
    connect(call, &QDBusPendingCallWatcher::finished, this, &ColorScheme::onPortalAnswer);
}

void ColorScheme::onPortalAnswer(QDBusPendingCallWatcher *call)
{
    call->deleteLater();
    const QDBusPendingReply<QVariant> reply = *call;
    // No portal, no such key (an older desktop), a timeout: the palette goes on deciding.
    if (reply.isError())
        return;
    // A SettingChanged that came first is newer than this answer.
    if (m_portalScheme < 0)
        setPortalScheme(schemeOf(reply.value()));
}

void ColorScheme::setPortalScheme(int scheme)
{
    if (scheme == m_portalScheme)
        return;
    const bool wasDark = dark();
    const QString wasSource = source();
    m_portalScheme = scheme;
    if (dark() != wasDark || source() != wasSource)
        emit changed();
}

bool ColorScheme::paletteIsDark() const
{
    if (qobject_cast<QGuiApplication *>(QCoreApplication::instance()) == nullptr)
        return false;
    const QPalette palette = QGuiApplication::palette();
    return palette.color(QPalette::Window).lightness()
           < palette.color(QPalette::WindowText).lightness();
}

} // namespace longrun
