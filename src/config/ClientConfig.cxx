#include "config/ClientConfig.hxx"
#include "config/ConfigError.hxx"
#include "config/Suggest.hxx"
#include "config/Toml.hxx"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <sstream>
#include <vector>

namespace sealpost {

namespace {

using Problems = std::vector<std::string>;

void ReadString(const toml::node& node, std::string_view name, std::optional<std::string>& out,
                Problems& problems) {
    if (const auto value = node.value<std::string>())
        out = *value;
    else
        problems.push_back(fmt::format("{}: expected a string, got {}", name, TomlTypeName(node)));
}

void ReadInteger(const toml::node& node, std::string_view name, std::optional<std::int64_t>& out,
                 std::int64_t low, std::int64_t high, Problems& problems) {
    const auto value = node.is_integer() ? node.value<std::int64_t>() : std::nullopt;
    if (!value || *value < low || *value > high)
        problems.push_back(
            fmt::format("{}: expected a whole number from {} to {}", name, low, high));
    else
        out = *value;
}

void ReadBool(const toml::node& node, std::string_view name, std::optional<bool>& out,
              Problems& problems) {
    if (node.is_boolean())
        out = node.value<bool>();
    else
        problems.push_back(
            fmt::format("{}: expected true or false, got {}", name, TomlTypeName(node)));
}

void Unknown(std::string_view name, std::span<const std::string_view> known, Problems& problems) {
    std::string text = fmt::format("{}: unknown key", name);
    const auto dot = name.rfind('.');
    if (const auto near =
            ClosestMatch(dot == std::string_view::npos ? name : name.substr(dot + 1), known))
        text += fmt::format(" (did you mean {}?)", *near);
    problems.push_back(std::move(text));
}

constexpr std::array<std::string_view, 8> kTopKeys{"server", "token", "token_file", "from",
                                                   "name",   "phone", "cacert",     "send"};
constexpr std::array<std::string_view, 6> kSendKeys{"retention_days",    "language",
                                                    "notify_download",   "hide_filenames",
                                                    "generate_password", "parallel"};

} // namespace

ClientConfig LoadClientConfigFromString(std::string_view text, const std::string& source) {
    toml::table document;
    try {
        document = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(source, {fmt::format("line {}, column {}: not valid TOML: {}", where.line,
                                               where.column, e.description())});
    }
    ClientConfig config;
    Problems problems;
    for (const auto& [key, node] : document) {
        const std::string_view name = key.str();
        if (name == "server")
            ReadString(node, name, config.server, problems);
        else if (name == "token")
            ReadString(node, name, config.token, problems);
        else if (name == "token_file")
            ReadString(node, name, config.token_file, problems);
        else if (name == "from")
            ReadString(node, name, config.from, problems);
        else if (name == "name")
            ReadString(node, name, config.name, problems);
        else if (name == "phone")
            ReadString(node, name, config.phone, problems);
        else if (name == "cacert")
            ReadString(node, name, config.cacert, problems);
        else if (name == "send" && node.is_table()) {
            for (const auto& [send_key, value] : *node.as_table()) {
                const std::string dotted = "send." + std::string(send_key.str());
                const std::string_view k = send_key.str();
                if (k == "retention_days")
                    ReadInteger(value, dotted, config.retention_days, 1, 3650, problems);
                else if (k == "parallel")
                    ReadInteger(value, dotted, config.parallel, 1, 16, problems);
                else if (k == "language")
                    ReadString(value, dotted, config.language, problems);
                else if (k == "notify_download")
                    ReadBool(value, dotted, config.notify_download, problems);
                else if (k == "hide_filenames")
                    ReadBool(value, dotted, config.hide_filenames, problems);
                else if (k == "generate_password")
                    ReadBool(value, dotted, config.generate_password, problems);
                else
                    Unknown(dotted, kSendKeys, problems);
            }
        } else if (name == "send") {
            problems.push_back("send: expected a table [send]");
        } else {
            Unknown(name, kTopKeys, problems);
        }
    }
    if (config.language && *config.language != "en" && *config.language != "sv")
        problems.push_back("send.language: expected \"en\" or \"sv\"");
    if (config.token && config.token_file)
        problems.push_back("token, token_file: set one of them, not both");
    if (!problems.empty())
        throw ConfigError(source, problems);
    return config;
}

ClientConfig LoadClientConfig(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw ConfigError(path.string(), {"cannot read the file"});
    std::stringstream text;
    text << file.rdbuf();
    return LoadClientConfigFromString(text.str(), path.string());
}

} // namespace sealpost
