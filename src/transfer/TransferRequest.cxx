#include "transfer/TransferRequest.hxx"

#include "policy/PolicyJson.hxx"

namespace sealpost::transfer {

std::variant<TransferRequest, http::JsonProblem>
ParseTransferRequest(const nlohmann::json& body, const TransferRequestLimits& limits) {
    http::JsonFields fields(body);
    TransferRequest r;
    const auto fail = [&] { return *fields.problem(); };

    const auto sender = fields.String("sender", 254);
    if (!sender)
        return fail();
    r.sender = *sender;
    r.to = ParseRecipientsJson(body.value("recipients", nlohmann::json()));
    r.cc = ParseRecipientsJson(body.value("cc", nlohmann::json()));
    r.bcc = ParseRecipientsJson(body.value("bcc", nlohmann::json()));

    const auto retention =
        fields.Integer("retention_days", 1, static_cast<std::int64_t>(limits.max_retention_days));
    if (!retention)
        return fail();
    if (*retention)
        r.retention_days = static_cast<std::uint64_t>(**retention);

    const auto language = fields.String("language", 16);
    if (!language)
        return fail();
    if (!language->empty() && *language != "en" && *language != "sv") {
        fields.Fail("language must be \"en\" or \"sv\"");
        return fail();
    }
    r.language = *language;

    for (auto [name, target, fallback] :
         {std::tuple{"notify_on_provided", &r.notify_on_provided, true},
          std::tuple{"notify_on_download", &r.notify_on_download, false},
          std::tuple{"show_filenames", &r.show_filenames, false}}) {
        const auto value = fields.Bool(name, fallback);
        if (!value)
            return fail();
        *target = *value;
    }

    if (const nlohmann::json* message = fields.Member("message")) {
        if (!message->is_string()) {
            fields.Fail("message must be a string or null");
            return fail();
        }
        if (!message->get_ref<const std::string&>().empty())
            r.message = message->get<std::string>();
    }

    if (const nlohmann::json* notification = fields.Member("notification")) {
        if (!notification->is_object()) {
            fields.Fail("notification must be an object");
            return fail();
        }
        http::JsonFields texts(*notification);
        // Line breaks in the subject are folded away when the mail is rendered.
        const auto subject = texts.String("subject", kMaxSubject, {}, true);
        const auto text =
            subject ? texts.String("body", kMaxNotificationBody, {}, true) : std::nullopt;
        if (!subject || !text)
            return *texts.problem();
        r.subject = *subject;
        r.body = *text;
    }

    const auto mode = fields.String("password_mode", 16);
    if (!mode)
        return fail();
    if (*mode == "generated")
        r.password_mode = PasswordMode::generated;
    else if (*mode == "quick")
        r.password_mode = PasswordMode::quick;
    else if (*mode == "manual" || mode->empty())
        r.password_mode = PasswordMode::manual;
    else {
        fields.Fail("password_mode must be manual, generated or quick");
        return fail();
    }
    const auto password = fields.String("password", kMaxPassword, {}, true);
    if (!password)
        return fail();
    r.password = *password;
    const auto fallback = fields.String("quick_fallback", 16);
    if (!fallback)
        return fail();
    if (*fallback == "generated")
        r.quick_generated = true;
    else if (!fallback->empty() && *fallback != "manual") {
        fields.Fail("quick_fallback must be manual or generated");
        return fail();
    }

    const auto name = fields.String("sender_name", 200);
    const auto phone = name ? fields.String("sender_phone", 64) : std::nullopt;
    if (!name || !phone)
        return fail();
    r.sender_name = *name;
    r.sender_phone = *phone;
    return r;
}

} // namespace sealpost::transfer
