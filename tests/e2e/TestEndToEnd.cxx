// End-to-end tests of the real `sealpost serve` binary with peers nobody here
// wrote: tus-js-client in Node.js (resuming after a dropped connection and
// after the server is killed with SIGKILL and started again) and curl (plain
// PUT, downloads with X-Sealpost-Password).
//
// The transfer is created through the internal interface
// (store::Storage::CreateTransfer) by this process on the data dir of the
// running server: LMDB serves both processes, and both read the same server
// key. Everything listens on 127.0.0.1 only.
#include "E2eSupport.hxx"
#include "identity/SenderStore.hxx"
#include "lib/uv/Loop.hxx"
#include "store/LmdbIndex.hxx"
#include "store/Index.hxx"
#include "store/Storage.hxx"
#include "store/WrapFiles.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <set>

using namespace sealpost;
using namespace sealpost::test;
using nlohmann::json;

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kChunk = 65536;
const std::string kPassword = "Correct-Horse-Battery-92";

std::filesystem::path E2eDir() {
    return RequiredEnv("SEALPOST_E2E_DIR");
}

std::filesystem::path SealpostExe() {
    return RequiredEnv("SEALPOST_EXE");
}

/// tus-js-client comes from `npm ci` in tests/e2e (tools/test runs it).
void RequireNodeModules() {
    INFO("tus-js-client is missing: run `npm ci --no-audit --no-fund` in " << E2eDir().string());
    REQUIRE(std::filesystem::exists(E2eDir() / "node_modules" / "tus-js-client" / "package.json"));
}

/// The sender's API token for the transfer CreateTransfer made last (the
/// upload endpoints accept only the transfer's sender).
std::string g_sender_token;

std::string SenderAuthorization() {
    return "Authorization: Bearer " + g_sender_token;
}

/// Opens the server's data dir in this process and creates a transfer with
/// one recipient, and an API token for its sender.
store::TransferRecord CreateTransfer(const std::filesystem::path& data_dir) {
    uv::Loop loop;
    store::TransferRecord transfer;
    {
        store::StorageOptions options;
        options.data_dir = data_dir;
        options.kdf_opslimit = 1;
        options.kdf_memlimit = 8 << 20;
        store::Storage storage(loop.get(), options);
        store::NewTransfer request;
        request.sender = "anna@regionuppsala.se";
        request.recipients = {{"bo@example.com", "to"}};
        request.retention_seconds = 3600;
        request.password = kPassword;
        transfer = storage.CreateTransfer(request);
        identity::SenderStore senders(storage.shared_env());
        g_sender_token = senders.CreateToken(request.sender, "e2e", 0);
    }
    loop.Close();
    return transfer;
}

/// The file's record in the index, read by this process while the server runs.
std::optional<store::FileRecord> StoredFile(const std::filesystem::path& data_dir,
                                            const std::string& file_id) {
    const store::WrapFiles wraps(data_dir / "keys" / "wraps");
    store::LmdbIndex index(data_dir / "index", wraps);
    return index.GetFile(file_id);
}

std::string FilesUrl(const std::string& base, const store::TransferRecord& t) {
    return base + "/api/v1/transfers/" + t.id + "/files";
}

std::string DownloadUrl(const ServerProcess& server, const store::TransferRecord& t,
                        const std::string& file_id) {
    return server.Url() + "/api/v1/downloads/" + t.recipients.at(0).download_id + "/files/" +
           file_id;
}

/// GET with the password header into `out`; returns the HTTP status code.
std::string Download(const std::string& url, const std::string& password,
                     const std::filesystem::path& out, const std::filesystem::path& headers) {
    return Shell("curl -sS --max-time 120 -o " + Quote(out.string()) + " -D " +
                 Quote(headers.string()) + " -w '%{http_code}' -H " +
                 Quote("X-Sealpost-Password: " + password) + " " + Quote(url));
}

/// Upload-Offset from a tus HEAD, or nullopt when the server does not answer 200.
std::optional<std::uint64_t> HeadOffset(const std::string& file_url) {
    const std::string out =
        Shell("curl -sS -I --max-time 5 -H 'Tus-Resumable: 1.0.0' -H " +
              Quote(SenderAuthorization()) + " " + Quote(file_url) + " 2>/dev/null");
    if (!out.starts_with("HTTP/1.1 200"))
        return std::nullopt;
    const auto at = out.find("Upload-Offset: ");
    if (at == std::string::npos)
        return std::nullopt;
    return std::stoull(out.substr(at + 15));
}

