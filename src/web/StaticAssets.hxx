// The web UI files embedded into the binary at build time (tools/embed_static.py
// generates the table). Immutable, any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace sealpost::web {

struct Asset {
    std::string_view path; ///< URL path, e.g. "/app.js"
    std::string_view content_type;
    std::string_view data;
    std::string_view gzip; ///< empty when not worth compressing
    std::string_view etag; ///< quoted strong validator
};

extern const Asset kAssets[];
extern const std::size_t kAssetCount;

const Asset* FindAsset(std::string_view path) noexcept;

} // namespace sealpost::web
