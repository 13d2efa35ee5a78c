#include "store/FileIo.hxx"
#include "store/Rekey.hxx"
#include "age/BlobLayout.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "log/Log.hxx"
#include "store/BlobSource.hxx"
#include "store/BlobStore.hxx"
#include "store/Index.hxx"

#include <unistd.h>

#include <stdexcept>

namespace sealpost::store {
namespace {

std::span<const std::uint8_t> PrefixBytes(const std::string& prefix) {
    return {reinterpret_cast<const std::uint8_t*>(prefix.data()), prefix.size()};
}

constexpr std::size_t kBatchChunks = 16; // 1 MiB of plaintext per read

age::OpenedBlob ReadBlobStart(int fd, const age::AgeIdentity& identity) {
    // The header of one X25519 stanza is about 200 bytes; read generously.
    std::vector<std::uint8_t> head(4096);
    head.resize(ReadAt(fd, head, 0));
    age::OpenedBlob opened;
    if (age::OpenBlobStart(head, identity, opened) != age::AgeErrc::ok || !opened.payload_key)
        throw std::runtime_error("the partial blob's header is damaged");
    return opened;
}

} // namespace

LoadedPart LoadPart(const BlobStore& blobs, Index& index, FileRecord& file,
                    const age::AgeIdentity& identity, const age::AgeRecipient& recipient) {
    LoadedPart part;
    UniqueFd fd = blobs.OpenPart(file.id);
    age::OpenedBlob opened = ReadBlobStart(fd.get(), identity);
    if (opened.chunks_offset != file.chunks_offset) {
        // Only after a crash between a re-key's rename and its index update
        // (the header size is fixed for one X25519 stanza, so not expected).
        file.chunks_offset = opened.chunks_offset;
        index.UpdateFileLayout(file);
    }
    const age::PayloadKey& old_key = *opened.payload_key;
    const std::uint64_t durable_chunks = file.offset / age::kChunkSize;
    const age::BlobLayout old_layout(file.chunks_offset, file.size);
    const std::uint64_t keep = old_layout.ChunkOffset(durable_chunks);
    const std::uint64_t on_disk = FileSize(fd.get());
    if (on_disk < keep)
        throw std::runtime_error("the partial blob is shorter than its durable offset");
    auto hashes = std::make_unique<FileHashes>();

    if (on_disk == keep) {
        // Nothing was written past the durable prefix: keep the key.
        OpenBlobFile blob{UniqueFd(::dup(fd.get())), std::move(*opened.payload_key), old_layout};
        std::vector<std::uint8_t> buffer(kBatchChunks * age::kChunkSize);
        for (std::uint64_t done_bytes = 0; done_bytes < file.offset;) {
            const std::size_t n = static_cast<std::size_t>(
                std::min<std::uint64_t>(buffer.size(), file.offset - done_bytes));
            ReadPlain(blob, done_bytes, std::span(buffer).first(n));
            hashes->sha256.Update(std::span(buffer).first(n));
            hashes->crc.Update(std::span(buffer).first(n));
            done_bytes += n;
        }
        part.key.emplace(std::move(blob.key));
        part.fd = std::move(fd);
        part.hashes = std::move(hashes);
        return part;
    }

    // Re-key: every durable chunk is opened with the old key, hashed, and
    // sealed in place with the new one; the tail is left behind.
    auto start = age::StartBlob(recipient);
    UniqueFd out = blobs.CreateRekey(file.id);
    WriteAt(out.get(), PrefixBytes(start.prefix), 0);
    const age::BlobLayout new_layout(start.ChunksOffset(), file.size);
    std::vector<std::uint8_t> batch(kBatchChunks * age::kSealedChunkSize);
    constexpr std::uint64_t kWritebackEvery = 8u << 20;
    std::uint64_t unsynced_from = new_layout.ChunkOffset(0);
    for (std::uint64_t first = 0; first < durable_chunks;) {
        const std::uint64_t count = std::min<std::uint64_t>(kBatchChunks, durable_chunks - first);
        const auto sealed = std::span(batch).first(count * age::kSealedChunkSize);
        if (ReadAt(fd.get(), sealed, old_layout.ChunkOffset(first)) != sealed.size())
            throw std::runtime_error("the partial blob is truncated");
        for (std::uint64_t i = 0; i < count; ++i) {
            // Durable chunks are whole and never the final one.
            const auto chunk = sealed.subspan(i * age::kSealedChunkSize, age::kSealedChunkSize);
            const auto plain = chunk.first(age::kChunkSize);
            if (age::OpenChunk(old_key, first + i, false, chunk, plain) != age::AgeErrc::ok)
                throw std::runtime_error("a durable chunk of the partial blob is damaged");
            hashes->sha256.Update(plain);
            hashes->crc.Update(plain);
            if (age::SealChunk(start.payload_key, first + i, false, plain, chunk) !=
                age::AgeErrc::ok)
                throw std::runtime_error("sealing a chunk failed");
        }
        const std::uint64_t at = new_layout.ChunkOffset(first);
        WriteAt(out.get(), sealed, at);
        if (at + sealed.size() - unsynced_from >= kWritebackEvery) {
            StartWriteback(out.get(), unsynced_from, at + sealed.size() - unsynced_from);
            unsynced_from = at + sealed.size();
        }
        first += count;
    }
    DataSync(out.get());
    blobs.ReplacePart(file.id);
    if (file.chunks_offset != start.ChunksOffset()) {
        file.chunks_offset = start.ChunksOffset();
        index.UpdateFileLayout(file);
    }
    part.key.emplace(std::move(start.payload_key));
    part.fd = std::move(out);
    part.hashes = std::move(hashes);
    part.rekeyed = true;
    log::Write(log::Level::info, "upload_rekeyed", {{"file_id", file.id}});
    return part;
}

} // namespace sealpost::store
