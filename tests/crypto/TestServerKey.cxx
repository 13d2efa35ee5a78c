// ServerKey: created with safe permissions, reloaded unchanged, unsafe files refused.
#include "TestSupport.hxx"

#include "crypto/ServerKey.hxx"
#include "crypto/TransferKeys.hxx"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace sealpost;
using namespace sealpost::crypto;

namespace {

mode_t ModeOf(const std::filesystem::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::string ErrorOf(const std::filesystem::path& path) {
    try {
        ServerKey::LoadOrCreate(path);
    } catch (const ServerKeyError& error) {
        return error.what();
    }
    return {};
}

} // namespace

TEST_CASE("the server key is created 0600 in a 0700 directory and reloads",
          "[crypto][server-key]") {
    const test::TempDir dir;
    const auto path = dir / "data" / "keys" / "server.key";
    const auto created = ServerKey::LoadOrCreate(path);
    CHECK(ModeOf(path) == 0600);
    CHECK(ModeOf(path.parent_path()) == 0700);
    CHECK(std::filesystem::file_size(path) == 32);
    CHECK(std::distance(std::filesystem::directory_iterator(path.parent_path()),
                        std::filesystem::directory_iterator{}) == 1); // no temporary left

    const auto reloaded = ServerKey::LoadOrCreate(path);
    CHECK(created.SameAs(reloaded));
    const auto loaded = ServerKey::Load(path);
    CHECK(created.SameAs(loaded));
    // Keys for different purposes differ, and are stable across loads.
    const auto a = created.Derive("purpose a"), b = created.Derive("purpose b");
    CHECK_FALSE(std::equal(a.Span().begin(), a.Span().end(), b.Span().begin()));
    const auto a2 = loaded.Derive("purpose a");
    CHECK(std::equal(a.Span().begin(), a.Span().end(), a2.Span().begin()));

    // A W_up made before a restart opens after it.
    const auto keys = TransferKeys::Generate();
    const auto w_up = keys.WrapForServer(created, "T1");
    const auto opened = TransferKeys::OpenWithServerKey(reloaded, "T1", w_up);
    REQUIRE(opened);
    CHECK(opened->Recipient() == keys.Recipient());
    CHECK_FALSE(TransferKeys::OpenWithServerKey(reloaded, "T2", w_up));
    const test::TempDir other_dir;
    CHECK_FALSE(TransferKeys::OpenWithServerKey(
        ServerKey::LoadOrCreate(other_dir / "k" / "server.key"), "T1", w_up));
}

TEST_CASE("unsafe or damaged server key files are refused with a clear message",
          "[crypto][server-key]") {
    const test::TempDir dir;
    const auto path = dir / "keys" / "server.key";
    ServerKey::LoadOrCreate(path);

    ::chmod(path.c_str(), 0644);
    auto message = ErrorOf(path);
    CHECK_THAT(message, Catch::Contains("group or others") && Catch::Contains("chmod 600"));
    ::chmod(path.c_str(), 0640);
    CHECK_THAT(ErrorOf(path), Catch::Contains("chmod 600"));
    ::chmod(path.c_str(), 0600);
    CHECK(ErrorOf(path).empty());

    ::truncate(path.c_str(), 31);
    CHECK_THAT(ErrorOf(path), Catch::Contains("31 bytes"));
    ::truncate(path.c_str(), 33);
    CHECK_THAT(ErrorOf(path), Catch::Contains("33 bytes"));

    const auto link = dir / "keys" / "link.key";
    std::filesystem::create_symlink(path, link);
    CHECK_THAT(ErrorOf(link), Catch::Contains("symbolic link"));

    ::chmod((dir / "keys").c_str(), 0777);
    CHECK_THAT(ErrorOf(path), Catch::Contains("chmod 700"));
    ::chmod((dir / "keys").c_str(), 0700);

    CHECK_THROWS_AS(ServerKey::Load(dir / "keys" / "missing.key"), ServerKeyError);
}
