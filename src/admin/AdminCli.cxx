#include "admin/AdminCli.hxx"
#include "store/QuickKeys.hxx"

#include "admin/AdminQueries.hxx"
#include "admin/AdminUsers.hxx"
#include "admin/IdentityExport.hxx"
#include "admin/Totp.hxx"
#include "audit/AuditExport.hxx"
#include "audit/AuditStore.hxx"
#include "config/Config.hxx"
#include "config/ConfigError.hxx"
#include "config/LoadConfig.hxx"
#include "lib/sodium/PasswordHash.hxx"
#include "lib/uv/Loop.hxx"
#include "store/LmdbIndex.hxx"
#include "store/Storage.hxx"
#include "store/StorageConfig.hxx"
#include "store/WrapFiles.hxx"
#include "util/ArgParser.hxx"
#include "util/Time.hxx"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sealpost::admin {

const char* const kAdminUsage =
    R"(Administration (works on the data folder, also while the server runs):
  sealpost admin user add NAME --role admin|auditor [--totp]
  sealpost admin user list
  sealpost admin user remove NAME
  sealpost admin unlock TRANSFER_ID
  sealpost admin delete TRANSFER_ID
  sealpost admin audit [--verify] [--format json|csv] [--transfer ID] [--email ADDR]
                       [--event NAME] [--since TIME] [--until TIME] [--limit N]
  sealpost admin stats
  sealpost admin export-identity --transfer ID
  sealpost admin quick list [--email ADDR]
  sealpost admin quick delete EMAIL PARTNER
  sealpost audit verify
Each also takes [--config FILE] [--data DIR]. `user add` reads the password
without echo from a terminal (twice), or as one line from standard input.
`admin audit` prints matching events newest first, as JSON lines (default) or CSV.
`admin export-identity` asks for the transfer's password (or reads one line from
standard input) and prints the transfer's age identity for `age -d -i`; a wrong
password counts as a failed attempt like a download's.
`admin quick list` prints the QUICK connections (JSON lines: email, partner,
created_at, browsers); `admin quick delete` removes one in both directions from
every browser, with the pending activation codes of both addresses. No command
creates or restores a QUICK key.

Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error,
3 no such user or transfer, 4 the audit chain does not verify.
)";

