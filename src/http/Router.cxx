#include "http/Router.hxx"
#include "http/Request.hxx"

#include <algorithm>

namespace sealpost::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.starts_with('/'))
        path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

bool MatchSegments(const Route& route, const std::vector<std::string_view>& parts,
                   std::string_view raw_path, Router::Match& match, bool& bad) {
    std::map<std::string, std::string, std::less<>> params;
    std::size_t offset = 1; // position of parts[i] within raw_path
    for (std::size_t i = 0; i < route.segments.size(); ++i) {
        const std::string& seg = route.segments[i];
        if (seg == "*") {
            params["*"] = std::string(raw_path.substr(std::min(offset, raw_path.size())));
            match.params = std::move(params);
            return true;
        }
        if (i >= parts.size())
            return false;
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            if (parts[i].empty())
                return false;
            auto decoded = PercentDecode(parts[i]);
            if (!decoded) {
                bad = true;
                return false;
            }
            params[seg.substr(1, seg.size() - 2)] = std::move(*decoded);
        } else if (seg != parts[i]) {
            return false;
        }
        offset += parts[i].size() + 1;
    }
    if (parts.size() != route.segments.size())
        return false;
    match.params = std::move(params);
    return true;
}

} // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler,
                 BodyMode body_mode) {
    Route route{std::move(method), {}, std::move(handler), body_mode, std::string(pattern)};
    for (const auto part : SplitPath(pattern))
        route.segments.emplace_back(part);
    routes_.push_back(std::move(route));
}

void Router::AddGuard(std::string_view prefix, Guard guard) {
    const auto parts = SplitPath(prefix);
    for (auto& route : routes_) {
        if (route.segments.size() < parts.size() ||
            !std::equal(parts.begin(), parts.end(), route.segments.begin()))
            continue;
        route.handler = [guard, next = std::move(route.handler)](Exchange& ex) {
            if (guard(ex))
                next(ex);
        };
    }
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
    Match match;
    const auto parts = SplitPath(path);
    std::vector<std::string> allowed;
    const Route* get_route = nullptr;
    Match get_match;
    for (const auto& route : routes_) {
        Match candidate;
        bool bad = false;
        if (!MatchSegments(route, parts, path, candidate, bad)) {
            match.bad_path = match.bad_path || bad;
            continue;
        }
        if (route.method == method) {
            candidate.route = &route;
            candidate.pattern = route.pattern;
            return candidate;
        }
        if (match.pattern.empty())
            match.pattern = route.pattern;
        if (method == "HEAD" && route.method == "GET" && !get_route) {
            get_route = &route;
            get_match = std::move(candidate);
        }
        if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end())
            allowed.push_back(route.method);
    }
    if (get_route) {
        get_match.route = get_route;
        get_match.pattern = get_route->pattern;
        return get_match;
    }
    for (const auto& m : allowed) {
        if (!match.allow.empty())
            match.allow += ", ";
        match.allow += m;
    }
    return match;
}

} // namespace sealpost::http
