// Uploads and downloads through the real service over loopback, checked with
// peers nobody here wrote: curl, the age CLI, unzip and 7z.
#include "support/AppFixture.hxx"
#include "store/LmdbIndex.hxx"
#include "store/BlobSource.hxx"
#include "store/BlobStore.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

const std::string kPassword = "Correct-Horse-Battery-92";

/// Every request as the transfers' sender (downloads ignore it).
std::string Curl(const std::string& args, int* code = nullptr) {
    return Shell("curl -sS " + SenderAuth() + args, code);
}

std::string PutFile(const AppFixture& app, const store::TransferRecord& t,
                    const std::filesystem::path& file, const std::string& name) {
    return Curl("-T '" + file.string() + "' -H 'Expect:' '" + app.Url() + "/api/v1/transfers/" +
                t.id + "/files/" + name + "'");
}

std::string DownloadUrl(const AppFixture& app, const store::TransferRecord& t,
                        const std::string& what) {
    return app.Url() + "/api/v1/downloads/" + t.recipients.at(0).download_id + "/" + what;
}

/// Provides the transfer (as the sender's submit does): its download links go live.
void Submit(AppFixture& app, const store::TransferRecord& t) {
    app.RunOnLoop([&] { app.storage().SubmitTransferNow(t.id); });
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("PUT uploads of edge sizes round-trip through curl, age -d and Range downloads") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    // The transfer's identity, for age -d.
    const auto write_key = [&](const store::TransferRecord& transfer) {
        const std::string identity = app.IdentityOf(transfer, kPassword);
        REQUIRE(identity.starts_with("AGE-SECRET-KEY-1"));
        std::ofstream key(dir.path / "key.txt");
        key << identity << "\n";
    };
    store::TransferRecord t;
    for (const std::uint64_t size : {0ull, 1ull, 65535ull, 65536ull, 65537ull, 5ull << 20}) {
        INFO("size " << size);
        // A transfer per file: uploads close when it is provided, downloads open.
        t = app.CreateTransfer(kPassword);
        write_key(t);
        const auto source = dir.path / ("in-" + std::to_string(size));
        MakeFile(source, size, static_cast<unsigned>(size));
        const auto reply =
            nlohmann::json::parse(PutFile(app, t, source, "f" + std::to_string(size)));
        CHECK(reply.at("size") == size);
        CHECK(reply.at("sha256") == Sha256Hex(source));
        const std::string file_id = reply.at("id");

        // The blob on disk is a standard age file for the transfer's identity.
        const auto blob = dir.path / "data" / "blobs" / (file_id + ".age");
        REQUIRE(std::filesystem::exists(blob));
        int code = -1;
        Shell("age -d -i '" + (dir.path / "key.txt").string() + "' '" + blob.string() + "' > '" +
                  (dir.path / "out-age").string() + "'",
              &code);
        CHECK(code == 0);
        CHECK(Sha256Hex(dir.path / "out-age") == Sha256Hex(source));

        // Download with the password header, once the transfer is provided: before,
        // the link does not exist yet.
        const auto url = DownloadUrl(app, t, "files/" + file_id);
        CHECK(Curl("-o /dev/null -w '%{http_code}' -H 'X-Sealpost-Password: " + kPassword + "' '" +
                   url + "'") == "404");
        Submit(app, t);
        Curl("-o '" + (dir.path / "out-http").string() + "' -H 'X-Sealpost-Password: " + kPassword +
             "' '" + url + "'");
        CHECK(Sha256Hex(dir.path / "out-http") == Sha256Hex(source));

        if (size >= 65537) {
            const std::string original = ReadFile(source);
            for (const auto& [first, last] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
                     {65535, 65536}, {65536, 65536}, {0, 65535}, {65534, size - 1}}) {
                const std::string part =
                    Curl("-H 'X-Sealpost-Password: " + kPassword + "' -r " + std::to_string(first) +
                         "-" + std::to_string(last) + " '" + url + "'");
                CHECK(part == original.substr(first, last - first + 1));
            }
            const std::string status =
                Curl("-o /dev/null -w '%{http_code}' -H 'X-Sealpost-Password: " + kPassword +
                     "' -r " + std::to_string(size) + "- '" + url + "'");
            CHECK(status == "416");
        }
    }
    // A chunked PUT (no Content-Length) of sizes around chunk boundaries.
    const auto chunked = app.CreateTransfer(kPassword);
    write_key(chunked);
    for (const std::uint64_t size : {0ull, 65536ull, 8ull * 65536 + 1, 3ull << 20}) {
        INFO("chunked size " << size);
        const auto source = dir.path / ("chunked-" + std::to_string(size));
        MakeFile(source, size, static_cast<unsigned>(size) + 99);
        const auto reply = nlohmann::json::parse(Curl(
            "-T - -H 'Transfer-Encoding: chunked' -H 'Expect:' '" + app.Url() +
            "/api/v1/transfers/" + chunked.id + "/files/chunked' < '" + source.string() + "'"));
        CHECK(reply.at("size") == size);
        CHECK(reply.at("sha256") == Sha256Hex(source));
        const auto blob = dir.path / "data" / "blobs" / (std::string(reply.at("id")) + ".age");
        int code = -1;
        Shell("age -d -i '" + (dir.path / "key.txt").string() + "' '" + blob.string() + "' > '" +
                  (dir.path / "out-age").string() + "'",
              &code);
        CHECK(code == 0);
        CHECK(Sha256Hex(dir.path / "out-age") == Sha256Hex(source));
    }
    // Wrong or missing passwords give nothing.
    CHECK(Curl("-o /dev/null -w '%{http_code}' -H 'X-Sealpost-Password: wrong' '" +
               DownloadUrl(app, t, "checksums") + "'") == "401");
    CHECK(Curl("-o /dev/null -w '%{http_code}' '" + DownloadUrl(app, t, "checksums") + "'") ==
          "401");
    CHECK(app.Stop() == 0);
}