std::string FileIdOf(const std::string& upload_url) {
    return upload_url.substr(upload_url.rfind('/') + 1);
}

std::vector<json> Events(const std::vector<std::string>& lines) {
    std::vector<json> events;
    for (const auto& line : lines) {
        auto parsed = json::parse(line, nullptr, false);
        if (parsed.is_object() && parsed.contains("event"))
            events.push_back(std::move(parsed));
    }
    return events;
}

bool IsEvent(const std::string& line, const std::string& name) {
    const auto parsed = json::parse(line, nullptr, false);
    return parsed.is_object() && parsed.value("event", "") == name;
}

std::unique_ptr<ChildProcess> StartTusUpload(const std::string& endpoint,
                                             const std::filesystem::path& file,
                                             std::optional<std::uint64_t> chunk_size,
                                             std::chrono::milliseconds timeout) {
    std::vector<std::string> argv = {"node",         (E2eDir() / "tus_upload.mjs").string(),
                                     "--endpoint",   endpoint,
                                     "--file",       file.string(),
                                     "--filename",   file.filename().string(),
                                     "--timeout-ms", std::to_string(timeout.count()),
                                     "--header",     SenderAuthorization()};
    if (chunk_size) {
        argv.push_back("--chunk-size");
        argv.push_back(std::to_string(*chunk_size));
    }
    return std::make_unique<ChildProcess>("tus", argv);
}

/// What tus-js-client did, from its event lines.
struct UploadLog {
    int posts = 0;
    int retries = 0;
    std::set<std::string> urls;
    bool success = false;
    /// Upload-Offset of the first 200 HEAD after the first retry (the resume point).
    std::optional<std::uint64_t> resumed_at;
    /// Highest Upload-Offset the server confirmed (PATCH 204) before that retry.
    std::uint64_t confirmed_before_retry = 0;
    /// Every PATCH that directly followed a 200 HEAD started at the HEAD's offset.
    bool patches_follow_head = true;
    /// No HEAD ever reported less than an offset a PATCH had already confirmed.
    bool heads_keep_confirmed = true;
    std::optional<std::uint64_t> last_accepted;
};

UploadLog Analyse(const std::vector<json>& events) {
    UploadLog log;
    std::optional<std::uint64_t> head_offset;
    std::uint64_t confirmed = 0;
    for (const auto& e : events) {
        const std::string name = e.at("event");
        if (name == "url") {
            log.urls.insert(e.at("url").get<std::string>());
        } else if (name == "request") {
            const std::string method = e.at("method");
            if (method == "POST")
                ++log.posts;
            if (method == "PATCH" && head_offset) {
                if (e.at("offset").is_null() || e.at("offset").get<std::uint64_t>() != *head_offset)
                    log.patches_follow_head = false;
                head_offset.reset();
            }
        } else if (name == "response") {
            const std::string method = e.at("method");
            const int status = e.at("status");
            if (method == "HEAD" && status == 200 && !e.at("offset").is_null()) {
                head_offset = e.at("offset").get<std::uint64_t>();
                if (*head_offset < confirmed)
                    log.heads_keep_confirmed = false;
                if (log.retries > 0 && !log.resumed_at)
                    log.resumed_at = head_offset;
            }
            if (method == "PATCH" && status == 204 && !e.at("offset").is_null()) {
                confirmed = std::max(confirmed, e.at("offset").get<std::uint64_t>());
                if (log.retries == 0)
                    log.confirmed_before_retry = confirmed;
            }
        } else if (name == "retry") {
            if (e.value("retry", false))
                ++log.retries;
        } else if (name == "chunk") {
            log.last_accepted = e.at("accepted").get<std::uint64_t>();
        } else if (name == "success") {
            log.success = true;
        }
    }
    return log;
}

/// The sender submits the transfer over the API: its download links go live.
void Submit(const ServerProcess& server, const store::TransferRecord& t) {
    const std::string status =
        Shell("curl -sS -o /dev/null -w '%{http_code}' -X POST -H " + Quote(SenderAuthorization()) +
              " " + Quote(server.Url() + "/api/v1/transfers/" + t.id + "/submit"));
    REQUIRE(status == "200");
}

