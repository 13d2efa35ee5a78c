// AgeFileWriter: blocking, streaming encryption of a whole age file to a file
// descriptor, 64 KiB at a time in constant memory. For tests, CLI tools and
// admin commands; the server's upload path drives StartBlob/SealChunk itself.
// The writer does not own the descriptor and does not fsync it. Throws AgeError
// (io_error, internal). One thread at a time.
#pragma once

#include "age/AgeRecipient.hxx"
#include "age/PayloadKey.hxx"
#include "lib/sodium/SecretBuffer.hxx"

#include <cstdint>
#include <span>
#include <vector>

namespace sealpost::age {

class AgeFileWriter {
    int fd_;
    PayloadKey payload_key_;
    sodium::SecretBuffer plain_;
    std::vector<std::uint8_t> sealed_;
    std::size_t fill_ = 0;
    std::uint64_t index_ = 0;
    std::uint64_t plain_size_ = 0;
    bool finished_ = false;

    AgeFileWriter(int fd, PayloadKey payload_key);
    void SealAndWrite(bool last);

public:
    /// Writes the header and payload nonce for `recipient` to `fd` at once.
    AgeFileWriter(int fd, const AgeRecipient& recipient);

    AgeFileWriter(const AgeFileWriter&) = delete;
    AgeFileWriter& operator=(const AgeFileWriter&) = delete;

    void Write(std::span<const std::uint8_t> data);

    /// Writes the final chunk. Without it the file is truncated and every reader
    /// rejects it.
    void Finish();

    /// Reads `in_fd` to its end, encrypting everything, then calls Finish().
    void CopyFrom(int in_fd);

    std::uint64_t PlainSize() const noexcept { return plain_size_; }
};

} // namespace sealpost::age
