// sealpost-bench-discard: the sealpost HTTP core with a single upload route
// that counts and discards the request body, for measuring raw upload
// throughput and memory of the server core without storage or encryption.
//
//   PUT /discard  → 200 {"bytes":N}   (body streamed, any length)
//   GET /healthz  → 200 {"status":"ok"}
//
// Usage: sealpost-bench-discard [--listen HOST:PORT] [--pause-every N]
// --pause-every N pauses reading after every N-th body fragment and resumes
// from a 0 ms timer, exercising the backpressure path a storage-backed
// consumer takes. The bound port is printed on stdout once listening;
// SIGINT/SIGTERM shut the server down gracefully.
#include "http/Exchange.hxx"
#include "http/Server.hxx"
#include "lib/uv/Loop.hxx"
#include "lib/uv/Signal.hxx"
#include "lib/uv/Timer.hxx"
#include "log/Log.hxx"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace sealpost {
namespace {

constexpr const char* kUsage =
    "usage: sealpost-bench-discard [--listen HOST:PORT] [--pause-every N]\n";

struct Options {
    std::string listen = "127.0.0.1:0";
    std::uint64_t pause_every = 0;
};

// Counts the body and drops it; optionally yields to the loop every
// `pause_every` fragments before reading on.
class DiscardConsumer final : public http::BodyConsumer {
public:
    DiscardConsumer(http::Exchange& exchange, std::uint64_t pause_every)
        : exchange_(exchange), pause_every_(pause_every) {
        if (pause_every_ != 0)
            timer_ =
                std::make_unique<uv::Timer>(exchange.loop(), [this] { exchange_.ResumeBody(); });
    }

    bool OnBodyData(std::span<const std::uint8_t> data) noexcept override {
        bytes_ += data.size();
        if (timer_ && ++fragments_ % pause_every_ == 0) {
            timer_->Start(0);
            return false;
        }
        return true;
    }

    void OnBodyEnd() noexcept override {
        exchange_.Respond(http::Response::Json(200, {{"bytes", bytes_}}));
    }

    void OnBodyAbort() noexcept override {}

private:
    http::Exchange& exchange_;
    std::uint64_t pause_every_;
    std::unique_ptr<uv::Timer> timer_;
    std::uint64_t bytes_ = 0;
    std::uint64_t fragments_ = 0;
};

bool ParseOptions(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            return false;
        const std::string value = argv[++i];
        if (arg == "--listen") {
            options.listen = value;
        } else if (arg == "--pause-every") {
            try {
                std::size_t used = 0;
                options.pause_every = std::stoull(value, &used);
                if (used != value.size())
                    return false;
            } catch (const std::exception&) {
                return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

int Run(const Options& options) {
    log::Configure(log::Level::warn, log::Format::text);
    uv::Loop loop;
    {
        http::Router router;
        const std::uint64_t pause_every = options.pause_every;
        router.Add(
            "PUT", "/discard",
            [pause_every](http::Exchange& ex) {
                ex.ReadBody(std::make_unique<DiscardConsumer>(ex, pause_every),
                            std::numeric_limits<std::uint64_t>::max());
            },
            http::BodyMode::stream);
        router.Add("GET", "/healthz", [](http::Exchange& ex) {
            ex.Respond(http::Response::Json(200, {{"status", "ok"}}));
        });

        http::ServerLimits limits;
        limits.shutdown_timeout_ms = 5'000;
        http::Server server(loop.get(), router, limits);
        server.Listen(options.listen);
        std::printf("%d\n", server.Port());
        std::fflush(stdout);

        std::unique_ptr<uv::Signal> sigint, sigterm;
        auto stop = [&] {
            sigint.reset();
            sigterm.reset();
            server.Shutdown([] {});
        };
        sigint = std::make_unique<uv::Signal>(loop.get(), SIGINT, stop);
        sigterm = std::make_unique<uv::Signal>(loop.get(), SIGTERM, stop);
        loop.Run();
    }
    if (loop.Close() != 0) {
        std::fprintf(stderr, "sealpost-bench-discard: handles left open at exit\n");
        return 1;
    }
    return 0;
}

} // namespace
} // namespace sealpost

int main(int argc, char** argv) {
    sealpost::Options options;
    if (!sealpost::ParseOptions(argc, argv, options)) {
        std::fputs(sealpost::kUsage, stderr);
        return 2;
    }
    try {
        return sealpost::Run(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sealpost-bench-discard: %s\n", e.what());
        return 1;
    }
}