TEST_CASE("our reader decrypts age -e output") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    auto t = app.CreateTransfer(kPassword);
    // A blob written by the age CLI to the transfer's recipient, registered
    // as a complete file: the download path must decrypt it.
    const auto source = dir.path / "plain";
    MakeFile(source, 200000, 7);
    const std::string id = "a" + std::string(25, 'b');
    const auto blob = dir.path / "data" / "blobs" / (id + ".age");
    int code = -1;
    Shell("age -e -r " + t.public_key + " -o '" + blob.string() + "' '" + source.string() + "'",
          &code);
    REQUIRE(code == 0);
    const std::string header = Shell("head -c 400 '" + blob.string() + "'");
    store::FileRecord file;
    file.id = id;
    file.transfer_id = t.id;
    file.size = 200000;
    file.offset = 200000;
    file.complete = true;
    file.chunks_offset = header.find("\n---") + 1;
    file.chunks_offset = header.find('\n', file.chunks_offset) + 1 + 16;
    const auto identity = age::AgeIdentity::FromString(app.IdentityOf(t, kPassword));
    REQUIRE(identity);
    const auto opened = store::OpenBlobNow(app.storage().blobs(), file, *identity);
    std::vector<std::uint8_t> plain(200000);
    store::ReadPlain(*opened, 0, plain);
    CHECK(std::string(plain.begin(), plain.end()) == ReadFile(source));
    CHECK(app.Stop() == 0);
}

