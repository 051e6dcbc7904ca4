// cutUtf8 (backend/protocol/text.h): a prefix of at most so many bytes, never ending inside a
// UTF-8 sequence, with 1- to 4-byte characters cut at every offset and ill-formed bytes kept
// in whole pieces.

#include "text.h"

#include <QByteArray>
#include <QTest>

#include <string_view>

using longrun::protocol::cutUtf8;

class tst_Text : public QObject
{
    Q_OBJECT

private slots:
    void everySequenceCutAtEveryOffset_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<int>("expected");
        const struct
        {
            const char *name;
            QByteArray sequence;
        } characters[] = {
            {"1-byte A", "A"},
            {"2-byte U+00E9", "\xc3\xa9"},
            {"3-byte U+20AC", "\xe2\x82\xac"},
            {"4-byte U+1F600", "\xf0\x9f\x98\x80"},
        };
        for (const auto &c : characters) {
            const QByteArray text = "ab" + c.sequence + c.sequence + "z";
            const int n = static_cast<int>(c.sequence.size());
            const QList<int> boundaries{0, 1, 2, 2 + n, 2 + 2 * n, 3 + 2 * n};
            for (int max = 0; max <= text.size() + 1; ++max) {
                int expected = 0;
                for (int b : boundaries)
                    expected = b <= max ? b : expected;
                QTest::addRow("%s, at most %d bytes", c.name, max) << text << max << expected;
            }
        }
    }

    void everySequenceCutAtEveryOffset() { check(); }

    void illFormedBytes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<int>("expected");
        // Each stray or impossible byte is a piece of its own.
        QTest::newRow("stray continuation bytes") << QByteArray("a\x80\x80z") << 2 << 2;
        QTest::newRow("stray continuation bytes, one more") << QByteArray("a\x80\x80z") << 3 << 3;
        QTest::newRow("C0, an overlong lead") << QByteArray("\xc0\xaf") << 1 << 1;
        QTest::newRow("F5, never a lead") << QByteArray("\xf5\x80\x80\x80") << 2 << 2;
        QTest::newRow("FF") << QByteArray("\xff\xff\xff") << 2 << 2;
        // A lead whose second byte is out of its range stands alone.
        QTest::newRow("E0 80, overlong") << QByteArray("\xe0\x80\x80") << 1 << 1;
        QTest::newRow("ED A0, a surrogate") << QByteArray("\xed\xa0\x80") << 1 << 1;
        QTest::newRow("F4 90, above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << 1 << 1;
        QTest::newRow("F0 80, overlong") << QByteArray("\xf0\x80\x80\x80") << 2 << 2;
        // A lead with some of its continuation bytes is one piece: kept or dropped whole.
        QTest::newRow("truncated 3-byte before ASCII") << QByteArray("\xe2\x82zyy") << 1 << 0;
        QTest::newRow("truncated 3-byte kept whole") << QByteArray("\xe2\x82zyy") << 2 << 2;
        QTest::newRow("truncated 4-byte, cut") << QByteArray("ab\xf0\x9f\x98z") << 4 << 2;
        QTest::newRow("truncated 4-byte, kept") << QByteArray("ab\xf0\x9f\x98z") << 5 << 5;
        QTest::newRow("truncated 4-byte at the end, fits")
            << QByteArray("ab\xf0\x9f\x98") << 5 << 5;
        QTest::newRow("lead then lead") << QByteArray("\xc3\xc3\xa9") << 2 << 1;
        QTest::newRow("lead then a whole character") << QByteArray("\xc3\xc3\xa9") << 3 << 3;
        // The edges of the well-formed ranges are characters, not pieces.
        QTest::newRow("U+0800 (E0 A0 80)") << QByteArray("\xe0\xa0\x80z") << 2 << 0;
        QTest::newRow("U+D7FF (ED 9F BF)") << QByteArray("\xed\x9f\xbfz") << 3 << 3;
        QTest::newRow("U+10FFFF (F4 8F BF BF)") << QByteArray("\xf4\x8f\xbf\xbfz") << 3 << 0;
        QTest::newRow("U+10000 (F0 90 80 80)") << QByteArray("\xf0\x90\x80\x80z") << 4 << 4;
        // Going back over continuation bytes would have cut a megabyte of them to nothing.
        QTest::newRow("a megabyte of stray bytes") << QByteArray(1 << 20, '\x80') << 1024 << 1024;
        QTest::newRow("nothing allowed") << QByteArray("abc") << 0 << 0;
        QTest::newRow("empty text") << QByteArray() << 5 << 0;
    }

    void illFormedBytes() { check(); }

private:
    static void check()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, maxBytes);
        QFETCH(int, expected);
        const std::string_view whole(text.constData(), static_cast<std::size_t>(text.size()));
        const std::string_view cut = cutUtf8(whole, static_cast<std::size_t>(maxBytes));
        QCOMPARE(static_cast<int>(cut.size()), expected);
        QVERIFY(cut.data() == whole.data()); // a prefix, not a copy
    }
};

QTEST_GUILESS_MAIN(tst_Text)
#include "tst_text.moc"
