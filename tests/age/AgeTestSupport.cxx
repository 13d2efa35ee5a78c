#include "AgeTestSupport.hxx"

#include "age/AgeFileReader.hxx"
#include "age/AgeFileWriter.hxx"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

namespace sealpost::test {
namespace {

/// An anonymous temporary file, closed on destruction.
class TempFile {
    std::FILE* file_ = std::tmpfile();

public:
    TempFile() {
        if (file_ == nullptr)
            throw std::runtime_error("tmpfile failed");
    }
    ~TempFile() { std::fclose(file_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    int Fd() const noexcept { return ::fileno(file_); }

    void Rewind() const { ::lseek(Fd(), 0, SEEK_SET); }

    std::vector<std::uint8_t> Contents() const {
        std::vector<std::uint8_t> out(static_cast<std::size_t>(::lseek(Fd(), 0, SEEK_END)));
        if (::pread(Fd(), out.data(), out.size(), 0) != static_cast<ssize_t>(out.size()))
            throw std::runtime_error("pread failed");
        return out;
    }
};

} // namespace

std::vector<std::uint8_t> EncryptBytes(const age::AgeRecipient& recipient,
                                       std::span<const std::uint8_t> plain, std::size_t piece) {
    TempFile file;
    age::AgeFileWriter writer{file.Fd(), recipient};
    while (!plain.empty()) {
        const std::size_t n = std::min(piece, plain.size());
        writer.Write(plain.first(n));
        plain = plain.subspan(n);
    }
    writer.Finish();
    return file.Contents();
}

DecryptOutcome DecryptBytes(const age::AgeIdentity& identity, std::span<const std::uint8_t> blob) {
    TempFile file;
    if (::write(file.Fd(), blob.data(), blob.size()) != static_cast<ssize_t>(blob.size()))
        throw std::runtime_error("write failed");
    file.Rewind();
    DecryptOutcome outcome;
    try {
        age::AgeFileReader reader{file.Fd(), identity};
        std::vector<std::uint8_t> buffer(50000);
        while (const std::size_t n = reader.Read(buffer))
            outcome.plain.insert(outcome.plain.end(), buffer.begin(),
                                 buffer.begin() + static_cast<std::ptrdiff_t>(n));
    } catch (const age::AgeError& error) {
        outcome.error = error.Code();
    }
    return outcome;
}

} // namespace sealpost::test
