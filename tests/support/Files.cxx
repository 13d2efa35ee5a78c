#include "support/Files.hxx"
#include "support/Shell.hxx"

#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

namespace sealpost::test {

void MakeFile(const std::filesystem::path& file, std::uint64_t size, unsigned seed) {
    std::ofstream out(file, std::ios::binary);
    std::mt19937_64 rng(seed);
    std::vector<std::uint64_t> block(65536);
    while (size > 0) {
        for (auto& v : block)
            v = rng();
        const std::uint64_t n = std::min<std::uint64_t>(size, block.size() * 8);
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
        size -= n;
    }
}

std::string Sha256Hex(const std::filesystem::path& file) {
    int code = -1;
    const std::string out = Shell("sha256sum " + Quote(file.string()), &code);
    if (code != 0 || out.size() < 64)
        throw std::runtime_error("sha256sum failed for " + file.string());
    return out.substr(0, 64);
}

} // namespace sealpost::test
