#include "age/BlobStart.hxx"

#include "age/Header.hxx"
#include "lib/sodium/Random.hxx"

namespace sealpost::age {

BlobStart StartBlob(const AgeRecipient& recipient) {
    const FileKey file_key = FileKey::Random();
    PayloadNonce nonce{};
    sodium::RandomBytes(nonce);
    std::string prefix = BuildHeader(recipient, file_key);
    prefix.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
    return BlobStart{std::move(prefix), PayloadKey::Derive(file_key, nonce)};
}

AgeErrc OpenBlobStart(std::span<const std::uint8_t> data, const AgeIdentity& identity,
                      OpenedBlob& out) {
    out.payload_key.reset();
    out.chunks_offset = 0;
    ParsedHeader header;
    if (const AgeErrc result = ParseHeader(data, identity, header); result != AgeErrc::ok)
        return result;
    if (data.size() < header.size + kPayloadNonceSize)
        return AgeErrc::incomplete;
    const auto nonce = data.subspan(header.size).first<kPayloadNonceSize>();
    try {
        out.payload_key = PayloadKey::Derive(header.file_key, nonce);
    } catch (const std::runtime_error&) {
        return AgeErrc::internal;
    }
    out.chunks_offset = header.size + kPayloadNonceSize;
    return AgeErrc::ok;
}

} // namespace sealpost::age
