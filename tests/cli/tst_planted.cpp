// Symlinks planted under the names longrun will write (issue #12): in an --image-dir, in a
// --data-dir (history.db, images/), each pointing at a victim file or folder. A real batch runs
// through the real `longrun --headless`; afterwards every victim is byte for byte what it was,
// and the run either succeeded under other names or said clearly what it refused.

#include "procutil.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QDirIterator>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace longrun;

namespace {

struct Batch
{
    int status = -1;
    QString err;
    QList<QJsonObject> finished;
};

Batch runBatch(const QStringList &args)
{
    const test::AppRun run = test::runApp(QStringList{"--headless", "--json"} + args);
    Batch batch{run.status, run.err, {}};
    for (const QByteArray &line : run.out.split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (event.value(u"event").toString() == u"finished")
            batch.finished << event;
    }
    return batch;
}

// Everything under `root` (names, sizes, contents), to compare before and after.
QByteArray fingerprint(const QString &root)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    QStringList paths;
    while (it.hasNext())
        paths << it.next();
    paths.sort();
    for (const QString &path : paths) {
        hash.addData(path.toUtf8());
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            hash.addData(file.readAll());
    }
    return hash.result();
}

// A victim folder holding one file, as a user's own data would be.
QString makeVictim(const QTemporaryDir &tmp)
{
    const QString victim = tmp.filePath(QStringLiteral("victim"));
    QDir().mkpath(victim);
    QFile file(QDir(victim).filePath(QStringLiteral("precious.txt")));
    file.open(QIODevice::WriteOnly);
    file.write("do not touch\n");
    return victim;
}

const QStringList kTwoImages{"mandelbrot:width=16,height=16,iterations=10",
                             "mandelbrot:width=16,height=16,iterations=20"};

} // namespace

class tst_Planted : public QObject
{
    Q_OBJECT

private slots:
    void imageDirectoryLinks();
    void dataDirectoryLinks();
    void logLinks();
};

// Links under every name the two images could take (run 1, jobs 1 and 2, first attempt, and the
// next free names): the images are written under names nobody planted.
void tst_Planted::imageDirectoryLinks()
{
    QTemporaryDir tmp;
    const QString victim = makeVictim(tmp);
    const QString target = QDir(victim).filePath(QStringLiteral("precious.txt"));
    const QString images = tmp.filePath(QStringLiteral("images"));
    QVERIFY(QDir().mkpath(images));
    QStringList planted;
    for (int job = 1; job <= 2; ++job) {
        for (const QString &suffix : {QString(), QStringLiteral("-2"), QStringLiteral("-3")})
            planted << QStringLiteral("run1-job%1-1%2.png").arg(job).arg(suffix);
    }
    for (const QString &name : planted)
        QVERIFY(QFile::link(target, QDir(images).filePath(name)));
    const QByteArray before = fingerprint(victim);

    const Batch batch = runBatch(
        QStringList{"--data-dir", tmp.filePath(QStringLiteral("data")), "--image-dir", images}
        + kTwoImages);
    QCOMPARE(batch.status, 0);
    QCOMPARE(batch.finished.size(), 2);
    QStringList written;
    for (const QJsonObject &event : batch.finished) {
        QCOMPARE(event.value(u"state").toString(), u"succeeded");
        const QString path = event.value(u"result").toObject().value(u"image").toString();
        QVERIFY2(!planted.contains(QFileInfo(path).fileName()), qPrintable(path));
        QVERIFY(QFileInfo(path).isFile() && !QFileInfo(path).isSymLink());
        written << QFileInfo(path).fileName();
    }
    written.sort();
    QCOMPARE(written, (QStringList{"run1-job1-1-4.png", "run1-job2-1-4.png"}));
    QCOMPARE(fingerprint(victim), before);
    for (const QString &name : planted)
        QVERIFY(QFileInfo(QDir(images).filePath(name)).isSymLink());
}

// history.db and images/ planted as links: the history is refused (said, jobs run), the images
// folder is refused (the job says why), and nothing is written through either link.
void tst_Planted::dataDirectoryLinks()
{
    QTemporaryDir tmp;
    const QString victim = makeVictim(tmp);
    const QString data = tmp.filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(data));
    QVERIFY(QFile::setPermissions(data, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(QFile::link(QDir(victim).filePath(QStringLiteral("precious.txt")),
                        QDir(data).filePath(QStringLiteral("history.db"))));
    QVERIFY(QFile::link(victim, QDir(data).filePath(QStringLiteral("images"))));
    const QByteArray before = fingerprint(victim);

    const Batch batch = runBatch(QStringList{"--data-dir", data, "primes:limit=1000"} + kTwoImages);
    QCOMPARE(batch.status, 1);
    QVERIFY2(batch.err.contains(QStringLiteral("history.db")), qPrintable(batch.err));
    QCOMPARE(batch.finished.size(), 3);
    for (const QJsonObject &event : batch.finished) {
        if (event.value(u"kind").toString() == u"primes") {
            QCOMPARE(event.value(u"state").toString(), u"succeeded");
        } else {
            QCOMPARE(event.value(u"state").toString(), u"failed");
            const QString error = event.value(u"error").toString();
            QVERIFY2(error.startsWith(u"the image could not be saved: ")
                         && error.contains(u"images"),
                     qPrintable(error));
        }
    }
    QCOMPARE(fingerprint(victim), before);
    QVERIFY(QFileInfo(QDir(data).filePath(QStringLiteral("history.db"))).isSymLink());
}

// Links under the names a command job's log would get (logs/run1-job1-1.log and the next free
// ones), and logs/ itself a link in a second data folder: no byte goes through them.
void tst_Planted::logLinks()
{
    QTemporaryDir tmp;
    const QString victim = makeVictim(tmp);
    const QString target = QDir(victim).filePath(QStringLiteral("precious.txt"));
    const QString data = tmp.filePath(QStringLiteral("data"));
    const QString logs = QDir(data).filePath(QStringLiteral("logs"));
    QVERIFY(QDir().mkpath(logs));
    for (const QString &path : {data, logs})
        QVERIFY(
            QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    const QStringList planted{"run1-job1-1.log", "run1-job1-1-2.log"};
    for (const QString &name : planted)
        QVERIFY(QFile::link(target, QDir(logs).filePath(name)));
    const QByteArray before = fingerprint(victim);
    const QStringList job{"command:tty=false,argv=sh -c 'echo secret-output'"};

    Batch batch = runBatch(QStringList{"--data-dir", data} + job);
    QCOMPARE(batch.status, 0);
    QCOMPARE(batch.finished.size(), 1);
    QCOMPARE(fingerprint(victim), before);
    QFile log(QDir(logs).filePath(QStringLiteral("run1-job1-1-3.log")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains(" out secret-output\n"));

    // logs/ as a link to the victim folder: the job runs, its log is refused, nothing is written.
    const QString other = tmp.filePath(QStringLiteral("other"));
    QVERIFY(QDir().mkpath(other));
    QVERIFY(QFile::setPermissions(other, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(QFile::link(victim, QDir(other).filePath(QStringLiteral("logs"))));
    batch = runBatch(QStringList{"--data-dir", other} + job);
    QCOMPARE(batch.status, 0);
    QCOMPARE(batch.finished.size(), 1);
    QCOMPARE(batch.finished.first().value(u"state").toString(), u"succeeded");
    QVERIFY2(batch.err.contains(u"logs"), qPrintable(batch.err));
    QCOMPARE(fingerprint(victim), before);
}

QTEST_GUILESS_MAIN(tst_Planted)
#include "tst_planted.moc"
