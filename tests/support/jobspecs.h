#pragma once

// Test helper: a JobSpec in one line, job("sleep", {{"seconds", "2"}}).

#include "jobs/jobtypes.h"

namespace longrun::test {

inline JobSpec job(const QString &kind, const QList<QPair<QString, QString>> &params = {})
{
    JobSpec spec;
    spec.kind = kind;
    for (const auto &[key, value] : params)
        spec.params << JobParam{key, {value}};
    return spec;
}

} // namespace longrun::test