/// Submits the transfer; then the downloaded plaintext equals the source, and the
/// index holds its SHA-256. Before the submit the download link does not exist.
void CheckDownloadAndIndex(const ServerProcess& server, const store::TransferRecord& t,
                           const std::string& file_id, const std::filesystem::path& source,
                           const std::filesystem::path& work) {
    const std::string expected = Sha256Hex(source);
    const auto out = work / "downloaded";
    const auto headers = work / "headers";
    CHECK(Download(DownloadUrl(server, t, file_id), kPassword, out, headers) == "404");
    Submit(server, t);
    CHECK(Download(DownloadUrl(server, t, file_id), kPassword, out, headers) == "200");
    CHECK(std::filesystem::file_size(out) == std::filesystem::file_size(source));
    CHECK(Sha256Hex(out) == expected);
    std::filesystem::remove(out);
    // The digest kept (sealed) at upload is the one served as the ETag.
    std::ifstream header_file(headers);
    const std::string head((std::istreambuf_iterator<char>(header_file)), {});
    CHECK(head.find("ETag: \"" + expected + "\"") != std::string::npos);

    const auto record = StoredFile(server.data_dir(), file_id);
    REQUIRE(record);
    CHECK(record->complete);
    CHECK(record->size == std::filesystem::file_size(source));
    CHECK(record->offset == record->size);
    CHECK_FALSE(record->sealed_digest.empty());
}

} // namespace

TEST_CASE("tus-js-client resumes after the connection is dropped mid-PATCH") {
    RequireNodeModules();
    TempDir dir;
    ServerProcess server(SealpostExe(), dir.path);
    REQUIRE(server.Start());
    const auto t = CreateTransfer(server.data_dir());

    // 40 MiB and a bit: five 8 MiB PATCH requests and a partial last chunk.
    const std::uint64_t size = 40 * kMiB + 12345;
    const auto source = dir.path / "e2e-resume.bin";
    MakeFile(source, size, 1);

    // The proxy drops the connection in the middle of the third PATCH body.
    const std::uint64_t cut_after = 20 * kMiB + 4321;
    ChildProcess proxy("proxy",
                       {"node", (E2eDir() / "cut_proxy.mjs").string(), "--target-port",
                        std::to_string(server.port()), "--cut-after", std::to_string(cut_after)});
    const auto listening =
        proxy.WaitForLine([](const std::string& l) { return IsEvent(l, "listening"); }, 20s);
    REQUIRE(listening.has_value());
    const int proxy_port = json::parse(*listening).at("port");
    const std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy_port);

    auto tus = StartTusUpload(FilesUrl(proxy_url, t), source, 8 * kMiB, 60s);
    const auto code = tus->Wait(70s);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(
        proxy.WaitForLine([](const std::string& l) { return IsEvent(l, "cut"); }, 0ms).has_value());

    const UploadLog log = Analyse(Events(tus->Lines()));
    CHECK(log.success);
    CHECK(log.posts == 1);       // one upload, resumed, never created again
    CHECK(log.urls.size() == 1); // the same upload URL throughout
    CHECK(log.retries >= 1);
    REQUIRE(log.resumed_at.has_value());
    // The server resumes from whole chunks it kept, never from before an
    // offset it had confirmed, and the client continues exactly there.
    CHECK(*log.resumed_at % kChunk == 0);
    CHECK(*log.resumed_at >= log.confirmed_before_retry);
    CHECK(*log.resumed_at >= 16 * kMiB);
    CHECK(*log.resumed_at < cut_after);
    CHECK(log.patches_follow_head);
    CHECK(log.heads_keep_confirmed);
    CHECK(log.last_accepted.value_or(0) == size);
    REQUIRE(log.urls.size() == 1);

    const std::string file_id = FileIdOf(*log.urls.begin());
    CheckDownloadAndIndex(server, t, file_id, source, dir.path);
    CHECK(ReadText(dir.path / "headers").find("filename=\"e2e-resume.bin\"") != std::string::npos);
    CHECK(server.Stop().value_or(-1) == 0);
}

