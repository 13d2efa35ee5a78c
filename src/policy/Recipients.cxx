#include "policy/Recipients.hxx"

#include <algorithm>

namespace sealpost {

namespace {

bool IsHardSeparator(char c) noexcept {
    return c == ',' || c == ';' || c == '\n' || c == '\r';
}

bool IsSpace(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

void AddValid(ParsedRecipients& out, const EmailAddress& address) {
    const bool seen = std::any_of(out.addresses.begin(), out.addresses.end(),
                                  [&](const EmailAddress& a) { return a.SameMailbox(address); });
    if (!seen)
        out.addresses.push_back(address);
}

void AddInvalid(ParsedRecipients& out, std::string entry, AddressError error) {
    const bool seen = std::any_of(out.invalid.begin(), out.invalid.end(),
                                  [&](const InvalidRecipient& r) { return r.entry == entry; });
    if (!seen)
        out.invalid.push_back(InvalidRecipient{std::move(entry), std::move(error)});
}

void AddEntry(ParsedRecipients& out, std::string_view entry) {
    AddressError error;
    if (auto address = EmailAddress::Parse(entry, &error))
        AddValid(out, *address);
    else
        AddInvalid(out, std::string(entry), std::move(error));
}

// Walks the text once. Words collected since the last address or separator are
// held as a possible display name; an <address> consumes them, anything else
// (a bare address, a separator, the end) turns them into invalid entries.
class RecipientScanner {
public:
    RecipientScanner(std::string_view text, ParsedRecipients& out) : text_(text), out_(out) {}

    void Run() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (IsHardSeparator(c)) {
                FlushPending();
                ++pos_;
            } else if (IsSpace(c)) {
                ++pos_;
            } else if (c == '"') {
                QuotedName();
            } else if (c == '<') {
                AngleAddress();
            } else {
                Word();
            }
        }
        FlushPending();
    }

private:
    void FlushPending() {
        for (const std::string_view word : pending_) {
            if (word.front() == '"')
                AddInvalid(out_, std::string(word),
                           {"missing_address", "a quoted name must be followed by <address>"});
            else
                AddEntry(out_, word);
        }
        pending_.clear();
    }

    void Word() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && !IsHardSeparator(text_[pos_]) && !IsSpace(text_[pos_]) &&
               text_[pos_] != '<' && text_[pos_] != '"')
            ++pos_;
        const std::string_view word = text_.substr(start, pos_ - start);
        if (word.find('@') != word.npos) {
            FlushPending();
            AddEntry(out_, word);
        } else {
            pending_.push_back(word);
        }
    }

    void QuotedName() {
        const std::size_t start = pos_++;
        while (pos_ < text_.size() && text_[pos_] != '"')
            pos_ += text_[pos_] == '\\' ? 2 : 1;
        if (pos_ >= text_.size()) {
            FlushPending();
            AddInvalid(out_, std::string(text_.substr(start)),
                       {"unterminated_quote", "a quoted name has no closing \""});
            pos_ = text_.size();
            return;
        }
        ++pos_;
        pending_.push_back(text_.substr(start, pos_ - start));
    }

    void AngleAddress() {
        const std::size_t start = pos_;
        const std::size_t close = text_.find('>', start);
        const std::size_t next_open = text_.find('<', start + 1);
        if (close == text_.npos || (next_open != text_.npos && next_open < close)) {
            std::size_t end = start;
            while (end < text_.size() && !IsHardSeparator(text_[end]))
                ++end;
            FlushPending();
            AddInvalid(out_, std::string(text_.substr(start, end - start)),
                       {"unterminated_angle", "an address in <…> has no closing >"});
            pos_ = end;
            return;
        }
        // The name before <address> is accepted and not kept.
        pending_.clear();
        std::string_view inner = text_.substr(start + 1, close - start - 1);
        while (!inner.empty() && IsSpace(inner.front()))
            inner.remove_prefix(1);
        while (!inner.empty() && IsSpace(inner.back()))
            inner.remove_suffix(1);
        if (inner.empty())
            AddInvalid(out_, "<>", {"empty", "the address is empty"});
        else
            AddEntry(out_, inner);
        pos_ = close + 1;
    }

    std::string_view text_;
    ParsedRecipients& out_;
    std::size_t pos_ = 0;
    std::vector<std::string_view> pending_;
};

} // namespace

ParsedRecipients ParseRecipients(std::string_view text) {
    ParsedRecipients out;
    RecipientScanner{text, out}.Run();
    return out;
}

ParsedRecipients ParseRecipients(std::span<const std::string> items) {
    ParsedRecipients out;
    for (const std::string& item : items)
        RecipientScanner{item, out}.Run();
    return out;
}

void MergeRecipients(ParsedRecipients& into, const ParsedRecipients& more) {
    for (const EmailAddress& address : more.addresses)
        AddValid(into, address);
    for (const InvalidRecipient& r : more.invalid)
        AddInvalid(into, r.entry, r.error);
}

} // namespace sealpost
