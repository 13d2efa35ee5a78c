// OutputFolder: where `sealpost download` writes, and the guarantee that it writes
// nowhere else whatever names the server sends. A name is cut at '/' and '\',
// empty, "." and ".." parts are dropped, control characters (NUL included) become
// '_', and every folder on the way is opened with O_NOFOLLOW relative to the one
// before (openat), so neither "../../x", an absolute path nor a symbolic link
// planted inside the folder leads outside it. A file is written under a temporary
// name next to its final one (kept for resuming) and renamed into place when it is
// complete. Main thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sealpost::client {

class OutputFolder {
    int fd_ = -1;
    std::filesystem::path path_;

public:
    /// Opens (creating) the folder. Throws ClientError.
    explicit OutputFolder(const std::filesystem::path& path);
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    /// The parts of the safe relative name for `name` (never empty).
    static std::vector<std::string> SafeParts(const std::string& name, const std::string& fallback);

    /// An open file, its folder and the names in it.
    struct Target {
        int dir_fd = -1;
        std::string final_name;
        std::string part_name;
        std::string shown; ///< the relative path, for messages
        Target() = default;
        Target(Target&&) noexcept;
        Target& operator=(Target&&) = delete;
        ~Target();
    };

    /// Opens the folders of `parts` (creating them).
    Target Resolve(const std::vector<std::string>& parts) const;

    /// Whether the final name exists (without following a link).
    static bool Exists(const Target& target);
    /// The size of the partial file, 0 when there is none.
    static std::uint64_t PartSize(const Target& target);
    /// Opens the partial file for writing: appending, or truncated when `fresh`.
    static int OpenPart(const Target& target, bool fresh);
    /// Renames the partial file to its final name (replacing what is there).
    static void Commit(const Target& target);
    static void RemovePart(const Target& target);

    const std::filesystem::path& Path() const noexcept { return path_; }
};

} // namespace sealpost::client
