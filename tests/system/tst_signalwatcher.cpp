// SignalWatcher in one process: every watched signal arrives in the event loop, and a burst of
// them neither blocks the handler nor changes the errno of the code it interrupted. SIGTSTP and
// SIGCONT only when asked for (the CLI); stopProcess() stops the process until a SIGCONT.

#include "system/signalwatcher.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace longrun;

namespace {

void (*handlerOf(int signal))(int)
{
    struct sigaction action = {};
    ::sigaction(signal, nullptr, &action);
    return action.sa_handler;
}

// In a child forked from this (threaded) process, so async-signal-safe calls only: waits until
// the parent is stopped ('T' in /proc), writes the state letter it saw into `fd` and continues
// the parent. After 60 s it continues the parent anyway (and writes '?'): a test, not a hang.
[[noreturn]] void continueParentOnceStopped(int fd)
{
    const pid_t parent = ::getppid();
    char path[64] = "/proc/";
    int at = 6;
    char digits[16];
    int n = 0;
    for (pid_t p = parent; p > 0; p /= 10)
        digits[n++] = static_cast<char>('0' + p % 10);
    while (n > 0)
        path[at++] = digits[--n];
    for (const char c : {'/', 's', 't', 'a', 't', '\0'})
        path[at++] = c;
    char seen = '?';
    for (int i = 0; i < 60000 && seen != 'T'; ++i) {
        char buffer[512];
        const int stat = ::open(path, O_RDONLY);
        const ssize_t size = stat < 0 ? -1 : ::read(stat, buffer, sizeof buffer);
        if (stat >= 0)
            ::close(stat);
        // "pid (comm) S ...": the state follows the last ')'.
        for (ssize_t k = size - 1; k > 0; --k) {
            if (buffer[k] == ')' && k + 2 < size) {
                seen = buffer[k + 2] == 'T' ? 'T' : '?';
                break;
            }
        }
        const timespec ms = {0, 1000000};
        if (seen != 'T')
            ::nanosleep(&ms, nullptr);
    }
    [[maybe_unused]] const ssize_t written = ::write(fd, &seen, 1);
    ::kill(parent, SIGCONT);
    ::_exit(0);
}

} // namespace

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

    // SIGTSTP and SIGCONT are the CLI's to ask for: reported then, and their handlers taken
    // down with the watcher.
    void suspendSignalsWhenAsked()
    {
        {
            SignalWatcher watcher(SignalWatcher::Suspend::Reported);
            QSignalSpy spy(&watcher, &SignalWatcher::signalled);
            QCOMPARE(::raise(SIGTSTP), 0);
            QCOMPARE(::raise(SIGCONT), 0);
            QTRY_COMPARE(spy.size(), 2);
            QCOMPARE(spy.at(0).first().toInt(), SIGTSTP);
            QCOMPARE(spy.at(1).first().toInt(), SIGCONT);
        }
        QVERIFY(handlerOf(SIGTSTP) == SIG_DFL);
        QVERIFY(handlerOf(SIGCONT) == SIG_DFL);
    }

    // The window's watcher leaves Ctrl-Z to the kernel, as before.
    void suspendSignalsLeftAloneByDefault()
    {
        SignalWatcher watcher;
        QVERIFY(handlerOf(SIGINT) != SIG_DFL);
        QVERIFY(handlerOf(SIGTSTP) == SIG_DFL);
        QVERIFY(handlerOf(SIGCONT) == SIG_DFL);
    }

    // stopProcess() stops the whole process (a child sees it stopped in /proc) and returns
    // once continued; the SIGCONT that continued it is reported.
    void stopProcessStopsUntilContinued()
    {
        SignalWatcher watcher(SignalWatcher::Suspend::Reported);
        QSignalSpy spy(&watcher, &SignalWatcher::signalled);
        int fds[2] = {-1, -1};
        QCOMPARE(::pipe2(fds, O_CLOEXEC), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0)
            continueParentOnceStopped(fds[1]);
        ::close(fds[1]);
        SignalWatcher::stopProcess();
        char seen = 0;
        QCOMPARE(::read(fds[0], &seen, 1), ssize_t{1});
        ::close(fds[0]);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QCOMPARE(seen, 'T');
        QTRY_VERIFY(!spy.isEmpty());
        QCOMPARE(spy.last().first().toInt(), SIGCONT);
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
