#include "age/Header.hxx"

#include "age/X25519Stanza.hxx"
#include "lib/evp/Hkdf.hxx"
#include "lib/evp/Hmac.hxx"
#include "lib/sodium/Compare.hxx"
#include "util/Base64.hxx"

#include <array>
#include <new>
#include <optional>

namespace sealpost::age {
namespace {

std::array<std::uint8_t, kHeaderMacSize> HeaderMac(const FileKey& file_key,
                                                   std::span<const std::uint8_t> header) {
    sodium::SecretBytes<evp::kHmacSha256Size> mac_key;
    evp::Hkdf(mac_key.Span(), file_key.Span(), {}, evp::AsBytes("header"));
    std::array<std::uint8_t, kHeaderMacSize> mac{};
    evp::HmacSha256(mac, mac_key.Span(), header);
    return mac;
}

std::span<const std::uint8_t> AsBytes(const std::string& text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

AgeErrc FindFileKey(const ScannedHeader& scanned, const AgeIdentity& identity,
                    std::optional<FileKey>& file_key) {
    // An scrypt stanza must be alone (c2sp.org/age); any X25519 stanza must be
    // well-formed before any of them is tried.
    for (const auto& stanza : scanned.stanzas) {
        if (stanza.arguments.front() == "scrypt" && scanned.stanzas.size() != 1)
            return AgeErrc::malformed_header;
        if (IsX25519Stanza(stanza) && ValidateX25519Stanza(stanza) != AgeErrc::ok)
            return AgeErrc::malformed_header;
    }
    for (const auto& stanza : scanned.stanzas) {
        if (!IsX25519Stanza(stanza))
            continue;
        const AgeErrc result = UnwrapFileKeyX25519(stanza, identity, file_key);
        if (result != AgeErrc::ok)
            return result;
        if (file_key)
            return AgeErrc::ok;
    }
    return AgeErrc::no_matching_stanza;
}

} // namespace

std::string BuildHeader(const AgeRecipient& recipient, const FileKey& file_key) {
    std::string header = "age-encryption.org/v1\n";
    header += WrapFileKeyX25519(recipient, file_key).Format();
    header += "---";
    const auto mac = HeaderMac(file_key, AsBytes(header));
    header += ' ';
    header += Base64Encode(mac, Base64Alphabet::standard, false);
    header += '\n';
    return header;
}

AgeErrc ParseHeader(std::span<const std::uint8_t> data, const AgeIdentity& identity,
                    ParsedHeader& out) {
    out.file_key = FileKey{};
    out.size = 0;
    try {
        ScannedHeader scanned;
        if (const AgeErrc result = ScanHeader(data, scanned); result != AgeErrc::ok)
            return result;
        std::optional<FileKey> file_key;
        if (const AgeErrc result = FindFileKey(scanned, identity, file_key); result != AgeErrc::ok)
            return result;
        const auto mac = HeaderMac(*file_key, data.first(scanned.mac_input_size));
        if (!sodium::ConstantTimeEqual(mac, scanned.mac))
            return AgeErrc::bad_header_mac;
        out.file_key = std::move(*file_key);
        out.size = scanned.size;
        return AgeErrc::ok;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (...) {
        return AgeErrc::internal;
    }
}

} // namespace sealpost::age
