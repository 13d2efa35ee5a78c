// Stanza: one recipient stanza of an age header, "-> arg arg…" followed by a
// base64 body wrapped at 64 columns. A plain value; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sealpost::age {

struct Stanza {
    std::vector<std::string> arguments;
    std::vector<std::uint8_t> body;

    /// The stanza's text, ending with the LF of its (possibly empty) final body line.
    std::string Format() const;
};

} // namespace sealpost::age
