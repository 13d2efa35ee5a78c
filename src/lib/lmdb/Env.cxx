#include "Env.hxx"
#include "Calls.hxx"

#include <algorithm>
#include <limits>
#include <utility>

namespace sealpost::lmdb {

Env::Env(const std::filesystem::path& dir, const EnvOptions& options) {
    if ((options.flags & MDB_NOSUBDIR) == 0)
        std::filesystem::create_directories(dir);

    env_ = call::EnvCreate();
    try {
        call::EnvSetMapSize(env_, options.map_size);
        call::EnvSetMaxDbs(env_, options.max_dbs);
        call::EnvSetMaxReaders(env_, options.max_readers);
        call::EnvOpen(env_, dir.c_str(), options.flags | MDB_NOTLS,
                      static_cast<mdb_mode_t>(options.file_mode));
        if ((options.flags & MDB_RDONLY) == 0)
            call::EnvReaderCheck(env_);
    } catch (...) {
        mdb_env_close(env_);
        env_ = nullptr;
        throw;
    }
}

Env& Env::operator=(Env&& other) noexcept {
    if (this != &other) {
        if (env_ != nullptr)
            mdb_env_close(env_);
        env_ = std::exchange(other.env_, nullptr);
    }
    return *this;
}

Env::~Env() {
    if (env_ != nullptr)
        mdb_env_close(env_);
}

void Env::CopyCompact(const std::filesystem::path& dir) const {
    call::EnvCopyCompact(env_, dir.c_str());
}

std::size_t Env::MapSize() const {
    return call::EnvInfo(env_).me_mapsize;
}

void Env::SetMapSize(std::size_t bytes) {
    call::EnvSetMapSize(env_, bytes);
}

std::size_t Env::Grow(std::size_t min_bytes) {
    const std::size_t current = MapSize();
    const std::size_t doubled = current > std::numeric_limits<std::size_t>::max() / 2
                                    ? std::numeric_limits<std::size_t>::max()
                                    : current * 2;
    SetMapSize(std::max(doubled, min_bytes));
    return MapSize();
}

void Env::Sync(bool force) {
    call::EnvSync(env_, force);
}

std::size_t Env::MaxKeySize() const noexcept {
    return static_cast<std::size_t>(mdb_env_get_maxkeysize(env_));
}

} // namespace sealpost::lmdb
