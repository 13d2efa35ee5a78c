#include "lib/uv/Handle.hxx"

#include "log/Log.hxx"

namespace sealpost::uv {

void ReportCallbackException(const char* where, std::exception_ptr error) noexcept {
    try {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            log::Error("exception in a libuv {}: {}", where, e.what());
        } catch (...) {
            log::Error("exception in a libuv {}", where);
        }
    } catch (...) {
        // Logging itself failed (out of memory): nothing more to do.
    }
}

} // namespace sealpost::uv
