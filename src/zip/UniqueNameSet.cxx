#include "zip/UniqueNameSet.hxx"

#include "zip/FileNameSanitizer.hxx"
#include "zip/Utf8.hxx"

namespace sealpost {

bool UniqueNameSet::Reserve(std::string_view name) {
    return taken_.insert(zip_utf8::FoldCase(name)).second;
}

bool UniqueNameSet::Contains(std::string_view name) const {
    return taken_.contains(zip_utf8::FoldCase(name));
}

std::string UniqueNameSet::Add(std::string_view raw_name) {
    std::string name = SanitizeFileName(raw_name);
    std::string key = zip_utf8::FoldCase(name);
    if (taken_.insert(key).second)
        return name;

    const FileNameParts parts = SplitExtension(name);
    unsigned& number = next_number_.try_emplace(std::move(key), 2).first->second;
    for (;; ++number) {
        std::string candidate =
            JoinFileName(parts.stem, " (" + std::to_string(number) + ")", parts.extension);
        if (taken_.insert(zip_utf8::FoldCase(candidate)).second) {
            ++number;
            return candidate;
        }
    }
}

} // namespace sealpost
