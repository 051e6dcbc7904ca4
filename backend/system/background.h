#pragma once

// system/: what the engine needs from the operating system and Qt, for every other folder of
// it: signals as Qt signals, signal names, file descriptor limits, the background pool, the
// cross-thread inbox. It includes nothing else of longrun.

class QThreadPool;

namespace longrun {

// The pool for background work that is not a job: loading the catalog, reading a jobs file,
// encoding an image. Small and separate, because the job pool's threads are held by running
// jobs and a QtConcurrent task queued behind them would wait for a job to end.
[[nodiscard]] QThreadPool *backgroundPool();

} // namespace longrun
