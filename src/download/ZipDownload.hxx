// "Download all as ZIP": a stored (uncompressed) archive of a transfer's
// files plus message.txt, streamed with an exact Content-Length computed from
// the index (sizes and CRC-32 kept since upload), entry contents decrypted
// piece by piece on the threadpool as the client reads. Loop thread.
#pragma once

#include "store/Storage.hxx"

namespace sealpost::http {
class Exchange;
struct Metrics;
} // namespace sealpost::http

namespace sealpost::download {

void SendZip(store::Storage& storage, http::Metrics& metrics, http::Exchange& ex,
             const store::TransferRecord& transfer, store::Identity identity);

} // namespace sealpost::download
