#include "lib/curl/SmtpClient.hxx"
#include "lib/curl/Global.hxx"
#include "lib/curl/Unique.hxx"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace sealpost::curl {

namespace {

/// The message being uploaded, read by libcurl in pieces.
struct UploadSource {
    std::string_view data;
    std::size_t offset = 0;

    bool Finished() const noexcept { return offset == data.size(); }
};

std::size_t ReadBody(char* buffer, std::size_t size, std::size_t count, void* user) noexcept {
    auto* source = static_cast<UploadSource*>(user);
    const std::size_t n = std::min(size * count, source->data.size() - source->offset);
    std::memcpy(buffer, source->data.data() + source->offset, n);
    source->offset += n;
    return n;
}

/// Thrown (inside this file only) when an option cannot be set.
struct OptionError {
    CURLcode code;
    const char* option;
};

template <typename T> void Set(CURL* handle, CURLoption option, T value, const char* name) {
    const CURLcode code = curl_easy_setopt(handle, option, value);
    if (code != CURLE_OK)
        throw OptionError{code, name};
}

#define SET_OPTION(handle, option, value) Set(handle, option, value, #option)

bool IsLocal(CURLcode code) noexcept {
    switch (code) {
    case CURLE_OUT_OF_MEMORY:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_FAILED_INIT:
        return true;
    default:
        return false;
    }
}

/// What a failed session means. A refusal of MAIL FROM or RCPT TO
/// (CURLE_SEND_ERROR) or of the message after DATA (an unexpected final reply
/// once the body was sent) concerns this message; anything else happened
/// before a transaction began and concerns the server.
SmtpFailure Classify(CURLcode code, long reply, bool body_sent) noexcept {
    if (IsLocal(code))
        return SmtpFailure::local;
    const bool message_stage =
        code == CURLE_SEND_ERROR || (code == CURLE_WEIRD_SERVER_REPLY && body_sent);
    // 421: the server is closing the session, whatever the stage. 530, 534,
    // 535, 538: authentication or TLS is required or failed, a setting the
    // operator fixes, after which the message can go.
    if (!message_stage || reply == 421 || reply == 530 || reply == 534 || reply == 535 ||
        reply == 538)
        return SmtpFailure::connection;
    if (reply >= 500 && reply < 600)
        return SmtpFailure::permanent;
    if (reply >= 400 && reply < 500)
        return SmtpFailure::temporary;
    return SmtpFailure::connection;
}

/// libcurl's explanation, unless it could echo a credential back.
std::string Describe(CURLcode code, const char* detail, const SmtpSettings& settings) {
    std::string text = curl_easy_strerror(code);
    const std::string_view extra(detail);
    const auto mentions = [&](const std::string& secret) {
        return !secret.empty() && extra.find(secret) != extra.npos;
    };
    if (!extra.empty() && !mentions(settings.username) && !mentions(settings.password))
        text += fmt::format(" ({})", extra);
    return text;
}

std::string Bracketed(const std::string& address) {
    return "<" + address + ">";
}

} // namespace

SmtpClient::SmtpClient(SmtpSettings settings) : settings_(std::move(settings)) {
    if (!settings_.url.starts_with("smtp://") && !settings_.url.starts_with("smtps://"))
        throw std::invalid_argument("the SMTP URL must start with smtp:// or smtps://");
    // Initialise libcurl now, on the thread that sets the server up, rather
    // than on the first worker that sends.
    GlobalInit();
}

SmtpResult SmtpClient::Send(const SmtpEnvelope& envelope, std::string_view message) noexcept {
    try {
        if (envelope.rcpt_to.empty())
            return {SmtpFailure::local, 0, "no envelope recipient"};
        UniqueCurl handle = NewEasy();
        CURL* h = handle.get();
        UniqueSlist recipients;
        for (const std::string& address : envelope.rcpt_to)
            SlistAppend(recipients, Bracketed(address).c_str());
        const std::string mail_from = Bracketed(envelope.mail_from);
        UploadSource source{message};
        char error_buffer[CURL_ERROR_SIZE] = {};

        const long timeout_ms = static_cast<long>(settings_.timeout.count());
        const long reply_timeout_s = std::max<long>(1, (timeout_ms + 999) / 1000);

        SET_OPTION(h, CURLOPT_ERRORBUFFER, error_buffer);
        // Worker threads must not be interrupted by SIGALRM from DNS timeouts.
        SET_OPTION(h, CURLOPT_NOSIGNAL, 1L);
        SET_OPTION(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        SET_OPTION(h, CURLOPT_URL, settings_.url.c_str());
        if (settings_.url.starts_with("smtp://") && settings_.starttls)
            SET_OPTION(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        SET_OPTION(h, CURLOPT_SSL_VERIFYPEER, settings_.verify_tls ? 1L : 0L);
        SET_OPTION(h, CURLOPT_SSL_VERIFYHOST, settings_.verify_tls ? 2L : 0L);
        if (!settings_.ca_file.empty())
            SET_OPTION(h, CURLOPT_CAINFO, settings_.ca_file.c_str());
        if (!settings_.username.empty()) {
            SET_OPTION(h, CURLOPT_USERNAME, settings_.username.c_str());
            SET_OPTION(h, CURLOPT_PASSWORD, settings_.password.c_str());
        }
        SET_OPTION(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
        SET_OPTION(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, reply_timeout_s);
        SET_OPTION(h, CURLOPT_TIMEOUT_MS, 4 * timeout_ms);
        SET_OPTION(h, CURLOPT_MAIL_FROM, mail_from.c_str());
        SET_OPTION(h, CURLOPT_MAIL_RCPT, recipients.get());
        SET_OPTION(h, CURLOPT_UPLOAD, 1L);
        SET_OPTION(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
        SET_OPTION(h, CURLOPT_READFUNCTION, &ReadBody);
        SET_OPTION(h, CURLOPT_READDATA, &source);

        const CURLcode code = curl_easy_perform(h);
        long reply = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
        if (code == CURLE_OK)
            return {SmtpFailure::none, reply, {}};
        std::string error = Describe(code, error_buffer, settings_);
        if (reply != 0 && error.find(std::to_string(reply)) == std::string::npos)
            error = fmt::format("{} (last reply {})", error, reply);
        return {Classify(code, reply, source.Finished()), reply, std::move(error)};
    } catch (const OptionError& e) {
        return {SmtpFailure::local, 0,
                fmt::format("cannot set {}: {}", e.option, curl_easy_strerror(e.code))};
    } catch (const std::exception& e) {
        return {SmtpFailure::local, 0, e.what()};
    } catch (...) {
        return {SmtpFailure::local, 0, "unknown error"};
    }
}

} // namespace sealpost::curl
