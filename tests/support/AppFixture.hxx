// Test fixture: the whole sealpost App (real config, storage, routes) on an
// ephemeral loopback port with its loop on a background thread, plus helpers
// to run real command-line peers (curl, age, unzip, 7z) and to make files.
#pragma once

#include "app/App.hxx"
#include "lib/uv/Async.hxx"
#include "lib/uv/Loop.hxx"
#include "store/Storage.hxx"
#include "support/Files.hxx"
#include "support/Shell.hxx"
#include "support/TempDir.hxx"

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sealpost::test {

/// The sender of AppFixture::CreateTransfer.
inline constexpr const char* kSender = "anna@regionuppsala.se";

/// curl arguments that authenticate as kSender with the API token of the
/// most recently started fixture (the upload endpoints need the sender).
std::string SenderAuth();

class AppFixture {
public:
    explicit AppFixture(std::filesystem::path data_dir);
    ~AppFixture();

    void Start();
    /// Runs `fn` on the loop thread and waits for it.
    void RunOnLoop(std::function<void()> fn);
    /// Graceful stop; returns uv_loop_close() (0 = no leaked handle).
    int Stop();

    std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    store::Storage& storage() { return app_->storage(); }
    const http::Router& router() const { return app_->router(); }
    store::TransferRecord CreateTransfer(const std::string& password,
                                         std::int64_t retention_seconds = 3600,
                                         std::optional<std::string> message = std::nullopt);
    /// The transfer's age identity string, opened with its password (as the
    /// rightful recipient would export it).
    std::string IdentityOf(const store::TransferRecord& transfer, const std::string& password);
    /// One counted password attempt through the storage (as the routes make them).
    store::Storage::AttemptResult Attempt(const store::TransferRecord& transfer,
                                          const std::string& password);
    /// Locks the transfer the way three wrong passwords do.
    void Lock(const store::TransferRecord& transfer);
    /// A file's SHA-256 as stored (sealed), opened with the transfer's password.
    std::string Sha256Of(const store::TransferRecord& transfer, const std::string& file_id,
                         const std::string& password);

    Config config;
    /// An API token bound to kSender, made by Start().
    std::string sender_token;

private:
    uv::Loop loop_;
    std::unique_ptr<app::App> app_;
    std::unique_ptr<uv::Async> stop_;
    std::unique_ptr<uv::Async> task_async_;
    std::function<void()> task_;
    std::mutex task_mutex_;
    std::thread thread_;
    int port_ = 0;
    bool running_ = false;
};

} // namespace sealpost::test
