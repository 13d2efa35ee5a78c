#include "policy/PolicyJson.hxx"

namespace sealpost {

nlohmann::json PasswordCheckToJson(std::span<const PasswordViolation> violations) {
    nlohmann::json list = nlohmann::json::array();
    for (const PasswordViolation& v : violations)
        list.push_back({{"rule", v.rule}, {"message", v.message}});
    return {{"ok", violations.empty()}, {"violations", std::move(list)}};
}

nlohmann::json PolicyCheckToJson(const PolicyDecision& decision) {
    nlohmann::json failed = nlohmann::json::array();
    for (const RefusedRecipient& r : decision.failed_recipients)
        failed.push_back({{"email", r.email}, {"reason", r.reason}});
    nlohmann::json out = {{"allowed", decision.allowed}, {"failed_recipients", std::move(failed)}};
    if (decision.problem)
        out["problem"] = {{"reason", decision.problem->reason},
                          {"message", decision.problem->message}};
    return out;
}

ParsedRecipients ParseRecipientsJson(const nlohmann::json& value) {
    if (value.is_null())
        return {};
    if (value.is_string())
        return ParseRecipients(value.get_ref<const std::string&>());

    ParsedRecipients out;
    const auto not_a_string = [&](const nlohmann::json& item) {
        MergeRecipients(out,
                        ParsedRecipients{
                            {}, {{item.dump(), {"not_a_string", "a recipient must be a string"}}}});
    };
    if (!value.is_array()) {
        not_a_string(value);
        return out;
    }
    for (const nlohmann::json& item : value) {
        if (item.is_string())
            MergeRecipients(out, ParseRecipients(item.get_ref<const std::string&>()));
        else
            not_a_string(item);
    }
    return out;
}

} // namespace sealpost
