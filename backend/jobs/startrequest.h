#pragma once

// What the runner sends a worker for a job: the one conversion of a JobSpec into the protocol's
// Start request, and the size of the frame that carries it. The spec builder measures the same
// request before a job is accepted (checkStartRequest), so a job that is accepted is one whose
// request fits in a frame, and the runner never meets one that does not. Plain values, any
// thread.

#include "jobs/jobtypes.h"
#include "messages.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <cstdint>

namespace longrun {

// The Start request for a job, as the worker reads it.
[[nodiscard]] protocol::Start startRequest(const JobSpec &spec);

// The bytes of the request's frame after its length prefix, counted without building them.
[[nodiscard]] std::uint64_t startPayloadSize(const JobSpec &spec);

// Empty when the request fits in one frame (protocol::kMaxFrameSize) with no list longer than
// the worker reads (protocol::kMaxListElements); else what does not fit, e.g. "the request is
// 20971567 bytes, larger than the frame limit of 16 MiB (16777216 bytes)".
[[nodiscard]] QString checkStartRequest(const JobSpec &spec);

// The request's whole frame, ready to write. Throws std::length_error for a request that
// checkStartRequest() refuses.
[[nodiscard]] QByteArray startFrame(const JobSpec &spec);

} // namespace longrun
