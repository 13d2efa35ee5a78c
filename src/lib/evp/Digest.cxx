#include "lib/evp/Digest.hxx"

#include <openssl/evp.h>

#include <new>
#include <stdexcept>

namespace sealpost::evp {
namespace {

const EVP_MD* MdOf(DigestAlgorithm algorithm) noexcept {
    return algorithm == DigestAlgorithm::sha1 ? EVP_sha1() : EVP_sha256();
}

} // namespace

struct Digest::Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();

    Context() {
        if (ctx == nullptr)
            throw std::bad_alloc();
    }
    ~Context() { EVP_MD_CTX_free(ctx); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
};

Digest::Digest(DigestAlgorithm algorithm)
    : context_(std::make_unique<Context>()), algorithm_(algorithm) {
    Reset();
}

Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

std::size_t Digest::SizeOf(DigestAlgorithm algorithm) noexcept {
    return algorithm == DigestAlgorithm::sha1 ? kSha1Size : kSha256Size;
}

void Digest::Reset() {
    if (EVP_DigestInit_ex(context_->ctx, MdOf(algorithm_), nullptr) != 1)
        throw std::runtime_error("EVP_DigestInit_ex failed");
}

void Digest::Update(std::span<const std::uint8_t> data) {
    if (data.empty())
        return;
    if (EVP_DigestUpdate(context_->ctx, data.data(), data.size()) != 1)
        throw std::runtime_error("EVP_DigestUpdate failed");
}

void Digest::Finish(std::span<std::uint8_t> out) {
    if (out.size() != Size())
        throw std::invalid_argument("Digest::Finish: wrong output size");
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->ctx, out.data(), &length) != 1 || length != out.size())
        throw std::runtime_error("EVP_DigestFinal_ex failed");
    Reset();
}

std::vector<std::uint8_t> Digest::Finish() {
    std::vector<std::uint8_t> out(Size());
    Finish(out);
    return out;
}

std::array<std::uint8_t, kSha256Size> Sha256(std::span<const std::uint8_t> data) {
    std::array<std::uint8_t, kSha256Size> out{};
    unsigned int length = 0;
    static const std::uint8_t kEmpty = 0;
    if (EVP_Digest(data.empty() ? &kEmpty : data.data(), data.size(), out.data(), &length,
                   EVP_sha256(), nullptr) != 1 ||
        length != out.size())
        throw std::runtime_error("SHA-256 failed");
    return out;
}

} // namespace sealpost::evp
