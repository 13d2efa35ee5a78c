// The embedded OpenAPI document: it parses, is OpenAPI 3.1.0, describes every
// path and method of the HTTP API (the list below is the API's contract),
// every operation has responses and every $ref resolves; and the service
// serves it at GET /api/v1/openapi.json with ETag revalidation.
#include "support/AppFixture.hxx"
#include "openapi/OpenApi.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace sealpost;
using namespace sealpost::test;
using nlohmann::json;

namespace {

/// Every method and path of the HTTP API, as the contract names them.
const std::vector<std::pair<std::string, std::string>> kOperations = {
    {"get", "/healthz"},
    {"get", "/metrics"},
    {"get", "/api/v1/config"},
    {"get", "/api/v1/openapi.json"},
    {"post", "/api/v1/verifications"},
    {"post", "/api/v1/verifications/{verification_id}"},
    {"get", "/api/v1/senders"},
    {"patch", "/api/v1/senders/{email}"},
    {"delete", "/api/v1/senders/{email}"},
    {"post", "/api/v1/passwords/check"},
    {"post", "/api/v1/passwords/generate"},
    {"post", "/api/v1/policy/check"},
    {"post", "/api/v1/transfers"},
    {"options", "/api/v1/transfers/{id}/files"},
    {"post", "/api/v1/transfers/{id}/files"},
    {"head", "/api/v1/transfers/{id}/files/{file_id}"},
    {"patch", "/api/v1/transfers/{id}/files/{file_id}"},
    {"delete", "/api/v1/transfers/{id}/files/{file_id}"},
    {"put", "/api/v1/transfers/{id}/files/{name}"},
    {"post", "/api/v1/transfers/{id}/submit"},
    {"get", "/api/v1/transfers/{id}"},
    {"delete", "/api/v1/transfers/{id}"},
    {"get", "/api/v1/downloads/{download_id}"},
    {"post", "/api/v1/downloads/{download_id}/unlock"},
    {"get", "/api/v1/downloads/{download_id}/files/{file_id}"},
    {"get", "/api/v1/downloads/{download_id}/message"},
    {"get", "/api/v1/downloads/{download_id}/zip"},
    {"get", "/api/v1/downloads/{download_id}/checksums"},
    {"get", "/api/v1/quick"},
    {"post", "/api/v1/quick/activation-codes"},
    {"post", "/api/v1/quick/reactivate"},
    {"delete", "/api/v1/quick/{email}/{partner}"},
    {"get", "/api/v1/cookies"},
    {"post", "/api/v1/admin/session"},
    {"delete", "/api/v1/admin/session"},
    {"get", "/api/v1/admin/transfers"},
    {"post", "/api/v1/admin/transfers/{id}/unlock"},
    {"delete", "/api/v1/admin/transfers/{id}"},
    {"get", "/api/v1/admin/audit"},
    {"get", "/api/v1/admin/audit/verify"},
    {"get", "/api/v1/admin/stats"},
    {"get", "/api/v1/admin/quick"},
    {"delete", "/api/v1/admin/quick/{email}/{partner}"},
};

const std::vector<std::string> kAuditEvents = {
    "verification_requested",
    "verification_confirmed",
    "verification_failed",
    "transfer_created",
    "file_uploaded",
    "transfer_provided",
    "notification_sent",
    "notification_failed",
    "download_unlocked",
    "password_failed",
    "transfer_locked",
    "transfer_unlocked",
    "transfer_deleted_attempts",
    "file_downloaded",
    "zip_downloaded",
    "message_read",
    "transfer_revoked",
    "transfer_expired",
    "quick_activated",
    "quick_reactivated",
    "admin_login",
    "admin_login_failed",
    "admin_deleted",
    "admin_user_added",
    "admin_user_removed",
    "identity_exported",
    "quick_connection_deleted",
    "quick_code_created",
    "quick_code_failed",
};

const std::set<std::string> kMethods = {"get",  "put",     "post",  "delete",
                                        "head", "options", "patch", "trace"};

const json& Document() {
    static const json document = json::parse(openapi::DocumentText());
    return document;
}

/// The path with every `{parameter}` written as `{}`: OpenAPI treats paths
/// that differ only in parameter names as the same path.
std::string Shape(const std::string& path) {
    std::string out;
    bool in_param = false;
    for (char c : path) {
        if (c == '{') {
            in_param = true;
            out += "{}";
        } else if (c == '}') {
            in_param = false;
        } else if (!in_param) {
            out += c;
        }
    }
    return out;
}

std::vector<std::string> TemplateNames(const std::string& path) {
    std::vector<std::string> names;
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open)) {
        const auto close = path.find('}', open);
        names.push_back(path.substr(open + 1, close - open - 1));
        open = close;
    }
    return names;
}