TEST_CASE("tus: creation, partial PATCH, HEAD, checksum, version and offset errors") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    auto t = app.CreateTransfer(kPassword);
    const std::string files = app.Url() + "/api/v1/transfers/" + t.id + "/files";
    const auto source = dir.path / "in";
    MakeFile(source, 300000, 3);
    const std::string original = ReadFile(source);

    std::string out = Curl("-i -X OPTIONS '" + files + "'");
    CHECK(out.find("Tus-Version: 1.0.0") != std::string::npos);
    CHECK(
        out.find("Tus-Extension: creation,creation-with-upload,termination,checksum,expiration") !=
        std::string::npos);
    CHECK(out.find("Tus-Checksum-Algorithm: sha1,sha256") != std::string::npos);

    CHECK(Curl("-o /dev/null -w '%{http_code}' -X POST -H 'Tus-Resumable: 0.2.2' -H "
               "'Upload-Length: 5' '" +
               files + "'") == "412");
    CHECK(Curl("-o /dev/null -w '%{http_code}' -X POST -H 'Tus-Resumable: 1.0.0' '" + files +
               "'") == "400");

    out = Curl("-i -X POST -H 'Tus-Resumable: 1.0.0' -H 'Upload-Length: 300000' -H "
               "'Upload-Metadata: filename cmVwb3J0LnBkZg==,filetype YXBwbGljYXRpb24vcGRm' '" +
               files + "'");
    REQUIRE(out.find("HTTP/1.1 201") == 0);
    const auto loc_start = out.find("Location: ") + 10;
    const std::string location = out.substr(loc_start, out.find("\r\n", loc_start) - loc_start);
    const std::string file_url = app.Url() + location;
    CHECK(out.find("Upload-Expires: ") != std::string::npos);

    // First PATCH: 100000 bytes, which ends inside chunk 1: only 65536 are kept.
    {
        std::ofstream part(dir.path / "p1", std::ios::binary);
        part << original.substr(0, 100000);
    }
    out = Curl("-i -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: "
               "application/offset+octet-stream' -H 'Upload-Offset: 0' --data-binary @'" +
               (dir.path / "p1").string() + "' '" + file_url + "'");
    CHECK(out.find("HTTP/1.1 204") == 0);
    CHECK(out.find("Upload-Offset: 65536") != std::string::npos);
    out = Curl("-I -H 'Tus-Resumable: 1.0.0' '" + file_url + "'");
    CHECK(out.find("Upload-Offset: 65536") != std::string::npos);
    CHECK(out.find("Upload-Length: 300000") != std::string::npos);
    CHECK(out.find("Cache-Control: no-store") != std::string::npos);

    // Wrong offset → 409; wrong content type → 415.
    CHECK(Curl("-o /dev/null -w '%{http_code}' -X PATCH -H 'Tus-Resumable: 1.0.0' -H "
               "'Content-Type: application/offset+octet-stream' -H 'Upload-Offset: 5' --data x '" +
               file_url + "'") == "409");
    CHECK(Curl("-o /dev/null -w '%{http_code}' -X PATCH -H 'Tus-Resumable: 1.0.0' -H "
               "'Content-Type: text/plain' -H 'Upload-Offset: 65536' --data x '" +
               file_url + "'") == "415");

    // A PATCH whose checksum does not match is discarded (460).
    {
        std::ofstream part(dir.path / "p2", std::ios::binary);
        part << original.substr(65536);
    }
    const std::string p2 = (dir.path / "p2").string();
    out =
        Curl("-o /dev/null -w '%{http_code}' -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: "
             "application/offset+octet-stream' -H 'Upload-Offset: 65536' -H 'Upload-Checksum: "
             "sha1 AAAAAAAAAAAAAAAAAAAAAAAAAAA=' --data-binary @'" +
             p2 + "' '" + file_url + "'");
    CHECK(out == "460");
    CHECK(Curl("-I -H 'Tus-Resumable: 1.0.0' '" + file_url + "'").find("Upload-Offset: 65536") !=
          std::string::npos);

    // The same bytes with the right checksum complete the file.
    const std::string sha1 = Shell("openssl dgst -sha1 -binary '" + p2 + "' | base64 -w0");
    out = Curl("-i -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: "
               "application/offset+octet-stream' -H 'Upload-Offset: 65536' -H 'Upload-Checksum: "
               "sha1 " +
               sha1 + "' --data-binary @'" + p2 + "' '" + file_url + "'");
    CHECK(out.find("HTTP/1.1 204") == 0);
    CHECK(out.find("Upload-Offset: 300000") != std::string::npos);

    const std::string file_id = location.substr(location.rfind('/') + 1);
    const auto record = app.storage().index().GetFile(file_id);
    REQUIRE(record);
    CHECK(record->complete);
    CHECK(app.Sha256Of(t, file_id, kPassword) == Sha256Hex(source));
    // Termination of a second, unfinished upload.
    out = Curl("-i -X POST -H 'Tus-Resumable: 1.0.0' -H 'Upload-Length: 10' '" + files + "'");
    const auto l2 = out.find("Location: ") + 10;
    const std::string second = app.Url() + out.substr(l2, out.find("\r\n", l2) - l2);
    CHECK(Curl("-o /dev/null -w '%{http_code}' -X DELETE -H 'Tus-Resumable: 1.0.0' '" + second +
               "'") == "204");
    CHECK(Curl("-o /dev/null -w '%{http_code}' -I -H 'Tus-Resumable: 1.0.0' '" + second + "'") ==
          "404");

    Submit(app, t);
    const std::string body = Curl("-H 'X-Sealpost-Password: " + kPassword + "' '" +
                                  DownloadUrl(app, t, "files/" + file_id) + "'");
    CHECK(body == original);
    out = Curl("-sI -H 'X-Sealpost-Password: " + kPassword + "' '" +
               DownloadUrl(app, t, "files/" + file_id) + "'");
    CHECK(out.find("filename=\"report.pdf\"") != std::string::npos);

    CHECK(app.Stop() == 0);
}

