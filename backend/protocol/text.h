#pragma once

// Text from a peer, cut to a size without cutting a character in two. No Qt: the runner cuts
// what a worker sends with it, and a worker can cut what it sends the same way.

#include <cstddef>
#include <string_view>

namespace longrun::protocol {

// The longest prefix of `text` of at most `maxBytes` bytes that ends on a code-point boundary:
// it never ends inside a UTF-8 sequence, so when `text` is valid UTF-8, so is the prefix.
// Bytes that are not well-formed UTF-8 are kept as they are (a decoder replaces them), each
// ill-formed piece (what Unicode calls a maximal subpart: a lead byte and the continuation
// bytes that fit it) kept or dropped whole, never split either. A text that fits is returned
// whole, as it is.
[[nodiscard]] std::string_view cutUtf8(std::string_view text, std::size_t maxBytes);

} // namespace longrun::protocol
