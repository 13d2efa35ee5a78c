#include "crypto/WrapContext.hxx"

#include <stdexcept>

namespace sealpost::crypto {
namespace {

void AppendField(std::vector<std::uint8_t>& out, std::string_view field) {
    if (field.size() > 0xffffffffu)
        throw std::invalid_argument("WrapContext: field too long");
    const auto length = static_cast<std::uint32_t>(field.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(length >> shift));
    out.insert(out.end(), field.begin(), field.end());
}

} // namespace

std::vector<std::uint8_t> WrapContext::Encode(std::uint8_t version) const {
    if (ids_.size() > 254)
        throw std::invalid_argument("WrapContext: too many ids");
    static constexpr std::string_view kTag = "sealpost-ad";
    std::vector<std::uint8_t> out(kTag.begin(), kTag.end());
    out.push_back(version);
    out.push_back(static_cast<std::uint8_t>(ids_.size() + 1));
    AppendField(out, purpose_);
    for (const auto id : ids_)
        AppendField(out, id);
    return out;
}

} // namespace sealpost::crypto
