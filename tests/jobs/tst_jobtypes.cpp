// Plain values of jobs/: cutting a text for a view or a terminal line.

#include "jobs/jobtypes.h"

#include <QtTest/QTest>

using namespace longrun;

class tst_JobTypes : public QObject
{
    Q_OBJECT

private slots:
    void cutText_data();
    void cutText();
};

void tst_JobTypes::cutText_data()
{
    const QString ellipsis(QChar(0x2026));
    const QString emoji = QString::fromUtf8("\xf0\x9f\x98\x80"); // U+1F600: two UTF-16 units
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("expected");
    QTest::newRow("fits") << "abc" << 3 << "abc";
    QTest::newRow("cut") << "abcdef" << 4 << "abc" + ellipsis;
    QTest::newRow("one") << "abcdef" << 1 << ellipsis;
    QTest::newRow("zero") << "abcdef" << 0 << ellipsis;
    // The pair would be cut after its high surrogate: it goes whole.
    QTest::newRow("pair at the cut") << "ab" + emoji + "cd" << 4 << "ab" + ellipsis;
    QTest::newRow("pair before the cut") << "ab" + emoji + "cd" << 5 << "ab" + emoji + ellipsis;
    QTest::newRow("pair fits") << "ab" + emoji << 4 << "ab" + emoji;
}

void tst_JobTypes::cutText()
{
    QFETCH(QString, text);
    QFETCH(int, max);
    QFETCH(QString, expected);
    const QString cut = longrun::cutText(text, max);
    QCOMPARE(cut, expected);
    QVERIFY(cut.isEmpty() || !cut.back().isHighSurrogate());
}

QTEST_GUILESS_MAIN(tst_JobTypes)
#include "tst_jobtypes.moc"
