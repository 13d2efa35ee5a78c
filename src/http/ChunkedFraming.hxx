// The framing of a chunked request body, checked before llhttp reads it.
// llhttp 8 (not built strict) accepts any byte where a CRLF must end a
// chunk-size line, chunk data or the trailer section, and a bare LF as the
// end of a trailer line; a proxy in front may frame such a body differently
// (request smuggling). This scanner follows RFC 9112 section 7.1 only as far
// as line ends and chunk lengths go (llhttp still checks the rest) and refuses
// every line end that is not CRLF. Loop thread; one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sealpost::http {

class ChunkedFraming {
public:
    /// Scans the next bytes of the body. Returns the reason for a 400, or
    /// nullptr; `used` receives how many bytes of `data` belong to the body
    /// (fewer than data.size() once the body ended inside it).
    const char* Scan(std::string_view data, std::size_t& used) noexcept;
    /// The whole body, trailer section included, was scanned.
    bool done() const noexcept { return state_ == State::done; }

private:
    enum class State {
        size,        ///< hex digits of the chunk size
        extension,   ///< after the size, up to the CR of the line
        data,        ///< `remaining_` bytes of chunk data
        data_cr,     ///< the CR after chunk data
        field_start, ///< a trailer line, or the empty line that ends the body
        field,
        lf, ///< the LF after a CR, then after_lf_
        done,
    };
    void ExpectLf(State next) noexcept {
        state_ = State::lf;
        after_lf_ = next;
    }
    State state_ = State::size;
    State after_lf_ = State::size;
    std::uint64_t remaining_ = 0;
    unsigned digits_ = 0;
};

} // namespace sealpost::http