TEST_CASE("an upload resumes after a restart with the right SHA-256") {
    TempDir dir;
    const auto source = dir.path / "in";
    MakeFile(source, 3 * 1024 * 1024 + 123, 11);
    const std::string original = ReadFile(source);
    store::TransferRecord t;
    std::string file_url;
    {
        AppFixture app(dir.path / "data");
        app.Start();
        t = app.CreateTransfer(kPassword);
        const std::string out = Curl("-i -X POST -H 'Tus-Resumable: 1.0.0' -H 'Upload-Length: " +
                                     std::to_string(original.size()) + "' '" + app.Url() +
                                     "/api/v1/transfers/" + t.id + "/files'");
        const auto l = out.find("Location: ") + 10;
        file_url = out.substr(l, out.find("\r\n", l) - l);
        {
            std::ofstream part(dir.path / "p1", std::ios::binary);
            part << original.substr(0, 1500000);
        }
        Curl(
            "-X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: application/offset+octet-stream' "
            "-H 'Upload-Offset: 0' --data-binary @'" +
            (dir.path / "p1").string() + "' '" + app.Url() + file_url + "'");
        CHECK(app.Stop() == 0);
    }
    AppFixture app(dir.path / "data");
    app.Start();
    const std::string head = Curl("-I -H 'Tus-Resumable: 1.0.0' '" + app.Url() + file_url + "'");
    const std::uint64_t kept = 1500000 / 65536 * 65536;
    REQUIRE(head.find("Upload-Offset: " + std::to_string(kept)) != std::string::npos);
    {
        std::ofstream part(dir.path / "p2", std::ios::binary);
        part << original.substr(kept);
    }
    const std::string out = Curl(
        "-i -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: application/offset+octet-stream' "
        "-H 'Upload-Offset: " +
        std::to_string(kept) + "' --data-binary @'" + (dir.path / "p2").string() + "' '" +
        app.Url() + file_url + "'");
    CHECK(out.find("Upload-Offset: " + std::to_string(original.size())) != std::string::npos);
    const auto record = app.storage().index().GetFile(file_url.substr(file_url.rfind('/') + 1));
    REQUIRE(record);
    CHECK(record->complete);
    CHECK(app.Sha256Of(t, record->id, kPassword) == Sha256Hex(source));
    CHECK(app.Stop() == 0);
}

TEST_CASE("ZIP of all files and the message passes unzip -t and 7z t; checksums; message") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    auto t = app.CreateTransfer(kPassword, 3600, std::string("Hej Bo, här är journalen."));
    std::string sums;
    for (int i = 0; i < 3; ++i) {
        const auto f = dir.path / ("doc" + std::to_string(i));
        MakeFile(f, 70000u * static_cast<unsigned>(i + 1), static_cast<unsigned>(i + 40));
        PutFile(app, t, f, i == 2 ? "journal%20%C3%A5%C3%A4%C3%B6.pdf" : "doc" + std::to_string(i));
    }
    Submit(app, t);
    const std::string zip = (dir.path / "all.zip").string();
    const std::string status = Curl("-o '" + zip +
                                    "' -w '%{http_code} %{size_download}' -H "
                                    "'X-Sealpost-Password: " +
                                    kPassword + "' '" + DownloadUrl(app, t, "zip") + "'");
    CHECK(status.starts_with("200 "));
    int code = -1;
    const std::string listing = Shell("unzip -t '" + zip + "'", &code, true);
    CHECK(code == 0);
    CHECK(listing.find("journal åäö.pdf") != std::string::npos);
    CHECK(listing.find("message.txt") != std::string::npos);
    Shell("7z t '" + zip + "'", &code, true);
    CHECK(code == 0);
    CHECK(Shell("unzip -p '" + zip + "' message.txt") == "Hej Bo, här är journalen.");
    CHECK(Shell("unzip -p '" + zip + "' doc1 | sha256sum").substr(0, 64) ==
          Sha256Hex(dir.path / "doc1"));

    const std::string checksums = Curl("-H 'X-Sealpost-Password: " + kPassword + "' '" +
                                       DownloadUrl(app, t, "checksums") + "'");
    CHECK(checksums.find(Sha256Hex(dir.path / "doc0") + "  doc0\n") != std::string::npos);
    const auto message = nlohmann::json::parse(Curl("-H 'X-Sealpost-Password: " + kPassword +
                                                    "' '" + DownloadUrl(app, t, "message") + "'"));
    CHECK(message.at("message") == "Hej Bo, här är journalen.");
    CHECK(app.Stop() == 0);
}

