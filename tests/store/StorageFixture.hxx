// A Storage on a fresh data folder with a cheap Argon2id cost, for the store
// tests that work below the HTTP layer: created and started by the
// constructor (after `adjust` changed the options), reopened on the same data
// folder by Restart() as after a process restart. Loop thread: the test's.
#pragma once

#include "support/TempDir.hxx"
#include "lib/uv/Loop.hxx"
#include "store/Storage.hxx"

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>

namespace sealpost::test {

struct StorageFixture {
    TempDir dir;
    uv::Loop loop;
    store::StorageOptions options;
    std::unique_ptr<store::Storage> storage;

    explicit StorageFixture(const std::function<void(store::StorageOptions&)>& adjust = {}) {
        options.data_dir = dir.path / "data";
        options.kdf_opslimit = 1;
        options.kdf_memlimit = 8 << 20;
        if (adjust)
            adjust(options);
        Open();
    }
    ~StorageFixture() {
        Close();
        loop.Close();
    }
    StorageFixture(const StorageFixture&) = delete;
    StorageFixture& operator=(const StorageFixture&) = delete;

    /// A new Storage on the same data folder; `before_start` sets its hooks.
    void Restart(const std::function<void(store::Storage&)>& before_start = {}) {
        Close();
        Open(before_start);
    }

    /// A transfer from `sender` to `recipient` with only a confidential
    /// message, so that it can be submitted without an upload.
    store::TransferRecord CreateWithMessage(const std::string& sender,
                                            const std::string& recipient,
                                            const std::string& password,
                                            const std::string& message = "the message") {
        store::NewTransfer request;
        request.sender = sender;
        request.recipients = {{recipient, "to"}};
        request.password = password;
        request.message = message;
        return storage->CreateTransfer(request);
    }

private:
    void Open(const std::function<void(store::Storage&)>& before_start = {}) {
        storage = std::make_unique<store::Storage>(loop.get(), options);
        if (before_start)
            before_start(*storage);
        storage->Start();
    }
    void Close() {
        if (!storage)
            return;
        storage->Stop();
        loop.Run(); // whatever the storage queued on the threadpool
        storage.reset();
    }
};

} // namespace sealpost::test
