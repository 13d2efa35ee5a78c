// Conversion of libuv status codes into exceptions for synchronous setup code.
// Event callbacks never throw; they pass uv status codes on as values.
#pragma once

#include <stdexcept>
#include <string>

namespace sealpost::uv {

class Error : public std::runtime_error {
public:
    Error(const std::string& what, int code);
    int code() const noexcept { return code_; }

private:
    int code_;
};

/// Throws Error(what + ": " + uv_strerror(code)) when code < 0.
void Check(int code, const char* what);

/// Human-readable message for a libuv status code.
std::string Describe(int code);

} // namespace sealpost::uv
