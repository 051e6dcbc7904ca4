#pragma once

// runner/: one attempt of one job in one worker process, on a pool thread. It talks to the
// controller only through JobControl (requests in) and the UpdateInbox (plain values out); it
// includes jobs/ and system/, never the models or the controller, and never touches the model.
//
// JobRunner runs one attempt of one job on a pool thread, and owns the attempt's whole life: it
// starts the worker (WorkerSession, through a LocalLauncher), sends the Start request, reads
// the worker's frames (FrameTranslator), posts plain values back through the UpdateInbox
// (UpdateCoalescer) and decides how the attempt ends: the stop requests of the controller, the
// deadlines (hello, timeout, exit after the result) and the terminal state. run() does not
// return before the worker is reaped and its process group swept, so a job can never leave a
// process behind (and the worker's PR_SET_PDEATHSIG, tied to this thread, stays valid for as
// long as it matters). No exception ever leaves run() (QThreadPool would end the app): one from
// the attempt fails that job as "internal error: <what>", its terminal update still posted
// exactly once, after its worker is reaped.
//
// Created by TaskController on the GUI thread, deleted by the pool after run().

#include "jobs/jobtypes.h"
#include "runner/jobcontrol.h"
#include "runner/runnerupdate.h"

#include <QtCore/QRunnable>

#include <memory>

namespace longrun {

struct RunnerConfig
{
    WorkerLaunch launch;
    int cancelGraceMs = 500;    // Cancel frame -> SIGTERM
    int termGraceMs = 500;      // SIGTERM -> SIGKILL
    int shutdownGraceMs = 250;  // both steps when the app is quitting
    int timeoutMs = 0;          // active (not paused) time allowed; 0 = none
    int helloTimeoutMs = 30000; // a worker that never says hello is stuck
    int exitAfterResultMs = 2000;
    int flushIntervalMs = 16; // at most one update per job per frame
    // Where the attempt's output log goes (runner/attemptlog.h): the data folder's logs/, under
    // logName ("" in either: no log, e.g. --no-history).
    QString logDataDir;
    QString logName;
};

class JobRunner final : public QRunnable
{
public:
    JobRunner(int jobId, int attempt, JobSpec spec, RunnerConfig config,
              std::shared_ptr<JobControl> control, std::shared_ptr<UpdateInbox> inbox);

    void run() override;

private:
    void runGuarded();

    int m_jobId;
    int m_attempt;
    JobSpec m_spec;
    RunnerConfig m_config;
    std::shared_ptr<JobControl> m_control;
    std::shared_ptr<UpdateInbox> m_inbox;
};

} // namespace longrun
