#include "client/SendCommand.hxx"
#include "client/ClientContext.hxx"
#include "client/ClientError.hxx"
#include "client/FileCollector.hxx"
#include "client/SenderLogin.hxx"
#include "client/Terminal.hxx"
#include "client/UploadQueue.hxx"
#include "config/ConfigError.hxx"
#include "lib/evp/Digest.hxx"
#include "util/Hex.hxx"

#include <fstream>
#include <iostream>
#include <sstream>

namespace sealpost::client {

namespace {

std::vector<OptionSpec> Spec() {
    std::vector<OptionSpec> spec = {
        {"--server", "URL", "the sealpost server (or `server` in the config file)"},
        {"--token", "TOKEN",
         "API token (also SEALPOST_TOKEN, --token-file, `token` in the config)"},
        {"--token-file", "FILE", "read the API token from the first line of FILE"},
        {"--from", "EMAIL", "send as this verified address (verified once by an e-mailed code)"},
        {"--code", "CODE", "the e-mailed verification code, for a second run after exit code 3"},
        {"--name", "NAME", "the sender's name for a new verification"},
        {"--phone", "PHONE", "the sender's phone for a new verification"},
        {"--to", "EMAIL", "a recipient", true},
        {"--cc", "EMAIL", "a recipient in copy", true},
        {"--bcc", "EMAIL", "a hidden recipient", true},
        {"--message", "TEXT", "the confidential message"},
        {"--message-file", "FILE", "the confidential message from a file"},
        {"--password", "P", "the password the recipients need"},
        {"--password-file", "FILE", "the password from the first line of FILE"},
        {"--generate-password", "", "let the server make one (the default); printed once"},
        {"--quick", "",
         "QUICK (needs --from): connected recipients need no password; the others get an "
         "invitation with --password or a generated one"},
        {"--retention-days", "N", "keep the transfer N days"},
        {"--language", "en|sv", "language of the recipients' notification"},
        {"--notify-download", "", "mail me when a recipient downloads"},
        {"--hide-filenames", "", "do not show the file names in the notification"},
        {"--subject", "S", "the notification's subject (with --body-file)"},
        {"--body-file", "FILE", "the notification's text (not encrypted; never the password)"},
        {"--parallel", "N", "upload N files at a time (default 3)"},
        {"--json", "", "print the result as JSON"},
    };
    for (auto& common : ClientContext::CommonOptions())
        spec.push_back(common);
    return spec;
}

std::string ReadWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ClientError(kExitUsage, "cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Addresses from --to/--cc/--bcc, each of which may hold several.
nlohmann::json Addresses(const std::vector<std::string>& values) {
    nlohmann::json list = nlohmann::json::array();
    for (const std::string& value : values) {
        std::string current;
        for (char c : value + ",") {
            if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (!current.empty())
                    list.push_back(current);
                current.clear();
            } else {
                current += c;
            }
        }
    }
    return list;
}

std::int64_t Integer(const std::string& text, const char* option) {
    try {
        std::size_t used = 0;
        const auto value = std::stoll(text, &used);
        if (used == text.size())
            return value;
    } catch (const std::exception&) {
    }
    throw ClientError(kExitUsage, std::string(option) + ": expected a whole number, got " + text);
}

nlohmann::json TransferBody(const ParsedArgs& a, const ClientConfig& config,
                            const SenderLogin& login, bool& generated) {
    nlohmann::json body = {{"recipients", Addresses(a.Values("--to"))},
                           {"cc", Addresses(a.Values("--cc"))},
                           {"bcc", Addresses(a.Values("--bcc"))}};
    if (body["recipients"].empty())
        throw ClientError(kExitUsage, "at least one --to is required");
    if (!login.from.empty())
        body["sender"] = login.from;
    if (a.Has("--message") && a.Has("--message-file"))
        throw ClientError(kExitUsage, "give --message or --message-file, not both");
    if (const auto text = a.Value("--message"))
        body["message"] = *text;
    else if (const auto file = a.Value("--message-file"))
        body["message"] = ReadWholeFile(*file);
    std::optional<std::string> password = a.Value("--password");
    if (const auto file = a.Value("--password-file")) {
        if (password)
            throw ClientError(kExitUsage, "give --password or --password-file, not both");
        password = FirstLineOf(*file);
    }
    if (password && a.Has("--generate-password"))
        throw ClientError(kExitUsage, "give --password or --generate-password, not both");
    generated = !password;
    if (a.Has("--quick")) {
        // The QUICK keys live under the kept identity's client key, like a browser's.
        if (login.from.empty())
            throw ClientError(kExitUsage,
                              "--quick needs --from: an API token holds no QUICK keys");
        body["password_mode"] = "quick";
        if (!password)
            body["quick_fallback"] = "generated";
    } else {
        body["password_mode"] = generated ? "generated" : "manual";
    }
    if (password)
        body["password"] = *password;
    if (const auto days = a.Value("--retention-days"))
        body["retention_days"] = Integer(*days, "--retention-days");
    else if (config.retention_days)
        body["retention_days"] = *config.retention_days;
    const auto language = a.Value("--language").value_or(config.language.value_or(""));
    if (!language.empty()) {
        if (language != "en" && language != "sv")
            throw ClientError(kExitUsage, "--language: expected en or sv");
        body["language"] = language;
    }
    body["notify_on_download"] =
        a.Has("--notify-download") || config.notify_download.value_or(false);
    body["show_filenames"] = !(a.Has("--hide-filenames") || config.hide_filenames.value_or(false));
    if (a.Has("--subject") != a.Has("--body-file"))
        throw ClientError(kExitUsage, "--subject and --body-file go together");
    if (a.Has("--subject"))
        body["notification"] = {{"subject", *a.Value("--subject")},
                                {"body", ReadWholeFile(*a.Value("--body-file"))}};
    return body;
}

std::string Violations(const nlohmann::json& problem) {
    std::string out;
    for (const auto& v : problem.value("violations", nlohmann::json::array()))
        out += "\n  " + v.value("rule", "") + ": " + v.value("message", "");
    for (const auto& r : problem.value("failed_recipients", nlohmann::json::array()))
        out += "\n  " + r.value("email", "") + ": " + r.value("reason", "");
    return out;
}

/// Refuses, before anything is uploaded, what the server would refuse.
void Precheck(HttpClient& http, const nlohmann::json& body, std::uint64_t total) {
    if (body.contains("password")) {
        const Reply check =
            http.Call("POST", "/api/v1/passwords/check", {{"password", body["password"]}});
        if (check.status != 200)
            HttpClient::Fail(check, "cannot check the password");
        if (!check.json.value("ok", false))
            throw ClientError(kExitPolicy,
                              "the server refuses the password:" + Violations(check.json));
    }
    nlohmann::json limits;
    if (body.contains("sender")) {
        const Reply policy = http.Call("POST", "/api/v1/policy/check",
                                       {{"sender", body["sender"]},
                                        {"recipients", body["recipients"]},
                                        {"cc", body["cc"]},
                                        {"bcc", body["bcc"]}});
        if (policy.status != 200)
            HttpClient::Fail(policy, "cannot check the recipients");
        if (!policy.json.value("allowed", false))
            throw ClientError(kExitPolicy,
                              "the server refuses these recipients: " + HttpClient::Detail(policy) +
                                  Violations(policy.json));
        limits = policy.json;
    } else {
        const Reply config = http.Call("GET", "/api/v1/config");
        if (config.status != 200)
            HttpClient::Fail(config, "cannot read the server's limits");
        limits = config.json;
    }
    const auto max_size = limits.value("max_transfer_size", std::uint64_t{0});
    if (max_size && total > max_size)
        throw ClientError(kExitPolicy, "the files hold " + std::to_string(total) +
                                           " bytes; the server takes at most " +
                                           std::to_string(max_size) + " per transfer");
    const auto max_days = limits.value("max_retention_days", std::int64_t{0});
    if (max_days && body.contains("retention_days") &&
        (body["retention_days"].get<std::int64_t>() < 1 ||
         body["retention_days"].get<std::int64_t>() > max_days))
        throw ClientError(kExitPolicy,
                          "--retention-days must be from 1 to " + std::to_string(max_days));
}

nlohmann::json Create(HttpClient& http, const nlohmann::json& body) {
    const Reply created = http.Call("POST", "/api/v1/transfers", body);
    if (created.status == 201)
        return created.json;
    if (created.status == 400 || created.status == 403 || created.status == 413)
        throw ClientError(kExitPolicy, "the server refuses the transfer: " +
                                           HttpClient::Detail(created) + Violations(created.json));
    HttpClient::Fail(created, "cannot create the transfer");
}

std::string Fingerprint(const std::string& server, const SenderLogin& login,
                        const nlohmann::json& body, const std::vector<LocalFile>& files) {
    nlohmann::json request = body;
    // A changed password is another send; the password itself is not kept.
    if (request.contains("password")) {
        const std::string password = request["password"].get<std::string>();
        request["password"] = HexEncode(
            evp::Sha256({reinterpret_cast<const std::uint8_t*>(password.data()), password.size()}));
    }
    const std::string text =
        server + '\n' + login.from + '\n' +
        HexEncode(evp::Sha256(
            {reinterpret_cast<const std::uint8_t*>(login.token.data()), login.token.size()})) +
        '\n' + request.dump() + '\n' + FileCollector::Describe(files);
    return HexEncode(
        evp::Sha256({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
}

void PrintResult(std::ostream& out, bool json, const nlohmann::json& pending,
                 const nlohmann::json& submitted, const nlohmann::json& body,
                 const std::vector<LocalFile>& files) {
    nlohmann::json result = {
        {"id", pending["transfer_id"]},
        {"status", submitted.value("status", "provided")},
        {"expires_at", submitted.value("expires_at", pending.value("expires_at", ""))},
        {"recipients", body["recipients"]},
        {"cc", body["cc"]},
        {"bcc", body["bcc"]},
        {"files", nlohmann::json::array()}};
    for (const LocalFile& file : files)
        result["files"].push_back({{"name", file.name}, {"size", file.size}});
    if (pending.contains("quick"))
        result["quick"] = pending["quick"];
    if (submitted.contains("revoke_url"))
        result["revoke_url"] = submitted["revoke_url"];
    if (pending.contains("password"))
        result["password"] = pending["password"];
    if (json) {
        out << result.dump() << "\n";
        return;
    }
    std::string to;
    for (const auto& r : body["recipients"])
        to += (to.empty() ? "" : ", ") + r.get<std::string>();
    out << "sent " << result["id"].get<std::string>() << " (" << files.size() << " files) to " << to
        << "; expires " << result["expires_at"].get<std::string>() << "\n";
    if (pending.contains("quick"))
        for (const auto& r : pending["quick"])
            out << r.value("email", "") << ": "
                << (r.value("quick", false) ? "QUICK (no password)" : "invitation (password)")
                << "\n";
    if (pending.contains("password"))
        out << "password: " << pending["password"].get<std::string>()
            << "\n(generated: shown only now; give it to the recipients by another way than "
               "e-mail)\n";
}

} // namespace

std::string SendUsage() {
    return "Usage: sealpost send --server URL [--token TOKEN | --from EMAIL] --to EMAIL [...] "
           "FILE|DIR...\n\nUploads the files (directories recursively) into a new transfer and "
           "submits it.\n\nOptions:\n" +
           OptionsHelp(Spec()) +
           "\nExit codes: 0 sent, 1 local failure, 2 usage, 3 verification needed (run again "
           "with --code), 4 refused by the server's policy, 5 authentication, 6 network (after "
           "retries), 7 server error, 8 transfer gone.\n";
}

int RunSend(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    try {
        const ParsedArgs a = ParseArgs(args, Spec());
        if (a.Has("--help")) {
            out << SendUsage();
            return kExitOk;
        }
        ClientContext context = ClientContext::From(a);
        SenderLogin login = SenderLogin::From(a, context);
        const auto files = FileCollector::Collect(a.positional);
        bool generated = false;
        const nlohmann::json body = TransferBody(a, context.config, login, generated);
        const int parallel =
            static_cast<int>(a.Value("--parallel") ? Integer(*a.Value("--parallel"), "--parallel")
                                                   : context.config.parallel.value_or(3));
        if (parallel < 1 || parallel > 16)
            throw ClientError(kExitUsage, "--parallel: expected 1 to 16");
        const auto make_client = [&] {
            return HttpClient(login.server, context.http, login.jar, login.token, context.retry);
        };
        HttpClient http = make_client();
        login.EnsureVerified(http, context, a);
        login.SaveCookies(context);

        std::uint64_t total = 0;
        for (const LocalFile& file : files)
            total += file.size;
        const std::string key = Fingerprint(login.server, login, body, files);
        nlohmann::json pending = context.state->Read()
                                     .value("sends", nlohmann::json::object())
                                     .value(key, nlohmann::json());
        if (pending.is_object()) {
            const Reply status =
                http.Call("GET", "/api/v1/transfers/" + pending.value("transfer_id", ""));
            const std::string state = status.status == 200 ? status.json.value("status", "") : "";
            if (state == "open") {
                context.Note("resuming transfer " + pending["transfer_id"].get<std::string>());
            } else {
                context.Note("forgetting the unfinished transfer " +
                             pending.value("transfer_id", "") + " (" +
                             (state.empty() ? "gone" : state) + ")");
                context.state->Update([&](nlohmann::json& doc) { doc["sends"].erase(key); });
                pending = nullptr;
            }
        }
        if (!pending.is_object()) {
            Precheck(http, body, total);
            const nlohmann::json created = Create(http, body);
            // The server may renew or rotate the identity's cookie with each transfer.
            login.SaveCookies(context);
            pending = {{"server", login.server},
                       {"transfer_id", created.value("id", "")},
                       {"upload_url", created.value("upload_url", "")},
                       {"expires_at", created.value("expires_at", "")},
                       {"files", nlohmann::json::object()}};
            if (generated && created.contains("password"))
                pending["password"] = created["password"];
            if (created.contains("recipients"))
                pending["quick"] = created["recipients"];
            context.state->Update([&](nlohmann::json& doc) { doc["sends"][key] = pending; });
        }

        Progress progress(StdoutIsTerminal(), out);
        std::vector<UploadJob> jobs;
        for (const LocalFile& file : files)
            jobs.push_back(
                {file, progress.Add(file.name, file.size), pending["files"].value(file.name, "")});
        // Each new upload URL is kept at once, so that a killed run resumes it.
        TusUploader::Callbacks callbacks;
        callbacks.created = [&](const LocalFile& file, const std::string& location) {
            context.state->Update(
                [&](nlohmann::json& doc) { doc["sends"][key]["files"][file.name] = location; });
        };
        callbacks.note = [&](const std::string& line) { context.Note(line); };
        progress.Start();
        try {
            UploadQueue(make_client, progress, callbacks)
                .Run(jobs, pending["upload_url"].get<std::string>(), parallel);
        } catch (...) {
            progress.Stop();
            throw;
        }
        progress.Stop();

        const Reply submitted = http.Call(
            "POST", "/api/v1/transfers/" + pending["transfer_id"].get<std::string>() + "/submit");
        if (submitted.status != 200)
            HttpClient::Fail(submitted, "cannot submit the transfer");
        context.state->Update([&](nlohmann::json& doc) { doc["sends"].erase(key); });
        login.SaveCookies(context);
        PrintResult(out, a.Has("--json"), pending, submitted.json, body, files);
        return kExitOk;
    } catch (const ClientError& e) {
        err << "sealpost: " << e.what() << "\n";
        if (e.ExitCode() == kExitUsage)
            err << "(sealpost send --help lists the options)\n";
        if (e.ExitCode() == kExitNetwork || e.ExitCode() == kExitServer)
            err << "(what the server holds is kept: the same command again resumes the upload)\n";
        return e.ExitCode();
    } catch (const UsageError& e) {
        err << "sealpost: " << e.what() << "\n(sealpost send --help lists the options)\n";
        return kExitUsage;
    } catch (const ConfigError& e) {
        err << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        err << "sealpost: " << e.what() << "\n";
        return kExitFailure;
    }
}

} // namespace sealpost::client
