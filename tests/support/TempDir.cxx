#include "support/TempDir.hxx"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace sealpost::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sealpost-test-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

} // namespace sealpost::test
