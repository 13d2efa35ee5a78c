// Maps (method, path) to a handler. Patterns are literal segments and
// `{name}` parameters ("/api/v1/transfers/{id}/files/{file_id}"); a final `*`
// matches the rest of the path (parameter "*"). HEAD falls back to GET.
// Built at start-up, then read-only on the loop thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::http {

class Exchange;

/// How the request body reaches the handler.
enum class BodyMode {
    buffer, ///< read whole (up to the server's request body limit), then call the handler
    stream, ///< call the handler at the end of the head; it claims the body with ReadBody()
};

using Handler = std::function<void(Exchange&)>;

struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    BodyMode body_mode;
    /// As given to Add(): what logs and metrics name instead of the path.
    std::string pattern;
};

class Router {
public:
    void Add(std::string method, std::string_view pattern, Handler handler,
             BodyMode body_mode = BodyMode::buffer);

    struct Match {
        const Route* route = nullptr;
        std::map<std::string, std::string, std::less<>> params;
        /// When the path matched but the method did not: the Allow header value.
        std::string allow;
        /// The path could not be decoded (bad percent escape).
        bool bad_path = false;
        /// The pattern of the route that matched the path (also when only the
        /// method did not match); empty when no route's pattern fits.
        std::string pattern;
    };
    Match Find(std::string_view method, std::string_view path) const;

    /// Puts `guard` in front of every route added so far whose pattern starts
    /// with the segments of `prefix` (compared as written, "{id}" included):
    /// the handler runs only when the guard returns true; otherwise the guard
    /// has answered. It runs where the handler would: for BodyMode::stream
    /// routes at the end of the head, before any body byte is read.
    using Guard = std::function<bool(Exchange&)>;
    void AddGuard(std::string_view prefix, Guard guard);

    /// Every route, in the order added (the OpenAPI test compares them with the document).
    const std::vector<Route>& Routes() const noexcept { return routes_; }

private:
    std::vector<Route> routes_;
};

} // namespace sealpost::http
