#include "DescribeConfig.hxx"
#include "Codecs.hxx"
#include "Fields.hxx"

namespace sealpost {

std::string DescribeConfig(const Config& config) {
    std::string text = "# Effective sealpost configuration (secrets redacted)\n";
    std::string_view section;
    for (const Field& field : AllFields()) {
        if (field.section != section) {
            section = field.section;
            text += fmt::format("\n[{}]\n", section);
        }
        std::string value = field.format(config);
        if (field.secret && value != "\"\"")
            value = TomlQuote(kRedacted);
        text += fmt::format("{} = {}\n", field.key, value);
    }
    return text;
}

} // namespace sealpost
