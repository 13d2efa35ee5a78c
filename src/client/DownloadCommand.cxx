#include "client/DownloadCommand.hxx"
#include "client/ClientContext.hxx"
#include "client/ClientError.hxx"
#include "client/HttpClient.hxx"
#include "client/OutputFolder.hxx"
#include "client/Progress.hxx"
#include "client/Terminal.hxx"
#include "config/ConfigError.hxx"
#include "lib/evp/Digest.hxx"
#include "util/Hex.hxx"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <set>

namespace sealpost::client {

namespace {

std::vector<OptionSpec> Spec() {
    std::vector<OptionSpec> spec = {
        {"--password", "P", "the transfer's password"},
        {"--password-file", "FILE", "the password from the first line of FILE"},
        {"--output", "DIR", "write the files into DIR (default: the current folder)", false, "-o"},
        {"--zip", "", "download one ZIP of all files (and the message)"},
        {"--message", "", "print the confidential message"},
        {"--force", "", "replace files that exist"},
    };
    for (auto& common : ClientContext::CommonOptions())
        spec.push_back(common);
    return spec;
}

struct Link {
    std::string base;
    std::string download_id;
};

Link ParseLink(const std::string& text) {
    const auto at = text.rfind("/d/");
    if (at == std::string::npos || !(text.starts_with("https://") || text.starts_with("http://")))
        throw ClientError(kExitUsage, "not a sealpost download link (…/d/ID): " + text);
    Link link{CheckServerUrl(text.substr(0, at)), text.substr(at + 3)};
    link.download_id = link.download_id.substr(0, link.download_id.find_first_of("/?#"));
    if (link.download_id.empty() ||
        link.download_id.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyz234567ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") != std::string::npos)
        throw ClientError(kExitUsage, "the link has no valid download id: " + text);
    return link;
}

void WriteAll(int fd, std::string_view data, const std::string& shown) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw ClientError(kExitFailure, "cannot write " + shown + ": " + std::strerror(errno));
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string Sha256Of(int fd) {
    evp::Digest digest(evp::DigestAlgorithm::sha256);
    std::vector<std::uint8_t> buffer(1 << 20);
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw ClientError(kExitFailure,
                              std::string("cannot read back: ") + std::strerror(errno));
        if (n == 0)
            break;
        digest.Update({buffer.data(), static_cast<std::size_t>(n)});
        offset += n;
    }
    return HexEncode(digest.Finish());
}

class Closer {
    int fd_;

public:
    explicit Closer(int fd) : fd_(fd) {}
    ~Closer() { ::close(fd_); }
    Closer(const Closer&) = delete;
    Closer& operator=(const Closer&) = delete;
};

/// Downloads `path` into the target's partial file, resuming with Range, and
/// renames it into place after the SHA-256 check (when `sha256` is given).
void Fetch(HttpClient& http, const ClientContext& context, const std::string& path,
           const OutputFolder::Target& target, std::uint64_t size, const std::string& sha256,
           Progress& progress, std::size_t index) {
    progress.Begin(index);
    int failures = 0;
    for (;;) {
        std::uint64_t have = OutputFolder::PartSize(target);
        if (size && have > size)
            have = 0;
        if (have > 0)
            context.Note("resuming " + target.shown + " at byte " + std::to_string(have));
        progress.Resumed(index, have);
        const int fd = OutputFolder::OpenPart(target, have == 0);
        Closer closer(fd);
        bool ranged = have > 0;
        std::uint64_t written = have;
        curl::HttpRequest request;
        request.url = path;
        if (ranged && (!size || have < size))
            request.headers.push_back("Range: bytes=" + std::to_string(have) + "-");
        request.write = [&](std::string_view chunk) {
            WriteAll(fd, chunk, target.shown);
            written += chunk.size();
            progress.Set(index, written);
            return true;
        };
        Reply reply;
        try {
            if (size && have == size)
                reply.status = 206; // nothing left to fetch
            else
                reply = http.Send(request, false);
        } catch (const curl::TransportError& e) {
            if (e.Local() || ++failures >= http.Retry().attempts)
                throw ClientError(e.Local() ? kExitFailure : kExitNetwork,
                                  "cannot download " + target.shown + ": " + e.what());
            context.Note("connection lost during " + target.shown + " (" + e.what() +
                         "); resuming");
            Backoff(http.Retry(), failures);
            continue;
        }
        if (reply.status == 200 && ranged) {
            // The server ignored the Range: the whole file went after the part. Start over.
            OutputFolder::RemovePart(target);
            if (++failures >= http.Retry().attempts)
                throw ClientError(kExitServer, "the server does not resume " + target.shown);
            continue;
        }
        if (reply.status == 416) {
            OutputFolder::RemovePart(target);
            if (++failures >= http.Retry().attempts)
                HttpClient::Fail(reply, "cannot download " + target.shown);
            continue;
        }
        if (reply.status != 200 && reply.status != 206)
            HttpClient::Fail(reply, "cannot download " + target.shown);
        if (!sha256.empty() && Sha256Of(fd) != sha256) {
            OutputFolder::RemovePart(target);
            throw ClientError(kExitIntegrity, target.shown +
                                                  " does not match the SHA-256 the server listed; "
                                                  "removed");
        }
        if (::fsync(fd) != 0)
            throw ClientError(kExitFailure, "cannot write " + target.shown);
        OutputFolder::Commit(target);
        progress.Finish(index);
        return;
    }
}

std::string Joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& part : parts)
        out += "/" + part;
    return out;
}

