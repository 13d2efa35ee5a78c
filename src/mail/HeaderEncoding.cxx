#include "mail/HeaderEncoding.hxx"

#include "policy/Utf8.hxx"
#include "util/Base64.hxx"

#include <algorithm>

namespace sealpost {

namespace {

constexpr std::string_view kEncodedPrefix = "=?UTF-8?B?";
constexpr std::string_view kEncodedSuffix = "?=";

// Builds one header field token by token. Every token but a glued one is
// preceded by a single space, which is where the field may be folded.
class FoldedField {
public:
    explicit FoldedField(std::string_view name) : out_(name) {
        out_ += ':';
        line_length_ = out_.size();
    }

    /// Adds a space and `token`, folding first if the line would grow past
    /// 78 characters and there is something on it to fold after.
    void AddWord(std::string_view token) {
        if (line_length_ + 1 + token.size() > kMaxHeaderLine && line_has_token_)
            Fold();
        out_ += ' ';
        out_ += token;
        line_length_ += 1 + token.size();
        line_has_token_ = true;
        overflowed_ |= line_length_ > kMaxHeaderLine;
    }

    /// Adds `token` directly after the previous one.
    void AddGlued(std::string_view token) {
        out_ += token;
        line_length_ += token.size();
        overflowed_ |= line_length_ > kMaxHeaderLine;
    }

    /// Adds `text` (valid UTF-8) as encoded-words sized to the room left on
    /// each line and never splitting a character.
    void AddEncodedWords(std::string_view text) {
        while (!text.empty()) {
            const std::size_t take = FittingPrefix(text, RoomForEncodedWord());
            if (take == 0) {
                // Nothing fits on this line: start a new one, where at least
                // 45 bytes always fit.
                Fold();
                continue;
            }
            AddWord(EncodedWord(text.substr(0, take)));
            text.remove_prefix(take);
        }
    }

    bool Overflowed() const noexcept { return overflowed_; }

    std::string Finish() && {
        out_ += "\r\n";
        return std::move(out_);
    }

private:
    void Fold() {
        out_ += "\r\n";
        line_length_ = 0;
        line_has_token_ = false;
    }

    // How many bytes an encoded-word placed next on this line may carry.
    std::size_t RoomForEncodedWord() const noexcept {
        const std::size_t room =
            std::min(kMaxEncodedWord,
                     kMaxHeaderLine > line_length_ + 1 ? kMaxHeaderLine - line_length_ - 1 : 0);
        const std::size_t overhead = kEncodedPrefix.size() + kEncodedSuffix.size();
        return room > overhead ? (room - overhead) / 4 * 3 : 0;
    }

    // The longest prefix of at most `max_bytes` bytes made of whole characters.
    static std::size_t FittingPrefix(std::string_view text, std::size_t max_bytes) {
        std::size_t taken = 0;
        while (taken < text.size()) {
            std::size_t length = utf8::SequenceLength(text.substr(taken));
            if (length == 0)
                length = 1;
            if (taken + length > max_bytes)
                break;
            taken += length;
        }
        return taken;
    }

    static std::string EncodedWord(std::string_view bytes) {
        std::string word(kEncodedPrefix);
        word += Base64Encode(bytes);
        word += kEncodedSuffix;
        return word;
    }

    std::string out_;
    std::size_t line_length_ = 0;
    bool line_has_token_ = false;
    bool overflowed_ = false;
};

bool IsPrintableAscii(char c) noexcept {
    return c >= 0x20 && c <= 0x7e;
}

// Text that can be written as it is: printable ASCII, single spaces between
// words and none at either end (so folding at spaces loses nothing), and no
// "=?" that a decoder could mistake for an encoded-word.
bool CanWritePlain(std::string_view text) {
    return std::all_of(text.begin(), text.end(), IsPrintableAscii) &&
           text.find("=?") == text.npos && text.find("  ") == text.npos &&
           (text.empty() || (text.front() != ' ' && text.back() != ' '));
}

void AddMailbox(FoldedField& field, const Mailbox& mailbox) {
    const std::string name = SanitizeHeaderText(mailbox.display_name);
    const std::string address = "<" + mailbox.address.ToString() + ">";
    if (name.empty()) {
        field.AddWord(address);
        return;
    }
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    if (CanWritePlain(name) && quoted.size() + address.size() + 2 <= kMaxHeaderLine)
        field.AddWord(quoted);
    else
        field.AddEncodedWords(name);
    field.AddWord(address);
}

} // namespace

std::string SanitizeHeaderText(std::string_view text) {
    // Runs of control characters collapse into one space.
    std::u32string clean;
    bool previous_control = false;
    for (char32_t c : utf8::Decode(text)) {
        const bool control = utf8::IsControl(c);
        if (!control || !previous_control)
            clean.push_back(control ? U' ' : c);
        previous_control = control;
    }
    return utf8::Encode(clean);
}

bool IsValidHeaderName(std::string_view name) noexcept {
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](char c) { return c > 0x20 && c < 0x7f && c != ':'; });
}

std::string RenderUnstructuredHeader(std::string_view name, std::string_view value) {
    const std::string text = SanitizeHeaderText(value);
    if (CanWritePlain(text)) {
        FoldedField field{name};
        for (std::size_t start = 0; start < text.size();) {
            std::size_t end = text.find(' ', start);
            if (end == text.npos)
                end = text.size();
            field.AddWord(std::string_view{text}.substr(start, end - start));
            start = end + 1;
        }
        if (!field.Overflowed())
            return std::move(field).Finish();
    }
    FoldedField field{name};
    field.AddEncodedWords(text);
    return std::move(field).Finish();
}

std::string RenderAddressHeader(std::string_view name, std::span<const Mailbox> mailboxes) {
    FoldedField field{name};
    for (std::size_t i = 0; i < mailboxes.size(); ++i) {
        if (i > 0)
            field.AddGlued(",");
        AddMailbox(field, mailboxes[i]);
    }
    return std::move(field).Finish();
}

} // namespace sealpost
