// The command kind's progress parser against output as real programs print it (captured from
// the programs named in each row). Each row feeds the bytes in chunks the way a pipe delivers
// them and checks the fraction the job would show. Through the real worker binary the same
// parser is covered by tst_worker's command tests.

#include "output/outputparser.h"

#include <QtTest/QTest>

#include <string>

using longrun::worker::OutputParser;

class tst_OutputParser : public QObject
{
    Q_OBJECT

private slots:
    void realPrograms_data()
    {
        QTest::addColumn<QByteArray>("output");
        QTest::addColumn<double>("fraction");

        // Percentages.
        QTest::newRow("wget") << QByteArray(
            "big.iso  45%[=======>     ]  45.00M  10.2MB/s    eta 5s\r")
                              << 0.45;
        QTest::newRow("rsync --info=progress2")
            << QByteArray("      1,234,567  45%    1.23MB/s    0:00:01 (xfr#1, to-chk=5/10)\r")
            << 0.45;
        QTest::newRow("tqdm") << QByteArray(
            " 45%|\xe2\x96\x88\xe2\x96\x88\xe2\x96\x8c     | 45/100 [00:01<00:01, 45.00it/s]\r")
                              << 0.45;
        QTest::newRow("cmake") << QByteArray("[ 45%] Building CXX object foo.o\n") << 0.45;
        QTest::newRow("apt") << QByteArray("Progress: [ 45%]\r") << 0.45;
        QTest::newRow("HandBrake")
            << QByteArray("Encoding: task 1 of 1, 45.23 % (30.00 fps)\r") << 0.4523;
        QTest::newRow("git") << QByteArray(
            "Cloning into 'x'...\nReceiving objects:  48% (243/505)\r")
                             << 0.48;
        QTest::newRow("xz -v") << QByteArray(
            "big.bin (1/1)\n  3.5 %  0.1 MiB / 0.2 MiB = 0.500   0:01\r")
                               << 0.035;
        // A percentage after an arrow is a conversion's ratio: zstd's amounts are the progress.
        QTest::newRow("zstd --progress")
            << QByteArray("Read :   112 MiB /   286 MiB ==> 100%\r") << 112.0 / 286.0;

        // Counts.
        QTest::newRow("ninja") << QByteArray("[45/100] Building CXX object foo.o\n") << 0.45;
        QTest::newRow("cargo") << QByteArray("    Building [=======>      ] 45/100: serde, tokio\r")
                               << 0.45;
        QTest::newRow("N of M") << QByteArray("step 3 of 10\n") << 0.3;
        QTest::newRow("N of M, item") << QByteArray("Processing file 2 of 8: a.txt\n") << 0.25;
        QTest::newRow("N of N names the item") << QByteArray("file 1 of 1: a.txt\n") << 0.0;

        // Amounts of a total.
        QTest::newRow("docker pull")
            << QByteArray("a1b2c3: Downloading [=====>     ]  12.5MB/50MB\r") << 0.25;
        QTest::newRow("pip") << QByteArray(
            "   \xe2\x94\x81\xe2\x94\x81\xe2\x95\xb8 45.0/100.0 MB 5.2 MB/s eta 0:00:10\r")
                             << 0.45;
        QTest::newRow("bytes") << QByteArray("Downloaded 1048576 / 4194304 bytes\n") << 0.25;
        QTest::newRow("KiB of MiB") << QByteArray("512 KiB / 2 MiB\n") << 0.25;

        // Nothing that is progress.
        QTest::newRow("curl's meter") << QByteArray(
            "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed\n"
            " 45  100M   45 45.0M    0     0  10.2M      0  0:00:09  0:00:04  0:00:05 10.2M\r")
                                      << 0.0;
        QTest::newRow("dd status=progress")
            << QByteArray("1048576000 bytes (1.0 GB, 1000 MiB) copied, 2 s, 524 MB/s\r") << 0.0;
        QTest::newRow("rates") << QByteArray("speed 12.3MB/s, 5 MB/s / 10 MB/s\n") << 0.0;
        QTest::newRow("dates and clocks") << QByteArray("2024/01/05 12:30/45:00 started\n") << 0.0;
        QTest::newRow("versions") << QByteArray("moving python 3.11/3.12 and v1.2.3%\n") << 0.0;
        QTest::newRow("of without numbers") << QByteArray("one of many, 3 of them\n") << 0.0;
    }

    void realPrograms()
    {
        QFETCH(QByteArray, output);
        QFETCH(double, fraction);
        // Whole, then in 7-byte chunks: the answer must not depend on how the bytes arrive.
        for (const int chunk : {static_cast<int>(output.size()), 7}) {
            OutputParser parser(1);
            for (qsizetype at = 0; at < output.size(); at += chunk) {
                const QByteArray piece = output.mid(at, chunk);
                parser.feed(
                    0, std::string_view(piece.constData(), static_cast<std::size_t>(piece.size())));
            }
            parser.finish();
            QVERIFY2(std::abs(parser.fraction() - fraction) < 1e-9,
                     qPrintable(QStringLiteral("chunk %1: got %2, want %3")
                                    .arg(chunk)
                                    .arg(parser.fraction())
                                    .arg(fraction)));
        }
    }
};

QTEST_APPLESS_MAIN(tst_OutputParser)

#include "tst_outputparser.moc"