std::string ReadPassword(const ParsedArgs& a) {
    if (const auto p = a.Value("--password"))
        return *p;
    if (const auto file = a.Value("--password-file"))
        return FirstLineOf(*file);
    if (StdinIsTerminal())
        return ReadFromTerminal("Password: ", false).value_or("");
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

} // namespace

std::string DownloadUsage() {
    return "Usage: sealpost download LINK [--password P | --password-file F] [-o DIR] [--zip] "
           "[--message] [--force]\n\nFetches the transfer behind a download link "
           "(https://…/d/ID). Without --password(-file) the password is asked for on a "
           "terminal, or read as one line from standard input.\n\nOptions:\n" +
           OptionsHelp(Spec()) +
           "\nExit codes: 0 downloaded, 1 local failure, 2 usage, 5 wrong password or locked, "
           "6 network (after retries), 7 server error, 8 link unknown, revoked or expired, "
           "9 a file exists (use --force), 10 a file does not match its SHA-256.\n";
}

int RunDownload(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    try {
        const ParsedArgs a = ParseArgs(args, Spec());
        if (a.Has("--help")) {
            out << DownloadUsage();
            return kExitOk;
        }
        if (a.positional.size() != 1)
            throw ClientError(kExitUsage, "give exactly one download link");
        ClientContext context = ClientContext::From(a);
        const Link link = ParseLink(a.positional[0]);
        auto jar = std::make_shared<CookieJar>();
        HttpClient http(link.base, context.http, jar, "", context.retry);
        const std::string api = "/api/v1/downloads/" + link.download_id;

        const Reply info = http.Call("GET", api);
        if (info.status != 200)
            HttpClient::Fail(info, "cannot open the link");
        nlohmann::json unlock_body = nlohmann::json::object();
        if (info.json.value("password_required", true))
            unlock_body["password"] = ReadPassword(a);
        const Reply unlocked = http.Call("POST", api + "/unlock", unlock_body);
        if (unlocked.status == 401)
            throw ClientError(kExitAuth,
                              "wrong password (" +
                                  std::to_string(unlocked.json.value("attempts_left", 0)) +
                                  " attempts left before the transfer is locked)");
        if (unlocked.status == 423)
            throw ClientError(kExitAuth,
                              "the transfer is locked after wrong passwords until " +
                                  unlocked.json.value("locked_until", std::string("later")));
        if (unlocked.status != 200)
            HttpClient::Fail(unlocked, "cannot unlock the transfer");

        OutputFolder folder(a.Value("--output").value_or("."));
        const bool force = a.Has("--force");
        Progress progress(StdoutIsTerminal(), out);
        struct Item {
            std::string path, sha256;
            std::uint64_t size;
            OutputFolder::Target target;
            std::size_t index;
        };
        std::vector<Item> items;
        if (a.Has("--zip")) {
            auto target = folder.Resolve({"sealpost-" + link.download_id + ".zip"});
            items.push_back({api + "/zip", "", 0, std::move(target), progress.Add("zip", 0)});
        } else {
            std::set<std::string> taken;
            for (const auto& f : unlocked.json.value("files", nlohmann::json::array())) {
                const std::string id = f.value("id", "");
                auto parts = OutputFolder::SafeParts(f.value("name", ""), "file-" + id);
                // Two files with one name (after the cleaning) both arrive: "a (2).txt".
                const std::string original = parts.back();
                const auto dot = original.rfind('.');
                for (int n = 2; !taken.insert(Joined(parts)).second; ++n)
                    parts.back() = dot == std::string::npos || dot == 0
                                       ? original + " (" + std::to_string(n) + ")"
                                       : original.substr(0, dot) + " (" + std::to_string(n) + ")" +
                                             original.substr(dot);
                auto target = folder.Resolve(parts);
                const auto size = f.value("size", std::uint64_t{0});
                items.push_back({api + "/files/" + id, f.value("sha256", ""), size,
                                 std::move(target), progress.Add(f.value("name", id), size)});
            }
        }
        for (const Item& item : items)
            if (!force && OutputFolder::Exists(item.target))
                throw ClientError(kExitExists, item.target.shown + " exists; --force replaces it");
        progress.Start();
        try {
            for (const Item& item : items)
                Fetch(http, context, item.path, item.target, item.size, item.sha256, progress,
                      item.index);
        } catch (...) {
            progress.Stop();
            throw;
        }
        progress.Stop();
        for (const Item& item : items)
            out << (folder.Path() / item.target.shown).string() << "\n";
        if (a.Has("--message") && unlocked.json.value("message", false)) {
            const Reply message = http.Call("GET", api + "/message");
            if (message.status != 200)
                HttpClient::Fail(message, "cannot read the message");
            out << message.json.value("message", "") << "\n";
        }
        return kExitOk;
    } catch (const ClientError& e) {
        err << "sealpost: " << e.what() << "\n";
        if (e.ExitCode() == kExitUsage)
            err << "(sealpost download --help lists the options)\n";
        return e.ExitCode();
    } catch (const UsageError& e) {
        err << "sealpost: " << e.what() << "\n(sealpost download --help lists the options)\n";
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
