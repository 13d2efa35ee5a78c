#include "LoadConfig.hxx"
#include "Codecs.hxx"
#include "ConfigError.hxx"
#include "Consistency.hxx"
#include "Fields.hxx"
#include "Suggest.hxx"
#include "ValueSyntax.hxx"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <numeric>
#include <sstream>
#include <system_error>
#include <vector>

namespace sealpost {

namespace {

/// Problems in the order of the lines they refer to; checks that span keys come last.
class Problems {
    std::vector<std::string> messages_;
    std::vector<std::uint32_t> lines_;

public:
    std::vector<std::string>& Messages() noexcept { return messages_; }

    /// Tags the messages added since the last call with line.
    void TagNew(std::uint32_t line) { lines_.resize(messages_.size(), line); }

    std::vector<std::string> Sorted() {
        TagNew(UINT32_MAX);
        std::vector<std::size_t> order(messages_.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return lines_[a] < lines_[b]; });
        std::vector<std::string> sorted;
        for (const auto i : order)
            sorted.push_back(std::move(messages_[i]));
        return sorted;
    }
};

const Field* FindField(std::string_view section, std::string_view key) noexcept {
    for (const Field& field : AllFields())
        if (field.section == section && field.key == key)
            return &field;
    return nullptr;
}

bool IsSection(std::string_view name) noexcept {
    const auto sections = AllSections();
    return std::find(sections.begin(), sections.end(), name) != sections.end();
}

/// "did you mean" for a key: the same name in another section, else a close name in the
/// same section.
std::string UnknownKey(std::string_view section, std::string_view key) {
    const auto name = section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
    for (const Field& field : AllFields())
        if (field.key == key)
            return fmt::format("{}: unknown key (did you mean \"{}\"?)", name, field.DottedName());
    if (section.empty())
        return fmt::format("{}: unknown key; keys belong in a section such as [server]", name);

    std::vector<std::string_view> same_section;
    for (const Field& field : AllFields())
        if (field.section == section)
            same_section.push_back(field.key);
    if (const auto match = ClosestMatch(key, same_section))
        return fmt::format("{}: unknown key (did you mean \"{}.{}\"?)", name, section, *match);
    std::string known;
    for (const auto candidate : same_section)
        known += (known.empty() ? "" : ", ") + std::string(candidate);
    return fmt::format("{}: unknown key (keys of [{}]: {})", name, section, known);
}

std::string UnknownSection(std::string_view name) {
    if (const auto match = ClosestMatch(name, AllSections()))
        return fmt::format("{}: unknown section (did you mean [{}]?)", name, *match);
    std::string known;
    for (const auto section : AllSections())
        known += (known.empty() ? "" : ", ") + std::string(section);
    return fmt::format("{}: unknown section (sections: {})", name, known);
}

void ReadSection(std::string_view section, const toml::table& table, Config& config,
                 Problems& problems) {
    for (const auto& [key, node] : table) {
        if (const Field* field = FindField(section, key.str())) {
            KeyProblems key_problems(problems.Messages(), field->DottedName());
            field->read(node, config, key_problems);
        } else {
            problems.Messages().push_back(UnknownKey(section, key.str()));
        }
        problems.TagNew(node.source().begin.line);
    }
}

void ReadDocument(const toml::table& document, Config& config, Problems& problems) {
    for (const auto& [name_key, node] : document) {
        const std::string_view name = name_key.str();
        const auto* table = node.as_table();
        if (IsSection(name) && table != nullptr)
            ReadSection(name, *table, config, problems);
        else if (IsSection(name))
            problems.Messages().push_back(
                fmt::format("{}: expected a table [{}], got {}", name, name, TomlTypeName(node)));
        else if (table != nullptr)
            problems.Messages().push_back(UnknownSection(name));
        else
            problems.Messages().push_back(UnknownKey("", name));
        problems.TagNew(node.source().begin.line);
    }
}

} // namespace

Config LoadConfigFromString(std::string_view text, const std::string& source) {
    toml::table document;
    try {
        document = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(source, {fmt::format("line {}, column {}: not valid TOML: {}", where.line,
                                               where.column, e.description())});
    }

    Config config;
    Problems problems;
    ReadDocument(document, config, problems);
    CheckConsistency(config, problems.Messages());
    if (!problems.Messages().empty())
        throw ConfigError(source, problems.Sorted());
    return config;
}

Config LoadConfig(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw ConfigError(path.string(), {fmt::format("cannot read \"{}\": {}", path.string(),
                                                      std::generic_category().message(errno))});
    std::ostringstream text;
    text << file.rdbuf();
    return LoadConfigFromString(text.str(), path.string());
}

void ApplyOverrides(Config& config, std::optional<std::string_view> listen,
                    std::optional<std::string_view> data_dir,
                    std::optional<std::string_view> public_url) {
    std::vector<std::string> problems;
    Config updated = config;
    const auto apply = [&](std::string_view flag, std::optional<std::string_view> value,
                           auto&& parse_into) {
        if (!value)
            return;
        try {
            parse_into(*value);
        } catch (const std::invalid_argument& e) {
            problems.push_back(fmt::format("{}: {}", flag, e.what()));
        }
    };
    apply("--listen", listen,
          [&](std::string_view v) { updated.server.listen = ParseListenAddress(v); });
    apply("--data", data_dir, [&](std::string_view v) {
        RequireSingleLine(v);
        if (v.empty())
            throw std::invalid_argument("must not be empty");
        updated.server.data_dir = std::filesystem::path(v);
    });
    apply("--public-url", public_url,
          [&](std::string_view v) { updated.server.public_url = ParseHttpUrl(v); });
    if (!problems.empty())
        throw ConfigError("the command line", std::move(problems));
    config = std::move(updated);
}

} // namespace sealpost
