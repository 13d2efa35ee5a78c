// ArgParser: the one command-line parser of the sealpost binary (serve, check-config,
// admin, audit, token, send, download) and the table each command's --help is printed
// from: a command declares its options once (name, optional short form, value name,
// help line, repeatable), and ParseArgs() reads "--name VALUE", "--name=VALUE",
// "-o VALUE", flags, "--" and positional arguments, refusing unknown options and
// missing values with a readable message (UsageError). Pure; any thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

/// A wrong command line; what() is the message for the user.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string_view name;  ///< "--to"
    std::string_view value; ///< "EMAIL"; empty for a flag
    std::string_view help;
    bool repeat = false;         ///< may be given several times
    std::string_view short_name; ///< "-o", or empty
};

class ParsedArgs {
public:
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>, std::less<>> values;
    std::set<std::string, std::less<>> flags;

    bool Has(std::string_view name) const { return flags.count(name) || values.count(name); }
    std::optional<std::string> Value(std::string_view name) const;
    std::vector<std::string> Values(std::string_view name) const;
};

/// Parses args (after the command's name) against spec.
ParsedArgs ParseArgs(std::span<const std::string_view> args, std::span<const OptionSpec> spec);

/// The options as help lines ("  --to EMAIL          a recipient (repeatable)").
std::string OptionsHelp(std::span<const OptionSpec> spec);

} // namespace sealpost
