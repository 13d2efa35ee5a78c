#include "admin/AdminUsers.hxx"

#include "lib/lmdb/Cursor.hxx"
#include "lib/lmdb/Dbi.hxx"
#include "lib/lmdb/Flags.hxx"
#include "lib/lmdb/Schema.hxx"
#include "lib/lmdb/Txn.hxx"

#include <nlohmann/json.hpp>

#include <array>
#include <stdexcept>

namespace sealpost::admin {

namespace {

constexpr const char* kUsers = "users";

lmdb::EnvOptions StoreOptions() {
    lmdb::EnvOptions options;
    options.map_size = std::size_t{64} << 20;
    options.max_dbs = 4;
    return options;
}

std::string Serialize(const AdminUser& user) {
    return nlohmann::json{{"name", user.name},
                          {"role", ToString(user.role)},
                          {"password_hash", user.password_hash},
                          {"totp_secret", user.totp_secret},
                          {"created_at", user.created_at},
                          {"last_totp_step", user.last_totp_step}}
        .dump();
}

std::optional<AdminUser> Parse(std::string_view text) {
    try {
        const auto value = nlohmann::json::parse(text);
        AdminUser user;
        user.name = value.at("name").get<std::string>();
        const auto role = ParseRole(value.at("role").get<std::string>());
        if (!role)
            return std::nullopt;
        user.role = *role;
        user.password_hash = value.at("password_hash").get<std::string>();
        user.totp_secret = value.at("totp_secret").get<std::string>();
        user.created_at = value.at("created_at").get<std::int64_t>();
        // Absent in records written before logins remembered their TOTP step.
        user.last_totp_step = value.value("last_totp_step", std::int64_t{0});
        return user;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace

std::string_view ToString(Role role) noexcept {
    return role == Role::auditor ? "auditor" : "admin";
}

std::optional<Role> ParseRole(std::string_view text) noexcept {
    if (text == "admin")
        return Role::admin;
    if (text == "auditor")
        return Role::auditor;
    return std::nullopt;
}

bool IsValidUserName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64)
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

AdminUsers::AdminUsers(const std::filesystem::path& dir)
    : env_([&] {
          std::filesystem::create_directories(dir);
          std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                       std::filesystem::perm_options::replace);
          const std::array<lmdb::Migration, 1> migrations{
              [](lmdb::Txn& txn) { lmdb::Dbi::Open(txn, kUsers, lmdb::kDbCreate); }};
          return lmdb::OpenIndex(dir, kSchemaVersion, migrations, StoreOptions());
      }()) {}

std::optional<AdminUser> AdminUsers::Get(std::string_view name) {
    if (!IsValidUserName(name))
        return std::nullopt;
    auto txn = lmdb::Txn::BeginRead(env_);
    const auto text = lmdb::Dbi::Open(txn, kUsers).Get(txn, name);
    return text ? Parse(*text) : std::nullopt;
}

std::vector<AdminUser> AdminUsers::List() {
    std::vector<AdminUser> users;
    auto txn = lmdb::Txn::BeginRead(env_);
    lmdb::Cursor cursor(txn, lmdb::Dbi::Open(txn, kUsers));
    for (auto entry = cursor.First(); entry; entry = cursor.Next())
        if (auto user = Parse(entry->value))
            users.push_back(std::move(*user));
    return users;
}

bool AdminUsers::Add(const AdminUser& user) {
    if (!IsValidUserName(user.name))
        throw std::invalid_argument("invalid user name");
    auto txn = lmdb::Txn::BeginWrite(env_);
    if (!lmdb::Dbi::Open(txn, kUsers).Put(txn, user.name, Serialize(user), lmdb::kPutNoOverwrite))
        return false;
    txn.Commit();
    return true;
}

bool AdminUsers::Remove(std::string_view name) {
    auto txn = lmdb::Txn::BeginWrite(env_);
    if (!lmdb::Dbi::Open(txn, kUsers).Del(txn, name))
        return false;
    txn.Commit();
    return true;
}

bool AdminUsers::AcceptTotpStep(std::string_view name, std::int64_t step) {
    if (!IsValidUserName(name))
        return false;
    auto txn = lmdb::Txn::BeginWrite(env_);
    const auto dbi = lmdb::Dbi::Open(txn, kUsers);
    const auto text = dbi.Get(txn, name);
    auto user = text ? Parse(*text) : std::nullopt;
    if (!user || step <= user->last_totp_step)
        return false;
    user->last_totp_step = step;
    dbi.Put(txn, name, Serialize(*user));
    txn.Commit();
    return true;
}

} // namespace sealpost::admin
