#include "age/AgeFileReader.hxx"

#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "age/Error.hxx"
#include "age/FileIo.hxx"
#include "age/HeaderScanner.hxx"

#include <algorithm>

namespace sealpost::age {

namespace {
constexpr std::size_t kHeaderReadStep = 4096;
} // namespace

AgeFileReader::AgeFileReader(int fd, const AgeIdentity& identity)
    : fd_(fd), sealed_(kSealedChunkSize), plain_(kChunkSize) {
    ReadHeader(identity);
}

std::size_t AgeFileReader::Fill(std::span<std::uint8_t> out) {
    const std::size_t from_pending = std::min(out.size(), pending_.size());
    std::copy_n(pending_.begin(), from_pending, out.begin());
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(from_pending));
    return from_pending + ReadFully(fd_, out.subspan(from_pending));
}

void AgeFileReader::ReadHeader(const AgeIdentity& identity) {
    std::vector<std::uint8_t> head;
    while (true) {
        const std::size_t old_size = head.size();
        head.resize(old_size + kHeaderReadStep);
        const std::size_t n = ReadFully(fd_, std::span{head}.subspan(old_size));
        head.resize(old_size + n);

        OpenedBlob opened;
        const AgeErrc result = OpenBlobStart(head, identity, opened);
        if (result == AgeErrc::ok) {
            payload_key_ = std::move(opened.payload_key);
            chunks_offset_ = opened.chunks_offset;
            pending_.assign(head.begin() + static_cast<std::ptrdiff_t>(chunks_offset_), head.end());
            return;
        }
        if (result != AgeErrc::incomplete)
            throw AgeError(result);
        if (n < kHeaderReadStep)
            throw AgeError(AgeErrc::truncated, "end of file inside the header");
        if (head.size() > kMaxHeaderSize + kPayloadNonceSize)
            throw AgeError(AgeErrc::header_too_large);
    }
}

void AgeFileReader::NextChunk() {
    const std::size_t n = Fill(sealed_);
    bool last = n < sealed_.size();
    if (!last) {
        // A full chunk is the final one exactly when nothing follows it.
        std::uint8_t next = 0;
        if (Fill({&next, 1}) == 0)
            last = true;
        else
            pending_.insert(pending_.begin(), next);
    }
    if (n < kChunkTagSize)
        throw AgeError(AgeErrc::truncated, n == 0 ? "missing final chunk" : "chunk cut short");

    const auto sealed = std::span{sealed_}.first(n);
    const auto plain = plain_.Span().first(n - kChunkTagSize);
    const AgeErrc result = OpenChunk(*payload_key_, index_, last, sealed, plain);
    if (result != AgeErrc::ok) {
        // Explain the failure when the opposite final flag would have verified;
        // the plaintext of that attempt is discarded either way.
        if (n == kSealedChunkSize &&
            OpenChunk(*payload_key_, index_, !last, sealed, plain) == AgeErrc::ok) {
            std::fill(plain.begin(), plain.end(), 0);
            throw AgeError(last ? AgeErrc::truncated : AgeErrc::trailing_data);
        }
        throw AgeError(result, "chunk " + std::to_string(index_));
    }
    plain_position_ = 0;
    plain_length_ = plain.size();
    ++index_;
    done_ = last;
}

std::size_t AgeFileReader::Read(std::span<std::uint8_t> out) {
    if (failed_)
        throw AgeError(AgeErrc::invalid_argument, "reader failed earlier");
    try {
        std::size_t done = 0;
        while (done < out.size()) {
            if (plain_position_ == plain_length_) {
                if (done_)
                    break;
                NextChunk();
                continue;
            }
            const std::size_t n = std::min(out.size() - done, plain_length_ - plain_position_);
            std::copy_n(plain_.data() + plain_position_, n, out.data() + done);
            plain_position_ += n;
            done += n;
        }
        return done;
    } catch (...) {
        failed_ = true;
        throw;
    }
}

void AgeFileReader::CopyTo(int out_fd) {
    sodium::SecretBuffer buffer(kChunkSize);
    while (true) {
        const std::size_t n = Read(buffer.Span());
        if (n == 0)
            break;
        WriteFully(out_fd, buffer.Span().first(n));
    }
}

} // namespace sealpost::age
