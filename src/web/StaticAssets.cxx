#include "web/StaticAssets.hxx"

namespace sealpost::web {

const Asset* FindAsset(std::string_view path) noexcept {
    for (std::size_t i = 0; i < kAssetCount; ++i)
        if (kAssets[i].path == path)
            return &kAssets[i];
    return nullptr;
}

} // namespace sealpost::web
