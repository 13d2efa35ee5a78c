// Incremental HTTP/1.x request parser: a thin C++ face on llhttp. The parser is
// embedded as a member of its connection and reports to a ParserHandler whose
// callbacks run synchronously inside Execute() on the caller's thread.
// Callbacks return a ParserStep; Step::pause stops Execute() right after the
// current element so the caller can resume later from ExecuteResult::consumed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace sealpost::llhttp {

enum class Step { proceed, pause, fail };

class ParserHandler {
public:
    virtual Step OnMessageBegin() noexcept = 0;
    virtual Step OnUrl(std::string_view fragment) noexcept = 0;
    virtual Step OnHeaderField(std::string_view fragment) noexcept = 0;
    virtual Step OnHeaderValue(std::string_view fragment) noexcept = 0;
    virtual Step OnHeaderValueComplete() noexcept = 0;
    virtual Step OnHeadersComplete() noexcept = 0;
    virtual Step OnBody(std::string_view fragment) noexcept = 0;
    virtual Step OnMessageComplete() noexcept = 0;

protected:
    ~ParserHandler() = default;
};

struct ExecuteResult {
    enum class Status { ok, paused, error } status;
    std::size_t consumed; ///< bytes of the input that were processed
    const char* reason;   ///< llhttp's explanation when status == error
};

class HttpParser {
public:
    explicit HttpParser(ParserHandler& handler);
    ~HttpParser();
    HttpParser(const HttpParser&) = delete;
    HttpParser& operator=(const HttpParser&) = delete;

    ExecuteResult Execute(std::string_view data) noexcept;
    /// Call after Execute() reported `paused`, before executing the rest.
    void Resume() noexcept;
    /// Forgets all state (after an error, before reuse).
    void Reset() noexcept;

    // Valid from OnHeadersComplete on, for the current message.
    std::string_view Method() const noexcept;
    unsigned VersionMajor() const noexcept;
    unsigned VersionMinor() const noexcept;
    bool ShouldKeepAlive() const noexcept;
    bool IsChunked() const noexcept;
    bool HasContentLength() const noexcept;
    /// Declared Content-Length (only meaningful when HasContentLength()).
    std::uint64_t ContentLength() const noexcept;
    bool IsUpgrade() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::uint64_t declared_length_ = 0;
};

} // namespace sealpost::llhttp
