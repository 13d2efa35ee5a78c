#include "util/ArgParser.hxx"

namespace sealpost {

std::optional<std::string> ParsedArgs::Value(std::string_view name) const {
    const auto it = values.find(name);
    if (it == values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::vector<std::string> ParsedArgs::Values(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

ParsedArgs ParseArgs(std::span<const std::string_view> args, std::span<const OptionSpec> spec) {
    ParsedArgs out;
    const auto find = [&](std::string_view name) -> const OptionSpec* {
        for (const OptionSpec& option : spec)
            if (option.name == name || (!option.short_name.empty() && option.short_name == name))
                return &option;
        return nullptr;
    };
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (options_done || arg == "-" || !arg.starts_with("-")) {
            out.positional.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        std::optional<std::string_view> inline_value;
        if (arg.starts_with("--"))
            if (const auto eq = arg.find('='); eq != std::string_view::npos) {
                inline_value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        const OptionSpec* option = find(arg);
        if (!option)
            throw UsageError("unknown option " + std::string(arg));
        const std::string name(option->name);
        if (option->value.empty()) {
            if (inline_value)
                throw UsageError(name + " takes no value");
            out.flags.insert(name);
            continue;
        }
        std::string value;
        if (inline_value)
            value = std::string(*inline_value);
        else if (i + 1 < args.size())
            value = std::string(args[++i]);
        else
            throw UsageError(name + " needs a value (" + std::string(option->value) + ")");
        auto& list = out.values[name];
        if (!list.empty() && !option->repeat)
            throw UsageError(name + " may be given only once");
        list.push_back(std::move(value));
    }
    return out;
}

std::string OptionsHelp(std::span<const OptionSpec> spec) {
    std::string out;
    for (const OptionSpec& option : spec) {
        std::string left = option.short_name.empty()
                               ? std::string(option.name)
                               : std::string(option.short_name) + ", " + std::string(option.name);
        if (!option.value.empty())
            left += " " + std::string(option.value);
        if (left.size() < 28)
            left.resize(28, ' ');
        out += "  " + left + " " + std::string(option.help) +
               (option.repeat ? " (repeatable)" : "") + "\n";
    }
    return out;
}

} // namespace sealpost
