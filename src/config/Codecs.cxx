#include "Codecs.hxx"
#include "ValueSyntax.hxx"

#include <algorithm>

namespace sealpost {

const char* TomlTypeName(const toml::node& node) noexcept {
    switch (node.type()) {
    case toml::node_type::string:
        return "string";
    case toml::node_type::integer:
        return "integer";
    case toml::node_type::floating_point:
        return "float";
    case toml::node_type::boolean:
        return "boolean";
    case toml::node_type::array:
        return "array";
    case toml::node_type::table:
        return "table";
    case toml::node_type::date:
        return "date";
    case toml::node_type::time:
        return "time";
    case toml::node_type::date_time:
        return "date-time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

std::string TomlQuote(std::string_view text) {
    std::string quoted = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            quoted += "\\\"";
            break;
        case '\\':
            quoted += "\\\\";
            break;
        case '\n':
            quoted += "\\n";
            break;
        case '\t':
            quoted += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                quoted += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
            else
                quoted += c;
        }
    }
    return quoted + '"';
}

void BoolCodec::Read(const toml::node& node, bool& out, KeyProblems& problems) {
    if (const auto* value = node.as_boolean())
        out = value->get();
    else
        problems.Add(fmt::format("expected true or false, got {}", TomlTypeName(node)));
}

void ReadSize(const toml::node& node, std::uint64_t& out, KeyProblems& problems) {
    static constexpr std::string_view kExpected = "a size such as \"100GiB\"";
    if (const auto* value = node.as_integer()) {
        if (value->get() < 0)
            problems.Add(fmt::format("expected {}, got {}", kExpected, value->get()));
        else
            out = static_cast<std::uint64_t>(value->get());
        return;
    }
    ReadParsedString(node, out, problems, kExpected, ParseSize);
}

void ReadDuration(const toml::node& node, std::chrono::milliseconds& out, KeyProblems& problems) {
    static constexpr std::string_view kExpected = "a duration such as \"10s\"";
    if (const auto* value = node.as_integer()) {
        const std::int64_t seconds = value->get();
        if (seconds < 0)
            problems.Add(fmt::format("expected {}, got {}", kExpected, seconds));
        else if (seconds > std::numeric_limits<std::int64_t>::max() / 1000)
            problems.Add(fmt::format("duration {} seconds is too long", seconds));
        else
            out = std::chrono::milliseconds(seconds * 1000);
        return;
    }
    ReadParsedString(node, out, problems, kExpected, ParseDuration);
}

void ListenCodec::Read(const toml::node& node, ListenAddress& out, KeyProblems& problems) {
    ReadParsedString(node, out, problems, "HOST:PORT such as \"127.0.0.1:8080\"",
                     ParseListenAddress);
}

void TextCodec::Read(const toml::node& node, std::string& out, KeyProblems& problems) {
    ReadParsedString(node, out, problems, "a string", [](std::string_view text) {
        RequireSingleLine(text);
        return std::string(text);
    });
}

namespace {

/// Calls read_element(node, index) for each element, or reports a non-array.
template <typename F>
void ForEachElement(const toml::node& node, KeyProblems& problems, std::string_view expected,
                    F&& read_element) {
    const auto* array = node.as_array();
    if (array == nullptr) {
        problems.Add(fmt::format("expected an array of {}, got {}", expected, TomlTypeName(node)));
        return;
    }
    for (std::size_t i = 0; i < array->size(); ++i)
        read_element(*array->get(i), i);
}

template <typename T, typename F>
std::string FormatArray(const std::vector<T>& values, F&& format_element) {
    std::string text = "[";
    for (const auto& value : values)
        text += (text.size() > 1 ? ", " : "") + TomlQuote(format_element(value));
    return text + "]";
}

} // namespace

void DomainListCodec::Read(const toml::node& node, std::vector<std::string>& out,
                           KeyProblems& problems) {
    std::vector<std::string> domains;
    ForEachElement(node, problems, "domain names", [&](const toml::node& element, std::size_t i) {
        const auto* text = element.as_string();
        if (text == nullptr) {
            problems.AddAt(i, fmt::format("expected a domain name, got {}", TomlTypeName(element)));
            return;
        }
        try {
            auto domain = ParseDomainName(text->get());
            if (std::find(domains.begin(), domains.end(), domain) == domains.end())
                domains.push_back(std::move(domain));
        } catch (const std::invalid_argument& e) {
            problems.AddAt(i, e.what());
        }
    });
    if (!problems.Any())
        out = std::move(domains);
}

std::string DomainListCodec::Format(const std::vector<std::string>& value) {
    return FormatArray(value, [](const std::string& domain) { return domain; });
}

void DomainHintsCodec::Read(const toml::node& node, std::map<std::string, std::string>& out,
                            KeyProblems& problems) {
    const auto* table = node.as_table();
    if (table == nullptr) {
        problems.Add(
            fmt::format("expected a table of domain = \"message\", got {}", TomlTypeName(node)));
        return;
    }
    std::map<std::string, std::string> hints;
    for (const auto& [key, value] : *table) {
        const std::string_view domain_text = key.str();
        try {
            auto domain = ParseDomainName(domain_text);
            const auto* message = value.as_string();
            if (message == nullptr || message->get().empty())
                throw std::invalid_argument(
                    fmt::format("expected a message string, got {}",
                                message == nullptr ? TomlTypeName(value) : "an empty string"));
            RequireSingleLine(message->get());
            hints[std::move(domain)] = message->get();
        } catch (const std::invalid_argument& e) {
            problems.AddAt(domain_text, e.what());
        }
    }
    if (!problems.Any())
        out = std::move(hints);
}

std::string DomainHintsCodec::Format(const std::map<std::string, std::string>& value) {
    std::string text = "{";
    for (const auto& [domain, message] : value)
        text += fmt::format("{} {} = {}", text.size() > 1 ? "," : "", TomlQuote(domain),
                            TomlQuote(message));
    return text + (value.empty() ? "}" : " }");
}

void NetworkListCodec::Read(const toml::node& node, std::vector<IpNetwork>& out,
                            KeyProblems& problems) {
    std::vector<IpNetwork> networks;
    ForEachElement(node, problems, "IP addresses or CIDR networks",
                   [&](const toml::node& element, std::size_t i) {
                       const auto* text = element.as_string();
                       if (text == nullptr) {
                           problems.AddAt(i, fmt::format("expected an IP address or CIDR "
                                                         "network such as \"10.0.0.0/8\", got {}",
                                                         TomlTypeName(element)));
                           return;
                       }
                       try {
                           networks.push_back(ParseIpNetwork(text->get()));
                       } catch (const std::invalid_argument& e) {
                           problems.AddAt(i, e.what());
                       }
                   });
    if (!problems.Any())
        out = std::move(networks);
}

std::string NetworkListCodec::Format(const std::vector<IpNetwork>& value) {
    return FormatArray(value, [](const IpNetwork& network) { return network.ToString(); });
}

} // namespace sealpost
