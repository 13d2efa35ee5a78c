// Owning handles for libcurl objects: a CURL easy handle and a curl_slist,
// each a unique_ptr with its deleter, so every exit path releases them. Used
// only inside src/lib/curl/, the one folder that includes <curl/curl.h>.
// A handle belongs to the thread that uses it; libcurl forbids sharing one
// easy handle between threads at the same time.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace sealpost::curl {

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};

struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

using UniqueCurl = std::unique_ptr<CURL, EasyDeleter>;
using UniqueSlist = std::unique_ptr<curl_slist, SlistDeleter>;

/// A new easy handle; throws std::runtime_error when libcurl cannot make one.
/// Calls GlobalInit() first.
UniqueCurl NewEasy();

/// Appends text to the list (which may be empty); throws std::bad_alloc.
void SlistAppend(UniqueSlist& list, const char* text);

} // namespace sealpost::curl
