#include "age/FileIo.hxx"

#include "age/Error.hxx"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace sealpost::age {

std::size_t ReadFully(int fd, std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw AgeError(AgeErrc::io_error, std::strerror(errno));
        }
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

void WriteFully(int fd, std::span<const std::uint8_t> data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw AgeError(AgeErrc::io_error, std::strerror(errno));
        }
        data = data.subspan(static_cast<std::size_t>(n));
    }
}

} // namespace sealpost::age