/// A parameter object, following a local $ref.
const json& Resolve(const json& value) {
    if (value.is_object() && value.contains("$ref"))
        return Document().at(json::json_pointer(value.at("$ref").get<std::string>().substr(1)));
    return value;
}

void CollectRefs(const json& value, std::vector<std::string>& refs) {
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            if (key == "$ref" && member.is_string())
                refs.push_back(member.get<std::string>());
            else
                CollectRefs(member, refs);
        }
    } else if (value.is_array()) {
        for (const auto& member : value)
            CollectRefs(member, refs);
    }
}

std::string HeaderValue(const std::string& response, const std::string& name) {
    const auto pos = response.find("\r\n" + name + ": ");
    if (pos == std::string::npos)
        return "";
    const auto start = pos + name.size() + 4;
    return response.substr(start, response.find("\r\n", start) - start);
}

} // namespace

TEST_CASE("the embedded document is OpenAPI 3.1.0 JSON") {
    REQUIRE_NOTHROW(Document());
    const json& doc = Document();
    CHECK(doc.at("openapi") == "3.1.0");
    CHECK(doc.at("info").at("title").is_string());
    CHECK(doc.at("info").at("version").is_string());
    CHECK(doc.at("paths").is_object());
    const auto& loaded = openapi::Load();
    CHECK(loaded.text == openapi::DocumentText());
    CHECK(loaded.etag.starts_with('"'));
    CHECK(loaded.etag.ends_with('"'));
}

TEST_CASE("every path and method of the API is described") {
    const json& paths = Document().at("paths");
    std::set<std::string> shapes;
    for (const auto& [path, item] : paths.items()) {
        INFO(path);
        CHECK(path.starts_with('/'));
        CHECK(shapes.insert(Shape(path)).second); // no two paths that differ only in names
    }
    for (const auto& [method, path] : kOperations) {
        INFO(method << " " << path);
        bool found = false;
        for (const auto& [doc_path, item] : paths.items())
            if (Shape(doc_path) == Shape(path) && item.contains(method))
                found = true;
        CHECK(found);
    }
    // Nothing described that the API does not have.
    std::size_t operations = 0;
    for (const auto& [path, item] : paths.items())
        for (const auto& [key, value] : item.items())
            if (kMethods.contains(key))
                ++operations;
    CHECK(operations == kOperations.size());
}

TEST_CASE("every route the server serves is documented, and every documented route is served") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    // The HTML pages of the web UI and its assets are not part of the API.
    const std::set<std::string> pages = {"/", "/upload", "/Upload1", "/d/{}", "/t/{}", "/admin",
                                         "/quick"};
    std::set<std::pair<std::string, std::string>> served;
    for (const http::Route& route : app.router().Routes()) {
        std::string path;
        for (const std::string& segment : route.segments)
            path += "/" + segment;
        if (path.empty())
            path = "/";
        std::string method = route.method;
        for (char& c : method)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const bool api = path.starts_with("/api/") || path == "/healthz" || path == "/metrics";
        INFO(method << " " << path);
        if (!api) {
            CHECK((pages.contains(Shape(path)) || path.ends_with("/*")));
            continue;
        }
        served.emplace(method, Shape(path));
    }
    std::set<std::pair<std::string, std::string>> documented;
    for (const auto& [path, item] : Document().at("paths").items())
        for (const auto& [key, value] : item.items())
            if (kMethods.contains(key))
                documented.emplace(key, Shape(path));
    for (const auto& operation : served) {
        INFO("served but not documented: " << operation.first << " " << operation.second);
        CHECK(documented.contains(operation));
    }
    for (const auto& operation : documented) {
        INFO("documented but not served: " << operation.first << " " << operation.second);
        CHECK(served.contains(operation));
    }
    CHECK(app.Stop() == 0);
}

TEST_CASE("every operation has an id, security and responses; path parameters are declared") {
    const json& doc = Document();
    std::set<std::string> ids;
    for (const auto& [path, item] : doc.at("paths").items()) {
        for (const auto& [method, operation] : item.items()) {
            if (!kMethods.contains(method))
                continue;
            INFO(method << " " << path);
            REQUIRE(operation.contains("operationId"));
            CHECK(ids.insert(operation.at("operationId").get<std::string>()).second);
            CHECK(operation.contains("security"));
            REQUIRE(operation.contains("responses"));
            const json& responses = operation.at("responses");
            REQUIRE(responses.is_object());
            CHECK_FALSE(responses.empty());
            bool success = false;
            for (const auto& [code, response] : responses.items()) {
                CHECK(code.size() == 3);
                CHECK(Resolve(response).contains("description"));
                success = success || code.starts_with('2');
            }
            CHECK(success);
            CHECK(responses.contains("429"));
            for (const auto& [scheme_list, requirement] : operation.at("security").items())
                for (const auto& [scheme, scopes] : requirement.items())
                    CHECK(doc.at("components").at("securitySchemes").contains(scheme));

            std::set<std::string> declared;
            for (const json* list : {&item, &operation})
                if (list->contains("parameters"))
                    for (const auto& parameter : list->at("parameters")) {
                        const json& p = Resolve(parameter);
                        if (p.at("in") == "path") {
                            CHECK(p.at("required") == true);
                            declared.insert(p.at("name").get<std::string>());
                        }
                    }
            for (const auto& name : TemplateNames(path)) {
                INFO("path parameter " << name);
                CHECK(declared.contains(name));
            }
            CHECK(declared.size() == TemplateNames(path).size());
        }
    }
}

