#include "age/Stanza.hxx"

#include "util/Base64.hxx"

namespace sealpost::age {

std::string Stanza::Format() const {
    std::string out = "->";
    for (const auto& argument : arguments) {
        out += ' ';
        out += argument;
    }
    out += '\n';
    const std::string encoded = Base64Encode(body, Base64Alphabet::standard, false);
    // Full 64-column lines, then a shorter final line, which is empty when the
    // encoding is a multiple of 64 characters long.
    std::size_t position = 0;
    for (; encoded.size() - position >= 64; position += 64) {
        out.append(encoded, position, 64);
        out += '\n';
    }
    out.append(encoded, position, std::string::npos);
    out += '\n';
    return out;
}

} // namespace sealpost::age
