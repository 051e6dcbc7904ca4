#pragma once

// Test helper: a TaskController on the freshly built worker, with short grace periods (a stop
// escalates in 0.3 s, a worker lingering 0.5 s after its result fails), its model checked by a
// QAbstractItemModelTester for as long as `tester` lives.

#include "control/taskcontroller.h"
#include "procutil.h"

#include <QtTest/QAbstractItemModelTester>

#include <memory>

namespace longrun::test {

inline std::unique_ptr<TaskController> makeController(
    int concurrency, std::unique_ptr<QAbstractItemModelTester> &tester)
{
    auto controller = std::make_unique<TaskController>();
    controller->setWorkerLaunch({workerPath(), {}});
    controller->setConcurrency(concurrency);
    RunnerConfig config = controller->runnerConfig();
    config.cancelGraceMs = 300;
    config.termGraceMs = 300;
    config.exitAfterResultMs = 500;
    controller->setRunnerConfig(config);
    tester = std::make_unique<QAbstractItemModelTester>(
        controller->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return controller;
}

} // namespace longrun::test
