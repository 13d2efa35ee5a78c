#include "KeyProblems.hxx"

#include <fmt/format.h>

namespace sealpost {

void KeyProblems::Add(std::string_view message) {
    out_.push_back(fmt::format("{}: {}", key_, message));
    ++count_;
}

void KeyProblems::AddAt(std::size_t index, std::string_view message) {
    out_.push_back(fmt::format("{}[{}]: {}", key_, index, message));
    ++count_;
}

void KeyProblems::AddAt(std::string_view entry, std::string_view message) {
    out_.push_back(fmt::format("{}.\"{}\": {}", key_, entry, message));
    ++count_;
}

} // namespace sealpost