TEST_CASE("a stolen data folder reveals no file name, content or message") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    auto t = app.CreateTransfer(kPassword, 3600, std::string("Confidential-Message-Marker-4711"));
    const auto f = dir.path / "patient";
    {
        std::ofstream out(f);
        for (int i = 0; i < 2000; ++i)
            out << "Patient-Record-Marker-0815 line " << i << "\n";
    }
    PutFile(app, t, f, "Secret-Filename-Marker-2342.txt");
    Submit(app, t);
    CHECK(app.Stop() == 0);
    // The whole folder: index, blobs and server key.
    const std::string data = (dir.path / "data").string();
    for (const std::string marker : {"Secret-Filename-Marker-2342", "Patient-Record-Marker-0815",
                                     "Confidential-Message-Marker-4711", "U2VjcmV0LUZpbGVuYW1l"}) {
        int code = -1;
        Shell("grep -r -a -q '" + marker + "' '" + data + "'", &code);
        CHECK(code == 1);
    }
    // Without the password the upload wrap is gone after submit, so the
    // server key opens nothing.
    const store::WrapFiles wraps(dir.path / "data" / "keys" / "wraps");
    const store::LmdbIndex index(dir.path / "data" / "index", wraps);
    const auto stored = index.GetTransfer(t.id);
    REQUIRE(stored);
    CHECK_FALSE(wraps.Get(t.id, store::WrapKind::upload));
    CHECK(wraps.Get(t.id, store::WrapKind::password));
    CHECK(stored->status == store::TransferStatus::provided);
}

TEST_CASE("the sender of a transfer, as the upload guard reads it, matches its record") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    const auto a = app.CreateTransfer(kPassword), b = app.CreateTransfer(kPassword);
    const auto& index = app.storage().index();
    for (int round = 0; round < 2; ++round) { // the second round from what was kept
        CHECK(index.TransferSender(a.id) == index.GetTransfer(a.id)->sender);
        CHECK(index.TransferSender(b.id) == std::optional<std::string>(kSender));
    }
    CHECK_FALSE(index.TransferSender(std::string(a.id.size(), 'a')));
    // A known transfer asks for its sender's token (401 without it; with it the
    // handler answers, 404 for an unknown file); an unknown transfer is left
    // to the handler.
    const std::string unknown(a.id.size(), 'c');
    CHECK(Shell("curl -s -o /dev/null -w '%{http_code}' -I -H 'Tus-Resumable: 1.0.0' '" +
                app.Url() + "/api/v1/transfers/" + unknown + "/files/" + unknown + "'") == "404");
    CHECK(Shell("curl -s -o /dev/null -w '%{http_code}' -I -H 'Tus-Resumable: 1.0.0' '" +
                app.Url() + "/api/v1/transfers/" + a.id + "/files/" + std::string(a.id.size(), 'b') +
                "'") == "401");
    CHECK(Curl("-o /dev/null -w '%{http_code}' -I -H 'Tus-Resumable: 1.0.0' '" + app.Url() +
               "/api/v1/transfers/" + a.id + "/files/" + std::string(a.id.size(), 'b') + "'") ==
          "404");
    CHECK(app.Stop() == 0);
}

