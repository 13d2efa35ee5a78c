// sealpost-bench-transfer: opens a transfer in a sealpost data folder through
// the storage's internal interface, for benchmarks that upload and download
// over HTTP without the sender verification by mail that the HTTP API needs.
//
//   sealpost-bench-transfer create --data DIR --password PW
//                                  [--opslimit N] [--memlimit BYTES]
//
// prints one JSON object:
//   {"id":…,"download_id":…,"upload_url":"/api/v1/transfers/ID/files","token":…}
// token is an API token of the transfer's sender: the upload endpoints need
// "Authorization: Bearer TOKEN".
// upload_url is the tus creation URL; plain PUT appends "/NAME" to it; the
// file downloads from /api/v1/downloads/DOWNLOAD_ID/files/FILE_ID.
//
// The transfer is open (uploads accepted) with one recipient and the given
// password; its files download once the sender submits it
// (POST /api/v1/transfers/ID/submit with the token). The Argon2id cost is stored with the
// password wrap, so --opslimit/--memlimit (default 1 and 8 MiB, the values of
// bench/run's configuration) set what every download's password check costs.
// The data folder may be in use by a running `sealpost serve`: the LMDB index
// allows a second process, and the server key file is shared.
#include "identity/SenderStore.hxx"
#include "lib/uv/Loop.hxx"
#include "log/Log.hxx"
#include "store/Storage.hxx"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

namespace sealpost {
namespace {

constexpr const char* kUsage = "usage: sealpost-bench-transfer create --data DIR --password PW "
                               "[--opslimit N] [--memlimit BYTES]\n";

struct Options {
    std::string data_dir;
    std::string password;
    std::uint64_t opslimit = 1;
    std::uint64_t memlimit = std::uint64_t{8} << 20;
};

bool ParseNumber(const std::string& text, std::uint64_t& value) {
    try {
        std::size_t used = 0;
        value = std::stoull(text, &used);
        return used == text.size() && !text.empty() && text[0] != '-';
    } catch (const std::exception&) {
        return false;
    }
}

bool ParseOptions(int argc, char** argv, Options& options) {
    if (argc < 2 || std::string_view(argv[1]) != "create")
        return false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            return false;
        const std::string value = argv[++i];
        if (arg == "--data") {
            options.data_dir = value;
        } else if (arg == "--password") {
            options.password = value;
        } else if (arg == "--opslimit") {
            if (!ParseNumber(value, options.opslimit))
                return false;
        } else if (arg == "--memlimit") {
            if (!ParseNumber(value, options.memlimit))
                return false;
        } else {
            return false;
        }
    }
    return !options.data_dir.empty() && !options.password.empty();
}

int Create(const Options& options) {
    log::Configure(log::Level::warn, log::Format::text);
    uv::Loop loop;
    store::StorageOptions storage_options;
    storage_options.data_dir = options.data_dir;
    storage_options.kdf_opslimit = options.opslimit;
    storage_options.kdf_memlimit = options.memlimit;

    store::NewTransfer request;
    request.sender = "bench@example.com";
    request.recipients = {{"recipient@example.com", "to"}};
    request.password = options.password;

    nlohmann::json out;
    {
        store::Storage storage(loop.get(), storage_options);
        const store::TransferRecord transfer = storage.CreateTransfer(request);
        identity::SenderStore senders(storage.shared_env());
        out = {{"id", transfer.id},
               {"download_id", transfer.recipients.at(0).download_id},
               {"upload_url", "/api/v1/transfers/" + transfer.id + "/files"},
               {"token", senders.CreateToken(request.sender, "bench", 0)}};
    }
    if (loop.Close() != 0) {
        std::fprintf(stderr, "sealpost-bench-transfer: handles left open at exit\n");
        return 1;
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
}

} // namespace
} // namespace sealpost

int main(int argc, char** argv) {
    sealpost::Options options;
    if (!sealpost::ParseOptions(argc, argv, options)) {
        std::fputs(sealpost::kUsage, stderr);
        return 2;
    }
    try {
        return sealpost::Create(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sealpost-bench-transfer: %s\n", e.what());
        return 1;
    }
}
