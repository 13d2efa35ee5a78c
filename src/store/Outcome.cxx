#include "store/Outcome.hxx"

namespace sealpost::store {

std::string_view Describe(Outcome outcome) noexcept {
    switch (outcome) {
    case Outcome::ok:
        return "ok";
    case Outcome::not_found:
        return "no such transfer or file";
    case Outcome::not_open:
        return "the transfer is no longer open for uploads";
    case Outcome::gone:
        return "this transfer is no longer available";
    case Outcome::complete_already:
        return "the file is already complete";
    case Outcome::incomplete:
        return "not every file is completely uploaded";
    case Outcome::empty:
        return "the transfer has no file and no message";
    case Outcome::over_quota:
        return "the files exceed the transfer's size limit";
    case Outcome::no_space:
        return "not enough disk space for this file";
    case Outcome::checksum_mismatch:
        return "checksum mismatch";
    case Outcome::busy:
        return "too many password checks are waiting; try again shortly";
    case Outcome::failed:
        return "internal error";
    }
    return "internal error";
}

} // namespace sealpost::store
