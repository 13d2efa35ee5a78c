#include "http/ChunkedFraming.hxx"
#include "util/Hex.hxx"

#include <algorithm>

namespace sealpost::http {
namespace {

constexpr const char* kBareLf = "a bare LF in the chunked framing (lines end with CRLF)";
constexpr const char* kBareCr = "a CR without LF in the chunked framing";

} // namespace

const char* ChunkedFraming::Scan(std::string_view data, std::size_t& used) noexcept {
    std::size_t i = 0;
    while (i < data.size() && state_ != State::done) {
        if (state_ == State::data) {
            const auto n =
                static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - i));
            i += n;
            remaining_ -= n;
            if (remaining_ == 0)
                state_ = State::data_cr;
            continue;
        }
        const char c = data[i++];
        // Every CR must be followed by LF, and every LF preceded by CR.
        if (state_ == State::lf) {
            if (c != '\n')
                return kBareCr;
            state_ = after_lf_;
            digits_ = 0;
            continue;
        }
        if (c == '\n')
            return kBareLf;
        switch (state_) {
        case State::size:
            if (const int v = HexDigitValue(c); v >= 0) {
                if (++digits_ > 16)
                    return "a chunk size of more than 16 hex digits";
                remaining_ = remaining_ * 16 + static_cast<unsigned>(v);
                break;
            }
            if (digits_ == 0)
                return "a chunk-size line without a size";
            [[fallthrough]];
        case State::extension:
            if (c == '\r')
                ExpectLf(remaining_ == 0 ? State::field_start : State::data);
            else
                state_ = State::extension;
            break;
        case State::data_cr:
            if (c != '\r')
                return "chunk data longer than its chunk size";
            ExpectLf(State::size);
            break;
        case State::field_start:
            if (c == ' ' || c == '\t')
                return "obsolete line folding in the trailer section of a chunked body";
            if (c == '\r')
                ExpectLf(State::done);
            else
                state_ = State::field;
            break;
        case State::field:
            if (c == '\r')
                ExpectLf(State::field_start);
            break;
        case State::lf:
        case State::data:
        case State::done:
            break;
        }
    }
    used = i;
    return nullptr;
}

} // namespace sealpost::http
