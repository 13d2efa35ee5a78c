#include "ListenAddress.hxx"
#include "IpNetwork.hxx"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace sealpost {

std::string ListenAddress::ToString() const {
    return IsIpv6() ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

ListenAddress ParseListenAddress(std::string_view text) {
    const auto fail = [&](std::string_view what) -> ListenAddress {
        throw std::invalid_argument(fmt::format("{}, got \"{}\"", what, text));
    };

    std::string_view host;
    std::string_view port_text;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return fail("expected [IPv6]:PORT with a closing bracket");
        host = text.substr(1, close - 1);
        if (close + 1 >= text.size() || text[close + 1] != ':')
            return fail("expected [IPv6]:PORT");
        port_text = text.substr(close + 2);
        if (!IsIpv6Literal(host))
            return fail("expected an IPv6 address inside the brackets");
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return fail("expected HOST:PORT");
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return fail("expected an IPv6 address in brackets, such as [::1]:8080");
        if (!IsIpv4Literal(host))
            return fail("expected an IP address such as 127.0.0.1 or [::1] as HOST");
    }

    unsigned port = 0;
    const char* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (port_text.empty() || ec == std::errc::invalid_argument || ptr != end)
        return fail("expected a numeric PORT after the colon");
    if (ec == std::errc::result_out_of_range || port > 65535)
        return fail("PORT must be in 0..65535");
    return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

} // namespace sealpost
