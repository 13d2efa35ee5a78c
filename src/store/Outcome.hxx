// What a storage operation came to, in the store's own words; the routes
// (tus/, download/, transfer/) map these to HTTP statuses. Plain values.
#pragma once

#include <string_view>

namespace sealpost::store {

enum class Outcome {
    ok,
    not_found,         ///< no such transfer or file
    not_open,          ///< the transfer no longer takes uploads (provided or gone)
    gone,              ///< revoked, expired or deleted
    complete_already,  ///< the file is already complete
    incomplete,        ///< submit: a file is still uploading
    empty,             ///< submit: neither a file nor a message
    over_quota,        ///< beyond the transfer's size limit
    no_space,          ///< the disk is (nearly) full
    checksum_mismatch, ///< tus Upload-Checksum did not match
    busy,              ///< too much password work queued: try again later
    failed,            ///< an I/O or internal error (logged)
};

std::string_view Describe(Outcome outcome) noexcept;

} // namespace sealpost::store
