#include "Consistency.hxx"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace sealpost {

namespace {

/// Empty when path names a regular file this process can read; otherwise the reason.
std::string UnreadableReason(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return "is a directory";
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr)
        return std::generic_category().message(errno);
    std::fclose(file);
    return {};
}

/// Two keys that only make sense together: reports the missing one.
void RequireBothOrNeither(bool first_set, bool second_set, std::string_view first,
                          std::string_view second, std::vector<std::string>& problems) {
    if (first_set != second_set)
        problems.push_back(fmt::format("{}: missing; {} and {} must be set together",
                                       first_set ? second : first, first, second));
}

} // namespace

void CheckConsistency(const Config& config, std::vector<std::string>& problems) {
    const auto& policy = config.policy;
    if (policy.default_retention_days > policy.max_retention_days)
        problems.push_back(fmt::format(
            "policy.default_retention_days: {} is more than policy.max_retention_days ({})",
            policy.default_retention_days, policy.max_retention_days));

    const auto& tls = config.tls;
    RequireBothOrNeither(!tls.cert.empty(), !tls.key.empty(), "tls.cert", "tls.key", problems);
    for (const auto& [name, path] : {std::pair{"tls.cert", &tls.cert}, {"tls.key", &tls.key}}) {
        if (path->empty())
            continue;
        if (const auto reason = UnreadableReason(*path); !reason.empty())
            problems.push_back(
                fmt::format("{}: cannot read \"{}\": {}", name, path->string(), reason));
    }

    const auto& mail = config.mail;
    RequireBothOrNeither(!mail.smtp_username.empty(), !mail.smtp_password.empty(),
                         "mail.smtp_username", "mail.smtp_password", problems);

    const auto& static_dir = config.server.static_dir;
    std::error_code ec;
    if (!static_dir.empty() && !std::filesystem::is_directory(static_dir, ec))
        problems.push_back(
            fmt::format("server.static_dir: \"{}\" is not a directory", static_dir.string()));
}

} // namespace sealpost
