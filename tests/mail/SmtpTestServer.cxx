#include "SmtpTestServer.hxx"

#include "lib/uv/Loop.hxx"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sealpost::test {

namespace {

std::string PythonWithAiosmtpd() {
    // Debian's python3-aiosmtpd belongs to the system interpreter; a python3
    // earlier on PATH (pyenv, venv) may lack it.
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream out;
    out << file.rdbuf();
    return out.str();
}

} // namespace


SmtpTestServer::SmtpTestServer(SmtpServerOptions options) {
    std::vector<std::string> args{PythonWithAiosmtpd(),
                                  SEALPOST_SMTP_SERVER_SCRIPT,
                                  "--dir",
                                  options.dir.string(),
                                  "--port",
                                  std::to_string(options.port)};
    if (!options.tls_cert.empty())
        args.insert(args.end(), {"--tls-cert", options.tls_cert.string(), "--tls-key",
                                 options.tls_key.string()});
    if (options.starttls)
        args.emplace_back("--starttls");
    if (options.implicit_tls)
        args.emplace_back("--implicit-tls");
    if (!options.auth.empty())
        args.insert(args.end(), {"--auth", options.auth});
    for (const std::string& address : options.reject_rcpt)
        args.insert(args.end(), {"--reject-rcpt", address});
    for (const std::string& address : options.tempfail_rcpt)
        args.insert(args.end(), {"--tempfail-rcpt", address});
    std::vector<char*> argv;
    for (std::string& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    const int rc = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    REQUIRE(rc == 0);

    FILE* out = fdopen(pipe_fds[0], "r");
    REQUIRE(out != nullptr);
    char line[128] = {};
    const bool got_line = fgets(line, sizeof line, out) != nullptr;
    fclose(out);
    INFO("smtp_server.py said: " << line);
    REQUIRE(got_line);
    unsigned port = 0;
    REQUIRE(std::sscanf(line, "PORT %u", &port) == 1);
    port_ = static_cast<std::uint16_t>(port);
}

SmtpTestServer::~SmtpTestServer() {
    Stop();
}

void SmtpTestServer::Stop() {
    if (pid_ <= 0)
        return;
    kill(pid_, SIGTERM);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

std::vector<ReceivedMail> ReadReceived(const std::filesystem::path& dir) {
    std::vector<ReceivedMail> mails;
    for (int n = 1;; ++n) {
        const auto base = dir / std::to_string(n);
        if (!std::filesystem::exists(base.string() + ".json"))
            return mails;
        const auto meta = nlohmann::json::parse(ReadFile(base.string() + ".json"));
        mails.push_back({meta["mail_from"].get<std::string>(),
                         meta["rcpt_tos"].get<std::vector<std::string>>(), meta["tls"].get<bool>(),
                         meta["auth"].get<bool>(), ReadFile(base.string() + ".eml")});
    }
}

bool RunUntil(uv::Loop& loop, const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        loop.RunOnce();
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    return true;
}

void MakeSelfSignedCertificate(const std::filesystem::path& dir) {
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
        " -keyout '" +
        (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
}

} // namespace sealpost::test
