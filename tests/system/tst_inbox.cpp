// Inbox<T> (system/inbox.h): many producers on other threads, one consumer; values come out in
// the order they went in, numbered, and a batch posted with postAll() is taken whole or not
// at all (the history stores a batch of jobs in one transaction because of it).

#include "system/inbox.h"

#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>

using namespace longrun;

class Consumer : public QObject
{
    Q_OBJECT
public:
    Inbox<int> *inbox = nullptr;
    QList<QList<int>> takes;
    quint64 lastNumber = 0;
    std::atomic<int> wakes{0};

    Q_INVOKABLE void drain()
    {
        ++wakes;
        quint64 last = 0;
        QList<int> values = inbox->take(&last);
        if (!values.isEmpty())
            takes << values;
        lastNumber = last;
    }
};

class tst_Inbox : public QObject
{
    Q_OBJECT

private slots:
    void batchesAreTakenWhole();
};

void tst_Inbox::batchesAreTakenWhole()
{
    Consumer consumer;
    Inbox<int> inbox(&consumer, "drain");
    consumer.inbox = &inbox;
    constexpr int kBatches = 2000;
    constexpr int kBatchSize = 37;
    // A producer thread posts batches while this thread drains as the wake-ups come.
    std::unique_ptr<QThread> producer(QThread::create([&inbox] {
        for (int b = 0; b < kBatches; ++b) {
            QList<int> batch;
            for (int i = 0; i < kBatchSize; ++i)
                batch << b * kBatchSize + i;
            inbox.postAll(std::move(batch));
            if (b % 97 == 0)
                QThread::yieldCurrentThread();
        }
        inbox.post(-1);
    }));
    producer->start();
    QTRY_VERIFY_WITH_TIMEOUT(!consumer.takes.isEmpty() && consumer.takes.last().last() == -1,
                             60000);
    QVERIFY(producer->wait(60000));
    QCOMPARE(consumer.lastNumber, quint64{kBatches * kBatchSize + 1});
    int expected = 0;
    for (const QList<int> &take : consumer.takes) {
        const qsizetype whole = take.last() == -1 ? take.size() - 1 : take.size();
        // Never part of a batch: every take ends on a batch's end.
        QCOMPARE(whole % kBatchSize, 0);
        for (qsizetype i = 0; i < whole; ++i)
            QCOMPARE(take.at(i), expected++);
    }
    QCOMPARE(expected, kBatches * kBatchSize);
    // One wake-up serves many values.
    QVERIFY(consumer.wakes.load() <= kBatches + 1);
}

QTEST_GUILESS_MAIN(tst_Inbox)
#include "tst_inbox.moc"
