#include "age/AgeFileWriter.hxx"

#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "age/Error.hxx"
#include "age/FileIo.hxx"

#include <algorithm>

namespace sealpost::age {

AgeFileWriter::AgeFileWriter(int fd, PayloadKey payload_key)
    : fd_(fd), payload_key_(std::move(payload_key)), plain_(kChunkSize), sealed_(kSealedChunkSize) {
}

AgeFileWriter::AgeFileWriter(int fd, const AgeRecipient& recipient)
    : AgeFileWriter(fd, [&] {
          BlobStart start = StartBlob(recipient);
          WriteFully(fd, {reinterpret_cast<const std::uint8_t*>(start.prefix.data()),
                          start.prefix.size()});
          return std::move(start.payload_key);
      }()) {}

void AgeFileWriter::SealAndWrite(bool last) {
    const auto plain = plain_.Span().first(fill_);
    const auto sealed = std::span{sealed_}.first(fill_ + kChunkTagSize);
    if (const AgeErrc result = SealChunk(payload_key_, index_, last, plain, sealed);
        result != AgeErrc::ok)
        throw AgeError(result);
    WriteFully(fd_, sealed);
    ++index_;
    fill_ = 0;
}

void AgeFileWriter::Write(std::span<const std::uint8_t> data) {
    if (finished_)
        throw AgeError(AgeErrc::invalid_argument, "write after Finish");
    while (!data.empty()) {
        // A full buffer is sealed only once more data arrives: until then it
        // may still turn out to be the final chunk.
        if (fill_ == kChunkSize)
            SealAndWrite(false);
        const std::size_t n = std::min(kChunkSize - fill_, data.size());
        std::copy_n(data.begin(), n, plain_.data() + fill_);
        fill_ += n;
        plain_size_ += n;
        data = data.subspan(n);
    }
}

void AgeFileWriter::Finish() {
    if (finished_)
        return;
    SealAndWrite(true);
    finished_ = true;
}

void AgeFileWriter::CopyFrom(int in_fd) {
    sodium::SecretBuffer buffer(kChunkSize);
    while (true) {
        const std::size_t n = ReadFully(in_fd, buffer.Span());
        Write(buffer.Span().first(n));
        if (n < buffer.size())
            break;
    }
    Finish();
}

} // namespace sealpost::age
