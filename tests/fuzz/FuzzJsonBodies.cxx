// libFuzzer target: the JSON request bodies of the API — the body reader
// (http/JsonBody.hxx) with its size limit, the typed member reader, the
// transfer request (transfer/TransferRequest.hxx) and the recipient lists of
// /policy/check (policy/PolicyJson.hxx), on arbitrary bytes.
// Invariants: a refused body is a 400 or 413 with a detail; a parsed object
// survives every getter with any member name the API uses; the transfer
// request either parses or names its problem (400); no exception escapes.
#include "FuzzCheck.hxx"
#include "http/JsonBody.hxx"
#include "http/Response.hxx"
#include "policy/PolicyJson.hxx"
#include "transfer/TransferRequest.hxx"

using namespace sealpost;

namespace {

constexpr const char* kMembers[] = {
    "sender",
    "recipients",
    "cc",
    "bcc",
    "retention_days",
    "language",
    "message",
    "password",
    "password_mode",
    "notification",
    "subject",
    "body",
    "name",
    "phone",
    "email",
    "code",
    "label",
    "activate_quick",
    "notify_on_provided",
    "notify_on_download",
    "show_filenames",
    "username",
    "totp",
    "files",
    "size",
    "note",
};

void ReadEveryMember(const nlohmann::json& object) {
    http::JsonFields fields(object);
    for (const char* name : kMembers) {
        (void)fields.String(name, 200);
        (void)fields.String(name, 10'000, "x", true);
        (void)fields.Bool(name, false);
        (void)fields.Integer(name, 0, 3650);
        (void)fields.Integer(name, INT64_MIN, INT64_MAX);
        (void)fields.Has(name);
    }
    if (!fields.ok()) {
        FUZZ_CHECK(fields.problem()->status == 400);
        FUZZ_CHECK(!fields.problem()->detail.empty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    http::JsonProblem problem;
    const auto object = http::ParseJsonObject(body, 64 * 1024, &problem);
    if (!object) {
        FUZZ_CHECK(problem.status == 400 || problem.status == 413);
        FUZZ_CHECK(!problem.detail.empty());
        (void)problem.ToResponse();
        return 0;
    }
    FUZZ_CHECK(object->is_object());
    ReadEveryMember(*object);

    const auto request = transfer::ParseTransferRequest(*object, {});
    if (const auto* refused = std::get_if<http::JsonProblem>(&request)) {
        FUZZ_CHECK(refused->status == 400);
        FUZZ_CHECK(!refused->detail.empty());
        (void)refused->ToResponse().body;
    } else {
        const auto& parsed = std::get<transfer::TransferRequest>(request);
        FUZZ_CHECK(parsed.subject.size() <= transfer::kMaxSubject);
        FUZZ_CHECK(parsed.password.size() <= transfer::kMaxPassword);
    }
    for (const char* list : {"recipients", "cc", "bcc"}) {
        const auto it = object->find(list);
        (void)ParseRecipientsJson(it == object->end() ? nlohmann::json() : *it);
    }
    // Answers echo parts of the body back (problem extras, policy results).
    (void)object->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
