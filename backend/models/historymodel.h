#pragma once

// HistoryModel: the stored jobs of past and current runs, newest first, as the window's History
// view shows them. GUI thread; owned by the TaskController, which tells it where the history is
// and when the store committed. It never holds every row: it pages from the store (200 rows a
// page, keyset on the job's id) with canFetchMore/fetchMore, and every read runs in the
// background pool through a HistoryReader of its own (a Qt SQL connection belongs to the thread
// that opened it): at 100,000 stored jobs a page takes 9 to 16 ms here and a search that
// matches one job 60 to 90 ms (tests/bench/bench_history.cpp), too close to or past a frame.
//
// A commit of the store refreshes the newest page at most every 500 ms: new rows go on top
// (a ListView keeps what it shows), rows that changed are updated in place, rows of that page
// that no longer match go. A change of filter, a delete, reload() start over.

#include "store/storeevent.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtQml/qqmlregistration.h>

namespace longrun {

class HistoryModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("HistoryModel is owned by TaskController")

    // The filters: text in the kind, parameters, summary or error; one stateKey() or
    // "interrupted" ("" for all); one kind ("" for all); jobs added in the last N days (0: all).
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY filterChanged)
    Q_PROPERTY(QString state READ state WRITE setState NOTIFY filterChanged)
    Q_PROPERTY(QString kind READ kind WRITE setKind NOTIFY filterChanged)
    Q_PROPERTY(int days READ days WRITE setDays NOTIFY filterChanged)
    // Every stored job the filters select (not only the rows loaded), -1 until counted.
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // "1,234 jobs", in the user's locale.
    Q_PROPERTY(QString countText READ countText NOTIFY countChanged)
    // The kinds the history holds, for the kind filter.
    Q_PROPERTY(QStringList kinds READ kinds NOTIFY kindsChanged)
    // A read is under way.
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    // "" while the history reads, else why it does not ("no history ... yet").
    Q_PROPERTY(QString problem READ problem NOTIFY problemChanged)
    // The run of this process: its jobs are the newest, and it cannot be deleted.
    // (An int for QML: run ids count runs of one file.)
    Q_PROPERTY(int currentRun READ currentRunNumber NOTIFY currentRunChanged)

public:
    enum Role {
        JobIdRole = Qt::UserRole + 1,
        RunIdRole,
        SeqRole,
        KindRole,
        StateKeyRole,
        StateTextRole,
        CommandLineRole,
        AddedTextRole,
        RuntimeTextRole,
        MessageRole, // the summary, else the error's first line
        SummaryRole,
        ErrorTextRole,
        ExitTextRole, // "exit 3", "signal 9 (SIGKILL)", ""
        LogPathRole,
        ImagePathRole,
        HostRole,
        AttemptsRole,
        IsCommandRole,
    };
    Q_ENUM(Role)

    static constexpr int kPageSize = 200;
    static constexpr int kRefreshMs = 500;

    explicit HistoryModel(QObject *parent = nullptr);
    ~HistoryModel() override;

    // The data folder whose history.db this reads; reloads.
    void setDataDirectory(const QString &dir);
    [[nodiscard]] QString dataDirectory() const { return m_dataDir; }
    // The run of this process (its jobs are the newest; it cannot be deleted).
    void setCurrentRun(qint64 runId);
    [[nodiscard]] qint64 currentRun() const { return m_currentRun; }
    [[nodiscard]] int currentRunNumber() const { return static_cast<int>(m_currentRun); }
    // The store committed: the newest page is read again, at most every kRefreshMs.
    void storeCommitted();
    // Starts over from the newest job (after a delete; a filter's change does it too).
    Q_INVOKABLE void reload();

    [[nodiscard]] QString text() const { return m_query.text; }
    void setText(const QString &text);
    [[nodiscard]] QString state() const;
    void setState(const QString &state);
    [[nodiscard]] QString kind() const { return m_query.kind; }
    void setKind(const QString &kind);
    [[nodiscard]] int days() const { return m_days; }
    void setDays(int days);
    [[nodiscard]] int count() const { return m_count; }
    [[nodiscard]] QString countText() const;
    [[nodiscard]] QStringList kinds() const { return m_kinds; }
    [[nodiscard]] bool loading() const { return m_busy; }
    [[nodiscard]] QString problem() const { return m_problem; }

    // The query the filters make now (its `since` from the clock of this call).
    [[nodiscard]] JobQuery query() const;
    // The loaded row of a stored job, -1 when it is not loaded.
    Q_INVOKABLE int rowOfJob(qint64 jobId) const;
    [[nodiscard]] const StoredJob *jobAt(int row) const;

    // Writes the jobs the filters select (all of them, not only those loaded) to a new file,
    // as "csv" or "json", in the background; exportFinished() follows. Never replaces a file:
    // a name that exists (or a planted link) is refused and the user picks another.
    Q_INVOKABLE void exportTo(const QUrl &file, const QString &format);
    // What an export holds: exportFieldList(), for the dialog.
    Q_INVOKABLE static QString exportFieldList();

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void filterChanged();
    void countChanged();
    void kindsChanged();
    void loadingChanged();
    void problemChanged();
    void currentRunChanged();
    // A page (or a refresh) was read and applied.
    void pageLoaded();
    // `ok`: the file holds `message`'s count of jobs; else `message` says why not.
    void exportFinished(bool ok, const QString &message);

private:
    enum class Read { Reset, More, Head };
    struct Page
    {
        QList<StoredJob> jobs;
        int count = -1;
        QStringList kinds;
        QString error;
    };

    void request(Read read);
    void startRead();
    void apply(Read read, quint64 generation, Page page);
    void applyHead(QList<StoredJob> jobs);
    void setBusy(bool busy);
    void filtersChanged();

    QList<StoredJob> m_rows;
    JobQuery m_query;
    int m_days = 0;
    QString m_dataDir;
    qint64 m_currentRun = 0;
    int m_count = -1;
    QStringList m_kinds;
    QString m_problem;
    bool m_busy = false;
    bool m_atEnd = false;    // the last page read was the oldest
    bool m_wantReset = true; // what to read when the read under way is done
    bool m_wantHead = false;
    bool m_wantMore = false;
    quint64 m_generation = 0; // a read of an older generation (filters since changed) is dropped
    QTimer m_refresh;
};

} // namespace longrun
