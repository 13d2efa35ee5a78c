// ClientState: the command-line client's per-user state file,
// $XDG_CONFIG_HOME/sealpost/state.json (default ~/.config/sealpost/), mode 0600 in a
// 0700 folder. It holds, per server origin, the cookies of the client identity
// (set by a completed --from verification) and a pending verification's id; and,
// per unfinished `send`, the transfer, its upload URLs and (for a generated
// password) the password until the transfer is submitted — so a re-run of a killed
// command resumes instead of starting over. Every change is read-modify-write under
// an exclusive flock and replaces the file atomically, so parallel runs and the
// upload workers of one run may all call Update(). Any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <mutex>

namespace sealpost::client {

class ClientState {
    std::filesystem::path path_;
    std::mutex mutex_;

public:
    explicit ClientState(std::filesystem::path path);

    /// $XDG_CONFIG_HOME/sealpost (or $HOME/.config/sealpost).
    static std::filesystem::path DefaultFolder();

    const std::filesystem::path& Path() const noexcept { return path_; }

    /// The whole document ({} when there is no file yet).
    nlohmann::json Read();

    /// Applies `change` to the document and writes it back.
    void Update(const std::function<void(nlohmann::json&)>& change);
};

} // namespace sealpost::client
