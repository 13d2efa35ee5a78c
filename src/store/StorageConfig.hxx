// The storage's options as sealpost.toml sets them: one mapping for the server
// (App) and the command line that opens the data folder beside it. Header-only,
// so the store library itself stays free of the configuration module.
#pragma once

#include "config/Config.hxx"
#include "store/Storage.hxx"

#include <algorithm>
#include <cstdint>

namespace sealpost::store {

inline StorageOptions StorageOptionsFrom(const Config& config) {
    StorageOptions options;
    options.data_dir = config.server.data_dir;
    options.max_transfer_size = config.limits.max_transfer_size;
    options.min_free_disk = config.limits.min_free_disk;
    options.upload_buffers = std::max<std::size_t>(
        2, static_cast<std::size_t>(config.limits.upload_memory / UploadSession::kBufferBytes));
    options.kdf_opslimit = config.kdf.opslimit;
    options.kdf_memlimit = config.kdf.memlimit;
    options.attempts.lock_after = static_cast<std::uint32_t>(config.security.lock_after);
    options.attempts.lock_seconds = static_cast<std::int64_t>(config.security.lock_minutes) * 60;
    options.attempts.delete_after = static_cast<std::uint32_t>(config.security.delete_after);
    return options;
}

} // namespace sealpost::store