TEST_CASE("tus-js-client resumes after the server is killed with SIGKILL and restarted") {
    RequireNodeModules();
    TempDir dir;
    ServerProcess server(SealpostExe(), dir.path);
    REQUIRE(server.Start());
    const auto t = CreateTransfer(server.data_dir());

    const std::uint64_t size = 300 * kMiB + 777;
    const auto source = dir.path / "e2e-crash.bin";
    MakeFile(source, size, 2);

    // One PATCH for the whole file: the server makes its offset durable every
    // 64 MiB within the request, so the kill lands well past the last durable
    // offset and the client must resume from what the server reports.
    auto tus = StartTusUpload(FilesUrl(server.Url(), t), source, std::nullopt, 100s);
    const auto url_line =
        tus->WaitForLine([](const std::string& l) { return IsEvent(l, "url"); }, 30s);
    REQUIRE(url_line.has_value());
    const std::string upload_url = json::parse(*url_line).at("url");
    const std::string file_url = server.Url() + upload_url.substr(upload_url.find("/api/"));

    std::optional<std::uint64_t> at_kill;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && tus->Running()) {
        const auto offset = HeadOffset(file_url);
        if (offset && *offset >= 100 * kMiB) {
            at_kill = offset;
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    INFO("durable offset seen before the kill: " << (at_kill ? std::to_string(*at_kill) : "none"));
    REQUIRE(at_kill.has_value());
    REQUIRE(*at_kill < size); // mid-upload
    REQUIRE(tus->Running());
    server.KillHard();
    REQUIRE_FALSE(server.Running());

    REQUIRE(server.Start());
    // Every offset the server reported before the crash survived it.
    const auto after_restart = HeadOffset(file_url);
    REQUIRE(after_restart.has_value());
    CHECK(*after_restart >= *at_kill);

    const auto code = tus->Wait(100s);
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    const UploadLog log = Analyse(Events(tus->Lines()));
    CHECK(log.success);
    CHECK(log.posts == 1);
    CHECK(log.urls.size() == 1);
    CHECK(log.retries >= 1);
    REQUIRE(log.resumed_at.has_value());
    CHECK(*log.resumed_at >= *at_kill);
    CHECK(*log.resumed_at < size);
    CHECK(*log.resumed_at % kChunk == 0);
    CHECK(log.patches_follow_head);
    CHECK(log.heads_keep_confirmed);
    CHECK(log.last_accepted.value_or(0) == size);

    CheckDownloadAndIndex(server, t, FileIdOf(upload_url), source, dir.path);
    CHECK(server.Stop().value_or(-1) == 0);
}

TEST_CASE("curl PUT and download through the real binary; a wrong password gets 401") {
    TempDir dir;
    ServerProcess server(SealpostExe(), dir.path);
    REQUIRE(server.Start());
    const auto t = CreateTransfer(server.data_dir());

    const std::uint64_t size = 5 * kMiB + 1;
    const auto source = dir.path / "plain.bin";
    MakeFile(source, size, 3);
    int code = -1;
    const std::string reply_text =
        Shell("curl -sS --fail-with-body --max-time 60 -T " + Quote(source.string()) +
                  " -H 'Expect:' -H " + Quote(SenderAuthorization()) + " " +
                  Quote(FilesUrl(server.Url(), t) + "/plain.bin"),
              &code);
    INFO("PUT answered: " << reply_text);
    REQUIRE(code == 0);
    const auto reply = json::parse(reply_text, nullptr, false);
    REQUIRE(reply.is_object());
    CHECK(reply.value("name", "") == "plain.bin");
    CHECK(reply.value("size", std::uint64_t{0}) == size);
    CHECK(reply.value("sha256", "") == Sha256Hex(source));
    const std::string file_id = reply.value("id", "");
    REQUIRE_FALSE(file_id.empty());

    CheckDownloadAndIndex(server, t, file_id, source, dir.path);

    const auto denied = dir.path / "denied";
    CHECK(Download(DownloadUrl(server, t, file_id), "Wrong-Password-4711", denied,
                   dir.path / "denied-headers") == "401");
    CHECK(std::filesystem::file_size(denied) < 4096); // a problem document, no file data
    CHECK(Shell("curl -s -o /dev/null -w '%{http_code}' " +
                Quote(DownloadUrl(server, t, file_id))) == "401");
    CHECK(server.Stop().value_or(-1) == 0);
}
