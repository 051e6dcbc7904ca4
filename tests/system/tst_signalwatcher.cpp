// SignalWatcher in one process: every watched signal arrives in the event loop, and a burst of
// them neither blocks the handler nor changes the errno of the code it interrupted.

#include "system/signalwatcher.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cerrno>
#include <csignal>

using namespace longrun;

class tst_SignalWatcher : public QObject
{
    Q_OBJECT

private slots:
    void signalArrives_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGINT") << SIGINT;
        QTest::newRow("SIGTERM") << SIGTERM;
        QTest::newRow("SIGHUP") << SIGHUP;
    }

    void signalArrives()
    {
        QFETCH(int, signal);
        SignalWatcher watcher;
        QSignalSpy spy(&watcher, &SignalWatcher::signalled);
        QCOMPARE(::raise(signal), 0);
        QTRY_COMPARE(spy.size(), 1);
        QCOMPARE(spy.first().first().toInt(), signal);
    }

    // raise() runs the handler on this thread, right away, while the event loop that empties
    // the socket cannot run: a handler that blocked on a full socket would hang here for good.
    void burstNeverBlocks()
    {
        SignalWatcher watcher;
        QSignalSpy spy(&watcher, &SignalWatcher::signalled);
        constexpr int kBurst = 20000;
        int errnoChanged = 0;
        for (int i = 0; i < kBurst; ++i) {
            errno = EDOM;
            ::raise(SIGHUP);
            if (errno != EDOM)
                ++errnoChanged;
        }
        QCOMPARE(errnoChanged, 0);
        QTRY_VERIFY(spy.size() > 0);
        // What did not fit was dropped, not queued: fewer than sent, every one a SIGHUP.
        QVERIFY(spy.size() < kBurst);
        for (const QList<QVariant> &arguments : spy)
            QCOMPARE(arguments.first().toInt(), SIGHUP);
        // The socket is empty again: the next signal is the next one read.
        spy.clear();
        QCOMPARE(::raise(SIGTERM), 0);
        QTRY_COMPARE(spy.size(), 1);
        QCOMPARE(spy.first().first().toInt(), SIGTERM);
    }
};

QTEST_GUILESS_MAIN(tst_SignalWatcher)
#include "tst_signalwatcher.moc"
