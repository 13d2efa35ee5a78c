#include "lib/uv/Error.hxx"

#include <uv.h>

namespace sealpost::uv {

Error::Error(const std::string& what, int code)
    : std::runtime_error(what + ": " + uv_strerror(code)), code_(code) {}

void Check(int code, const char* what) {
    if (code < 0)
        throw Error(what, code);
}

std::string Describe(int code) {
    return uv_strerror(code);
}

} // namespace sealpost::uv
