// Interoperability with the reference implementation: the `age` and `age-keygen`
// command-line tools (Debian package "age") read our blobs and keys, and we read
// theirs.
#include "AgeTestSupport.hxx"
#include "TestSupport.hxx"

#include "age/AgeIdentity.hxx"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace sealpost;

namespace {

void WriteIdentityFile(const std::filesystem::path& path, const age::AgeIdentity& identity) {
    test::WriteFileText(path, "# sealpost test identity\n" + identity.ToString() + "\n");
    ::chmod(path.c_str(), 0600);
}

} // namespace

TEST_CASE("the age tool is installed", "[age][cli]") {
    REQUIRE(test::RunCommand("age --version >/dev/null 2>&1") == 0);
    REQUIRE(test::RunCommand("age-keygen --version >/dev/null 2>&1") == 0);
}

TEST_CASE("age -d decrypts our blobs", "[age][cli]") {
    const test::TempDir dir;
    const auto identity = age::AgeIdentity::Generate();
    WriteIdentityFile(dir / "key.txt", identity);
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536},
                                   std::size_t{65537}, std::size_t{3 * 1024 * 1024 + 1}}) {
        INFO("size " << size);
        const auto plain = test::RandomData(size);
        test::WriteFileBytes(dir / "blob.age", test::EncryptBytes(identity.Recipient(), plain));
        // Through stdout: with -o, age creates no file for an empty plaintext.
        REQUIRE(test::RunCommand("age -d -i " + (dir / "key.txt").string() + " " +
                                 (dir / "blob.age").string() + " > " + (dir / "out").string()) ==
                0);
        CHECK(test::Difference(test::ReadFileBytes(dir / "out"), plain) == "");
    }

    // age rejects a damaged blob of ours too.
    auto blob = test::EncryptBytes(identity.Recipient(), test::RandomData(1000));
    blob[blob.size() - 3] ^= 1;
    test::WriteFileBytes(dir / "bad.age", blob);
    CHECK(test::RunCommand("age -d -i " + (dir / "key.txt").string() + " -o /dev/null " +
                           (dir / "bad.age").string() + " 2>/dev/null") != 0);
}

TEST_CASE("we decrypt age -e output", "[age][cli]") {
    const test::TempDir dir;
    const auto identity = age::AgeIdentity::Generate();
    for (const std::size_t size : {std::size_t{0}, std::size_t{100}, std::size_t{65536},
                                   std::size_t{2 * 65536 + 7}, std::size_t{3 * 1024 * 1024}}) {
        INFO("size " << size);
        const auto plain = test::RandomData(size);
        test::WriteFileBytes(dir / "plain", plain);
        REQUIRE(test::RunCommand("age -e -r " + identity.Recipient().ToString() + " -o " +
                                 (dir / "blob.age").string() + " " + (dir / "plain").string()) ==
                0);
        const auto outcome = test::DecryptBytes(identity, test::ReadFileBytes(dir / "blob.age"));
        CHECK_FALSE(outcome.error);
        CHECK(test::Difference(outcome.plain, plain) == "");
    }

    // Several recipients: our identity is found among them.
    const auto other = age::AgeIdentity::Generate();
    const auto plain = test::RandomData(5000);
    test::WriteFileBytes(dir / "plain", plain);
    REQUIRE(test::RunCommand("age -e -r " + other.Recipient().ToString() + " -r " +
                             identity.Recipient().ToString() + " -o " +
                             (dir / "multi.age").string() + " " + (dir / "plain").string()) == 0);
    const auto blob = test::ReadFileBytes(dir / "multi.age");
    CHECK(test::Difference(test::DecryptBytes(identity, blob).plain, plain) == "");
    CHECK(test::Difference(test::DecryptBytes(other, blob).plain, plain) == "");
    CHECK(test::DecryptBytes(age::AgeIdentity::Generate(), blob).error ==
          age::AgeErrc::no_matching_stanza);
}

TEST_CASE("keys are interchangeable with age-keygen", "[age][cli]") {
    const test::TempDir dir;

    // age-keygen's identity parses here, and we derive the same recipient.
    REQUIRE(test::RunCommand("age-keygen -o " + (dir / "theirs.txt").string() + " 2>/dev/null") ==
            0);
    const auto theirs_text = test::ReadFileBytes(dir / "theirs.txt");
    const auto theirs = age::AgeIdentity::FromKeyFile(
        {reinterpret_cast<const char*>(theirs_text.data()), theirs_text.size()});
    REQUIRE(theirs);
    const auto their_recipient =
        test::TrimRight(test::CommandOutput("age-keygen -y " + (dir / "theirs.txt").string()));
    CHECK(theirs->Recipient().ToString() == their_recipient);
    CHECK(age::AgeRecipient::FromString(their_recipient) == theirs->Recipient());

    // Our identity string is accepted by age-keygen, which derives our recipient.
    const auto ours = age::AgeIdentity::Generate();
    WriteIdentityFile(dir / "ours.txt", ours);
    CHECK(test::TrimRight(test::CommandOutput("age-keygen -y " + (dir / "ours.txt").string())) ==
          ours.Recipient().ToString());
}
