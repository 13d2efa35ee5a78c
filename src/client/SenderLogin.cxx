#include "client/SenderLogin.hxx"
#include "client/ClientError.hxx"
#include "client/Terminal.hxx"
#include "util/Text.hxx"

#include <cstdlib>

namespace sealpost::client {

namespace {

std::string OriginKey(const std::string& server) {
    return server;
}

} // namespace

SenderLogin SenderLogin::From(const ParsedArgs& args, const ClientContext& context) {
    SenderLogin login;
    const ClientConfig& config = context.config;
    const auto server = args.Value("--server") ? args.Value("--server") : config.server;
    if (!server)
        throw ClientError(kExitUsage, "--server URL is required (or `server` in the config file)");
    login.server = CheckServerUrl(*server);
    if (const auto token = args.Value("--token"))
        login.token = *token;
    else if (const auto file = args.Value("--token-file"))
        login.token = FirstLineOf(*file);
    else if (const char* env = std::getenv("SEALPOST_TOKEN"); env && *env)
        login.token = env;
    else if (!args.Value("--from") && config.token)
        login.token = *config.token;
    else if (!args.Value("--from") && config.token_file)
        login.token = FirstLineOf(*config.token_file);
    login.from = LowerAscii(args.Value("--from").value_or(config.from.value_or("")));
    if (login.token.empty() && login.from.empty())
        throw ClientError(kExitUsage, "give --token TOKEN (an API token) or --from EMAIL");
    if (login.token.empty()) {
        std::map<std::string, std::string> cookies;
        const auto doc = context.state->Read();
        if (const auto it = doc.find("servers"); it != doc.end() && it->contains(login.server))
            cookies = (*it)[login.server].value("cookies", std::map<std::string, std::string>{});
        login.jar = std::make_shared<CookieJar>(std::move(cookies));
    }
    return login;
}

void SenderLogin::SaveCookies(ClientContext& context) {
    if (!jar || !jar->TakeChanged())
        return;
    const auto cookies = jar->Snapshot();
    context.state->Update(
        [&](nlohmann::json& doc) { doc["servers"][OriginKey(server)]["cookies"] = cookies; });
}

void SenderLogin::EnsureVerified(HttpClient& http, ClientContext& context, const ParsedArgs& args) {
    if (!token.empty())
        return;
    if (!jar->Empty()) {
        const Reply senders = http.Call("GET", "/api/v1/senders");
        if (senders.status == 200 && senders.json.is_object())
            for (const auto& s : senders.json.value("senders", nlohmann::json::array()))
                if (LowerAscii(s.value("email", "")) == from) {
                    context.Note("using the verified identity " + from);
                    return;
                }
    }
    std::string verification_id;
    std::optional<std::string> code = args.Value("--code");
    if (code) {
        const auto doc = context.state->Read();
        const auto pending = doc.value("servers", nlohmann::json::object())
                                 .value(server, nlohmann::json::object())
                                 .value("verifications", nlohmann::json::object());
        verification_id = pending.value(from, "");
        if (verification_id.empty())
            throw ClientError(kExitUsage, "--code: no verification of " + from +
                                              " is pending; run the command without --code first");
    } else {
        const Reply requested = http.Call(
            "POST", "/api/v1/verifications",
            {{"email", from},
             {"name", args.Value("--name").value_or(context.config.name.value_or(from))},
             {"phone", args.Value("--phone").value_or(context.config.phone.value_or(""))}});
        if (requested.status == 400)
            throw ClientError(kExitPolicy, "the server refuses " + from +
                                               " as a sender: " + HttpClient::Detail(requested));
        if (requested.status != 202)
            HttpClient::Fail(requested, "cannot request a verification code");
        verification_id = requested.json.value("verification_id", "");
        context.state->Update([&](nlohmann::json& doc) {
            doc["servers"][server]["verifications"][from] = verification_id;
        });
        if (!StdinIsTerminal())
            throw ClientError(kExitVerification,
                              "a verification code was e-mailed to " + from +
                                  "; run the same command again with --code CODE");
        code = ReadFromTerminal("Verification code e-mailed to " + from + ": ", true);
        if (!code)
            throw ClientError(kExitVerification, "no verification code given");
    }
    const Reply confirmed =
        http.Call("POST", "/api/v1/verifications/" + verification_id, {{"code", *code}});
    if (confirmed.status == 400)
        throw ClientError(kExitAuth, "wrong verification code (" +
                                         std::to_string(confirmed.json.value("attempts_left", 0)) +
                                         " attempts left)");
    if (confirmed.status == 404 || confirmed.status == 410) {
        context.state->Update(
            [&](nlohmann::json& doc) { doc["servers"][server]["verifications"].erase(from); });
        throw ClientError(kExitVerification,
                          "the verification code expired or was used up; run the command again "
                          "without --code for a new one");
    }
    if (confirmed.status != 200)
        HttpClient::Fail(confirmed, "cannot confirm the verification");
    SaveCookies(context);
    context.state->Update(
        [&](nlohmann::json& doc) { doc["servers"][server]["verifications"].erase(from); });
    context.Note("verified " + from + "; the identity is kept in " +
                 context.state->Path().string());
}

} // namespace sealpost::client
