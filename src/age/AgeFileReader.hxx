// AgeFileReader: blocking, streaming decryption of an age file from a file
// descriptor (pipes included), 64 KiB at a time in constant memory. For tests,
// CLI tools and admin commands; the server's download path uses OpenBlobStart,
// BlobLayout and OpenChunk directly.
//
// Only authenticated plaintext is ever returned. A chunk is final when the input
// ends right after it, so truncation, reordering, a wrong final flag, trailing
// data or a modified byte all end in AgeError before the affected chunk's
// plaintext is returned (chunks verified before it have been returned already,
// as with any streaming reader: treat the output as void on error). Does not own
// the descriptor. One thread at a time.
#pragma once

#include "age/AgeIdentity.hxx"
#include "age/PayloadKey.hxx"
#include "lib/sodium/SecretBuffer.hxx"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sealpost::age {

class AgeFileReader {
    int fd_;
    std::optional<PayloadKey> payload_key_;
    std::uint64_t chunks_offset_ = 0;
    /// Bytes read from fd_ but not consumed yet (read-ahead of header and peek).
    std::vector<std::uint8_t> pending_;
    std::vector<std::uint8_t> sealed_;
    sodium::SecretBuffer plain_;
    std::size_t plain_position_ = 0;
    std::size_t plain_length_ = 0;
    std::uint64_t index_ = 0;
    bool done_ = false;
    bool failed_ = false;

    std::size_t Fill(std::span<std::uint8_t> out);
    void ReadHeader(const AgeIdentity& identity);
    void NextChunk();

public:
    /// Reads and authenticates the header; throws AgeError (wrong identity,
    /// malformed or modified header, truncation, io_error).
    AgeFileReader(int fd, const AgeIdentity& identity);

    AgeFileReader(const AgeFileReader&) = delete;
    AgeFileReader& operator=(const AgeFileReader&) = delete;

    /// Copies up to out.size() bytes of verified plaintext into `out`; returns 0
    /// only after the final chunk has been verified. Throws AgeError.
    std::size_t Read(std::span<std::uint8_t> out);

    /// Decrypts everything that remains into `out_fd`. Throws AgeError.
    void CopyTo(int out_fd);

    /// Offset of chunk 0 in the file (header size + 16).
    std::uint64_t ChunksOffset() const noexcept { return chunks_offset_; }
};

} // namespace sealpost::age
