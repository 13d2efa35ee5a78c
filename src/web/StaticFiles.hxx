// Serves the web UI: embedded assets, or — for development — the files of an
// override directory, indexed once at start so no file path is ever built from
// a request. ETag/If-None-Match, gzip when accepted, Cache-Control, and the
// HTML security headers (strict CSP). Page routes (/, /upload, /d/{id}, …) map
// to their HTML documents. Loop thread; override-directory reads run on the
// threadpool.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sealpost::http {
class Exchange;
class Router;
} // namespace sealpost::http

namespace sealpost::web {

/// The Content-Security-Policy of every HTML page.
extern const std::string_view kPageCsp;

class StaticFiles {
public:
    /// `override_dir` empty: serve the embedded assets.
    explicit StaticFiles(std::string override_dir = {});

    /// Adds the page routes and /Upload1 redirect to the router.
    void AddRoutes(http::Router& router);
    /// Serves a static file by URL path, or answers 404. `no_store`: the
    /// response must not be cached (transfer pages).
    void Serve(http::Exchange& exchange, std::string_view path, bool no_store = false) const;

private:
    void ServeFromDisk(http::Exchange& exchange, const std::string& file, bool no_store) const;

    std::string override_dir_;
    std::map<std::string, std::string, std::less<>> disk_files_; ///< URL path → file
};

} // namespace sealpost::web
