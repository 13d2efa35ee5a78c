// No ChaCha20-Poly1305 nonce is ever used for two plaintexts: a chunk index
// that was sealed and written but never became durable (a PATCH answered 460,
// a tail left by a crash) is only sealed again after the partial blob was
// re-keyed (new file key and payload nonce). Checked through the real service
// with curl, our reader and the age CLI.
#include "support/AppFixture.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "store/BlobSource.hxx"
#include "store/BlobStore.hxx"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace sealpost;
using namespace sealpost::test;

namespace {

const std::string kPassword = "Rekey-Horse-Battery-17";
constexpr std::uint64_t kChunk = age::kChunkSize;

/// Every request as the transfer's sender (the upload endpoints need it).
std::string Curl(const std::string& args) {
    return Shell("curl -sS " + SenderAuth() + args);
}

std::string ReadFile(const std::filesystem::path& path, std::uint64_t max = UINT64_MAX) {
    std::ifstream in(path, std::ios::binary);
    std::string all(std::istreambuf_iterator<char>(in), {});
    return all.substr(0, std::min<std::uint64_t>(max, all.size()));
}

void WriteFile(const std::filesystem::path& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string CreateUpload(const AppFixture& app, const store::TransferRecord& t,
                         std::uint64_t size) {
    const std::string out =
        Curl("-i -X POST -H 'Tus-Resumable: 1.0.0' -H 'Upload-Length: " + std::to_string(size) +
             "' '" + app.Url() + "/api/v1/transfers/" + t.id + "/files'");
    const auto l = out.find("Location: ") + 10;
    return out.substr(l, out.find("\r\n", l) - l);
}

/// PATCHes `bytes` at `offset`; an empty `sha1` sends no checksum. Returns the
/// status and the Upload-Offset of the answer.
std::pair<std::string, std::string> Patch(const AppFixture& app, const std::string& location,
                                          std::uint64_t offset, const std::filesystem::path& bytes,
                                          const std::string& sha1 = "") {
    const std::string out =
        Curl("-i -X PATCH -H 'Expect:' -H 'Tus-Resumable: 1.0.0' -H 'Content-Type: "
             "application/offset+octet-stream' -H 'Upload-Offset: " +
             std::to_string(offset) + "' " +
             (sha1.empty() ? "" : "-H 'Upload-Checksum: sha1 " + sha1 + "' ") + "--data-binary @'" +
             bytes.string() + "' '" + app.Url() + location + "'");
    const std::string status = out.substr(9, 3);
    const auto o = out.find("Upload-Offset: ");
    std::string offset_header;
    if (o != std::string::npos)
        offset_header = out.substr(o + 15, out.find("\r\n", o) - o - 15);
    return {status, offset_header};
}

std::string Sha1Base64(const std::filesystem::path& file) {
    return Shell("openssl dgst -sha1 -binary '" + file.string() + "' | base64 -w0");
}

std::string FileIdOf(const std::string& location) {
    return location.substr(location.rfind('/') + 1);
}

/// Checks a complete blob against the source with our reader and `age -d`.
void CheckBlob(AppFixture& app, const TempDir& dir, const store::TransferRecord& t,
               const std::string& file_id, const std::filesystem::path& source) {
    const auto record = app.storage().index().GetFile(file_id);
    REQUIRE(record);
    CHECK(record->complete);
    CHECK(app.Sha256Of(t, file_id, kPassword) == Sha256Hex(source));
    const std::string identity_text = app.IdentityOf(t, kPassword);
    const auto identity = age::AgeIdentity::FromString(identity_text);
    REQUIRE(identity);
    const auto opened = store::OpenBlobNow(app.storage().blobs(), *record, *identity);
    std::vector<std::uint8_t> plain(record->size);
    store::ReadPlain(*opened, 0, plain);
    CHECK(std::string(plain.begin(), plain.end()) == ReadFile(source));

    WriteFile(dir.path / "key.txt", identity_text + "\n");
    int code = -1;
    Shell("age -d -i '" + (dir.path / "key.txt").string() + "' '" +
              app.storage().blobs().BlobPath(file_id).string() + "' > '" +
              (dir.path / "out-age").string() + "'",
          &code);
    CHECK(code == 0);
    CHECK(Sha256Hex(dir.path / "out-age") == Sha256Hex(source));
}

/// Header and payload nonce of a blob file: what determines its payload key.
std::string BlobStartOf(const std::filesystem::path& blob, std::uint64_t chunks_offset) {
    return ReadFile(blob, chunks_offset);
}

/// Opens a tus PATCH at offset 0 that announces `length` body bytes and sends
/// only `body`; returns the socket, still open (the request never ends).
int StallingPatch(const AppFixture& app, const std::string& location, std::uint64_t length,
                  std::string_view body) {
    const std::string url = app.Url();
    const int port = std::stoi(url.substr(url.rfind(':') + 1));
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(s >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    const std::string auth = SenderAuth(); // "-H 'Authorization: …' "
    const std::string header = auth.substr(4, auth.rfind('\'') - 4);
    std::string request = "PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header +
                          "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                          "Content-Type: application/offset+octet-stream\r\nContent-Length: " +
                          std::to_string(length) + "\r\n\r\n";
    request += body;
    for (std::size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(s, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        REQUIRE(n > 0);
        sent += static_cast<std::size_t>(n);
    }
    return s;
}

} // namespace

TEST_CASE("a PATCH in progress records durable progress; the upload resumes from it after a "
          "restart") {
    TempDir dir;
    const std::uint64_t size = 9 * 1024 * 1024 + 12345, sent = 6 * 1024 * 1024;
    const auto source = dir.path / "in";
    MakeFile(source, size, 41);
    const std::string original = ReadFile(source);
    store::TransferRecord t;
    std::string location, id;
    {
        AppFixture app(dir.path / "data");
        app.Start();
        t = app.CreateTransfer(kPassword);
        location = CreateUpload(app, t, size);
        id = FileIdOf(location);
        // The body stops after 6 MiB and the request stays open: the index
        // has the offset of those bytes within about a second (the tick of
        // the durable progress), long before the request ends.
        const int s = StallingPatch(app, location, size, std::string_view(original).substr(0, sent));
        std::uint64_t offset = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            offset = app.storage().index().GetFile(id)->offset;
            if (offset == sent)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CHECK(offset == sent);
        CHECK(Curl("-I -H 'Tus-Resumable: 1.0.0' '" + app.Url() + location + "'")
                  .find("Upload-Offset: " + std::to_string(sent)) != std::string::npos);
        // The blob holds every byte the index claims.
        const auto record = app.storage().index().GetFile(id);
        REQUIRE(record);
        CHECK(std::filesystem::file_size(app.storage().blobs().PartPath(id)) >=
              record->chunks_offset + sent / kChunk * age::kSealedChunkSize);
        ::close(s);
        CHECK(app.Stop() == 0);
    }
    AppFixture app(dir.path / "data");
    app.Start();
    CHECK(Curl("-I -H 'Tus-Resumable: 1.0.0' '" + app.Url() + location + "'")
              .find("Upload-Offset: " + std::to_string(sent)) != std::string::npos);
    WriteFile(dir.path / "rest", original.substr(sent));
    const auto resumed = Patch(app, location, sent, dir.path / "rest");
    CHECK(resumed.first == "204");
    CHECK(resumed.second == std::to_string(size));
    CheckBlob(app, dir, t, id, source);
    CHECK(app.Stop() == 0);
}

TEST_CASE("a complete file whose rename into place a crash cut off is renamed at start") {
    TempDir dir;
    const std::uint64_t size = 3 * kChunk + 5;
    const auto source = dir.path / "in";
    MakeFile(source, size, 43);
    store::TransferRecord t;
    std::string id;
    {
        AppFixture app(dir.path / "data");
        app.Start();
        t = app.CreateTransfer(kPassword);
        const std::string location = CreateUpload(app, t, size);
        id = FileIdOf(location);
        CHECK(Patch(app, location, 0, source) ==
              std::pair<std::string, std::string>{"204", std::to_string(size)});
        CHECK(app.Stop() == 0);
    }
    // What a kill -9 between the index commit (complete) and the rename leaves.
    const auto blobs = dir.path / "data" / "blobs";
    std::filesystem::rename(blobs / (id + ".age"), blobs / (id + ".part"));
    AppFixture app(dir.path / "data");
    app.Start();
    CHECK(std::filesystem::exists(blobs / (id + ".age")));
    CHECK_FALSE(std::filesystem::exists(blobs / (id + ".part")));
    CheckBlob(app, dir, t, id, source);
    CHECK(app.Stop() == 0);
}

TEST_CASE("after a 460 with other bytes, the resent chunks are sealed under a new key") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    const auto t = app.CreateTransfer(kPassword);
    const std::uint64_t size = 5 * kChunk + 1000;
    const auto source = dir.path / "in";
    MakeFile(source, size, 21);
    const std::string original = ReadFile(source);
    const std::string location = CreateUpload(app, t, size);
    const std::string id = FileIdOf(location);
    const auto part = app.storage().blobs().PartPath(id);

    WriteFile(dir.path / "p1", original.substr(0, kChunk));
    CHECK(Patch(app, location, 0, dir.path / "p1") ==
          std::pair<std::string, std::string>{"204", std::to_string(kChunk)});
    const auto record = app.storage().index().GetFile(id);
    REQUIRE(record);
    const std::uint64_t chunks_offset = record->chunks_offset;
    const std::string start_before = BlobStartOf(part, chunks_offset);
    const std::string chunk0_before = ReadFile(part).substr(chunks_offset, age::kSealedChunkSize);
    REQUIRE(start_before.size() == chunks_offset);

    // Other bytes for the rest of the file, with a checksum that does not
    // match: 460, but chunks 1..5 were sealed and written meanwhile.
    MakeFile(dir.path / "other", size - kChunk, 22);
    REQUIRE(ReadFile(dir.path / "other") != original.substr(kChunk));
    CHECK(Patch(app, location, kChunk, dir.path / "other", Sha1Base64(source)) ==
          std::pair<std::string, std::string>{"460", std::to_string(kChunk)});
    CHECK(std::filesystem::file_size(part) > chunks_offset + age::kSealedChunkSize);
    CHECK(BlobStartOf(part, chunks_offset) == start_before);

    // The right bytes: indexes 1..5 are sealed again, now under a new key.
    WriteFile(dir.path / "p2", original.substr(kChunk));
    CHECK(Patch(app, location, kChunk, dir.path / "p2", Sha1Base64(dir.path / "p2")) ==
          std::pair<std::string, std::string>{"204", std::to_string(size)});
    const auto blob = app.storage().blobs().BlobPath(id);
    REQUIRE(std::filesystem::exists(blob));
    CHECK_FALSE(std::filesystem::exists(part));
    CHECK_FALSE(std::filesystem::exists(app.storage().blobs().RekeyPath(id)));
    const auto final_record = app.storage().index().GetFile(id);
    REQUIRE(final_record);
    const std::string start_after = BlobStartOf(blob, final_record->chunks_offset);
    // A new stanza (file key) and a new payload nonce, so a new payload key;
    // the durable chunk 0 was re-encrypted under it.
    CHECK(start_after != start_before);
    CHECK(start_after.substr(start_after.size() - 16) !=
          start_before.substr(start_before.size() - 16));
    CHECK(start_after.substr(0, start_after.find("\n---")) !=
          start_before.substr(0, start_before.find("\n---")));
    CHECK(ReadFile(blob).substr(final_record->chunks_offset, age::kSealedChunkSize) !=
          chunk0_before);
    CheckBlob(app, dir, t, id, source);
    CHECK(app.Stop() == 0);
}

TEST_CASE("a tail written but not durable before a restart makes the next request re-key") {
    TempDir dir;
    const std::uint64_t size = 6 * kChunk + 77;
    const auto source = dir.path / "in";
    MakeFile(source, size, 31);
    const std::string original = ReadFile(source);
    store::TransferRecord t;
    std::string location, id, start_before;
    std::uint64_t chunks_offset = 0;
    {
        AppFixture app(dir.path / "data");
        app.Start();
        t = app.CreateTransfer(kPassword);
        location = CreateUpload(app, t, size);
        id = FileIdOf(location);
        WriteFile(dir.path / "p1", original.substr(0, 2 * kChunk));
        CHECK(Patch(app, location, 0, dir.path / "p1").second == std::to_string(2 * kChunk));
        chunks_offset = app.storage().index().GetFile(id)->chunks_offset;
        start_before = BlobStartOf(app.storage().blobs().PartPath(id), chunks_offset);
        CHECK(app.Stop() == 0);
    }
    const auto part = dir.path / "data" / "blobs" / (id + ".part");
    {
        // A restart with nothing past the durable offset keeps the key.
        AppFixture app(dir.path / "data");
        app.Start();
        WriteFile(dir.path / "p2", original.substr(2 * kChunk, kChunk));
        CHECK(Patch(app, location, 2 * kChunk, dir.path / "p2").second ==
              std::to_string(3 * kChunk));
        CHECK(BlobStartOf(part, chunks_offset) == start_before);
        CHECK(app.Stop() == 0);
    }
    // What a kill -9 after a write and before the commit leaves: chunks 3 and
    // 4 sealed under the blob's key (with other bytes) past the durable
    // offset; and a half-written re-key file from an earlier crash.
    {
        const auto identity =
            age::AgeIdentity::FromString(AppFixture(dir.path / "data").IdentityOf(t, kPassword));
        REQUIRE(identity);
        const std::string head = ReadFile(part, chunks_offset);
        age::OpenedBlob opened;
        REQUIRE(age::OpenBlobStart(
                    std::span(reinterpret_cast<const std::uint8_t*>(head.data()), head.size()),
                    *identity, opened) == age::AgeErrc::ok);
        REQUIRE(opened.chunks_offset == chunks_offset);
        std::vector<std::uint8_t> other(kChunk, 0x5a), sealed(age::kSealedChunkSize);
        std::string tail;
        for (std::uint64_t index : {3, 4}) {
            REQUIRE(age::SealChunk(*opened.payload_key, index, false, other, sealed) ==
                    age::AgeErrc::ok);
            tail.append(sealed.begin(), sealed.end());
        }
        std::ofstream out(part, std::ios::binary | std::ios::app);
        out << tail;
        out.close();
        WriteFile(dir.path / "data" / "blobs" / (id + ".rekey"), "half-written");
    }
    AppFixture app(dir.path / "data");
    app.Start();
    CHECK_FALSE(std::filesystem::exists(app.storage().blobs().RekeyPath(id)));
    CHECK(Curl("-I -H 'Tus-Resumable: 1.0.0' '" + app.Url() + location + "'")
              .find("Upload-Offset: " + std::to_string(3 * kChunk)) != std::string::npos);
    WriteFile(dir.path / "p3", original.substr(3 * kChunk));
    CHECK(Patch(app, location, 3 * kChunk, dir.path / "p3") ==
          std::pair<std::string, std::string>{"204", std::to_string(size)});
    const auto record = app.storage().index().GetFile(id);
    REQUIRE(record);
    const std::string start_after =
        BlobStartOf(app.storage().blobs().BlobPath(id), record->chunks_offset);
    CHECK(start_after != start_before);
    CHECK(start_after.substr(start_after.size() - 16) !=
          start_before.substr(start_before.size() - 16));
    CheckBlob(app, dir, t, id, source);
    CHECK(app.Stop() == 0);
}
