#include "age/Error.hxx"

namespace sealpost::age {

const char* Describe(AgeErrc code) noexcept {
    switch (code) {
    case AgeErrc::ok:
        return "ok";
    case AgeErrc::incomplete:
        return "age header incomplete: more input needed";
    case AgeErrc::truncated:
        return "age file truncated";
    case AgeErrc::not_age:
        return "not an age file";
    case AgeErrc::unsupported_version:
        return "unsupported age version";
    case AgeErrc::malformed_header:
        return "malformed age header";
    case AgeErrc::header_too_large:
        return "age header too large";
    case AgeErrc::no_matching_stanza:
        return "no age recipient stanza matches this identity";
    case AgeErrc::weak_share:
        return "age X25519 stanza has a low-order share";
    case AgeErrc::bad_header_mac:
        return "age header MAC mismatch";
    case AgeErrc::bad_chunk:
        return "age payload chunk failed authentication";
    case AgeErrc::trailing_data:
        return "data after the final age chunk";
    case AgeErrc::bad_size:
        return "impossible age payload size";
    case AgeErrc::invalid_argument:
        return "invalid argument to age function";
    case AgeErrc::io_error:
        return "I/O error on age file";
    case AgeErrc::internal:
        return "internal cryptographic failure";
    }
    return "unknown age error";
}

AgeError::AgeError(AgeErrc code) : std::runtime_error(Describe(code)), code_(code) {}

AgeError::AgeError(AgeErrc code, const std::string& detail)
    : std::runtime_error(std::string(Describe(code)) + ": " + detail), code_(code) {}

} // namespace sealpost::age
