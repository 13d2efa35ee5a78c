#include "crypto/TransferKeys.hxx"

#include "crypto/KeyWrap.hxx"
#include "lib/sodium/X25519.hxx"

namespace sealpost::crypto {
namespace {
// W_up is wrapped under a key derived for it alone, never the raw server key.
constexpr std::string_view kUploadWrapLabel = "sealpost/v1/server-key/upload-wrap";
} // namespace

TransferKeys TransferKeys::Generate() {
    return TransferKeys{age::AgeIdentity::Generate()};
}

std::optional<TransferKeys> TransferKeys::FromSecret(std::optional<sodium::SecretBuffer> secret) {
    if (!secret || secret->size() != sodium::kX25519KeySize)
        return std::nullopt;
    return TransferKeys{
        age::AgeIdentity::FromSecretKey(std::span<const std::uint8_t, sodium::kX25519KeySize>{
            secret->data(), sodium::kX25519KeySize})};
}

std::vector<std::uint8_t> TransferKeys::WrapWithPassword(const PasswordKek& kek,
                                                         std::string_view transfer_id) const {
    return kek.Wrap({purpose::kTransferKeyPassword, {transfer_id}}, identity_.SecretKey());
}

std::optional<TransferKeys> TransferKeys::OpenWithPassword(const PasswordKek& kek,
                                                           std::string_view transfer_id,
                                                           std::span<const std::uint8_t> w_pw) {
    return FromSecret(kek.Unwrap({purpose::kTransferKeyPassword, {transfer_id}}, w_pw));
}

std::vector<std::uint8_t> TransferKeys::WrapForServer(const ServerKey& server_key,
                                                      std::string_view transfer_id) const {
    return KeyWrap::Wrap(server_key.Derive(kUploadWrapLabel),
                         {purpose::kTransferKeyServer, {transfer_id}}, identity_.SecretKey());
}

std::optional<TransferKeys> TransferKeys::OpenWithServerKey(const ServerKey& server_key,
                                                            std::string_view transfer_id,
                                                            std::span<const std::uint8_t> w_up) {
    return FromSecret(
        KeyWrap::Unwrap(server_key.Derive(kUploadWrapLabel),
                        {purpose::kTransferKeyServer, {transfer_id}}, w_up));
}

std::vector<std::uint8_t> TransferKeys::WrapForQuick(const SymmetricKey& shared_key,
                                                     std::string_view transfer_id,
                                                     std::string_view recipient) const {
    return KeyWrap::Wrap(shared_key, {purpose::kTransferKeyQuick, {transfer_id, recipient}},
                         identity_.SecretKey());
}

std::optional<TransferKeys> TransferKeys::OpenWithQuick(const SymmetricKey& shared_key,
                                                        std::string_view transfer_id,
                                                        std::string_view recipient,
                                                        std::span<const std::uint8_t> w_q) {
    return FromSecret(
        KeyWrap::Unwrap(shared_key, {purpose::kTransferKeyQuick, {transfer_id, recipient}}, w_q));
}

} // namespace sealpost::crypto