namespace {

constexpr std::size_t kMinPasswordLength = 12;

using Arguments = ParsedArgs;
using UsageError = sealpost::UsageError;

const std::vector<OptionSpec> kOptions{
    {"--config", "FILE", "the server's configuration"},
    {"--data", "DIR", "the data folder (overrides the configuration)"},
    {"--role", "admin|auditor", "user add: the new administrator's role"},
    {"--totp", "", "user add: require a TOTP code at login"},
    {"--format", "json|csv", "admin audit: output format"},
    {"--transfer", "ID", "admin audit, export-identity: the transfer"},
    {"--email", "ADDR", "admin audit: events of this address; quick list: its connections"},
    {"--event", "NAME", "admin audit: events of this name"},
    {"--since", "TIME", "admin audit: from this RFC 3339 time or date"},
    {"--until", "TIME", "admin audit: until this time or date"},
    {"--limit", "N", "admin audit: at most N events"},
    {"--verify", "", "admin audit: check the hash chain instead"},
    {"--help", "", "this help", false, "-h"},
};

Arguments Parse(std::span<const std::string_view> args) {
    return ParseArgs(args, kOptions);
}

std::optional<std::string> Value(const Arguments& args, std::string_view name) {
    return args.Value(name);
}

Config LoadFor(const Arguments& args) {
    const auto file = Value(args, "--config");
    Config config = file ? LoadConfig(*file) : Config{};
    const auto data = Value(args, "--data");
    ApplyOverrides(config, std::nullopt,
                   data ? std::optional<std::string_view>(*data) : std::nullopt, std::nullopt);
    return config;
}

/// Who ran the command, for the audit log.
nlohmann::json CliActor() {
    const char* user = std::getenv("USER");
    return {{"via", "cli"}, {"os_user", user ? user : ""}};
}

void RecordCli(const Config& config, std::string event, std::string transfer_id, std::string email,
               nlohmann::json detail = nlohmann::json::object()) {
    audit::AuditStore store(config.server.data_dir / "audit");
    detail.update(CliActor());
    audit::TimedEvent timed{{std::move(event), std::move(transfer_id), std::move(email), "",
                             "sealpost-cli", std::move(detail)},
                            UnixNow()};
    store.Append(std::span{&timed, 1});
}

/// A password line: without echo from a terminal (asked twice), else one line of in.
std::string ReadPassword(std::istream& in, std::ostream& err, bool new_password = true) {
    const bool tty = &in == &std::cin && ::isatty(STDIN_FILENO);
    const auto read_line = [&](const char* prompt) {
        std::string line;
        if (!tty) {
            std::getline(in, line);
        } else {
            termios old{};
            ::tcgetattr(STDIN_FILENO, &old);
            termios silent = old;
            silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
            err << prompt << std::flush;
            std::getline(in, line);
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
            err << "\n";
        }
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        return line;
    };
    std::string password = read_line("Password: ");
    if (!new_password)
        return password;
    if (tty && read_line("Repeat the password: ") != password)
        throw UsageError("the passwords differ");
    if (password.size() < kMinPasswordLength)
        throw UsageError("the password needs at least " + std::to_string(kMinPasswordLength) +
                         " characters");
    return password;
}

void Expect(const Arguments& args, std::size_t positional) {
    if (args.positional.size() != positional)
        throw UsageError("wrong number of arguments");
}

int UserCommand(const Arguments& args, const Config& config, std::istream& in, std::ostream& out,
                std::ostream& err) {
    if (args.positional.size() < 3)
        throw UsageError("admin user: expected add, list or remove");
    const std::string& verb = args.positional[2];
    AdminUsers users(config.server.data_dir / "admin");
    if (verb == "list") {
        Expect(args, 3);
        for (const auto& user : users.List())
            out << user.name << "\t" << ToString(user.role) << "\t"
                << (user.totp_secret.empty() ? "password" : "password+totp") << "\t"
                << Rfc3339(user.created_at) << "\n";
        return kExitOk;
    }
    if (verb == "remove") {
        Expect(args, 4);
        if (!users.Remove(args.positional[3])) {
            err << "sealpost: no such user\n";
            return kExitNotFound;
        }
        RecordCli(config, "admin_user_removed", "", "", {{"username", args.positional[3]}});
        out << "removed " << args.positional[3] << "\n";
        return kExitOk;
    }
    if (verb != "add")
        throw UsageError("admin user: expected add, list or remove");
    Expect(args, 4);
    AdminUser user;
    user.name = args.positional[3];
    if (!IsValidUserName(user.name))
        throw UsageError("user names are 1-64 characters of a-z, 0-9, '.', '_' and '-'");
    const auto role = ParseRole(Value(args, "--role").value_or(""));
    if (!role)
        throw UsageError("--role admin|auditor is required");
    user.role = *role;
    if (users.Get(user.name)) {
        err << "sealpost: the user " << user.name << " exists already\n";
        return kExitUsage;
    }
    const std::string password = ReadPassword(in, err);
    user.password_hash =
        sodium::PasswordHashString(password, config.kdf.opslimit, config.kdf.memlimit);
    if (args.flags.count("--totp"))
        user.totp_secret = NewTotpSecret();
    user.created_at = UnixNow();
    if (!users.Add(user)) {
        err << "sealpost: the user " << user.name << " exists already\n";
        return kExitUsage;
    }
    RecordCli(config, "admin_user_added", "", "",
              {{"username", user.name},
               {"role", std::string(ToString(user.role))},
               {"totp", !user.totp_secret.empty()}});
    out << "added " << user.name << " (" << ToString(user.role) << ")\n";
    if (!user.totp_secret.empty())
        out << "TOTP secret: " << user.totp_secret << "\n"
            << "otpauth URI: " << OtpAuthUri("sealpost", user.name, user.totp_secret) << "\n";
    return kExitOk;
}

int Unlock(const Arguments& args, const Config& config, std::ostream& out, std::ostream& err) {
    Expect(args, 3);
    const std::string& id = args.positional[2];
    const store::WrapFiles wraps(config.server.data_dir / "keys" / "wraps");
    store::LmdbIndex index(config.server.data_dir / "index", wraps);
    const auto transfer = index.ClearLock(id);
    if (!transfer) {
        err << "sealpost: no such transfer\n";
        return kExitNotFound;
    }
    RecordCli(config, "transfer_unlocked", id, "");
    out << "unlocked " << id << "\n";
    return kExitOk;
}

int Delete(const Arguments& args, const Config& config, std::ostream& out, std::ostream& err) {
    Expect(args, 3);
    const std::string& id = args.positional[2];
    // Storage needs a loop for its asynchronous side; the blocking delete uses none.
    uv::Loop loop;
    int rc = kExitOk;
    {
        store::Storage storage(loop.get(), store::StorageOptionsFrom(config));
        const auto transfer = storage.index().GetTransfer(id);
        if (!transfer) {
            err << "sealpost: no such transfer\n";
            rc = kExitNotFound;
        } else if (!storage.DeleteTransferNow(id, store::DeletionReason::admin, {})) {
            // Already revoked, expired or deleted (also by a racing server or CLI):
            // nothing was deleted now, so nothing is audited.
            err << "sealpost: the transfer is already gone ("
                << store::ToString(storage.index().GetTransfer(id).value_or(*transfer).status)
                << ")\n";
            rc = kExitNotFound;
        } else {
            RecordCli(config, "admin_deleted", id, transfer->sender);
            storage.ReportedNow(id, store::ToString(store::DeletionReason::admin));
            out << "deleted " << id << "\n";
        }
    }
    loop.Close();
    return rc;
}

int QuickCommand(const Arguments& args, const Config& config, std::ostream& out,
                 std::ostream& err) {
    if (args.positional.size() < 3)
        throw UsageError("admin quick: expected list or delete");
    const std::string& verb = args.positional[2];
    const store::WrapFiles wraps(config.server.data_dir / "keys" / "wraps");
    store::LmdbIndex index(config.server.data_dir / "index", wraps);
    store::QuickKeys quick(index.env(), wraps);
    if (verb == "list") {
        Expect(args, 3);
        for (const auto& entry : QuickConnections(quick, Value(args, "--email").value_or("")))
            out << entry.dump() << "\n";
        return kExitOk;
    }
    if (verb == "delete") {
        Expect(args, 5);
        const std::string& email = args.positional[3];
        const std::string& partner = args.positional[4];
        const std::size_t removed = quick.DeletePair(email, partner);
        if (removed == 0) {
            err << "sealpost: no such QUICK connection\n";
            return kExitNotFound;
        }
        RecordCli(config, "quick_connection_deleted", "", email,
                  {{"partner", partner}, {"by", "admin"}, {"keys", removed}});
        out << "deleted the QUICK connection of " << email << " and " << partner << " ("
            << removed << " keys)\n";
        return kExitOk;
    }
    throw UsageError("admin quick: expected list or delete");
}

int Verify(const Config& config, std::ostream& out, std::ostream& err) {
    audit::AuditStore store(config.server.data_dir / "audit");
    const auto result = store.Verify();
    if (result.ok) {
        out << "ok: " << result.events << " events, head " << result.head;
        if (result.first_seq > 1)
            out << " (records before seq " << result.first_seq << " removed after retention)";
        out << "\n";
        return kExitOk;
    }
    err << "audit chain broken at seq " << result.first_bad_seq.value_or(0) << ": "
        << result.problem << " (" << result.events << " events)\n";
    return kExitVerifyFailed;
}

int AuditCommand(const Arguments& args, const Config& config, std::ostream& out,
                 std::ostream& err) {
    Expect(args, 2);
    if (args.flags.count("--verify"))
        return Verify(config, out, err);
    const auto format = audit::ParseExportFormat(Value(args, "--format").value_or("json"));
    if (!format)
        throw UsageError("--format: expected json or csv");
    audit::AuditQuery query;
    query.transfer_id = Value(args, "--transfer").value_or("");
    query.email = Value(args, "--email").value_or("");
    query.event = Value(args, "--event").value_or("");
    if (!query.event.empty() && !audit::IsAuditEventName(query.event))
        throw UsageError("--event: not an audit event name");
    for (auto [name, target] : {std::pair{"--since", &query.since}, {"--until", &query.until}})
        if (const auto text = Value(args, name)) {
            *target = ParseRfc3339OrDate(*text);
            if (!*target)
                throw UsageError(std::string(name) + ": expected an RFC 3339 time or a date");
        }
    std::size_t limit = 0;
    if (const auto text = Value(args, "--limit")) {
        try {
            limit = std::stoul(*text);
        } catch (const std::exception&) {
            throw UsageError("--limit: expected a number");
        }
    }
    audit::AuditStore store(config.server.data_dir / "audit");
    out << audit::ExportHeader(*format);
    std::size_t written = 0;
    store.ForEach(query, [&](const audit::AuditRecord& record) {
        out << audit::ExportRecord(*format, record);
        return limit == 0 || ++written < limit;
    });
    out.flush();
    return kExitOk;
}

int Stats(const Arguments& args, const Config& config, std::ostream& out) {
    Expect(args, 2);
    const store::WrapFiles wraps(config.server.data_dir / "keys" / "wraps");
    store::LmdbIndex index(config.server.data_dir / "index", wraps);
    audit::AuditStore audit_store(config.server.data_dir / "audit");
    out << ComputeStats(index, &audit_store, config).dump(2) << "\n";
    return kExitOk;
}

int ExportIdentityCommand(const Arguments& args, const Config& config, std::istream& in,
                          std::ostream& out, std::ostream& err) {
    Expect(args, 2);
    const auto id = Value(args, "--transfer");
    if (!id)
        throw UsageError("admin export-identity: --transfer ID is required");
    const IdentityExport result = ExportIdentity(config, *id, ReadPassword(in, err, false));
    using Outcome = IdentityExport::Outcome;
    switch (result.outcome) {
    case Outcome::exported:
        RecordCli(config, "identity_exported", *id, result.sender);
        out << "# the age identity of sealpost transfer " << *id << "\n" << result.identity << "\n";
        return kExitOk;
    case Outcome::wrong_password:
        RecordCli(config, "password_failed", *id, "", {{"route", "cli"}});
        err << "sealpost: wrong password (counted as a failed attempt)\n";
        return kExitFailure;
    case Outcome::locked:
        err << "sealpost: the transfer is locked after wrong passwords until "
            << Rfc3339(result.locked_until) << " (sealpost admin unlock clears it)\n";
        return kExitFailure;
    case Outcome::deleted:
        RecordCli(config, "password_failed", *id, "", {{"route", "cli"}});
        err << "sealpost: wrong password; that was the last attempt: the transfer is deleted\n";
        return kExitFailure;
    case Outcome::busy:
        err << "sealpost: the server's password queue is full; try again\n";
        return kExitFailure;
    case Outcome::not_found:
        break;
    }
    err << "sealpost: no such transfer\n";
    return kExitNotFound;
}

int Dispatch(const Arguments& args, const Config& config, std::istream& in, std::ostream& out,
             std::ostream& err) {
    const std::string& command = args.positional[0];
    if (command == "audit") {
        if (args.positional.size() != 2 || args.positional[1] != "verify")
            throw UsageError("audit: expected verify");
        return Verify(config, out, err);
    }
    if (args.positional.size() < 2)
        throw UsageError("admin: expected a subcommand");
    const std::string& sub = args.positional[1];
    if (sub == "user")
        return UserCommand(args, config, in, out, err);
    if (sub == "unlock")
        return Unlock(args, config, out, err);
    if (sub == "delete")
        return Delete(args, config, out, err);
    if (sub == "audit")
        return AuditCommand(args, config, out, err);
    if (sub == "stats")
        return Stats(args, config, out);
    if (sub == "export-identity")
        return ExportIdentityCommand(args, config, in, out, err);
    if (sub == "quick")
        return QuickCommand(args, config, out, err);
    throw UsageError("admin: unknown subcommand " + sub);
}

} // namespace

int RunAdminCommand(std::span<const std::string_view> args, std::istream& in, std::ostream& out,
                    std::ostream& err) {
    try {
        const Arguments parsed = Parse(args);
        if (parsed.flags.count("--help")) {
            out << kAdminUsage << "\nOptions:\n" << OptionsHelp(kOptions);
            return kExitOk;
        }
        if (parsed.positional.empty())
            throw UsageError("expected admin or audit");
        const Config config = LoadFor(parsed);
        return Dispatch(parsed, config, in, out, err);
    } catch (const UsageError& e) {
        err << "sealpost: " << e.what() << "\n\n" << kAdminUsage;
        return kExitUsage;
    } catch (const ConfigError& e) {
        err << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        err << "sealpost: " << e.what() << "\n";
        return kExitFailure;
    }
}

int RunAdminCommand(std::span<const std::string_view> args) {
    return RunAdminCommand(args, std::cin, std::cout, std::cerr);
}

} // namespace sealpost::admin
