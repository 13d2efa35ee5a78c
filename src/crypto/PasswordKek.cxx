#include "crypto/PasswordKek.hxx"

#include "crypto/KeyWrap.hxx"

#include <algorithm>

namespace sealpost::crypto {
namespace {

void AppendU64(std::vector<std::uint8_t>& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint64_t ReadU64(std::span<const std::uint8_t> in) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i)
        value = (value << 8) | in[i];
    return value;
}

} // namespace

PasswordKek PasswordKek::Derive(std::string_view password, const KdfParams& params) {
    return Derive(password, RecordParams{params, NewKdfSalt()});
}

PasswordKek PasswordKek::Derive(std::string_view password, const RecordParams& record_params) {
    return PasswordKek{record_params.params, record_params.salt,
                       DeriveKek(password, record_params.salt, record_params.params)};
}

std::optional<PasswordKek::RecordParams>
PasswordKek::ReadParams(std::span<const std::uint8_t> record) {
    if (record.size() < kPrefixSize || record[0] != kVersion)
        return std::nullopt;
    RecordParams result;
    result.params.opslimit = ReadU64(record.subspan(1));
    result.params.memlimit = ReadU64(record.subspan(9));
    if (!result.params.IsValid())
        return std::nullopt;
    std::copy_n(record.begin() + 17, kKdfSaltSize, result.salt.begin());
    return result;
}

std::vector<std::uint8_t> PasswordKek::Wrap(const WrapContext& context,
                                            std::span<const std::uint8_t> secret) const {
    std::vector<std::uint8_t> record;
    record.reserve(kPrefixSize + KeyWrap::kOverhead + secret.size());
    record.push_back(kVersion);
    AppendU64(record, params_.opslimit);
    AppendU64(record, params_.memlimit);
    record.insert(record.end(), salt_.begin(), salt_.end());
    const auto wrapped = KeyWrap::Wrap(key_, context, secret);
    record.insert(record.end(), wrapped.begin(), wrapped.end());
    return record;
}

std::optional<sodium::SecretBuffer>
PasswordKek::Unwrap(const WrapContext& context, std::span<const std::uint8_t> record) const {
    const auto record_params = ReadParams(record);
    if (!record_params || !(record_params->params == params_) || record_params->salt != salt_)
        return std::nullopt;
    return KeyWrap::Unwrap(key_, context, record.subspan(kPrefixSize));
}

} // namespace sealpost::crypto
