#include "age/ThreadCipher.hxx"

#include <memory>

namespace sealpost::age {

evp::ChaCha20Poly1305* ThreadCipher() noexcept {
    thread_local std::unique_ptr<evp::ChaCha20Poly1305> cipher;
    if (!cipher) {
        try {
            cipher = std::make_unique<evp::ChaCha20Poly1305>();
        } catch (...) {
            return nullptr;
        }
    }
    return cipher.get();
}

} // namespace sealpost::age
