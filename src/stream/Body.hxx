// Streaming interfaces between a connection and the code that produces or
// consumes a body (request handlers, the storage), both
// used on the loop thread only.
//
// BodyConsumer receives a request body as it arrives. Returning false from
// OnBodyData stops the connection from reading the socket until the consumer
// calls Exchange::ResumeBody() — this is the upload backpressure.
//
// ResponseSource produces a response body on demand: the connection calls
// Pull() whenever its send queue has room; the source answers with exactly one
// ResponseSink::Push(), now or later (after threadpool work). A slow reader
// therefore never makes the server buffer more than a few pieces.
#pragma once

#include "stream/Bytes.hxx"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace sealpost::stream {

class BodyConsumer {
public:
    virtual ~BodyConsumer() = default;
    /// A fragment of the body; return false to pause reading.
    virtual bool OnBodyData(std::span<const std::uint8_t> data) noexcept = 0;
    /// How many more body bytes the consumer can take now without holding
    /// memory beyond its bound; the connection sizes its socket reads to it
    /// and does not read while it is 0 (the consumer then calls
    /// Exchange::ResumeBody() when it has room again). OnBodyData must still
    /// accept whatever it is given.
    virtual std::size_t Room() noexcept { return SIZE_MAX; }
    /// Memory where the connection may read the next body bytes (raw body
    /// bytes only: no chunk framing, no TLS records) so that they need no
    /// copy: the next OnBodyData then starts at its first byte. Empty: no such
    /// place; the connection reads into its own buffer. Asked after Room().
    virtual std::span<std::uint8_t> ReadBuffer() noexcept { return {}; }
    /// The whole body has arrived.
    virtual void OnBodyEnd() noexcept = 0;
    /// The body will never complete (client gone, malformed, limit exceeded).
    /// The consumer is destroyed right after; pending async work must not
    /// refer to it afterwards.
    virtual void OnBodyAbort() noexcept = 0;
};

class ResponseSink {
public:
    /// Hands the next piece of the body to the connection; `last` ends it.
    virtual void Push(Bytes data, bool last) noexcept = 0;
    /// The body cannot be completed: the connection is closed.
    virtual void Fail() noexcept = 0;

protected:
    ~ResponseSink() = default;
};

class ResponseSource {
public:
    virtual ~ResponseSource() = default;
    /// Produce the next piece and call sink.Push() exactly once.
    virtual void Pull(ResponseSink& sink) noexcept = 0;
    /// The connection went away: the sink must not be used any more. The
    /// source is destroyed right after.
    virtual void Cancel() noexcept {}
};

} // namespace sealpost::stream
