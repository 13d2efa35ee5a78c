// A fresh directory under the system's temporary folder, removed with
// everything in it when the object goes. For tests; any thread.
#pragma once

#include <filesystem>
#include <string_view>

namespace sealpost::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& Path() const noexcept { return path; }
    std::filesystem::path operator/(std::string_view name) const { return path / name; }

    std::filesystem::path path;
};

} // namespace sealpost::test
