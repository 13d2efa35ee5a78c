#include "lib/curl/Global.hxx"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>

namespace sealpost::curl {

void GlobalInit() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK)
        throw std::runtime_error(std::string("curl_global_init: ") + curl_easy_strerror(result));
}

} // namespace sealpost::curl