TEST_CASE("every $ref resolves inside the document") {
    const json& doc = Document();
    std::vector<std::string> refs;
    CollectRefs(doc, refs);
    CHECK(refs.size() > 50);
    for (const auto& ref : refs) {
        INFO(ref);
        REQUIRE(ref.starts_with("#/"));
        CHECK(doc.contains(json::json_pointer(ref.substr(1))));
    }
}

TEST_CASE("components: problems, audit events, transfers and security schemes") {
    const json& components = Document().at("components");
    const json& schemas = components.at("schemas");
    const json& problem = schemas.at("Problem").at("properties");
    for (const char* name : {"type", "title", "status", "detail", "violations", "failed_recipients",
                             "attempts_left", "attempts_before_deletion", "locked_until"})
        CHECK(problem.contains(name));

    const json& audit = schemas.at("AuditEvent");
    for (const char* name : {"seq", "time", "event", "transfer_id", "email", "ip", "user_agent",
                             "detail", "prev_hash", "hash"})
        CHECK(audit.at("properties").contains(name));
    CHECK(schemas.at("AuditEventName").at("enum") == json(kAuditEvents));

    const json& create = schemas.at("TransferCreate").at("properties");
    CHECK(create.at("password_mode").at("enum") == json({"manual", "generated", "quick"}));
    for (const char* name :
         {"sender", "recipients", "cc", "bcc", "message", "retention_days", "language",
          "notify_on_provided", "notify_on_download", "show_filenames", "password", "notification"})
        CHECK(create.contains(name));
    CHECK(schemas.at("TransferStatusName").at("enum") ==
          json({"open", "provided", "revoked", "expired", "deleted"}));
    for (const char* name : {"id", "name", "size", "type", "sha256"})
        CHECK(schemas.at("FileInfo").at("properties").contains(name));

    const json& schemes = components.at("securitySchemes");
    CHECK(schemes.at("sp_client") ==
          json({{"type", "apiKey"},
                {"in", "cookie"},
                {"name", "sp_client"},
                {"description", schemes.at("sp_client").at("description")}}));
    CHECK(schemes.at("bearer").at("type") == "http");
    CHECK(schemes.at("bearer").at("scheme") == "bearer");
    CHECK(schemes.at("sp_access").at("name") == "sp_access");
    CHECK(schemes.at("sp_admin").at("name") == "sp_admin");
    CHECK(schemes.at("sealpost_password").at("name") == "X-Sealpost-Password");

    const json& responses = components.at("responses");
    CHECK(responses.at("TooManyRequests").at("headers").contains("Retry-After"));
    for (const auto& [name, response] : responses.items()) {
        INFO(name);
        CHECK(response.at("content").contains("application/problem+json"));
    }
}

TEST_CASE("GET /api/v1/openapi.json serves the document with ETag revalidation") {
    TempDir dir;
    AppFixture app(dir.path / "data");
    app.Start();
    const std::string url = app.Url() + "/api/v1/openapi.json";
    const std::string head = Shell("curl -sS -D - -o /dev/null " + url);
    CHECK(head.starts_with("HTTP/1.1 200"));
    CHECK(HeaderValue(head, "Content-Type").starts_with("application/json"));
    CHECK(HeaderValue(head, "Cache-Control").find("max-age=") != std::string::npos);
    const std::string etag = HeaderValue(head, "ETag");
    CHECK(etag == openapi::DocumentETag());

    const std::string body = Shell("curl -sS " + url);
    CHECK(body == openapi::DocumentText());
    CHECK(json::parse(body).at("openapi") == "3.1.0");

    CHECK(Shell("curl -sS -o /dev/null -w '%{http_code}' -H 'If-None-Match: " + etag + "' " +
                url) == "304");
    CHECK(Shell("curl -sS -o /dev/null -w '%{http_code}' -H 'If-None-Match: \"other\"' " + url) ==
          "200");
    CHECK(app.Stop() == 0);
}
