#include "lib/curl/Unique.hxx"
#include "lib/curl/Global.hxx"

#include <new>
#include <stdexcept>

namespace sealpost::curl {

UniqueCurl NewEasy() {
    GlobalInit();
    UniqueCurl handle(curl_easy_init());
    if (!handle)
        throw std::runtime_error("curl_easy_init failed");
    return handle;
}

void SlistAppend(UniqueSlist& list, const char* text) {
    curl_slist* appended = curl_slist_append(list.get(), text);
    if (appended == nullptr)
        throw std::bad_alloc();
    // curl_slist_append returns the head of the list, which is unchanged
    // unless the list was empty.
    if (!list)
        list.reset(appended);
}

} // namespace sealpost::curl