TEST_CASE("expiry deletes on time and at start") {
    TempDir dir;
    store::TransferRecord overdue;
    {
        AppFixture app(dir.path / "data");
        app.Start();
        auto t = app.CreateTransfer(kPassword, 2);
        const auto f = dir.path / "x";
        MakeFile(f, 1000, 1);
        const auto reply = nlohmann::json::parse(PutFile(app, t, f, "x"));
        app.RunOnLoop([&] { app.storage().ArmExpiry(); });
        const auto blob = dir.path / "data" / "blobs" / (std::string(reply.at("id")) + ".age");
        CHECK(std::filesystem::exists(blob));
        std::this_thread::sleep_for(std::chrono::milliseconds(3500));
        CHECK_FALSE(std::filesystem::exists(blob));
        const auto record = app.storage().index().GetTransfer(t.id);
        REQUIRE(record);
        CHECK(record->status == store::TransferStatus::expired);
        CHECK_FALSE(app.storage().wraps().Get(t.id, store::WrapKind::password));
        CHECK(Curl("-o /dev/null -w '%{http_code}' '" + app.Url() + "/api/v1/downloads/" +
                   t.recipients.at(0).download_id + "'") == "410");

        overdue = app.CreateTransfer(kPassword, 1);
        PutFile(app, overdue, f, "y");
        CHECK(app.Stop() == 0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    AppFixture app(dir.path / "data");
    app.Start(); // overdue at start: deleted before serving
    const auto record = app.storage().index().GetTransfer(overdue.id);
    REQUIRE(record);
    CHECK(record->status == store::TransferStatus::expired);
    for (const auto& id : overdue.file_ids)
        CHECK_FALSE(std::filesystem::exists(dir.path / "data" / "blobs" / (id + ".age")));
    CHECK(app.Stop() == 0);
}

TEST_CASE("wrong passwords lock the transfer, then delete it; locked attempts are not counted") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.config.security.lock_after = 3;
    app.config.security.delete_after = 5;
    app.Start();
    auto t = app.CreateTransfer(kPassword);
    const auto f = dir.path / "x";
    MakeFile(f, 70000, 5);
    const auto reply = nlohmann::json::parse(PutFile(app, t, f, "x"));
    Submit(app, t);
    const std::string url = DownloadUrl(app, t, "files/" + std::string(reply.at("id")));
    auto attempt = [&](const std::string& password) {
        return Curl("-w '\\n%{http_code}' -H 'X-Sealpost-Password: " + password + "' '" + url +
                    "'");
    };
    auto status_of = [](const std::string& out) { return out.substr(out.rfind('\n') + 1); };
    auto body_of = [](const std::string& out) {
        return nlohmann::json::parse(out.substr(0, out.rfind('\n')));
    };

    std::string out = attempt("wrong-1");
    CHECK(status_of(out) == "401");
    CHECK(body_of(out).at("attempts_left") == 2);
    CHECK(body_of(out).at("attempts_before_deletion") == 4);
    // A right password in between resets the consecutive count.
    CHECK(status_of(attempt(kPassword)) == "200");
    CHECK(body_of(attempt("wrong-2")).at("attempts_left") == 2);
    CHECK(body_of(attempt("wrong-3")).at("attempts_left") == 1);
    out = attempt("wrong-4");
    CHECK(status_of(out) == "423");
    CHECK(body_of(out).contains("locked_until"));
    // While locked even the right password is refused, and nothing is counted.
    CHECK(status_of(attempt(kPassword)) == "423");
    CHECK(status_of(attempt("wrong-5")) == "423");
    auto record = app.storage().index().GetTransfer(t.id);
    REQUIRE(record);
    CHECK(record->failed_attempts == 4);
    CHECK(record->locked_until > 0);

    // Lift the lock (as an administrator's unlock will) and reach the limit.
    app.RunOnLoop([&] { app.storage().ClearLockNow(t.id); });
    CHECK(status_of(attempt("wrong-6")) == "410");
    record = app.storage().index().GetTransfer(t.id);
    REQUIRE(record);
    CHECK(record->status == store::TransferStatus::deleted);
    CHECK_FALSE(app.storage().wraps().Get(t.id, store::WrapKind::password));
    CHECK_FALSE(std::filesystem::exists(dir.path / "data" / "blobs" /
                                        (std::string(reply.at("id")) + ".age")));
    CHECK(status_of(attempt(kPassword)) == "410");
    CHECK(app.Stop() == 0);
}
