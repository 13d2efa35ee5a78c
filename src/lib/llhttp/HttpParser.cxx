#include "lib/llhttp/HttpParser.hxx"

#include <llhttp.h>

namespace sealpost::llhttp {
namespace {

int ToErrno(Step step) {
    switch (step) {
    case Step::proceed:
        return HPE_OK;
    case Step::pause:
        return HPE_PAUSED;
    case Step::fail:
        break;
    }
    return HPE_USER;
}

} // namespace

struct HttpParser::Impl {
    llhttp_t parser;
    llhttp_settings_t settings;
    ParserHandler& handler;
    HttpParser& owner;

    static Impl& From(llhttp_t* p) { return *static_cast<Impl*>(p->data); }

    template <Step (ParserHandler::*member)() noexcept> static int Notify(llhttp_t* p) {
        return ToErrno((From(p).handler.*member)());
    }

    template <Step (ParserHandler::*member)(std::string_view) noexcept>
    static int Data(llhttp_t* p, const char* at, std::size_t length) {
        return ToErrno((From(p).handler.*member)(std::string_view(at, length)));
    }

    static int HeadersComplete(llhttp_t* p) {
        Impl& impl = From(p);
        // llhttp counts content_length down while reading the body; keep the
        // declared value for the handler.
        impl.owner.declared_length_ = p->content_length;
        return ToErrno(impl.handler.OnHeadersComplete());
    }

    Impl(ParserHandler& h, HttpParser& o) : handler(h), owner(o) {
        llhttp_settings_init(&settings);
        settings.on_message_begin = &Notify<&ParserHandler::OnMessageBegin>;
        settings.on_url = &Data<&ParserHandler::OnUrl>;
        settings.on_header_field = &Data<&ParserHandler::OnHeaderField>;
        settings.on_header_value = &Data<&ParserHandler::OnHeaderValue>;
        settings.on_header_value_complete = &Notify<&ParserHandler::OnHeaderValueComplete>;
        settings.on_headers_complete = &HeadersComplete;
        settings.on_body = &Data<&ParserHandler::OnBody>;
        settings.on_message_complete = &Notify<&ParserHandler::OnMessageComplete>;
        Init();
    }

    void Init() {
        llhttp_init(&parser, HTTP_REQUEST, &settings);
        parser.data = this;
    }
};

HttpParser::HttpParser(ParserHandler& handler) : impl_(std::make_unique<Impl>(handler, *this)) {}

HttpParser::~HttpParser() = default;

ExecuteResult HttpParser::Execute(std::string_view data) noexcept {
    const llhttp_errno_t rc = llhttp_execute(&impl_->parser, data.data(), data.size());
    if (rc == HPE_OK)
        return {ExecuteResult::Status::ok, data.size(), nullptr};
    const char* pos = llhttp_get_error_pos(&impl_->parser);
    const std::size_t consumed = pos ? static_cast<std::size_t>(pos - data.data()) : data.size();
    if (rc == HPE_PAUSED)
        return {ExecuteResult::Status::paused, consumed, nullptr};
    if (rc == HPE_PAUSED_UPGRADE)
        return {ExecuteResult::Status::error, consumed, "protocol upgrades are not supported"};
    return {ExecuteResult::Status::error, consumed, llhttp_get_error_reason(&impl_->parser)};
}

void HttpParser::Resume() noexcept {
    llhttp_resume(&impl_->parser);
}

void HttpParser::Reset() noexcept {
    impl_->Init();
}

std::string_view HttpParser::Method() const noexcept {
    return llhttp_method_name(static_cast<llhttp_method_t>(impl_->parser.method));
}

unsigned HttpParser::VersionMajor() const noexcept {
    return impl_->parser.http_major;
}

unsigned HttpParser::VersionMinor() const noexcept {
    return impl_->parser.http_minor;
}

bool HttpParser::ShouldKeepAlive() const noexcept {
    return llhttp_should_keep_alive(&impl_->parser) != 0;
}

bool HttpParser::IsChunked() const noexcept {
    return (impl_->parser.flags & F_CHUNKED) != 0;
}

bool HttpParser::HasContentLength() const noexcept {
    return (impl_->parser.flags & F_CONTENT_LENGTH) != 0;
}

std::uint64_t HttpParser::ContentLength() const noexcept {
    return declared_length_;
}

bool HttpParser::IsUpgrade() const noexcept {
    return impl_->parser.upgrade != 0;
}

} // namespace sealpost::llhttp
