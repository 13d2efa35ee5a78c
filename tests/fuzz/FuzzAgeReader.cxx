// libFuzzer target: the age reader (age/AgeFileReader.hxx, age/Header.hxx) on
// files of three shapes, chosen by the first input byte:
//   0  the input is the whole file (version line, stanzas, MAC, payload);
//   1  a valid header for the target's identity, then the input as payload
//      (nonce and chunks: sizes, final flags, truncation, trailing data);
//   2  the input is the plaintext of a real age file, which is then changed at
//      the place the last input bytes name (one byte flipped, cut short, or a
//      byte appended).
// Invariant of shape 2: reading never returns bytes other than the plaintext —
// an unchanged file reads back exactly, a changed one fails with AgeError
// before any byte of an affected chunk is returned.
#include "FuzzCheck.hxx"
#include "age/AgeFileReader.hxx"
#include "age/AgeFileWriter.hxx"
#include "age/Error.hxx"
#include "age/Header.hxx"

#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

using namespace sealpost;

namespace {

const age::AgeIdentity& Identity() {
    static const age::AgeIdentity identity = [] {
        std::array<std::uint8_t, sodium::kX25519KeySize> secret;
        secret.fill(0x42);
        return age::AgeIdentity::FromSecretKey(secret);
    }();
    return identity;
}

const std::string& ValidHeader() {
    static const std::string header = [] {
        std::array<std::uint8_t, age::kFileKeySize> raw;
        raw.fill(0x17);
        return age::BuildHeader(Identity().Recipient(), age::FileKey(std::span(raw)));
    }();
    return header;
}

class MemFile {
public:
    MemFile() : fd_(::memfd_create("fuzz-age", 0)) { FUZZ_CHECK(fd_ >= 0); }
    ~MemFile() { ::close(fd_); }
    int fd() const { return fd_; }
    void Write(std::string_view data) {
        FUZZ_CHECK(::pwrite(fd_, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size()));
        FUZZ_CHECK(::lseek(fd_, 0, SEEK_SET) == 0);
    }
    std::string ReadAll() {
        std::string out(static_cast<std::size_t>(::lseek(fd_, 0, SEEK_END)), '\0');
        FUZZ_CHECK(::pread(fd_, out.data(), out.size(), 0) == static_cast<ssize_t>(out.size()));
        FUZZ_CHECK(::lseek(fd_, 0, SEEK_SET) == 0);
        return out;
    }
    void Truncate(std::size_t size) { FUZZ_CHECK(::ftruncate(fd_, static_cast<off_t>(size)) == 0); }

private:
    int fd_;
};

/// Reads the whole file; the plaintext, or nullopt after an AgeError (with
/// what was returned before it in `partial`).
std::optional<std::string> ReadBack(int fd, std::string* partial = nullptr) {
    std::string plain;
    try {
        age::AgeFileReader reader(fd, Identity());
        std::array<std::uint8_t, 4096> buffer;
        while (const std::size_t n = reader.Read(buffer))
            plain.append(reinterpret_cast<const char*>(buffer.data()), n);
    } catch (const age::AgeError&) {
        if (partial)
            *partial = std::move(plain);
        return std::nullopt;
    }
    return plain;
}

void ParseOnly(std::string_view file) {
    age::ParsedHeader parsed;
    (void)age::ParseHeader(
        std::span(reinterpret_cast<const std::uint8_t*>(file.data()), file.size()), Identity(),
        parsed);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const int shape = data[0] % 3;
    std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    MemFile file;

    if (shape == 0) {
        ParseOnly(input);
        file.Write(input);
        (void)ReadBack(file.fd());
        (void)age::AgeIdentity::FromKeyFile(input);
        return 0;
    }
    if (shape == 1) {
        const std::string whole = ValidHeader() + std::string(input);
        ParseOnly(whole);
        file.Write(whole);
        (void)ReadBack(file.fd());
        return 0;
    }

    // Shape 2: the last 5 bytes say what to change (kind, position).
    std::uint8_t kind = 0;
    std::uint32_t position = 0;
    if (input.size() >= 5) {
        kind = static_cast<std::uint8_t>(input.back());
        std::memcpy(&position, input.data() + input.size() - 5, 4);
        input.remove_suffix(5);
    }
    {
        age::AgeFileWriter writer(file.fd(), Identity().Recipient());
        writer.Write(std::span(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
        writer.Finish();
    }
    std::string sealed = file.ReadAll();
    const std::size_t at = position % sealed.size();
    bool changed = true;
    switch (kind % 4) {
    case 0:
        changed = false;
        break;
    case 1:
        sealed[at] = static_cast<char>(sealed[at] ^ (1u << (position >> 29)));
        break;
    case 2:
        sealed.resize(at);
        file.Truncate(0);
        break;
    case 3:
        sealed.insert(sealed.begin() + static_cast<std::ptrdiff_t>(at), '\x5a');
        break;
    }
    file.Write(sealed);
    std::string partial;
    const auto plain = ReadBack(file.fd(), &partial);
    FUZZ_CHECK(input.starts_with(partial));
    if (!changed)
        FUZZ_CHECK(plain && *plain == input);
    else if (plain)
        FUZZ_CHECK(*plain == input);
    return 0;
}
