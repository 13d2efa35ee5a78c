#include "support/AppFixture.hxx"
#include "crypto/PasswordKek.hxx"
#include "crypto/TransferKeys.hxx"
#include "identity/SenderStore.hxx"

#include <cstdio>
#include <fstream>
#include <future>
#include <random>

namespace sealpost::test {

AppFixture::AppFixture(std::filesystem::path data_dir) {
    config.server.listen = {"127.0.0.1", 0};
    config.server.data_dir = std::move(data_dir);
    // Small Argon2id cost keeps the tests fast; production uses the config's.
    config.kdf.opslimit = 1;
    config.kdf.memlimit = 8 << 20;
}

AppFixture::~AppFixture() {
    if (running_)
        Stop();
}

std::string current_sender_token;

std::string SenderAuth() {
    return "-H 'Authorization: Bearer " + current_sender_token + "' ";
}

void AppFixture::Start() {
    app_ = std::make_unique<app::App>(loop_, config);
    app_->Start();
    port_ = app_->Port();
    // Uploads need the transfer's sender: an API token for CreateTransfer's.
    identity::SenderStore senders(app_->storage().shared_env());
    sender_token = senders.CreateToken(kSender, "tests", 0);
    current_sender_token = sender_token;
    task_async_ = std::make_unique<uv::Async>(loop_.get(), [this] {
        std::function<void()> task;
        {
            std::lock_guard lock(task_mutex_);
            task.swap(task_);
        }
        if (task)
            task();
    });
    stop_ = std::make_unique<uv::Async>(loop_.get(), [this] {
        app_->Stop();
        stop_.reset();
        task_async_.reset();
    });
    running_ = true;
    thread_ = std::thread([this] { loop_.Run(); });
}

void AppFixture::RunOnLoop(std::function<void()> fn) {
    std::promise<void> done;
    {
        std::lock_guard lock(task_mutex_);
        task_ = [&] {
            fn();
            done.set_value();
        };
    }
    task_async_->Send();
    done.get_future().wait();
}

store::Storage::AttemptResult AppFixture::Attempt(const store::TransferRecord& transfer,
                                                 const std::string& password) {
    std::promise<store::Storage::AttemptResult> result;
    RunOnLoop([&] {
        storage().AttemptPassword(transfer, password, {},
                                  [&](store::Storage::AttemptResult r) { result.set_value(r); });
    });
    return result.get_future().get();
}

void AppFixture::Lock(const store::TransferRecord& transfer) {
    for (int i = 0; i < 3; ++i)
        Attempt(transfer, "not the password " + std::to_string(i));
}

int AppFixture::Stop() {
    running_ = false;
    stop_->Send();
    thread_.join();
    app_.reset();
    return loop_.Close();
}

store::TransferRecord AppFixture::CreateTransfer(const std::string& password,
                                                 std::int64_t retention_seconds,
                                                 std::optional<std::string> message) {
    store::NewTransfer request;
    request.sender = kSender;
    request.recipients = {{"bo@example.com", "to"}};
    request.retention_seconds = retention_seconds;
    request.password = password;
    request.message = std::move(message);
    return storage().CreateTransfer(request);
}

std::string AppFixture::IdentityOf(const store::TransferRecord& transfer,
                                   const std::string& password) {
    // The wrap file itself, so that this works with the server stopped too.
    const store::WrapFiles wraps(config.server.data_dir / "keys" / "wraps");
    const auto w_pw = wraps.Get(transfer.id, store::WrapKind::password);
    if (!w_pw)
        return "";
    const auto params = crypto::PasswordKek::ReadParams(*w_pw);
    const auto kek = crypto::PasswordKek::Derive(password, *params);
    const auto keys = crypto::TransferKeys::OpenWithPassword(kek, transfer.id, *w_pw);
    return keys ? keys->Identity().ToString() : "";
}

std::string AppFixture::Sha256Of(const store::TransferRecord& transfer, const std::string& file_id,
                                 const std::string& password) {
    const auto identity = age::AgeIdentity::FromString(IdentityOf(transfer, password));
    const auto file = storage().index().GetFile(file_id);
    if (!identity || !file)
        return "";
    const auto details = storage().OpenFile(*file, *identity);
    return details ? details->sha256 : "";
}

} // namespace sealpost::test
