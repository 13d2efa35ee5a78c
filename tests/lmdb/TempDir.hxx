// A fresh directory under the system temp dir, removed with everything in it when the
// object is destroyed. For tests; one thread.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace sealpost::test {

class TempDir {
    std::filesystem::path path_;

public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "sealpost-test-XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& Path() const noexcept { return path_; }
};

} // namespace sealpost::test
