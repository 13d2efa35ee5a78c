#include "store/WrapFiles.hxx"
#include "store/FileIo.hxx"
#include "store/Ids.hxx"
#include "store/UniqueFd.hxx"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace sealpost::store {
namespace {

std::string_view Suffix(WrapKind kind) noexcept {
    switch (kind) {
    case WrapKind::upload:
        return ".up";
    case WrapKind::password:
        return ".pw";
    case WrapKind::access:
        return ".grant";
    case WrapKind::quick:
        return ".q";
    case WrapKind::invitation:
        return ".inv";
    case WrapKind::shared:
        return ".sk";
    case WrapKind::code:
        return ".code";
    }
    return ".unknown";
}

} // namespace

WrapFiles::WrapFiles(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
}

std::filesystem::path WrapFiles::PathOf(std::string_view id, WrapKind kind) const {
    if (!IsValidId(id))
        throw std::invalid_argument("invalid wrap id");
    return dir_ / (std::string(id) + std::string(Suffix(kind)));
}

void WrapFiles::Put(std::string_view id, WrapKind kind,
                    std::span<const std::uint8_t> wrap) const {
    const auto path = PathOf(id, kind);
    auto temp = path;
    temp += ".tmp";
    {
        UniqueFd fd(::open(temp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600));
        if (!fd)
            ThrowErrno("create " + temp.filename().string());
        WriteAt(fd.get(), wrap, 0);
        if (::fsync(fd.get()) != 0)
            ThrowErrno("sync " + temp.filename().string());
    }
    if (::rename(temp.c_str(), path.c_str()) != 0)
        ThrowErrno("rename " + temp.filename().string());
    SyncDirectory(dir_);
}

std::optional<std::vector<std::uint8_t>> WrapFiles::Get(std::string_view id,
                                                        WrapKind kind) const {
    if (!IsValidId(id))
        return std::nullopt;
    const auto path = PathOf(id, kind);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return std::nullopt;
        ThrowErrno("open " + path.filename().string());
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        ThrowErrno("stat " + path.filename().string());
    // A code's bundle holds every shared key of an address; the rest are one key.
    const off_t limit = kind == WrapKind::code ? (off_t{1} << 20) : 4096;
    if (st.st_size <= 0 || st.st_size > limit)
        return std::nullopt; // a destroyed (zeroed, not yet unlinked) or foreign file
    std::vector<std::uint8_t> data(static_cast<std::size_t>(st.st_size));
    if (ReadAt(fd.get(), data, 0) != data.size())
        return std::nullopt; // being destroyed right now
    return data;
}

void WrapFiles::Destroy(std::string_view id, WrapKind kind) const {
    const auto path = PathOf(id, kind);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return;
        ThrowErrno("open " + path.filename().string());
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        ThrowErrno("stat " + path.filename().string());
    const std::vector<std::uint8_t> zeros(static_cast<std::size_t>(st.st_size), 0);
    // In place: no O_TRUNC, which would free the blocks without clearing them.
    WriteAt(fd.get(), zeros, 0);
    DataSync(fd.get());
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        ThrowErrno("unlink " + path.filename().string());
    SyncDirectory(dir_);
}

void WrapFiles::DestroyTransferWraps(std::string_view transfer_id,
                                     const std::vector<std::string>& download_ids) const {
    Destroy(transfer_id, WrapKind::upload);
    Destroy(transfer_id, WrapKind::password);
    for (const auto& id : download_ids) {
        Destroy(id, WrapKind::quick);
        Destroy(id, WrapKind::invitation);
    }
}

std::vector<std::pair<std::string, WrapKind>> WrapFiles::List() const {
    std::vector<std::pair<std::string, WrapKind>> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        const auto name = entry.path().filename().string();
        const auto dot = name.find('.');
        if (dot == std::string::npos)
            continue;
        const std::string id = name.substr(0, dot);
        const std::string_view suffix = std::string_view(name).substr(dot);
        for (const auto kind : {WrapKind::upload, WrapKind::password, WrapKind::access,
                                WrapKind::quick, WrapKind::invitation, WrapKind::shared,
                                WrapKind::code})
            if (suffix == Suffix(kind) && IsValidId(id))
                found.emplace_back(id, kind);
        if (suffix.ends_with(".tmp")) // an interrupted Put
            ::unlink(entry.path().c_str());
    }
    return found;
}

} // namespace sealpost::store
