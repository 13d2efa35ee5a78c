#include "http/ChunkedFraming.hxx"

#include <algorithm>

namespace sealpost::http {
namespace {

int HexValue(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr const char* kBareLf = "a bare LF in the chunked framing (lines end with CRLF)";
constexpr const char* kBareCr = "a CR without LF in the chunked framing";

} // namespace

const char* ChunkedFraming::Scan(std::string_view data, std::size_t& used) noexcept {
    std::size_t i = 0;
    while (i < data.size() && state_ != State::done) {
        if (state_ == State::data) {
            const auto n = static_cast<std::size_t>(
                std::min<std::uint64_t>(remaining_, data.size() - i));
            i += n;
            remaining_ -= n;
            if (remaining_ == 0)
                state_ = State::data_cr;
            continue;
        }
        const char c = data[i++];
        switch (state_) {
        case State::size:
            if (const int v = HexValue(c); v >= 0) {
                if (++digits_ > 16)
                    return "a chunk size of more than 16 hex digits";
                remaining_ = remaining_ * 16 + static_cast<unsigned>(v);
            } else if (digits_ == 0) {
                return c == '\n' ? kBareLf : "a chunk-size line without a size";
            } else if (c == '\n') {
                return kBareLf;
            } else {
                state_ = c == '\r' ? State::size_lf : State::extension;
            }
            break;
        case State::extension:
            if (c == '\n')
                return kBareLf;
            if (c == '\r')
                state_ = State::size_lf;
            break;
        case State::size_lf:
            if (c != '\n')
                return kBareCr;
            state_ = remaining_ == 0 ? State::field_start : State::data;
            break;
        case State::data_cr:
            if (c != '\r')
                return c == '\n' ? kBareLf : "chunk data longer than its chunk size";
            state_ = State::data_lf;
            break;
        case State::data_lf:
            if (c != '\n')
                return kBareCr;
            state_ = State::size;
            digits_ = 0;
            break;
        case State::field_start:
            if (c == '\n')
                return kBareLf;
            if (c == ' ' || c == '\t')
                return "obsolete line folding in the trailer section of a chunked body";
            state_ = c == '\r' ? State::end_lf : State::field;
            break;
        case State::field:
            if (c == '\n')
                return kBareLf;
            if (c == '\r')
                state_ = State::field_lf;
            break;
        case State::field_lf:
            if (c != '\n')
                return kBareCr;
            state_ = State::field_start;
            break;
        case State::end_lf:
            if (c != '\n')
                return kBareCr;
            state_ = State::done;
            break;
        case State::data:
        case State::done:
            break;
        }
    }
    used = i;
    return nullptr;
}

} // namespace sealpost::http
